#include "audit/chain.hpp"

namespace telehealth::audit {

namespace {

// Rows per FETCH: bounds memory while keeping round trips few.
constexpr int kBatchRows = 20000;

std::optional<std::string> opt(const db::Result& rows, int row, int column) {
  return rows.optional_text(row, column);
}

std::string raw(const db::Result& rows, int row, int column) {
  const auto bytes = rows.bytes(row, column);
  return {bytes.begin(), bytes.end()};
}

StoredEvent read_row(const db::Result& rows, int row) {
  StoredEvent stored;
  stored.seq = rows.integer(row, 0);
  stored.id = std::string(rows.text(row, 1));
  stored.occurred_at = rows.timestamp(row, 2);
  stored.event.event_type = std::string(rows.text(row, 3));
  stored.event.actor_id = opt(rows, row, 4);
  stored.event.actor_role = opt(rows, row, 5);
  stored.event.patient_id = opt(rows, row, 6);
  stored.event.record_type = opt(rows, row, 7);
  stored.event.record_id = opt(rows, row, 8);
  stored.outcome_text = std::string(rows.text(row, 9));
  stored.event.client_ip = std::string(rows.text(row, 10));
  stored.event.user_agent = std::string(rows.text(row, 11));
  stored.event.request_id = std::string(rows.text(row, 12));
  stored.prev_hash = raw(rows, row, 13);
  stored.hash = raw(rows, row, 14);
  stored.event.break_glass_id = opt(rows, row, 15);
  stored.chain = std::string(rows.text(row, 16));
  stored.event.result_ids = opt(rows, row, 17);
  return stored;
}

// Checks one event against its predecessor; returns the problem or "".
std::string check_event(const StoredEvent& event, std::int64_t expected_seq,
                        const std::string& expected_prev) {
  const std::string where = "chain " + event.chain + ": event ";
  if (chain_hash(event) != event.hash) {
    return where + std::to_string(event.seq) + " was changed: its hash does not match its contents";
  }
  if (event.seq != expected_seq) {
    return where + std::to_string(expected_seq) + " is missing: the sequence jumps to " +
           std::to_string(event.seq);
  }
  if (event.prev_hash != expected_prev) {
    return where + std::to_string(event.seq) +
           " does not link to the event before it: events were removed or reordered";
  }
  return {};
}

}  // namespace

VerifyReport verify(db::Connection& connection) {
  VerifyReport report;
  db::Transaction tx(connection);
  tx.exec(
      "DECLARE audit_scan NO SCROLL CURSOR FOR SELECT seq, id, occurred_at, event_type,"
      " actor_id, actor_role, patient_id, record_type, record_id, outcome, client_ip,"
      " user_agent, request_id, prev_hash, hash, break_glass_id, chain, result_ids"
      " FROM audit_events ORDER BY chain, seq");

  // Each chain starts at seq 1 with 32 zero bytes as its predecessor.
  std::string chain;
  std::int64_t expected_seq = 1;
  std::string expected_prev(32, '\0');
  const std::string fetch = "FETCH " + std::to_string(kBatchRows) + " FROM audit_scan";
  for (;;) {
    const auto rows = tx.exec(fetch);
    if (rows.empty()) break;
    for (int row = 0; row < rows.rows(); ++row) {
      const StoredEvent event = read_row(rows, row);
      if (event.chain != chain) {
        chain = event.chain;
        expected_seq = 1;
        expected_prev.assign(32, '\0');
      }
      if (auto problem = check_event(event, expected_seq, expected_prev); !problem.empty()) {
        report.first_bad_seq = event.seq != expected_seq && chain_hash(event) == event.hash
                                   ? expected_seq
                                   : event.seq;
        report.problem = std::move(problem);
        return report;
      }
      ++report.events_checked;
      expected_seq = event.seq + 1;
      expected_prev = event.hash;
    }
  }
  tx.commit();
  return report;
}

}  // namespace telehealth::audit
