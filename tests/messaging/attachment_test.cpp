#include "messaging/attachment.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"

namespace telehealth::messaging {
namespace {

std::string field_of_rejection(const std::function<void()>& call) {
  try {
    call();
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable);
    return error.field();
  }
  return "accepted";
}

crypto::ByteView bytes_of(const std::string& text) { return crypto::as_byte_view(text); }

TEST(AttachmentTest, AllowListOfContentTypes) {
  for (const char* allowed : {"application/pdf", "image/png", "image/jpeg", "text/plain"}) {
    EXPECT_NO_THROW(require_allowed_content_type(allowed)) << allowed;
  }
  for (const char* refused : {"text/html", "image/svg+xml", "application/octet-stream", "TEXT/PLAIN",
                              "text/plain; charset=utf-8", ""}) {
    EXPECT_EQ(field_of_rejection([&] { require_allowed_content_type(refused); }), "content_type")
        << refused;
  }
}

TEST(AttachmentTest, ContentMustMatchType) {
  EXPECT_NO_THROW(require_acceptable_content("application/pdf", bytes_of("%PDF-1.7\n...")));
  EXPECT_NO_THROW(require_acceptable_content("image/jpeg", bytes_of("\xFF\xD8\xFF\xE0rest")));
  EXPECT_NO_THROW(require_acceptable_content("image/png", bytes_of("\x89PNG\r\n\x1A\nrest")));
  EXPECT_NO_THROW(require_acceptable_content("text/plain", bytes_of("Grüße, 10 mg\n")));

  EXPECT_EQ(field_of_rejection([] { require_acceptable_content("application/pdf", bytes_of("<html>")); }),
            "data");
  EXPECT_EQ(field_of_rejection([] { require_acceptable_content("image/png", bytes_of("%PDF-1.7")); }),
            "data");
  EXPECT_EQ(field_of_rejection(
                [] { require_acceptable_content("text/plain", bytes_of(std::string("a\0b", 3))); }),
            "data");
  EXPECT_EQ(field_of_rejection([] { require_acceptable_content("text/plain", bytes_of("\xC0\xAF")); }),
            "data");
  EXPECT_EQ(field_of_rejection([] { require_acceptable_content("text/plain", bytes_of("")); }),
            "data");
}

TEST(AttachmentTest, SizeLimitIsFiveMebibytes) {
  const std::string at_limit(kMaxAttachmentBytes, 'a');
  EXPECT_NO_THROW(require_acceptable_content("text/plain", bytes_of(at_limit)));
  const std::string over(kMaxAttachmentBytes + 1, 'a');
  EXPECT_EQ(field_of_rejection([&] { require_acceptable_content("text/plain", bytes_of(over)); }),
            "data");
}

TEST(AttachmentTest, FilenameNormalized) {
  EXPECT_EQ(normalize_filename("  results.pdf \n"), "results.pdf");
  EXPECT_EQ(normalize_filename("<script>x</script>.png"), "<script>x</script>.png");
  EXPECT_EQ(field_of_rejection([] { normalize_filename(" \t "); }), "filename");
  EXPECT_EQ(field_of_rejection([] { normalize_filename("a\x07.png"); }), "filename");
  EXPECT_EQ(field_of_rejection([] { normalize_filename(std::string(256, 'a')); }), "filename");
  EXPECT_EQ(normalize_filename(std::string(255, 'a')), std::string(255, 'a'));
}

// Characters that hide or reorder part of a name: C1 controls and the
// Unicode bidirectional formatting characters. Other non-ASCII text stays.
TEST(AttachmentTest, FilenameHiddenControlsRejected) {
  for (const char* name : {"scan\u202Efdp.exe", "scan\u2067x.pdf", "scan\u200Fx.pdf",
                           "scan\u061Cx.pdf", "scan\u0085x.pdf", "scan\u009Bx.pdf"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(field_of_rejection([&] { normalize_filename(name); }), "filename");
  }
  EXPECT_EQ(normalize_filename("r\u00E9sultats \u2014 \u8840\u6DB2.pdf"),
            "r\u00E9sultats \u2014 \u8840\u6DB2.pdf");
}

TEST(AttachmentTest, ContentDispositionSanitised) {
  EXPECT_EQ(content_disposition("results.pdf"),
            "attachment; filename=\"results.pdf\"; filename*=UTF-8''results.pdf");
  EXPECT_EQ(content_disposition("a\"; filename=evil.html"),
            "attachment; filename=\"a__ filename_evil.html\"; "
            "filename*=UTF-8''a%22%3B%20filename%3Devil.html");
  EXPECT_EQ(content_disposition("../../etc/passwd"),
            "attachment; filename=\".._.._etc_passwd\"; filename*=UTF-8''.._.._etc_passwd");
  EXPECT_EQ(content_disposition("Ärztebrief.pdf"),
            "attachment; filename=\"_rztebrief.pdf\"; filename*=UTF-8''%C3%84rztebrief.pdf");
}

}  // namespace
}  // namespace telehealth::messaging
