#include "audit/checkpoint.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "audit/chain.hpp"
#include "audit/event_rows.hpp"
#include "core/log.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"
#include "db/transaction.hpp"

namespace telehealth::audit {

namespace {

// Serialises checkpoint writers of one chain (the server's writer and the
// `audit checkpoint` command), apart from the chain's own append lock.
constexpr const char* kCheckpointLockSql =
    "SELECT pg_advisory_xact_lock(hashtextextended('telehealth audit checkpoint ' || $1, 0))";

// Rows read per query while catching up, to bound memory.
constexpr int kCatchUpRows = 10000;

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 section 4): the
// raw 32-byte key follows it.
constexpr std::uint8_t kSpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
                                        0x70, 0x03, 0x21, 0x00};

std::vector<std::uint8_t> to_vector(std::span<const std::uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

std::string chain_event(const std::string& chain, std::int64_t seq) {
  return "chain " + chain + ": event " + std::to_string(seq);
}

struct Head {
  std::int64_t size = 0;
  merkle::Frontier frontier;
};

// Reads the latest checkpoint's tree, to continue from. Its frontier is not
// signed, so it is used only if it yields the signed root and the signature
// is valid under this keyring's key. Otherwise a superuser could plant a
// frontier of invented leaves and have the real key sign over them.
Head read_last_checkpoint(db::Transaction& tx, const std::string& chain,
                          const crypto::Ed25519PublicKey& public_key) {
  const auto last = tx.exec(
      "SELECT tree_size, root_hash, signed_at, key_id, signature, frontier"
      " FROM audit_checkpoints WHERE chain = $1 ORDER BY tree_size DESC LIMIT 1",
      {chain});
  Head head;
  if (last.empty()) return head;
  const Checkpoint signed_row = read_checkpoint_row(last, 0, chain);
  head.size = signed_row.tree_size;
  auto frontier = merkle::Frontier::parse(static_cast<std::uint64_t>(head.size), last.bytes(0, 5));
  if (!frontier || frontier->root() != signed_row.root_hash ||
      !signature_valid(signed_row, public_key)) {
    throw std::runtime_error("chain " + chain + ": the checkpoint at tree size " +
                             std::to_string(head.size) +
                             " does not match its signature or root; not signing over it;"
                             " run `telehealth audit verify`");
  }
  head.frontier = std::move(*frontier);
  return head;
}

// Appends every event after the last checkpoint to `head`, checking each
// one's hash, sequence number and link first. The last covered event is
// read again so that the first new event's link can be checked.
void catch_up(db::Transaction& tx, const std::string& chain, Head& head) {
  std::int64_t next = head.size == 0 ? 1 : head.size;
  std::string expected_prev(32, '\0');
  const std::string sql = std::string("SELECT ") + kEventColumns +
                          " FROM audit_events WHERE chain = $1 AND seq >= $2 ORDER BY seq LIMIT " +
                          std::to_string(kCatchUpRows);
  for (;;) {
    const auto rows = tx.exec(sql, {chain, std::to_string(next)});
    for (int row = 0; row < rows.rows(); ++row) {
      const StoredEvent event = read_event_row(rows, row);
      if (event.seq != next) {
        throw std::runtime_error(chain_event(chain, next) + " is missing; not signing a checkpoint");
      }
      if (chain_hash(event) != event.hash) {
        throw std::runtime_error(chain_event(chain, event.seq) +
                                 " does not match its hash; not signing a checkpoint");
      }
      const bool already_covered = event.seq <= head.size;
      if (!already_covered) {
        if (event.prev_hash != expected_prev) {
          throw std::runtime_error(chain_event(chain, event.seq) +
                                   " does not link to the event before it; not signing a checkpoint");
        }
        head.frontier.append_data(crypto::as_byte_view(event.hash));
      }
      expected_prev = event.hash;
      ++next;
    }
    if (rows.rows() < kCatchUpRows) break;
  }
}

struct EvpKeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct EvpContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

}  // namespace

Checkpoint read_checkpoint_row(const db::Result& rows, int row, const std::string& chain) {
  Checkpoint checkpoint;
  checkpoint.chain = chain;
  checkpoint.tree_size = rows.integer(row, 0);
  const auto root = rows.bytes(row, 1);
  const auto signature = rows.bytes(row, 4);
  if (root.size() != checkpoint.root_hash.size() ||
      signature.size() != checkpoint.signature.size()) {
    throw std::runtime_error("chain " + chain + ": the checkpoint at tree size " +
                             std::to_string(checkpoint.tree_size) +
                             " is malformed; run `telehealth audit verify`");
  }
  std::copy(root.begin(), root.end(), checkpoint.root_hash.begin());
  checkpoint.signed_at = rows.timestamp(row, 2);
  checkpoint.key_id = std::string(rows.text(row, 3));
  std::copy(signature.begin(), signature.end(), checkpoint.signature.begin());
  return checkpoint;
}

std::string checkpoint_message(const Checkpoint& checkpoint) {
  std::string message = "telehealth-audit-checkpoint/v1\n";
  message += "chain=" + checkpoint.chain + "\n";
  message += "tree_size=" + std::to_string(checkpoint.tree_size) + "\n";
  message += "root_hash=" + merkle::to_hex(checkpoint.root_hash) + "\n";
  message += "signed_at=" + core::format_rfc3339(checkpoint.signed_at) + "\n";
  message += "key_id=" + checkpoint.key_id + "\n";
  return message;
}

std::string key_id_of(const crypto::Ed25519PublicKey& public_key) {
  return crypto::sha256_hex(public_key).substr(0, 16);
}

bool signature_valid(const Checkpoint& checkpoint, const crypto::Ed25519PublicKey& public_key) {
  const std::unique_ptr<EVP_PKEY, EvpKeyFree> key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  const std::unique_ptr<EVP_MD_CTX, EvpContextFree> context(EVP_MD_CTX_new());
  if (!key || !context) return false;
  if (EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  const std::string message = checkpoint_message(checkpoint);
  return EVP_DigestVerify(context.get(), checkpoint.signature.data(), checkpoint.signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

nlohmann::json to_json(const Checkpoint& checkpoint) {
  return {{"chain", checkpoint.chain},
          {"tree_size", checkpoint.tree_size},
          {"root_hash", merkle::to_hex(checkpoint.root_hash)},
          {"signed_at", core::format_rfc3339(checkpoint.signed_at)},
          {"key_id", checkpoint.key_id},
          {"signature", crypto::base64_encode(checkpoint.signature)}};
}

std::optional<Checkpoint> checkpoint_from_json(const nlohmann::json& line, std::string& error) {
  const auto text = [&](const char* key) -> std::optional<std::string> {
    if (!line.is_object() || !line.contains(key) || !line[key].is_string()) {
      error = std::string("\"") + key + "\" is missing or not a string";
      return std::nullopt;
    }
    return line[key].get<std::string>();
  };
  const auto chain = text("chain");
  const auto root = text("root_hash");
  const auto signed_at = text("signed_at");
  const auto key_id = text("key_id");
  const auto signature = text("signature");
  if (!chain || !root || !signed_at || !key_id || !signature) return std::nullopt;
  if (!line.contains("tree_size") || !line["tree_size"].is_number_integer() ||
      line["tree_size"].get<std::int64_t>() < 1) {
    error = "\"tree_size\" is missing or not a positive integer";
    return std::nullopt;
  }

  Checkpoint checkpoint;
  checkpoint.chain = *chain;
  checkpoint.tree_size = line["tree_size"].get<std::int64_t>();
  checkpoint.key_id = *key_id;
  const auto root_hash = merkle::from_hex(*root);
  const auto time = core::parse_rfc3339(*signed_at);
  const auto signature_bytes = crypto::base64_decode(*signature);
  if (!root_hash) {
    error = "\"root_hash\" is not 64 hex digits";
    return std::nullopt;
  }
  if (!time) {
    error = "\"signed_at\" is not an RFC 3339 time";
    return std::nullopt;
  }
  if (!signature_bytes || signature_bytes->size() != checkpoint.signature.size()) {
    error = "\"signature\" is not 64 bytes of base64";
    return std::nullopt;
  }
  checkpoint.root_hash = *root_hash;
  checkpoint.signed_at = *time;
  std::copy(signature_bytes->begin(), signature_bytes->end(), checkpoint.signature.begin());
  return checkpoint;
}

std::string public_key_pem(const crypto::Ed25519PublicKey& public_key) {
  std::vector<std::uint8_t> der(std::begin(kSpkiPrefix), std::end(kSpkiPrefix));
  der.insert(der.end(), public_key.begin(), public_key.end());
  return "-----BEGIN PUBLIC KEY-----\n" + crypto::base64_encode(der) +
         "\n-----END PUBLIC KEY-----\n";
}

std::optional<crypto::Ed25519PublicKey> parse_public_key_pem(std::string_view text) {
  constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
  constexpr std::string_view kEnd = "-----END PUBLIC KEY-----";
  const auto begin = text.find(kBegin);
  const auto end = text.find(kEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
    return std::nullopt;
  }
  std::string body;
  for (const char c : text.substr(begin + kBegin.size(), end - begin - kBegin.size())) {
    if (c != '\n' && c != '\r' && c != ' ') body += c;
  }
  const auto der = crypto::base64_decode(body);
  constexpr std::size_t kPrefixSize = sizeof kSpkiPrefix;
  if (!der || der->size() != kPrefixSize + 32 ||
      !std::equal(std::begin(kSpkiPrefix), std::end(kSpkiPrefix), der->begin())) {
    return std::nullopt;
  }
  crypto::Ed25519PublicKey key{};
  std::copy(der->begin() + kPrefixSize, der->end(), key.begin());
  return key;
}

void append_checkpoint_line(const std::filesystem::path& file, const Checkpoint& checkpoint) {
  const std::string line = to_json(checkpoint).dump() + "\n";
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("checkpoint file " + file.string() + ": cannot be opened: " +
                             std::strerror(errno) + "; check audit.checkpoint_file");
  }
  // One write, so a line from another process never lands inside this one.
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int write_errno = errno;
  const bool synced = written == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  const int sync_errno = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(line.size())) {
    throw std::runtime_error("checkpoint file " + file.string() +
                             ": write failed: " + std::strerror(write_errno));
  }
  if (!synced) {
    throw std::runtime_error("checkpoint file " + file.string() +
                             ": fsync failed: " + std::strerror(sync_errno));
  }
}

std::optional<Checkpoint> write_checkpoint(db::Connection& connection,
                                           const crypto::Keyring& keyring,
                                           const std::string& chain,
                                           const std::filesystem::path& file, core::Seconds now) {
  db::Transaction tx(connection);
  tx.exec(kCheckpointLockSql, {chain});
  Head head = read_last_checkpoint(tx, chain, keyring.audit_signing_public_key());
  const std::int64_t previous_size = head.size;
  catch_up(tx, chain, head);
  const auto size = static_cast<std::int64_t>(head.frontier.size());
  if (size == previous_size) return std::nullopt;

  Checkpoint checkpoint;
  checkpoint.chain = chain;
  checkpoint.tree_size = size;
  checkpoint.root_hash = head.frontier.root();
  checkpoint.signed_at = now;
  checkpoint.key_id = key_id_of(keyring.audit_signing_public_key());
  checkpoint.signature = keyring.sign_audit_message(crypto::as_byte_view(checkpoint_message(checkpoint)));

  tx.exec(
      "INSERT INTO audit_checkpoints (chain, tree_size, root_hash, signed_at, key_id, signature,"
      " frontier) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {chain, std::to_string(size), db::bytea_param(to_vector(checkpoint.root_hash)),
       core::format_rfc3339(now), checkpoint.key_id,
       db::bytea_param(to_vector(checkpoint.signature)),
       db::bytea_param(head.frontier.serialize())});
  tx.commit();
  // After the commit, so that the file never contains a checkpoint that the
  // database lacks; `audit verify` reports such a line as a removal.
  if (!file.empty()) append_checkpoint_line(file, checkpoint);
  return checkpoint;
}

Checkpointer::Checkpointer(const crypto::Keyring& keyring, Settings settings)
    : keyring_(keyring), settings_(std::move(settings)) {
  // Created now, empty, so that `audit verify` can tell a removed file from
  // one that no checkpoint has been written to yet.
  if (!settings_.checkpoint_file.empty()) {
    const int fd = ::open(settings_.checkpoint_file.c_str(),
                          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw std::runtime_error("checkpoint file " + settings_.checkpoint_file.string() +
                               ": cannot be created: " + std::strerror(errno) +
                               "; check audit.checkpoint_file");
    }
    ::close(fd);
  }
}

void Checkpointer::on_commit(db::Connection& connection, std::int64_t chain_size,
                             core::Seconds now) {
  try {
    if (!loaded_) load_last(connection, now);
    const std::int64_t waiting = chain_size - last_size_;
    if (waiting <= 0) return;
    if (waiting >= settings_.checkpoint_events ||
        now - last_time_ >= settings_.checkpoint_interval) {
      checkpoint(connection, now);
    }
  } catch (const std::exception& error) {
    loaded_ = false;
    core::log(core::LogLevel::error, "audit", "checkpoint check failed",
              {{"chain", settings_.chain}, {"error", error.what()}});
  }
}

void Checkpointer::on_idle(db::Connection& connection, core::Seconds now) {
  try {
    if (!loaded_) load_last(connection, now);
    if (now - last_time_ < settings_.checkpoint_interval) return;
    // Write transactions append through audit::append without the writer,
    // so the chain may have grown while the writer was idle.
    const auto head = connection.exec(
        "SELECT seq FROM audit_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1",
        {settings_.chain});
    if (!head.empty() && head.integer(0, 0) > last_size_) checkpoint(connection, now);
  } catch (const std::exception& error) {
    loaded_ = false;
    core::log(core::LogLevel::error, "audit", "checkpoint check failed",
              {{"chain", settings_.chain}, {"error", error.what()}});
  }
}

void Checkpointer::load_last(db::Connection& connection, core::Seconds now) {
  const auto last = connection.exec(
      "SELECT tree_size, signed_at FROM audit_checkpoints WHERE chain = $1"
      " ORDER BY tree_size DESC LIMIT 1",
      {settings_.chain});
  last_size_ = last.empty() ? 0 : last.integer(0, 0);
  // With no checkpoint yet, the interval counts from the first call.
  last_time_ = last.empty() ? now : last.timestamp(0, 1);
  loaded_ = true;
}

void Checkpointer::checkpoint(db::Connection& connection, core::Seconds now) {
  // After a failure, wait one interval before trying again, so that a
  // broken chain or a full disk logs one error per interval, not per batch.
  if (last_failure_ != core::Seconds{} && now - last_failure_ < settings_.checkpoint_interval) {
    return;
  }
  try {
    const auto written =
        write_checkpoint(connection, keyring_, settings_.chain, settings_.checkpoint_file, now);
    if (written) {
      last_size_ = written->tree_size;
      core::log(core::LogLevel::info, "audit", "checkpoint signed",
                {{"chain", written->chain},
                 {"tree_size", written->tree_size},
                 {"root_hash", merkle::to_hex(written->root_hash)}});
    }
    last_time_ = now;
    last_failure_ = {};
  } catch (const std::exception& error) {
    last_failure_ = now;
    loaded_ = false;
    core::log(core::LogLevel::error, "audit", "checkpoint failed",
              {{"chain", settings_.chain}, {"error", error.what()}});
  }
}

}  // namespace telehealth::audit
