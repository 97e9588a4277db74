#include "core/text.hpp"

#include <gtest/gtest.h>

namespace telehealth::core {
namespace {

TEST(SanitizeUtf8, KeepsValidText) {
  EXPECT_EQ(sanitize_utf8("Mozilla/5.0 (X11) \xC3\xA9\xE2\x82\xAC", 256),
            "Mozilla/5.0 (X11) \xC3\xA9\xE2\x82\xAC");
}

TEST(SanitizeUtf8, ReplacesInvalidBytes) {
  EXPECT_EQ(sanitize_utf8("a\xFF" "b", 256), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(sanitize_utf8("\xC0\xAF", 256), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80", 256),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // UTF-16 surrogate
}

TEST(SanitizeUtf8, CutsOnCharacterBoundary) {
  // "é" is two bytes; a 2-byte limit after "a" leaves room for "a" only.
  EXPECT_EQ(sanitize_utf8("a\xC3\xA9", 2), "a");
  EXPECT_EQ(sanitize_utf8("a\xC3\xA9", 3), "a\xC3\xA9");
}

TEST(SanitizeUtf8, TruncatedSequenceReplaced) {
  EXPECT_EQ(sanitize_utf8("a\xE2\x82", 256), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace telehealth::core
