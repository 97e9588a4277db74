-- Coded prescriptions: a status that only moves from issued to cancelled,
-- and an append-only history of versions.
--
-- Rows written before this migration keep their free-text content in
-- content_sealed and read as issued. New rows hold the coded order (a
-- formulary product's RxNorm code and system, dose, route, frequency,
-- duration, quantity, repeats) as sealed JSON; the code stays inside the
-- sealed value because a drug names a condition, which is PHI.

ALTER TABLE prescriptions
  ADD COLUMN status text NOT NULL DEFAULT 'issued'
    CHECK (status IN ('issued', 'cancelled'));
CREATE INDEX prescriptions_appointment_idx ON prescriptions (appointment_id);

-- The one change a prescription row allows: status from issued to
-- cancelled, with every other column unchanged. Deleting one is rejected.
-- Triggers fire for every role, the owner's included.
CREATE FUNCTION prescriptions_guard_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.status = 'issued' AND NEW.status = 'cancelled'
     AND NEW.id = OLD.id AND NEW.patient_id = OLD.patient_id
     AND NEW.clinician_id = OLD.clinician_id AND NEW.appointment_id = OLD.appointment_id
     AND NEW.created_at = OLD.created_at AND NEW.content_sealed = OLD.content_sealed THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'prescriptions: % rejected; only issued to cancelled is allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER prescriptions_guard_update_delete
  BEFORE UPDATE OR DELETE ON prescriptions
  FOR EACH ROW EXECUTE FUNCTION prescriptions_guard_change();

-- One row per version of a prescription: version 1 is its issue, version 2
-- its cancellation. A prescription written before this migration has no
-- version 1 row; its prescriptions row stands for it. content_sealed is
-- AES-256-GCM under the patient's data key with associated data
-- "prescription_versions.content:<prescription id>:<version>", and holds the
-- whole prescription as of that version, with the cancellation reason.
CREATE TABLE prescription_versions (
  prescription_id uuid NOT NULL REFERENCES prescriptions (id),
  version integer NOT NULL CHECK (version >= 1),
  action text NOT NULL CHECK (action IN ('issued', 'cancelled')),
  actor_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  content_sealed bytea NOT NULL,
  PRIMARY KEY (prescription_id, version)
);

CREATE FUNCTION prescription_versions_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prescription_versions is append-only: % rejected', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER prescription_versions_no_update_delete
  BEFORE UPDATE OR DELETE ON prescription_versions
  FOR EACH ROW EXECUTE FUNCTION prescription_versions_reject_change();
CREATE TRIGGER prescription_versions_no_truncate
  BEFORE TRUNCATE ON prescription_versions
  FOR EACH STATEMENT EXECUTE FUNCTION prescription_versions_reject_change();

-- ENABLE ALWAYS makes the triggers fire in every session_replication_role,
-- so a superuser cannot switch them off with SET session_replication_role =
-- replica; only an ALTER TABLE, which the schema change log records, can.
ALTER TABLE prescriptions ENABLE ALWAYS TRIGGER prescriptions_guard_update_delete;
ALTER TABLE prescription_versions ENABLE ALWAYS TRIGGER prescription_versions_no_update_delete;
ALTER TABLE prescription_versions ENABLE ALWAYS TRIGGER prescription_versions_no_truncate;

GRANT SELECT, INSERT ON prescription_versions TO telehealth_app;
-- Cancelling sets the status; no other column may change (and the trigger
-- checks that too).
GRANT UPDATE (status) ON prescriptions TO telehealth_app;
