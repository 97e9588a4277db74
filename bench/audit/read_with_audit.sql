-- pgbench script: the SQL one authenticated PHI read through the API issues
-- (GET /api/patients/{id}/records by the treating clinician), with its audit
-- event appended in the request's own transaction, as the server did before
-- group commit. Each transaction is therefore one durable commit holding the
-- chain's lock, which is the cost group commit removes.
--
-- Variables set by bench/audit/run.sh with -D: token_hash (hex), clinician,
-- patient. pgbench reads a colon followed by a name as a variable even inside
-- a string literal, so the time format below spells its colons chr(58).
--
-- The chain 'pgbench' is this script's own, so the server's chain is
-- untouched. bench_audit_field() (created by run.sh) is the length-prefixed
-- encoding of chain_hash in src/audit/chain.cpp, so `telehealth audit verify`
-- checks this chain too.

-- Session (src/identity/sessions.cpp resume_session, without the touch).
SELECT s.id, s.mfa_done, u.id, u.email, u.display_name, u.role, u.totp_enabled, u.active,
       u.has_passkey
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE s.token_hash = decode(:token_hash, 'hex') AND u.active AND s.expires_at > now()
   AND s.last_seen_at > now() - interval '15 minutes';

BEGIN;
-- Access decision (src/identity/policy.cpp).
SELECT 1 FROM appointments
 WHERE clinician_id = CAST(:clinician AS uuid) AND patient_id = CAST(:patient AS uuid) AND status = 'booked' LIMIT 1;
-- The audit event, chained under the chain's lock (src/audit/chain.cpp).
SELECT pg_advisory_xact_lock(hashtextextended('telehealth audit chain ' || 'pgbench', 0));
INSERT INTO audit_events (chain, seq, id, occurred_at, event_type, actor_id, actor_role,
                          patient_id, record_type, record_id, outcome, client_ip, user_agent,
                          request_id, prev_hash, hash)
SELECT 'pgbench', e.seq, e.id, e.at, 'records.read', CAST(:clinician AS uuid), 'clinician', CAST(:patient AS uuid),
       'records', NULL, 'allowed', '127.0.0.1', 'pgbench', e.request_id, e.prev,
       sha256(e.prev || convert_to(
         bench_audit_field(e.seq::text) || bench_audit_field(e.id::text) ||
         bench_audit_field(replace(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24.MI.SS"Z"'), '.', chr(58))) ||
         bench_audit_field('records.read') || bench_audit_field(CAST(:clinician AS text)) ||
         bench_audit_field('clinician') || bench_audit_field(CAST(:patient AS text)) ||
         bench_audit_field('records') || bench_audit_field(NULL) ||
         bench_audit_field('allowed') || bench_audit_field('127.0.0.1') ||
         bench_audit_field('pgbench') || bench_audit_field(e.request_id), 'UTF8'))
  FROM (SELECT coalesce(max(seq), 0) + 1 AS seq, gen_random_uuid() AS id,
               date_trunc('second', now()) AS at,
               substr(md5(random()::text), 1, 16) AS request_id,
               coalesce((SELECT hash FROM audit_events WHERE chain = 'pgbench'
                          ORDER BY seq DESC LIMIT 1), '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) AS prev
          FROM audit_events WHERE chain = 'pgbench') e;
-- The record set (src/records/records.cpp read_records).
SELECT display_name FROM users WHERE id = CAST(:patient AS uuid) AND role = 'patient';
SELECT kek_version, wrapped_key FROM patient_keys WHERE patient_id = CAST(:patient AS uuid);
SELECT a.id, a.slot_id, a.starts_at, a.ends_at, a.status, a.patient_id, p.display_name,
       a.clinician_id, c.display_name
  FROM appointments a JOIN users p ON p.id = a.patient_id JOIN users c ON c.id = a.clinician_id
 WHERE a.patient_id = CAST(:patient AS uuid) ORDER BY a.starts_at, a.id;
SELECT e.id, e.appointment_id, e.clinician_id, u.display_name, e.created_at, e.note_sealed
  FROM encounters e JOIN users u ON u.id = e.clinician_id
 WHERE e.patient_id = CAST(:patient AS uuid) ORDER BY e.created_at, e.id;
SELECT r.id, r.appointment_id, r.clinician_id, u.display_name, r.created_at, r.content_sealed
  FROM prescriptions r JOIN users u ON u.id = r.clinician_id
 WHERE r.patient_id = CAST(:patient AS uuid) ORDER BY r.created_at, r.id;
COMMIT;
