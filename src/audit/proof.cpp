#include "audit/proof.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "audit/checkpoint.hpp"
#include "audit/event_rows.hpp"
#include "audit/merkle.hpp"
#include "core/text.hpp"
#include "crypto/encoding.hpp"
#include "db/transaction.hpp"

namespace telehealth::audit {

namespace {

std::string hex(const std::string& raw) { return crypto::hex_encode(crypto::as_byte_view(raw)); }

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json event_json(const StoredEvent& stored) {
  const Event& e = stored.event;
  return {{"chain", stored.chain},
          {"seq", stored.seq},
          {"id", stored.id},
          {"occurred_at", core::format_rfc3339(stored.occurred_at)},
          {"event_type", e.event_type},
          {"actor_id", optional_json(e.actor_id)},
          {"actor_role", optional_json(e.actor_role)},
          {"patient_id", optional_json(e.patient_id)},
          {"record_type", optional_json(e.record_type)},
          {"record_id", optional_json(e.record_id)},
          {"outcome", stored.outcome_text},
          {"client_ip", e.client_ip},
          {"user_agent", e.user_agent},
          {"request_id", e.request_id},
          {"break_glass_id", optional_json(e.break_glass_id)},
          {"result_ids", optional_json(e.result_ids)},
          {"prev_hash", hex(stored.prev_hash)},
          {"hash", hex(stored.hash)}};
}

Checkpoint read_checkpoint(db::Transaction& tx, const std::string& chain,
                           std::optional<std::int64_t> tree_size) {
  const auto rows =
      tree_size ? tx.exec("SELECT tree_size, root_hash, signed_at, key_id, signature"
                          " FROM audit_checkpoints WHERE chain = $1 AND tree_size = $2",
                          {chain, std::to_string(*tree_size)})
                : tx.exec("SELECT tree_size, root_hash, signed_at, key_id, signature"
                          " FROM audit_checkpoints WHERE chain = $1"
                          " ORDER BY tree_size DESC LIMIT 1",
                          {chain});
  if (rows.empty()) {
    throw std::runtime_error(
        tree_size ? "chain " + chain + " has no checkpoint at tree size " +
                        std::to_string(*tree_size) + "; omit --tree-size to use the latest"
                  : "chain " + chain +
                        " has no checkpoint yet; run `telehealth audit checkpoint` first");
  }
  return read_checkpoint_row(rows, 0, chain);
}

std::vector<merkle::Hash> read_leaves(db::Transaction& tx, const std::string& chain,
                                      std::int64_t tree_size) {
  const auto rows = tx.exec(
      "SELECT seq, hash FROM audit_events WHERE chain = $1 AND seq <= $2 ORDER BY seq",
      {chain, std::to_string(tree_size)});
  std::vector<merkle::Hash> leaves;
  leaves.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) {
    if (rows.integer(row, 0) != row + 1) {
      throw std::runtime_error("chain " + chain + ": event " + std::to_string(row + 1) +
                               " is missing; run `telehealth audit verify`");
    }
    leaves.push_back(merkle::leaf_hash(rows.bytes(row, 1)));
  }
  if (static_cast<std::int64_t>(leaves.size()) != tree_size) {
    throw std::runtime_error("chain " + chain + " has " + std::to_string(leaves.size()) +
                             " events but its checkpoint covers " + std::to_string(tree_size) +
                             "; run `telehealth audit verify`");
  }
  return leaves;
}

}  // namespace

nlohmann::json prove_event(db::Connection& connection, const std::string& event_id,
                           std::optional<std::int64_t> tree_size,
                           const crypto::Ed25519PublicKey& public_key) {
  if (!core::is_uuid(event_id)) {
    throw std::runtime_error("EVENT_ID: '" + event_id +
                             "' is not a UUID; pass the id of an audit event");
  }
  db::Transaction tx(connection);
  tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const auto rows = tx.exec(std::string("SELECT ") + kEventColumns +  // sql-constant
                                " FROM audit_events WHERE id = $1::uuid",
                            {event_id});
  if (rows.empty()) throw std::runtime_error("EVENT_ID: no audit event has id " + event_id);
  const StoredEvent event = read_event_row(rows, 0);

  const Checkpoint checkpoint = read_checkpoint(tx, event.chain, tree_size);
  if (checkpoint.tree_size < event.seq) {
    throw std::runtime_error("event " + event_id + " (chain " + event.chain + ", seq " +
                             std::to_string(event.seq) + ") is not covered by the checkpoint at tree size " +
                             std::to_string(checkpoint.tree_size) +
                             "; run `telehealth audit checkpoint` first");
  }
  const auto leaves = read_leaves(tx, event.chain, checkpoint.tree_size);
  tx.commit();
  if (merkle::root_of(leaves) != checkpoint.root_hash) {
    throw std::runtime_error("chain " + event.chain + ": the events no longer match the checkpoint at tree size " +
                             std::to_string(checkpoint.tree_size) + "; run `telehealth audit verify`");
  }

  const auto index = static_cast<std::uint64_t>(event.seq - 1);
  nlohmann::json path = nlohmann::json::array();
  for (const auto& hash : merkle::inclusion_proof(index, leaves)) path.push_back(merkle::to_hex(hash));
  nlohmann::json signed_checkpoint = to_json(checkpoint);
  signed_checkpoint["public_key"] = crypto::base64_encode(public_key);
  return {{"format", "telehealth-audit-inclusion-proof/v1"},
          {"event", event_json(event)},
          {"leaf_index", index},
          {"checkpoint", signed_checkpoint},
          {"inclusion_path", path}};
}

}  // namespace telehealth::audit
