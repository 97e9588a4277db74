#include "audit/chain.hpp"

#include "audit/detail/rows.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "db/sqlstate.hpp"

namespace telehealth::audit {

namespace {

std::string& configured_chain() {
  static std::string name = "main";
  return name;
}

void put_field(std::string& out, const std::optional<std::string>& value) {
  if (!value) {
    out += "-;";
    return;
  }
  out += std::to_string(value->size());
  out += ':';
  out += *value;
  out += ';';
}

std::string to_raw(const std::vector<std::uint8_t>& bytes) {
  return {bytes.begin(), bytes.end()};
}

std::vector<std::uint8_t> to_bytes(const std::string& raw) { return {raw.begin(), raw.end()}; }

}  // namespace

void set_chain(std::string name) { configured_chain() = std::move(name); }

const std::string& chain_name() noexcept { return configured_chain(); }

std::string chain_hash(const StoredEvent& stored) {
  const Event& e = stored.event;
  std::string encoded = stored.prev_hash;
  put_field(encoded, std::to_string(stored.seq));
  put_field(encoded, stored.id);
  put_field(encoded, core::format_rfc3339(stored.occurred_at));
  put_field(encoded, e.event_type);
  put_field(encoded, e.actor_id);
  put_field(encoded, e.actor_role);
  put_field(encoded, e.patient_id);
  put_field(encoded, e.record_type);
  put_field(encoded, e.record_id);
  put_field(encoded, stored.outcome_text);
  put_field(encoded, e.client_ip);
  put_field(encoded, e.user_agent);
  put_field(encoded, e.request_id);
  // Appended only when set, so events without an episode, including every
  // event stored before the column existed, keep the encoding they were
  // hashed with. The length prefixes keep the two forms apart.
  if (e.break_glass_id) put_field(encoded, e.break_glass_id);
  // Named, so that a value cannot move between the two optional fields
  // without changing the hash.
  if (e.result_ids) {
    put_field(encoded, std::string("result_ids"));
    put_field(encoded, e.result_ids);
  }
  const auto digest = crypto::sha256(crypto::as_byte_view(encoded));
  return {digest.begin(), digest.end()};
}

std::int64_t append(db::Transaction& tx, const Event& event, core::Seconds now) {
  try {
    auto head = detail::lock_head(tx, chain_name());
    const std::vector<StoredEvent> rows{detail::link(head, chain_name(), event, now)};
    detail::insert(tx, rows);
    return head.seq;
  } catch (const db::SqlError& error) {
    // Fail closed: whatever stopped the audit row (revoked grant, full disk,
    // lost connection) stops the request too, and the client learns only
    // that nothing was read or changed. The caller's transaction rolls back.
    throw unavailable_error("audit append failed: " + error.sqlstate());
  }
}

core::Error unavailable_error(std::string detail) {
  return core::Error(core::ErrorKind::unavailable,
                     "the audit log is unavailable, so nothing was read or changed; "
                     "try again shortly",
                     {}, std::move(detail));
}

namespace detail {

Head lock_head(db::Transaction& tx, const std::string& chain) {
  tx.exec(kChainLockSql, {chain});
  const auto last = tx.exec(
      "SELECT seq, hash FROM audit_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1", {chain});
  Head head;
  if (!last.empty()) {
    head.seq = last.integer(0, 0);
    head.hash = to_raw(last.bytes(0, 1));
  }
  return head;
}

StoredEvent link(Head& head, const std::string& chain, const Event& event,
                 core::Seconds occurred_at) {
  StoredEvent stored;
  stored.chain = chain;
  stored.seq = head.seq + 1;
  stored.prev_hash = head.hash;
  stored.id = crypto::new_uuid();
  stored.occurred_at = occurred_at;
  stored.event = event;
  stored.outcome_text = to_string(event.outcome);
  stored.hash = chain_hash(stored);
  head.seq = stored.seq;
  head.hash = stored.hash;
  return stored;
}

void insert(db::Transaction& tx, const std::vector<StoredEvent>& rows) {
  constexpr std::size_t kColumns = 18;
  std::string sql =
      "INSERT INTO audit_events (chain, seq, id, occurred_at, event_type, actor_id, actor_role,"
      " patient_id, record_type, record_id, outcome, client_ip, user_agent, request_id,"
      " prev_hash, hash, break_glass_id, result_ids) VALUES ";
  db::Params params;
  params.reserve(rows.size() * kColumns);
  for (std::size_t row = 0; row < rows.size(); ++row) {
    sql += row == 0 ? "(" : ", (";
    for (std::size_t column = 1; column <= kColumns; ++column) {
      sql += '$' + std::to_string(row * kColumns + column);
      sql += column == kColumns ? ")" : ", ";
    }
    const StoredEvent& stored = rows[row];
    const Event& event = stored.event;
    for (db::Param value :
         {db::Param(stored.chain), db::Param(std::to_string(stored.seq)), db::Param(stored.id),
          db::Param(core::format_rfc3339(stored.occurred_at)), db::Param(event.event_type),
          event.actor_id, event.actor_role, event.patient_id, event.record_type,
          event.record_id, db::Param(stored.outcome_text), db::Param(event.client_ip),
          db::Param(event.user_agent), db::Param(event.request_id),
          db::bytea_param(to_bytes(stored.prev_hash)), db::bytea_param(to_bytes(stored.hash)),
          event.break_glass_id, event.result_ids}) {
      params.push_back(std::move(value));
    }
  }
  tx.exec(sql, params);
}

}  // namespace detail

}  // namespace telehealth::audit
