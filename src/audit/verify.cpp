#include "audit/chain.hpp"
#include "audit/event_rows.hpp"

namespace telehealth::audit {

namespace {

// Rows per FETCH: bounds memory while keeping round trips few.
constexpr int kBatchRows = 20000;

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
      std::string("DECLARE audit_scan NO SCROLL CURSOR FOR SELECT ") + kEventColumns +
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
      const StoredEvent event = read_event_row(rows, row);
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
