-- Appends :events invented read events to the chain 'verify-bench', hashed
-- exactly as src/audit/chain.cpp does (bench_audit_field is created by
-- run.sh), so that `telehealth audit verify` has a large log to check.
-- One recursive statement: each row's hash needs the one before it.
-- Run as the superuser with psql -v events=N.
INSERT INTO audit_events (chain, seq, id, occurred_at, event_type, actor_id, actor_role,
                          patient_id, record_type, record_id, outcome, client_ip, user_agent,
                          request_id, prev_hash, hash)
WITH RECURSIVE fixed AS (
  SELECT date_trunc('month', now()) + interval '1 hour' AS at,
         '3b0a51c6-0f43-4d6e-9e64-2a3f3f0b7c11'::uuid AS actor,
         '8e2d7c90-6a1b-4f5e-8d3c-1b2a3c4d5e6f'::uuid AS patient
), rows AS (
  SELECT 1::bigint AS seq, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea AS prev
  UNION ALL
  SELECT r.seq + 1, sha256(r.prev || convert_to(
           bench_audit_field(r.seq::text) || bench_audit_field(md5('verify-bench' || r.seq)::uuid::text) ||
           bench_audit_field(to_char(f.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) ||
           bench_audit_field('records.read') || bench_audit_field(f.actor::text) ||
           bench_audit_field('clinician') || bench_audit_field(f.patient::text) ||
           bench_audit_field('records') || bench_audit_field(NULL) ||
           bench_audit_field('allowed') || bench_audit_field('127.0.0.1') ||
           bench_audit_field('verify bench') || bench_audit_field(lpad(to_hex(r.seq), 16, '0')),
           'UTF8'))
    FROM rows r, fixed f
   WHERE r.seq < :events + 1
)
SELECT 'verify-bench', r.seq, md5('verify-bench' || r.seq)::uuid, f.at, 'records.read', f.actor,
       'clinician', f.patient, 'records', NULL, 'allowed', '127.0.0.1', 'verify bench',
       lpad(to_hex(r.seq), 16, '0'), r.prev,
       lead(r.prev) OVER (ORDER BY r.seq)
  FROM rows r, fixed f
 ORDER BY r.seq
 LIMIT :events;
