#include "audit/chain.hpp"

#include "crypto/hash.hpp"
#include "db/sqlstate.hpp"
#include "crypto/random.hpp"

namespace telehealth::audit {

namespace {

const std::string kGenesisHash(32, '\0');

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

db::Param optional_param(const std::optional<std::string>& value) { return value; }

std::string to_raw(const std::vector<std::uint8_t>& bytes) {
  return {bytes.begin(), bytes.end()};
}

std::vector<std::uint8_t> to_bytes(const std::string& raw) { return {raw.begin(), raw.end()}; }

std::int64_t append_row(db::Transaction& tx, const Event& event, core::Seconds now);

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
    return append_row(tx, event, now);
  } catch (const db::SqlError& error) {
    // Fail closed: whatever stopped the audit row (revoked grant, full disk,
    // lost connection) stops the request too, and the client learns only
    // that nothing was read or changed. The caller's transaction rolls back.
    throw core::Error(core::ErrorKind::unavailable,
                      "the audit log is unavailable, so nothing was read or changed; "
                      "try again shortly",
                      {}, "audit append failed: " + error.detail());
  }
}

namespace {

std::int64_t append_row(db::Transaction& tx, const Event& event, core::Seconds now) {
  const std::string& chain = chain_name();
  tx.exec(kChainLockSql, {chain});
  const auto last = tx.exec(
      "SELECT seq, hash FROM audit_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1", {chain});

  StoredEvent stored;
  stored.chain = chain;
  stored.seq = last.empty() ? 1 : last.integer(0, 0) + 1;
  stored.prev_hash = last.empty() ? kGenesisHash : to_raw(last.bytes(0, 1));
  stored.id = crypto::new_uuid();
  stored.occurred_at = now;
  stored.event = event;
  stored.outcome_text = to_string(event.outcome);
  stored.hash = chain_hash(stored);

  tx.exec(
      "INSERT INTO audit_events (seq, id, occurred_at, event_type, actor_id, actor_role,"
      " patient_id, record_type, record_id, outcome, client_ip, user_agent, request_id,"
      " prev_hash, hash, break_glass_id, chain, result_ids)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
      " $18)",
      {std::to_string(stored.seq), stored.id, core::format_rfc3339(now), event.event_type,
       optional_param(event.actor_id), optional_param(event.actor_role),
       optional_param(event.patient_id), optional_param(event.record_type),
       optional_param(event.record_id), stored.outcome_text, event.client_ip, event.user_agent,
       event.request_id, db::bytea_param(to_bytes(stored.prev_hash)),
       db::bytea_param(to_bytes(stored.hash)), optional_param(event.break_glass_id), chain,
       optional_param(event.result_ids)});
  return stored.seq;
}

}  // namespace

}  // namespace telehealth::audit
