-- Admin functions and emergency access: elevated admin sessions, staff
-- invitations, break-glass episodes and the audit flag that marks every event
-- inside an episode.

-- Elevated admin sessions ---------------------------------------------------

-- Admin functions run only while this is in the future. POST
-- /api/admin/elevate sets it after a fresh TOTP code, on a new session row
-- (the token rotates on the change of privilege).
ALTER TABLE sessions ADD COLUMN elevated_until timestamptz;

-- Invitations ----------------------------------------------------------------

-- A single-use link an admin passes to a new user. Only the SHA-256 of the
-- 256-bit token is stored; the token itself is shown to the admin once.
CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('patient', 'clinician', 'admin', 'auditor')),
  invited_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_user_id uuid REFERENCES users (id),
  CHECK (expires_at > created_at),
  CHECK ((accepted_at IS NULL) = (accepted_user_id IS NULL))
);

-- Break-glass ------------------------------------------------------------------

-- A clinician's time-limited emergency access to one patient's record. The
-- justification and the review note are free text that may describe the
-- patient, so both are sealed by the keyring (AES-256-GCM, associated data
-- "break_glass_episodes.justification:<id>" and
-- "break_glass_episodes.review_note:<id>").
CREATE TABLE break_glass_episodes (
  id uuid PRIMARY KEY,
  clinician_id uuid NOT NULL REFERENCES users (id),
  patient_id uuid NOT NULL REFERENCES users (id),
  reason text NOT NULL CHECK (reason IN ('emergency_treatment', 'patient_unable_to_consent',
                                         'urgent_continuity_of_care', 'clinical_safety_concern')),
  justification_sealed bytea NOT NULL,
  justification_kek_version integer NOT NULL,
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  reviewed_at timestamptz,
  reviewed_by uuid REFERENCES users (id),
  review_note_sealed bytea,
  review_note_kek_version integer,
  CHECK (expires_at > started_at),
  CHECK ((reviewed_at IS NULL) = (reviewed_by IS NULL))
);
CREATE INDEX break_glass_active_idx ON break_glass_episodes (clinician_id, patient_id, expires_at);
CREATE INDEX break_glass_unreviewed_idx ON break_glass_episodes (started_at) WHERE reviewed_at IS NULL;

-- The episode an audit event happened in. NULL for every event outside one,
-- and for every event written before this column existed: the chain hash
-- includes the field only when it is set, so those rows still verify.
ALTER TABLE audit_events ADD COLUMN break_glass_id uuid;
CREATE INDEX audit_events_break_glass_idx ON audit_events (break_glass_id)
  WHERE break_glass_id IS NOT NULL;

-- Grants -------------------------------------------------------------------

GRANT SELECT, INSERT, UPDATE ON invitations TO telehealth_app;
GRANT SELECT, INSERT, UPDATE ON break_glass_episodes TO telehealth_app;
