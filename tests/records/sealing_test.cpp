#include "records/sealing.hpp"

#include <gtest/gtest.h>

#include "crypto/aead.hpp"
#include "crypto/keyring.hpp"

namespace telehealth::records {
namespace {

const std::string kEncounter = "2f0a8c1e-7b3d-4c5e-9f1a-0d2b3c4e5f60";
const std::string kOtherEncounter = "9a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";

TEST(Sealing, AssociatedDataNamesTableColumnAndRow) {
  EXPECT_EQ(patient_key_associated_data("p-1"), "patient_keys:p-1");
  EXPECT_EQ(note_associated_data("e-1"), "encounters.note:e-1");
  EXPECT_EQ(prescription_associated_data("r-1"), "prescriptions.content:r-1");
}

TEST(Sealing, NoteRoundTrip) {
  const auto key = crypto::new_data_key();
  const std::string note = "Mild wheeze; salbutamol as needed.";

  const auto sealed = seal_note(key, kEncounter, note);

  EXPECT_EQ(open_note(key, kEncounter, sealed), note);
  const std::string stored(sealed.begin(), sealed.end());
  EXPECT_EQ(stored.find("wheeze"), std::string::npos);
}

TEST(Sealing, NoteForOtherRowFailsToOpen) {
  const auto key = crypto::new_data_key();
  const auto sealed = seal_note(key, kEncounter, "note text");

  EXPECT_THROW(open_note(key, kOtherEncounter, sealed), crypto::DecryptError);
}

TEST(Sealing, NoteUnderOtherKeyFailsToOpen) {
  const auto sealed = seal_note(crypto::new_data_key(), kEncounter, "note text");

  EXPECT_THROW(open_note(crypto::new_data_key(), kEncounter, sealed), crypto::DecryptError);
}

TEST(Sealing, PrescriptionRoundTrip) {
  const auto key = crypto::new_data_key();
  const PrescriptionContent content{"salbutamol", "100 micrograms", "inhaler", "2 puffs",
                                    "inhalation", "when needed", 1};

  const auto sealed = seal_prescription(key, kEncounter, content);
  const auto opened = open_prescription(key, kEncounter, sealed);

  EXPECT_EQ(opened.drug, "salbutamol");
  EXPECT_EQ(opened.route, "inhalation");
  EXPECT_EQ(opened.quantity, 1);
  EXPECT_THROW(open_prescription(key, kOtherEncounter, sealed), crypto::DecryptError);
}

TEST(Sealing, NoteSealedAsPrescriptionFailsToOpen) {
  const auto key = crypto::new_data_key();
  const auto sealed = seal_note(key, kEncounter, "{}");

  EXPECT_THROW(open_prescription(key, kEncounter, sealed), crypto::DecryptError);
}

}  // namespace
}  // namespace telehealth::records
