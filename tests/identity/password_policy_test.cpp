#include "identity/password_policy.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "identity/users.hpp"

namespace telehealth::identity {
namespace {

// Returns the client message of the invalid_field error, or "" if accepted.
std::string rejection(std::string_view password, const std::vector<std::string>& context = {}) {
  try {
    check_new_password(password, context);
    return {};
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::invalid_field);
    EXPECT_EQ(error.field(), "password");
    return error.client_message();
  }
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  EXPECT_NE(rejection("elevenchars"), "");
  EXPECT_EQ(rejection("twelve chars"), "");
  // Eleven characters in 22 bytes is still too short; twelve is enough.
  EXPECT_NE(rejection("ééééééééééé"), "");
  EXPECT_EQ(rejection("ééééééééééée"), "");
}

TEST(PasswordPolicy, RejectsListedPasswordsInAnyCase) {
  EXPECT_TRUE(is_common_password("1qaz2wsx3edc"));
  EXPECT_TRUE(is_common_password("1QAZ2WSX3EDC"));
  EXPECT_FALSE(is_common_password("heron lantern quietly"));
  EXPECT_NE(rejection("1Qaz2Wsx3Edc").find("too common"), std::string::npos);
}

TEST(PasswordPolicy, RejectsACommonWordPaddedWithDigitsAndSymbols) {
  EXPECT_NE(rejection("Password2026!").find("too common"), std::string::npos);
  EXPECT_NE(rejection("!!!123sunshine123").find("too common"), std::string::npos);
  EXPECT_NE(rejection("aaaaaaaaaaaaaaaa").find("too common"), std::string::npos);
}

TEST(PasswordPolicy, RejectsContextWords) {
  const auto words = context_words("m.oyelaran@clinic.example", "Dr Mariam Oyelaran");
  EXPECT_NE(rejection("oyelaran-is-my-name", words).find("must not contain"), std::string::npos);
  EXPECT_NE(rejection("my telehealth login", {}).find("must not contain"), std::string::npos);
  // Words shorter than four characters ("dr", "m") are not checked.
  EXPECT_EQ(rejection("drum machine melody", words), "");
}

TEST(PasswordPolicy, RejectsInvalidUtf8AndOverlongInput) {
  EXPECT_NE(rejection(std::string("valid start \xff\xfe end")), "");
  EXPECT_NE(rejection(std::string(1025, 'x') + "y"), "");
}

}  // namespace
}  // namespace telehealth::identity
