#include "http/dispatcher.hpp"

#include <gtest/gtest.h>

namespace telehealth::http {
namespace {

TEST(SessionCookie, FindsHostPrefixedCookie) {
  EXPECT_EQ(session_cookie("a=1; __Host-session=tok123; b=2"), "tok123");
  EXPECT_EQ(session_cookie("__Host-session=tok123"), "tok123");
}

TEST(SessionCookie, IgnoresLookalikeNames) {
  EXPECT_EQ(session_cookie("x__Host-session=evil"), "");
  EXPECT_EQ(session_cookie("__Host-sessionx=evil"), "");
  EXPECT_EQ(session_cookie(""), "");
}

TEST(SessionSetCookie, CarriesSecurityAttributes) {
  const auto cookie = session_set_cookie("tok", std::chrono::hours(12));
  EXPECT_NE(cookie.find("__Host-session=tok;"), std::string::npos);
  EXPECT_NE(cookie.find("Secure"), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_NE(cookie.find("Max-Age=43200"), std::string::npos);
}

TEST(SessionSetCookie, EmptyTokenClearsCookie) {
  EXPECT_NE(session_set_cookie("", std::chrono::hours(12)).find("Max-Age=0"), std::string::npos);
}

TEST(ErrorResponse, InternalErrorHidesDetail) {
  const core::Error error(core::ErrorKind::internal, "boom", {}, "SQLSTATE 42P01: relation");
  const auto response = error_response(error, "abc");
  EXPECT_EQ(response.status, 500u);
  EXPECT_EQ(response.body.find("SQLSTATE"), std::string::npos);
  EXPECT_EQ(response.body.find("boom"), std::string::npos);
  EXPECT_NE(response.body.find("\"request_id\":\"abc\""), std::string::npos);
}

TEST(ErrorResponse, FieldErrorNamesField) {
  const core::Error error(core::ErrorKind::unacceptable, "dose: must not be empty", "dose");
  const auto response = error_response(error, "abc");
  EXPECT_EQ(response.status, 422u);
  EXPECT_NE(response.body.find("\"field\":\"dose\""), std::string::npos);
}

}  // namespace
}  // namespace telehealth::http
