#include "audit/log_verifier.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "audit/checkpoint.hpp"
#include "audit/merkle.hpp"
#include "crypto/bytes.hpp"

namespace telehealth::audit {

namespace {

using Clock = std::chrono::steady_clock;

// Seconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01T00:00:00Z.
constexpr std::int64_t kPostgresEpochUnixSeconds = 946684800;
constexpr std::int64_t kMicrosPerSecond = 1000000;
// Bytes of COPY data buffered before the rows are parsed and hashed.
constexpr std::size_t kReadChunkBytes = 1 << 20;
constexpr int kColumns = 18;
// Problems listed before the rest are only counted.
constexpr std::size_t kMaxProblems = 50;

// The columns in the order the parser reads them. uuids travel as text,
// the form that chain_hash encodes.
constexpr const char* kCopySql =
    "COPY (SELECT chain, seq, id::text, occurred_at, event_type, actor_id::text, actor_role,"
    " patient_id::text, record_type, record_id, outcome, client_ip, user_agent, request_id,"
    " prev_hash, hash, break_glass_id::text, result_ids FROM audit_events ORDER BY chain, seq)"
    " TO STDOUT (FORMAT binary)";

constexpr std::string_view kCopySignature{"PGCOPY\n\377\r\n\0", 11};

struct PgConnectionClose {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnectionClose>;

struct PgResultClear {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultClear>;

void put_field(std::string& out, std::string_view value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value.size()).ptr;
  out.append(digits, end);
  out += ':';
  out.append(value);
  out += ';';
}

void put_optional(std::string& out, const std::optional<std::string_view>& value) {
  if (value) {
    put_field(out, *value);
  } else {
    out += "-;";
  }
}

void put_two_digits(char* at, unsigned value) {
  at[0] = static_cast<char>('0' + value / 10);
  at[1] = static_cast<char>('0' + value % 10);
}

// Formats like core::format_rfc3339, with the fraction only when it is not
// zero: chain_hash never hashes one, so a changed fraction fails the check.
void put_time(std::string& out, std::int64_t unix_micros) {
  const std::int64_t seconds = unix_micros >= 0 ? unix_micros / kMicrosPerSecond
                                                : -((-unix_micros + kMicrosPerSecond - 1) /
                                                    kMicrosPerSecond);
  const std::int64_t fraction = unix_micros - seconds * kMicrosPerSecond;
  const std::chrono::sys_seconds time{std::chrono::seconds(seconds)};
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{time - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    put_field(out, "out-of-range time " + std::to_string(unix_micros));
    return;
  }

  char text[40] = "0000-00-00T00:00:00";
  put_two_digits(text, static_cast<unsigned>(year / 100));
  put_two_digits(text + 2, static_cast<unsigned>(year % 100));
  put_two_digits(text + 5, static_cast<unsigned>(ymd.month()));
  put_two_digits(text + 8, static_cast<unsigned>(ymd.day()));
  put_two_digits(text + 11, static_cast<unsigned>(hms.hours().count()));
  put_two_digits(text + 14, static_cast<unsigned>(hms.minutes().count()));
  put_two_digits(text + 17, static_cast<unsigned>(hms.seconds().count()));
  std::size_t length = 19;
  if (fraction != 0) {
    text[length++] = '.';
    for (std::int64_t unit = 100000; unit > 0; unit /= 10) {
      text[length++] = static_cast<char>('0' + (fraction / unit) % 10);
    }
  }
  text[length++] = 'Z';
  put_field(out, std::string_view(text, length));
}

std::uint16_t read_u16(const char* at) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(at);
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

std::uint32_t read_u32(const char* at) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(at);
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::int64_t read_i64(const char* at) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(at[i]);
  return static_cast<std::int64_t>(value);
}

// One COPY row's fields as views into the buffer; nullopt is SQL NULL.
using Fields = std::array<std::optional<std::string_view>, kColumns>;

// Parses one tuple at `pos`. Returns false if the buffer ends inside it;
// sets `trailer` at the end-of-data marker.
bool parse_tuple(std::string_view buffer, std::size_t& pos, Fields& fields, bool& trailer) {
  std::size_t at = pos;
  if (buffer.size() - at < 2) return false;
  const auto count = static_cast<std::int16_t>(read_u16(buffer.data() + at));
  at += 2;
  if (count == -1) {
    trailer = true;
    pos = at;
    return true;
  }
  if (count != kColumns) throw std::runtime_error("COPY returned an unexpected column count");
  for (int column = 0; column < kColumns; ++column) {
    if (buffer.size() - at < 4) return false;
    const auto length = static_cast<std::int32_t>(read_u32(buffer.data() + at));
    at += 4;
    if (length < 0) {
      fields[static_cast<std::size_t>(column)] = std::nullopt;
      continue;
    }
    if (buffer.size() - at < static_cast<std::size_t>(length)) return false;
    fields[static_cast<std::size_t>(column)] =
        buffer.substr(at, static_cast<std::size_t>(length));
    at += static_cast<std::size_t>(length);
  }
  pos = at;
  return true;
}

struct ChainState {
  std::string name;
  std::int64_t events = 0;
  // TODO: after `audit drop-expired` a chain starts past seq 1; start from
  // the head recorded in audit_dropped_partitions and the frontier of a
  // checkpoint at or after it instead.
  std::int64_t expected_seq = 1;
  std::string expected_prev = std::string(32, '\0');
  bool broken = false;
  bool finished = false;
  merkle::Frontier tree;
  /// Tree size -> root hashes claimed by checkpoints (database and file).
  std::map<std::int64_t, std::vector<std::pair<std::string, merkle::Hash>>> claims;
  std::int64_t checkpoints = 0;
  /// The largest tree size whose checkpoints all matched the events.
  std::int64_t matched_size = 0;
};

class Verifier {
 public:
  explicit Verifier(const LogVerifyOptions& options) : options_(options) {}

  LogVerifyReport run();

 private:
  void problem(std::string text);
  void load_database_checkpoints(PGconn* connection);
  void load_file_checkpoints();
  void check_checkpoint(const Checkpoint& checkpoint, const std::string& where);
  void stream_events(PGconn* connection);
  void process(const Fields& fields);
  void finish_chain(ChainState& chain);
  ChainState& chain(const std::string& name);

  const LogVerifyOptions& options_;
  LogVerifyReport report_;
  std::size_t problems_left_out_ = 0;
  std::map<std::string, ChainState> chains_;
  ChainState* current_ = nullptr;
  std::map<std::int64_t, std::vector<std::pair<std::string, merkle::Hash>>>::iterator next_claim_;
  std::map<std::pair<std::string, std::int64_t>, Checkpoint> database_checkpoints_;
  std::string encoded_;
  std::string expected_key_id_;
};

void Verifier::problem(std::string text) {
  if (report_.problems.size() < kMaxProblems) {
    report_.problems.push_back(std::move(text));
  } else {
    ++problems_left_out_;
  }
}

ChainState& Verifier::chain(const std::string& name) {
  auto& state = chains_[name];
  state.name = name;
  return state;
}

void Verifier::check_checkpoint(const Checkpoint& checkpoint, const std::string& where) {
  const std::string label = "checkpoint of chain " + checkpoint.chain + " at tree size " +
                            std::to_string(checkpoint.tree_size) + " (" + where + ")";
  if (checkpoint.key_id != expected_key_id_) {
    problem(label + ": signed with key id " + checkpoint.key_id + ", not the public key given (" +
            expected_key_id_ + "); pass the right key with --public-key");
  } else if (!signature_valid(checkpoint, options_.public_key)) {
    problem(label + " is forged: its signature does not verify with public key " +
            expected_key_id_);
  }
  auto& state = chain(checkpoint.chain);
  state.claims[checkpoint.tree_size].emplace_back(where, checkpoint.root_hash);
  ++state.checkpoints;
}

void Verifier::load_database_checkpoints(PGconn* connection) {
  const PgResult result(PQexec(connection,
                               "SELECT chain, tree_size, encode(root_hash, 'hex'),"
                               " to_char(signed_at AT TIME ZONE 'UTC',"
                               " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), key_id,"
                               " encode(signature, 'base64') FROM audit_checkpoints"
                               " ORDER BY chain, tree_size"));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    throw std::runtime_error(std::string("reading audit_checkpoints failed: ") +
                             PQerrorMessage(connection));
  }
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    // encode(..., 'base64') wraps lines at 76 characters.
    std::string signature = PQgetvalue(result.get(), row, 5);
    std::erase(signature, '\n');
    const nlohmann::json line = {{"chain", PQgetvalue(result.get(), row, 0)},
                                 {"tree_size", std::stoll(PQgetvalue(result.get(), row, 1))},
                                 {"root_hash", PQgetvalue(result.get(), row, 2)},
                                 {"signed_at", PQgetvalue(result.get(), row, 3)},
                                 {"key_id", PQgetvalue(result.get(), row, 4)},
                                 {"signature", signature}};
    std::string error;
    const auto checkpoint = checkpoint_from_json(line, error);
    if (!checkpoint) {
      problem("database checkpoint row " + std::to_string(row + 1) + " is invalid: " + error);
      continue;
    }
    check_checkpoint(*checkpoint, "database");
    database_checkpoints_[{checkpoint->chain, checkpoint->tree_size}] = *checkpoint;
    ++report_.database_checkpoints;
  }
}

void Verifier::load_file_checkpoints() {
  if (options_.checkpoint_file.empty()) return;
  std::ifstream in(options_.checkpoint_file);
  if (!in) {
    throw std::runtime_error("checkpoint file " + options_.checkpoint_file.string() +
                             ": cannot be read; check --checkpoint-file");
  }
  const std::string where = "file line ";
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    if (text.empty()) continue;
    const auto line = nlohmann::json::parse(text, nullptr, false);
    std::string error = "not a JSON object";
    const auto checkpoint =
        line.is_discarded() ? std::nullopt : checkpoint_from_json(line, error);
    if (!checkpoint) {
      problem("checkpoint file " + options_.checkpoint_file.string() + " line " +
              std::to_string(number) + " is invalid: " + error);
      continue;
    }
    check_checkpoint(*checkpoint, where + std::to_string(number));
    ++report_.file_checkpoints;

    const auto found = database_checkpoints_.find({checkpoint->chain, checkpoint->tree_size});
    const std::string label = "checkpoint of chain " + checkpoint->chain + " at tree size " +
                              std::to_string(checkpoint->tree_size) + " (file line " +
                              std::to_string(number) + ")";
    if (found == database_checkpoints_.end()) {
      problem(label + " is missing from the database: checkpoints were removed");
    } else if (found->second.root_hash != checkpoint->root_hash ||
               found->second.signature != checkpoint->signature ||
               found->second.signed_at != checkpoint->signed_at) {
      problem(label + " differs from the database's checkpoint at that size");
    }
  }
}

void Verifier::process(const Fields& f) {
  const std::string_view chain_name = f[0].value_or("");
  if (current_ == nullptr || current_->name != chain_name) {
    if (current_ != nullptr) finish_chain(*current_);
    current_ = &chain(std::string(chain_name));
    next_claim_ = current_->claims.begin();
  }
  ChainState& state = *current_;
  ++report_.events_checked;
  ++state.events;

  const std::int64_t seq = f[1] && f[1]->size() == 8 ? read_i64(f[1]->data()) : 0;
  const std::string_view prev_hash = f[14].value_or("");
  const std::string_view hash = f[15].value_or("");

  if (!state.broken) {
    RawEvent event;
    event.prev_hash = prev_hash;
    event.seq = seq;
    event.id = f[2].value_or("");
    event.occurred_at_unix_micros =
        (f[3] && f[3]->size() == 8 ? read_i64(f[3]->data()) : 0) +
        kPostgresEpochUnixSeconds * kMicrosPerSecond;
    event.event_type = f[4].value_or("");
    event.actor_id = f[5];
    event.actor_role = f[6];
    event.patient_id = f[7];
    event.record_type = f[8];
    event.record_id = f[9];
    event.outcome = f[10].value_or("");
    event.client_ip = f[11].value_or("");
    event.user_agent = f[12].value_or("");
    event.request_id = f[13].value_or("");
    event.break_glass_id = f[16];
    event.result_ids = f[17];
    encoded_.clear();
    encode_event(event, encoded_);
    const auto digest = merkle::sha256(crypto::as_byte_view(encoded_));
    const auto where = [&state] { return "chain " + state.name + ": event seq "; };

    if (seq != state.expected_seq) {
      problem(where() + std::to_string(state.expected_seq) + " is missing: the sequence jumps from " +
              std::to_string(state.expected_seq - 1) + " to " + std::to_string(seq) +
              ", so events were removed or renumbered");
      state.broken = true;
    } else if (prev_hash != state.expected_prev) {
      problem(where() + std::to_string(seq) + " does not link to seq " +
              std::to_string(seq - 1) +
              ": events were inserted, removed or reordered here, or event " +
              std::to_string(seq - 1) + " was changed and its hash recomputed");
      state.broken = true;
    } else if (hash.size() != digest.size() ||
               !std::equal(digest.begin(), digest.end(),
                           reinterpret_cast<const std::uint8_t*>(hash.data()))) {
      problem(where() + std::to_string(seq) + " was changed: its hash does not match its contents");
      state.broken = true;
    }
    state.expected_seq = seq + 1;
    state.expected_prev.assign(hash);
  }

  // The leaves are the stored hashes, so a change that kept the hash column
  // leaves the tree intact (the chain check above catches it), and one that
  // recomputed the hashes changes every root from there on.
  state.tree.append_data({reinterpret_cast<const std::uint8_t*>(hash.data()), hash.size()});
  const auto size = static_cast<std::int64_t>(state.tree.size());
  while (next_claim_ != state.claims.end() && next_claim_->first < size) ++next_claim_;
  if (next_claim_ != state.claims.end() && next_claim_->first == size) {
    const auto root = state.tree.root();
    bool matched = true;
    for (const auto& [where, claimed] : next_claim_->second) {
      if (claimed != root) {
        matched = false;
        problem("checkpoint of chain " + state.name + " at tree size " + std::to_string(size) +
                " (" + where + ") does not match the events: its root hash is " +
                merkle::to_hex(claimed) + " but the events give " + merkle::to_hex(root) +
                ", so an event from seq " + std::to_string(state.matched_size + 1) + " to " +
                std::to_string(size) + " was altered and its hash recomputed");
      }
    }
    if (matched) state.matched_size = size;
    ++next_claim_;
  }
}

void Verifier::finish_chain(ChainState& state) {
  state.finished = true;
  const auto size = static_cast<std::int64_t>(state.tree.size());
  const auto beyond = state.claims.upper_bound(size);
  if (beyond != state.claims.end()) {
    const std::int64_t claimed = state.claims.rbegin()->first;
    problem("chain " + state.name + ": events seq " + std::to_string(size + 1) + " to " +
            std::to_string(claimed) + " were removed: a checkpoint (" +
            beyond->second.front().first + ") covers " + std::to_string(claimed) +
            " events but the chain has " + std::to_string(size) + " (truncated tail)");
  }
  std::string line = "chain " + state.name + ": " + std::to_string(state.events) + " events, " +
                     std::to_string(state.checkpoints) + " checkpoints checked";
  if (!state.claims.empty()) line += ", latest at tree size " + std::to_string(state.claims.rbegin()->first);
  report_.chains.push_back(std::move(line));
}

void Verifier::stream_events(PGconn* connection) {
  const PgResult started(PQexec(connection, kCopySql));
  if (PQresultStatus(started.get()) != PGRES_COPY_OUT) {
    throw std::runtime_error(std::string("reading audit_events failed: ") +
                             PQerrorMessage(connection));
  }
  std::string buffer;
  std::size_t pos = 0;
  bool header_read = false;
  bool ended = false;
  bool trailer = false;
  Fields fields;
  while (!ended || pos < buffer.size()) {
    while (!ended && buffer.size() - pos < kReadChunkBytes) {
      char* data = nullptr;
      const int length = PQgetCopyData(connection, &data, 0);
      if (length > 0) {
        buffer.append(data, static_cast<std::size_t>(length));
        PQfreemem(data);
      } else if (length == -1) {
        ended = true;
      } else {
        throw std::runtime_error(std::string("reading audit_events failed: ") +
                                 PQerrorMessage(connection));
      }
    }

    const auto hashing_started = Clock::now();
    const std::string_view view(buffer);
    if (!header_read) {
      if (view.size() < kCopySignature.size() + 8) {
        if (ended) throw std::runtime_error("COPY data ended inside its header");
        continue;
      }
      if (view.substr(0, kCopySignature.size()) != kCopySignature) {
        throw std::runtime_error("COPY data does not start with the binary signature");
      }
      const std::uint32_t extension = read_u32(view.data() + kCopySignature.size() + 4);
      pos = kCopySignature.size() + 8 + extension;
      header_read = true;
    }
    while (!trailer && parse_tuple(view, pos, fields, trailer)) {
      if (!trailer) process(fields);
    }
    report_.hashing_seconds +=
        std::chrono::duration<double>(Clock::now() - hashing_started).count();
    if (trailer) break;
    if (ended && pos < buffer.size()) throw std::runtime_error("COPY data ended inside a row");
    buffer.erase(0, pos);
    pos = 0;
  }
  // Drain: PQgetCopyData returns -1 once, then the COPY's own result follows.
  while (!ended) {
    char* data = nullptr;
    const int length = PQgetCopyData(connection, &data, 0);
    if (length > 0) PQfreemem(data);
    if (length < 0) ended = true;
  }
  const PgResult finished(PQgetResult(connection));
  if (PQresultStatus(finished.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(std::string("reading audit_events failed: ") +
                             PQerrorMessage(connection));
  }
  while (PGresult* rest = PQgetResult(connection)) PQclear(rest);
}

LogVerifyReport Verifier::run() {
  const auto started = Clock::now();
  expected_key_id_ = key_id_of(options_.public_key);
  const PgConnection connection(PQconnectdb(options_.database_url.c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect to the database: ") +
                             PQerrorMessage(connection.get()));
  }
  // One snapshot for the checkpoints and the events, so that a checkpoint
  // written during the check never looks like a truncated tail.
  const PgResult begun(PQexec(connection.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  if (PQresultStatus(begun.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(std::string("cannot start the snapshot: ") +
                             PQerrorMessage(connection.get()));
  }
  load_database_checkpoints(connection.get());
  load_file_checkpoints();
  stream_events(connection.get());
  if (current_ != nullptr) finish_chain(*current_);
  // Chains that have checkpoints but no events at all.
  for (auto& [name, state] : chains_) {
    if (!state.finished) finish_chain(state);
  }
  const PgResult ended(PQexec(connection.get(), "COMMIT"));

  if (problems_left_out_ > 0) {
    report_.problems.push_back(std::to_string(problems_left_out_) + " more problems not listed");
  }
  report_.total_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report_;
}

}  // namespace

void encode_event(const RawEvent& event, std::string& out) {
  out.append(event.prev_hash);
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, event.seq).ptr;
  put_field(out, std::string_view(digits, static_cast<std::size_t>(end - digits)));
  put_field(out, event.id);
  put_time(out, event.occurred_at_unix_micros);
  put_field(out, event.event_type);
  put_optional(out, event.actor_id);
  put_optional(out, event.actor_role);
  put_optional(out, event.patient_id);
  put_optional(out, event.record_type);
  put_optional(out, event.record_id);
  put_field(out, event.outcome);
  put_field(out, event.client_ip);
  put_field(out, event.user_agent);
  put_field(out, event.request_id);
  // The same optional tail as chain_hash (chain.cpp).
  if (event.break_glass_id) put_field(out, *event.break_glass_id);
  if (event.result_ids) {
    put_field(out, "result_ids");
    put_field(out, *event.result_ids);
  }
}

LogVerifyReport verify_log(const LogVerifyOptions& options) { return Verifier(options).run(); }

}  // namespace telehealth::audit
