// The `telehealth audit ...` commands. The work is done in src/audit; this
// file reads the configuration and the keys and prints the results.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "audit/checkpoint.hpp"
#include "audit/log_verifier.hpp"
#include "audit/proof.hpp"
#include "core/time.hpp"
#include "db/connection.hpp"

namespace telehealth::app {

namespace {

// Opens the keyring named in the configuration without creating one, so a
// mistyped path never yields a fresh key that nothing was signed with.
crypto::Keyring open_existing_keyring(const Config& config) {
  if (!std::filesystem::exists(config.keyring)) {
    throw std::runtime_error("keyring " + config.keyring.string() +
                             ": does not exist; check \"keyring\" in the configuration");
  }
  return crypto::Keyring::open_or_create(config.keyring);
}

crypto::Ed25519PublicKey read_public_key_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("--public-key " + file.string() + ": cannot be read");
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto key = audit::parse_public_key_pem(text.str());
  if (!key) {
    throw std::runtime_error("--public-key " + file.string() +
                             ": is not an Ed25519 PEM public key; write one with "
                             "`telehealth audit public-key`");
  }
  return *key;
}

std::string rate(std::int64_t events, double seconds) {
  if (seconds <= 0) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", static_cast<double>(events) / seconds);
  return text;
}

}  // namespace

int run_audit_verify(const std::filesystem::path& config_file, const AuditVerifyOptions& options) {
  const Config config = load_config(config_file);
  audit::LogVerifyOptions verify;
  verify.database_url = config.database_url;
  // Only the public key is used from here on, whichever way it was found.
  verify.public_key = options.public_key_file.empty()
                          ? open_existing_keyring(config).audit_signing_public_key()
                          : read_public_key_file(options.public_key_file);
  verify.checkpoint_file = options.checkpoint_file;
  // `serve` creates the configured file at start-up, so a missing one was
  // removed: without it, rewritten events and checkpoints would pass.
  bool file_missing = false;
  if (verify.checkpoint_file.empty() && !config.audit.checkpoint_file.empty()) {
    if (std::filesystem::exists(config.audit.checkpoint_file)) {
      verify.checkpoint_file = config.audit.checkpoint_file;
    } else {
      file_missing = true;
    }
  }
  if (verify.checkpoint_file.empty() && !file_missing) {
    std::cout << "warning: no checkpoint file; database checkpoints alone do not show a log "
                 "rewritten by a superuser; pass --checkpoint-file with a copy kept off this "
                 "machine\n";
  }

  const auto report = audit::verify_log(verify);
  for (const auto& line : report.chains) std::cout << line << '\n';
  std::cout << "checked " << report.events_checked << " events, "
            << report.database_checkpoints << " database checkpoints and "
            << report.file_checkpoints << " file checkpoints with public key "
            << audit::key_id_of(verify.public_key) << '\n';
  std::printf("speed: %.3f s in total, %s events/s; hashing %.3f s, %s events/s on one core\n",
              report.total_seconds, rate(report.events_checked, report.total_seconds).c_str(),
              report.hashing_seconds,
              rate(report.events_checked, report.hashing_seconds).c_str());
  std::fflush(stdout);
  auto problems = report.problems;
  if (file_missing) {
    problems.push_back("checkpoint file " + config.audit.checkpoint_file.string() +
                       " (audit.checkpoint_file) does not exist, although the server creates "
                       "it at start-up; compare with a copy kept off this machine "
                       "(--checkpoint-file)");
  }
  if (!problems.empty()) {
    for (const auto& problem : problems) std::cout << "FAILED: " << problem << '\n';
    return 1;
  }
  std::cout << "OK: every chain, tree root and checkpoint signature is intact\n";
  return 0;
}

int run_audit_checkpoint(const std::filesystem::path& config_file) {
  const Config config = load_config(config_file);
  const auto keyring = open_existing_keyring(config);
  db::Connection connection(config.database_url);
  const auto written = audit::write_checkpoint(connection, keyring, config.audit.chain,
                                               config.audit.checkpoint_file,
                                               core::SystemClock().now());
  if (!written) {
    std::cout << "chain " << config.audit.chain
              << ": no events since the last checkpoint; nothing signed\n";
    return 0;
  }
  std::cout << audit::to_json(*written).dump() << '\n';
  return 0;
}

int run_audit_public_key(const std::filesystem::path& config_file) {
  const Config config = load_config(config_file);
  const auto keyring = open_existing_keyring(config);
  std::cout << audit::public_key_pem(keyring.audit_signing_public_key());
  return 0;
}

int run_audit_prove(const std::filesystem::path& config_file, const std::string& event_id,
                    std::optional<std::int64_t> tree_size) {
  const Config config = load_config(config_file);
  const auto keyring = open_existing_keyring(config);
  db::Connection connection(config.database_url);
  const auto proof =
      audit::prove_event(connection, event_id, tree_size, keyring.audit_signing_public_key());
  std::cout << proof.dump(2) << '\n';
  return 0;
}

}  // namespace telehealth::app
