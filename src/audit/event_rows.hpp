#pragma once

#include "audit/event.hpp"
#include "db/connection.hpp"

namespace telehealth::audit {

/// The audit_events columns that read_event_row expects, in its order.
inline constexpr const char* kEventColumns =
    "seq, id, occurred_at, event_type, actor_id, actor_role, patient_id, record_type,"
    " record_id, outcome, client_ip, user_agent, request_id, prev_hash, hash, break_glass_id,"
    " chain, result_ids";

/// Reads one row selected with kEventColumns.
StoredEvent read_event_row(const db::Result& rows, int row);

}  // namespace telehealth::audit
