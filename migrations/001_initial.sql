-- Initial schema: users and sessions, scheduling, encrypted records, audit.
-- Runs as telehealth_owner. The application connects as telehealth_app, which
-- gets only the grants listed at the end of this file.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Identity -----------------------------------------------------------------

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('patient', 'clinician', 'admin', 'auditor')),
  password_hash text NOT NULL,
  -- The TOTP secret, sealed by the keyring (AES-256-GCM, associated data
  -- "users.totp_secret:<id>"), and the KEK version that sealed it.
  totp_secret_sealed bytea,
  totp_kek_version integer,
  totp_enabled boolean NOT NULL DEFAULT false,
  -- The last RFC 6238 time step accepted, so a code is never accepted twice.
  totp_last_step bigint,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
  -- SHA-256 of the 256-bit token; the token itself is only in the cookie.
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  mfa_done boolean NOT NULL DEFAULT false,
  -- A TOTP secret offered during enrolment and not yet confirmed, sealed as
  -- users.totp_secret_sealed is (associated data "sessions.pending_totp:<user id>").
  pending_totp_sealed bytea,
  pending_totp_kek_version integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Scheduling ---------------------------------------------------------------

CREATE TABLE availability_slots (
  id uuid PRIMARY KEY,
  clinician_id uuid NOT NULL REFERENCES users (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  -- A clinician never publishes two overlapping slots.
  EXCLUDE USING gist (clinician_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
);

CREATE TABLE appointments (
  id uuid PRIMARY KEY,
  slot_id uuid REFERENCES availability_slots (id),
  patient_id uuid NOT NULL REFERENCES users (id),
  clinician_id uuid NOT NULL REFERENCES users (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  -- Double-booking is impossible in the database itself: no two booked
  -- appointments of one clinician, or of one patient, overlap in time.
  CONSTRAINT appointments_clinician_no_overlap
    EXCLUDE USING gist (clinician_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status = 'booked'),
  CONSTRAINT appointments_patient_no_overlap
    EXCLUDE USING gist (patient_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status = 'booked')
);
CREATE UNIQUE INDEX appointments_slot_booked_key ON appointments (slot_id) WHERE status = 'booked';
CREATE INDEX appointments_patient_idx ON appointments (patient_id, starts_at);
CREATE INDEX appointments_clinician_idx ON appointments (clinician_id, starts_at);

-- Records (PHI, encrypted in the application) -------------------------------

-- One data key per patient record set, wrapped by a key-encryption key from
-- the keyring (associated data "patient_keys:<patient id>").
CREATE TABLE patient_keys (
  patient_id uuid PRIMARY KEY REFERENCES users (id),
  kek_version integer NOT NULL,
  wrapped_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- note_sealed is AES-256-GCM under the patient's data key, with associated
-- data "encounters.note:<id>", so a ciphertext copied to another row fails.
CREATE TABLE encounters (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES users (id),
  clinician_id uuid NOT NULL REFERENCES users (id),
  appointment_id uuid NOT NULL REFERENCES appointments (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  note_sealed bytea NOT NULL
);
CREATE INDEX encounters_patient_idx ON encounters (patient_id, created_at);

-- content_sealed holds the prescription's fields as JSON, sealed like
-- encounters.note_sealed with associated data "prescriptions.content:<id>".
CREATE TABLE prescriptions (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES users (id),
  clinician_id uuid NOT NULL REFERENCES users (id),
  appointment_id uuid NOT NULL REFERENCES appointments (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  content_sealed bytea NOT NULL
);
CREATE INDEX prescriptions_patient_idx ON prescriptions (patient_id, created_at);

-- Audit --------------------------------------------------------------------

-- Append-only. hash = SHA-256(prev_hash || canonical encoding of the row),
-- see src/audit/chain.cpp; the first event's prev_hash is 32 zero bytes.
CREATE TABLE audit_events (
  seq bigint PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,
  event_type text NOT NULL,
  actor_id uuid,
  actor_role text,
  patient_id uuid,
  record_type text,
  record_id text,
  outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
  client_ip text,
  user_agent text,
  request_id text,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE INDEX audit_events_patient_idx ON audit_events (patient_id, seq);

CREATE FUNCTION audit_events_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % rejected', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_reject_change();
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();

-- Grants -------------------------------------------------------------------

GRANT USAGE ON SCHEMA public TO telehealth_app;
GRANT SELECT, INSERT, UPDATE ON users TO telehealth_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO telehealth_app;
GRANT SELECT, INSERT ON availability_slots TO telehealth_app;
GRANT SELECT, INSERT, UPDATE ON appointments TO telehealth_app;
GRANT SELECT, INSERT ON patient_keys, encounters, prescriptions TO telehealth_app;
-- The application may only read and append audit events.
GRANT SELECT, INSERT ON audit_events TO telehealth_app;
