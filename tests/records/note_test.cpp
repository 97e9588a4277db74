#include "records/note.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "records/text.hpp"

namespace telehealth::records {
namespace {

// Returns the field of the unacceptable error normalize_note throws, or "".
std::string rejected_field(std::string_view note) {
  try {
    normalize_note(note);
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable);
    return error.field();
  }
  return "";
}

TEST(NormalizeNote, TrimsSurroundingWhitespace) {
  EXPECT_EQ(normalize_note("\n  Chest clear.\r\n Review in 2 weeks.\t "),
            "Chest clear.\r\n Review in 2 weeks.");
}

TEST(NormalizeNote, RejectsEmptyAndBlank) {
  EXPECT_EQ(rejected_field(""), "note");
  EXPECT_EQ(rejected_field(" "), "note");
  EXPECT_EQ(rejected_field("\t\r\n\f\v "), "note");
}

TEST(NormalizeNote, AcceptsOneCharacter) { EXPECT_EQ(normalize_note(" x "), "x"); }

TEST(NormalizeNote, LengthCountsCharactersAfterTrimming) {
  const std::string at_limit(kMaxNoteCharacters, 'a');
  EXPECT_EQ(rejected_field(at_limit), "");
  EXPECT_EQ(rejected_field("   " + at_limit + "\n\n"), "");
  EXPECT_EQ(rejected_field(at_limit + "a"), "note");
}

TEST(NormalizeNote, MultibyteCharactersCountOnce) {
  // U+00E9 takes two bytes and U+1F600 four; each is one character.
  std::string two_byte;
  for (std::size_t i = 0; i < kMaxNoteCharacters; ++i) two_byte += "\xC3\xA9";
  EXPECT_EQ(rejected_field(two_byte), "");

  std::string four_byte;
  for (std::size_t i = 0; i <= kMaxNoteCharacters; ++i) four_byte += "\xF0\x9F\x98\x80";
  EXPECT_EQ(rejected_field(four_byte), "note");
}

TEST(CountCharacters, CountsCodePoints) {
  EXPECT_EQ(count_characters(""), 0u);
  EXPECT_EQ(count_characters("abc"), 3u);
  EXPECT_EQ(count_characters("caf\xC3\xA9"), 4u);
  EXPECT_EQ(count_characters("\xE2\x82\xAC\xF0\x9F\x98\x80"), 2u);
}

}  // namespace
}  // namespace telehealth::records
