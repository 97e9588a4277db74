#include "audit/event_rows.hpp"

namespace telehealth::audit {

namespace {

std::string raw(const db::Result& rows, int row, int column) {
  const auto bytes = rows.bytes(row, column);
  return {bytes.begin(), bytes.end()};
}

}  // namespace

StoredEvent read_event_row(const db::Result& rows, int row) {
  StoredEvent stored;
  stored.seq = rows.integer(row, 0);
  stored.id = std::string(rows.text(row, 1));
  stored.occurred_at = rows.timestamp(row, 2);
  stored.event.event_type = std::string(rows.text(row, 3));
  stored.event.actor_id = rows.optional_text(row, 4);
  stored.event.actor_role = rows.optional_text(row, 5);
  stored.event.patient_id = rows.optional_text(row, 6);
  stored.event.record_type = rows.optional_text(row, 7);
  stored.event.record_id = rows.optional_text(row, 8);
  stored.outcome_text = std::string(rows.text(row, 9));
  stored.event.client_ip = std::string(rows.text(row, 10));
  stored.event.user_agent = std::string(rows.text(row, 11));
  stored.event.request_id = std::string(rows.text(row, 12));
  stored.prev_hash = raw(rows, row, 13);
  stored.hash = raw(rows, row, 14);
  stored.event.break_glass_id = rows.optional_text(row, 15);
  stored.chain = std::string(rows.text(row, 16));
  stored.event.result_ids = rows.optional_text(row, 17);
  return stored;
}

}  // namespace telehealth::audit
