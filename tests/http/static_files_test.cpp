#include "http/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace telehealth::http {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("th-static-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(root_ / "site" / "assets");
    std::ofstream(root_ / "site" / "index.html") << "<html>app</html>";
    std::ofstream(root_ / "site" / "assets" / "app-1234.js") << "console.log(1)";
    std::ofstream(root_ / "secret.txt") << "outside the root";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
};

TEST_F(StaticFilesTest, ServesIndexForAppRoutes) {
  const StaticFiles files(root_ / "site");
  const auto response = files.serve("/appointments");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "<html>app</html>");
  EXPECT_EQ(response->content_type, "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, ServesHashedAssetImmutable) {
  const StaticFiles files(root_ / "site");
  const auto response = files.serve("/assets/app-1234.js");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(response->headers.at(0).second, "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, RejectsTraversal) {
  const StaticFiles files(root_ / "site");
  EXPECT_FALSE(files.serve("/../secret.txt"));
  EXPECT_FALSE(files.serve("/assets/../../secret.txt"));
  EXPECT_FALSE(files.serve("/%2e%2e/secret.txt"));
}

TEST_F(StaticFilesTest, RejectsSymlinkLeavingRoot) {
  std::filesystem::create_symlink(root_ / "secret.txt", root_ / "site" / "leak.txt");
  const StaticFiles files(root_ / "site");
  EXPECT_FALSE(files.serve("/leak.txt"));
}

TEST_F(StaticFilesTest, MissingFileIsNotFound) {
  const StaticFiles files(root_ / "site");
  EXPECT_FALSE(files.serve("/missing.css"));
}

}  // namespace
}  // namespace telehealth::http
