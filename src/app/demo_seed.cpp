#include <iomanip>
#include <iostream>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "core/time.hpp"
#include "crypto/random.hpp"
#include "db/connection.hpp"
#include "db/transaction.hpp"
#include "identity/users.hpp"

namespace telehealth::app {

namespace {

// Demo only: one shared password so a person can try every role quickly.
// It is printed, never used outside a demo database.
constexpr const char* kDemoPassword = "demo-password-2026";

struct DemoPerson {
  const char* email;
  const char* name;
  identity::Role role;
};

// Invented people; any likeness to real persons is accidental.
constexpr DemoPerson kPeople[] = {
    {"admin@demo.telehealth.test", "Morgan Reyes", identity::Role::admin},
    {"amara.okafor@demo.telehealth.test", "Dr Amara Okafor", identity::Role::clinician},
    {"tomasz.nowak@demo.telehealth.test", "Dr Tomasz Nowak", identity::Role::clinician},
    {"priya.raman@demo.telehealth.test", "Priya Raman", identity::Role::patient},
    {"elliot.hughes@demo.telehealth.test", "Elliot Hughes", identity::Role::patient},
    {"sofia.marquez@demo.telehealth.test", "Sofia Marquez", identity::Role::patient},
};

// Publishes 15-minute slots for the next two hours, from the start of the
// current 5-minute period, so the first one can be joined straight away.
void publish_demo_slots(db::Connection& connection, const std::string& clinician_id) {
  const auto now = core::SystemClock().now();
  const auto first = now - (now.time_since_epoch() % std::chrono::minutes(5));
  db::Transaction tx(connection);
  for (int i = 0; i < 8; ++i) {
    const auto starts = first + std::chrono::minutes(15 * i);
    tx.exec(
        "INSERT INTO availability_slots (id, clinician_id, starts_at, ends_at)"
        " SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM availability_slots"
        " WHERE clinician_id = $2 AND tstzrange(starts_at, ends_at) && tstzrange($3, $4))",
        {crypto::new_uuid(), clinician_id, core::format_rfc3339(starts),
         core::format_rfc3339(starts + std::chrono::minutes(15))});
  }
  tx.commit();
}

std::string ensure_user(db::Connection& connection, const DemoPerson& person) {
  const auto existing =
      connection.exec("SELECT id FROM users WHERE lower(email) = lower($1)", {person.email});
  if (!existing.empty()) return std::string(existing.text(0, 0));
  return identity::create_user(connection,
                               {person.email, person.name, person.role, kDemoPassword});
}

}  // namespace

int run_demo_seed(const std::filesystem::path& config_file) {
  const Config config = load_config(config_file);
  db::Connection connection(config.database_url);

  std::cout << "Demo clinic (invented people). Password for every account: " << kDemoPassword
            << "\n\n";
  for (const auto& person : kPeople) {
    const auto id = ensure_user(connection, person);
    if (person.role == identity::Role::clinician) publish_demo_slots(connection, id);
    std::cout << "  " << std::left << std::setw(10) << identity::to_string(person.role)
              << std::setw(20) << person.name << person.email << '\n';
  }
  std::cout << "\nClinicians and the admin enrol an authenticator app (TOTP) at first "
               "sign-in.\nEach clinician has 15-minute slots for the next two hours.\n";
  return 0;
}

}  // namespace telehealth::app
