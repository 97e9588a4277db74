#include "http/static_files.hpp"

#include <fstream>
#include <sstream>

namespace telehealth::http {

namespace {

// Content types for what Vite emits; anything else is served as bytes.
std::string content_type_for(const std::filesystem::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

bool is_within(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  const auto relative = candidate.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root)
    : root_(std::filesystem::weakly_canonical(std::move(root))) {}

std::optional<Response> StaticFiles::serve(const std::string& path) const {
  if (path.empty() || path.front() != '/' || path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos || path.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::filesystem::path relative = path.substr(1);
  if (relative.empty() || !relative.has_extension()) relative = "index.html";

  std::error_code error;
  const auto file = std::filesystem::weakly_canonical(root_ / relative, error);
  if (error || !is_within(root_, file) || !std::filesystem::is_regular_file(file, error)) {
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();

  Response response;
  response.content_type = content_type_for(file);
  response.body = bytes.str();
  // Vite puts content hashes in asset names, so those never change; the page
  // itself is revalidated every time so a new release is picked up.
  const bool hashed_asset = relative.string().rfind("assets/", 0) == 0;
  response.headers.emplace_back("Cache-Control",
                                hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  return response;
}

}  // namespace telehealth::http
