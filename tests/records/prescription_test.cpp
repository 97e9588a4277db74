#include "records/prescription.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "core/error.hpp"

namespace telehealth::records {
namespace {

nlohmann::json valid_body() {
  return {{"appointment_id", "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b"},
          {"drug", "amoxicillin"},
          {"strength", "500 mg"},
          {"form", "capsule"},
          {"dose", "1 capsule"},
          {"route", "oral"},
          {"frequency", "three times a day"},
          {"quantity", 21}};
}

struct Rejection {
  core::ErrorKind kind;
  std::string field;
  std::string message;
};

// Returns how parse_prescription rejects `body`; fails the test if it accepts it.
Rejection rejection_of(const nlohmann::json& body) {
  try {
    parse_prescription(body);
  } catch (const core::Error& error) {
    return {error.kind(), error.field(), error.client_message()};
  }
  ADD_FAILURE() << "accepted " << body.dump();
  return {core::ErrorKind::internal, "", ""};
}

nlohmann::json with(const std::string& field, nlohmann::json value) {
  auto body = valid_body();
  body[field] = std::move(value);
  return body;
}

TEST(ParsePrescription, ReadsValidBody) {
  const auto content = parse_prescription(valid_body());

  EXPECT_EQ(content.drug, "amoxicillin");
  EXPECT_EQ(content.strength, "500 mg");
  EXPECT_EQ(content.form, "capsule");
  EXPECT_EQ(content.dose, "1 capsule");
  EXPECT_EQ(content.route, "oral");
  EXPECT_EQ(content.frequency, "three times a day");
  EXPECT_EQ(content.quantity, 21);
}

TEST(ParsePrescription, EveryFormRoutePair) {
  const std::set<std::pair<std::string, std::string>> suitable = {
      {"tablet", "oral"},
      {"capsule", "oral"},
      {"oral solution", "oral"},
      {"inhaler", "inhalation"},
      {"cream", "topical"},
      {"injection", "subcutaneous"},
      {"injection", "intramuscular"},
      {"injection", "intravenous"},
  };

  for (const auto form : kDosageForms) {
    for (const auto route : kRoutesOfAdministration) {
      const std::pair<std::string, std::string> pair{form, route};
      const bool expected = suitable.count(pair) == 1;
      SCOPED_TRACE(pair.first + " by " + pair.second);

      EXPECT_EQ(route_suits_form(form, route), expected);
      auto body = valid_body();
      body["form"] = form;
      body["route"] = route;
      if (expected) {
        EXPECT_NO_THROW(parse_prescription(body));
      } else {
        const auto rejection = rejection_of(body);
        EXPECT_EQ(rejection.kind, core::ErrorKind::unacceptable);
        EXPECT_EQ(rejection.field, "route");
      }
    }
  }
}

TEST(ParsePrescription, MissingFieldIsInvalid) {
  for (const char* field : {"drug", "strength", "form", "dose", "route", "frequency", "quantity"}) {
    SCOPED_TRACE(field);
    auto body = valid_body();
    body.erase(field);

    const auto rejection = rejection_of(body);
    EXPECT_EQ(rejection.kind, core::ErrorKind::invalid_field);
    EXPECT_EQ(rejection.field, field);
    EXPECT_EQ(rejection.message, std::string(field) + ": is required");
  }
}

TEST(ParsePrescription, NullFieldIsMissing) {
  const auto rejection = rejection_of(with("dose", nullptr));

  EXPECT_EQ(rejection.kind, core::ErrorKind::invalid_field);
  EXPECT_EQ(rejection.field, "dose");
}

TEST(ParsePrescription, WrongTypeIsInvalid) {
  for (const char* field : {"drug", "strength", "form", "dose", "route", "frequency"}) {
    SCOPED_TRACE(field);
    const auto rejection = rejection_of(with(field, 12));
    EXPECT_EQ(rejection.kind, core::ErrorKind::invalid_field);
    EXPECT_EQ(rejection.field, field);
    EXPECT_EQ(rejection.message, std::string(field) + ": must be a string");
  }
  for (const nlohmann::json& quantity : {nlohmann::json("21"), nlohmann::json(2.5),
                                         nlohmann::json(true), nlohmann::json::array({21})}) {
    SCOPED_TRACE(quantity.dump());
    const auto rejection = rejection_of(with("quantity", quantity));
    EXPECT_EQ(rejection.kind, core::ErrorKind::invalid_field);
    EXPECT_EQ(rejection.field, "quantity");
  }
}

TEST(ParsePrescription, TypeErrorsBeforeValueErrors) {
  auto body = with("drug", "");
  body.erase("quantity");

  const auto rejection = rejection_of(body);
  EXPECT_EQ(rejection.kind, core::ErrorKind::invalid_field);
  EXPECT_EQ(rejection.field, "quantity");
}

TEST(ParsePrescription, BlankTextIsUnacceptable) {
  for (const char* field : {"drug", "strength", "dose", "frequency"}) {
    for (const char* blank : {"", "   ", "\t\n"}) {
      SCOPED_TRACE(std::string(field) + " = '" + blank + "'");
      const auto rejection = rejection_of(with(field, blank));
      EXPECT_EQ(rejection.kind, core::ErrorKind::unacceptable);
      EXPECT_EQ(rejection.field, field);
    }
  }
}

TEST(ParsePrescription, TextLengthBound) {
  // "é" is two bytes in UTF-8 but one character.
  std::string at_limit;
  for (std::size_t i = 0; i < kMaxPrescriptionTextCharacters; ++i) at_limit += "\xC3\xA9";
  const std::string over_limit(kMaxPrescriptionTextCharacters + 1, 'x');

  for (const char* field : {"drug", "strength", "dose", "frequency"}) {
    SCOPED_TRACE(field);
    EXPECT_NO_THROW(parse_prescription(with(field, at_limit)));
    const auto rejection = rejection_of(with(field, over_limit));
    EXPECT_EQ(rejection.kind, core::ErrorKind::unacceptable);
    EXPECT_EQ(rejection.field, field);
  }
}

TEST(ParsePrescription, TrimsTextFields) {
  const auto content = parse_prescription(with("drug", "  amoxicillin\n"));

  EXPECT_EQ(content.drug, "amoxicillin");
}

TEST(ParsePrescription, UnknownFormOrRouteUnacceptable) {
  for (const char* form : {"Tablet", "tablets", "patch", ""}) {
    SCOPED_TRACE(form);
    const auto rejection = rejection_of(with("form", form));
    EXPECT_EQ(rejection.kind, core::ErrorKind::unacceptable);
    EXPECT_EQ(rejection.field, "form");
  }
  for (const char* route : {"Oral", "rectal", "by mouth", ""}) {
    SCOPED_TRACE(route);
    const auto rejection = rejection_of(with("route", route));
    EXPECT_EQ(rejection.kind, core::ErrorKind::unacceptable);
    EXPECT_EQ(rejection.field, "route");
  }
}

TEST(ParsePrescription, QuantityBounds) {
  EXPECT_EQ(parse_prescription(with("quantity", 1)).quantity, 1);
  EXPECT_EQ(parse_prescription(with("quantity", kMaxQuantity)).quantity, kMaxQuantity);

  const nlohmann::json out_of_range[] = {0, -1, kMaxQuantity + 1, INT64_MIN,
                                         std::numeric_limits<std::uint64_t>::max()};
  for (const auto& quantity : out_of_range) {
    SCOPED_TRACE(quantity.dump());
    const auto rejection = rejection_of(with("quantity", quantity));
    EXPECT_EQ(rejection.kind, core::ErrorKind::unacceptable);
    EXPECT_EQ(rejection.field, "quantity");
    EXPECT_EQ(rejection.message, "quantity: must be between 1 and 10000");
  }
}

TEST(ParsePrescription, MessagesOmitSubmittedValues) {
  const std::string secret = "zz-distinctive-value";
  for (const char* field : {"form", "route"}) {
    const auto rejection = rejection_of(with(field, secret));
    EXPECT_EQ(rejection.message.find(secret), std::string::npos) << rejection.message;
  }
}

TEST(ParsePrescription, JsonRoundTrip) {
  const auto content = parse_prescription(valid_body());

  const auto again = parse_prescription(to_json(content));

  EXPECT_EQ(again.drug, content.drug);
  EXPECT_EQ(again.strength, content.strength);
  EXPECT_EQ(again.form, content.form);
  EXPECT_EQ(again.dose, content.dose);
  EXPECT_EQ(again.route, content.route);
  EXPECT_EQ(again.frequency, content.frequency);
  EXPECT_EQ(again.quantity, content.quantity);
  EXPECT_FALSE(to_json(content).contains("appointment_id"));
}

}  // namespace
}  // namespace telehealth::records
