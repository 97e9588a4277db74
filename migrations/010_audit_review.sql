-- Indexes for the auditor's review of the audit log and the patient's access
-- report. Both list events newest first in the order (occurred_at, chain,
-- seq), which is unique because (chain, seq) is the primary key, and page
-- through it by keyset.

-- Review without a patient filter: a backward scan in page order, bounded by
-- the time range when one is given.
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, chain, seq);

-- The review lists flagged events (inside a break-glass episode, or denied)
-- first; they are few, so this partial index finds them without scanning
-- the whole log.
CREATE INDEX audit_events_flagged_idx ON audit_events (occurred_at, chain, seq)
  WHERE break_glass_id IS NOT NULL OR outcome = 'denied';

-- The patient's access report, and review filtered by patient, in page order.
CREATE INDEX audit_events_patient_time_idx ON audit_events (patient_id, occurred_at, chain, seq);
