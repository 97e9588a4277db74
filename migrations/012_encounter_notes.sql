-- Structured encounter notes: drafts, signing and amendments, with every
-- version kept.
--
-- An encounter row is the note's header. Its content lives only in
-- encounter_note_versions, one append-only row per draft save, per signature
-- and per amendment, each sealed under the patient's data key. Notes written
-- before this migration keep their single text in encounters.note_sealed and
-- count as signed, with no recorded hash.

ALTER TABLE encounters
  ALTER COLUMN note_sealed DROP NOT NULL,
  ADD COLUMN status text NOT NULL DEFAULT 'signed' CHECK (status IN ('draft', 'signed')),
  -- The number of the note's newest version; the client sends it back when
  -- it saves or signs, so a save from a stale copy is rejected (409).
  ADD COLUMN current_version integer NOT NULL DEFAULT 0 CHECK (current_version >= 0),
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN signed_at timestamptz,
  ADD COLUMN signed_by uuid REFERENCES users (id),
  ADD COLUMN signed_version integer,
  -- SHA-256 of the canonical encoding of the signed content (see
  -- src/records/note_content.hpp). NULL only for notes written before this
  -- migration.
  ADD COLUMN content_sha256 bytea CHECK (content_sha256 IS NULL OR length(content_sha256) = 32);

UPDATE encounters SET signed_at = created_at, signed_by = clinician_id, updated_at = created_at;

ALTER TABLE encounters
  ALTER COLUMN status SET DEFAULT 'draft',
  ADD CONSTRAINT encounters_signature_complete CHECK (
    (status = 'draft' AND signed_at IS NULL AND signed_by IS NULL AND signed_version IS NULL
       AND content_sha256 IS NULL)
    OR (status = 'signed' AND signed_at IS NOT NULL AND signed_by IS NOT NULL
       AND (note_sealed IS NOT NULL OR (signed_version IS NOT NULL AND content_sha256 IS NOT NULL)))),
  ADD CONSTRAINT encounters_content_present CHECK (note_sealed IS NOT NULL OR current_version >= 1);

CREATE INDEX encounters_clinician_idx ON encounters (clinician_id, created_at);

-- content_sealed is AES-256-GCM under the patient's data key with associated
-- data "encounter_note_versions.content_sealed:<id>:<encounter_id>:<version>".
-- Draft and signed rows seal the six sections as JSON, amendment rows their
-- text and reason. content_sha256 is set on signed and amendment rows.
CREATE TABLE encounter_note_versions (
  id uuid PRIMARY KEY,
  encounter_id uuid NOT NULL REFERENCES encounters (id),
  version integer NOT NULL CHECK (version >= 1),
  kind text NOT NULL CHECK (kind IN ('draft', 'signed', 'amendment')),
  author_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  content_sealed bytea NOT NULL,
  content_sha256 bytea CHECK (content_sha256 IS NULL OR length(content_sha256) = 32),
  UNIQUE (encounter_id, version),
  CHECK ((kind = 'draft') = (content_sha256 IS NULL))
);

-- Version rows never change, for any role.
CREATE FUNCTION encounter_note_versions_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'encounter_note_versions is append-only: % rejected', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER encounter_note_versions_no_update_delete
  BEFORE UPDATE OR DELETE ON encounter_note_versions
  FOR EACH ROW EXECUTE FUNCTION encounter_note_versions_reject_change();
CREATE TRIGGER encounter_note_versions_no_truncate
  BEFORE TRUNCATE ON encounter_note_versions
  FOR EACH STATEMENT EXECUTE FUNCTION encounter_note_versions_reject_change();

-- An encounter's header changes only in these ways: a draft moves to the
-- next version, a draft becomes signed once, and a signed note moves to the
-- next version when an amendment is added. Who wrote it, for which patient
-- and appointment, and its signature never change, and rows are never
-- deleted.
CREATE FUNCTION encounters_guard_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' THEN
    RAISE EXCEPTION 'encounters rows are never removed: % rejected', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.patient_id IS DISTINCT FROM OLD.patient_id
     OR NEW.clinician_id IS DISTINCT FROM OLD.clinician_id
     OR NEW.appointment_id IS DISTINCT FROM OLD.appointment_id
     OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR NEW.note_sealed IS DISTINCT FROM OLD.note_sealed THEN
    RAISE EXCEPTION 'encounters: identity and legacy content columns never change'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.current_version <> OLD.current_version + 1 THEN
    RAISE EXCEPTION 'encounters: current_version must move to the next version'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status = 'signed' AND (NEW.status IS DISTINCT FROM OLD.status
     OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
     OR NEW.signed_by IS DISTINCT FROM OLD.signed_by
     OR NEW.signed_version IS DISTINCT FROM OLD.signed_version
     OR NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256) THEN
    RAISE EXCEPTION 'encounters: a signed note is locked'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER encounters_guard
  BEFORE UPDATE OR DELETE ON encounters
  FOR EACH ROW EXECUTE FUNCTION encounters_guard_change();
CREATE TRIGGER encounters_no_truncate
  BEFORE TRUNCATE ON encounters
  FOR EACH STATEMENT EXECUTE FUNCTION encounters_guard_change();

-- Fire even in a session with session_replication_role = replica, so that
-- switching these triggers off takes an ALTER TABLE by the table owner or a
-- superuser. NOTE: the schema change log (deploy/postgres/audit_schema_log.sql)
-- covers audit tables only, so it does not record such an ALTER TABLE here.
ALTER TABLE encounter_note_versions ENABLE ALWAYS TRIGGER encounter_note_versions_no_update_delete;
ALTER TABLE encounter_note_versions ENABLE ALWAYS TRIGGER encounter_note_versions_no_truncate;
ALTER TABLE encounters ENABLE ALWAYS TRIGGER encounters_guard;
ALTER TABLE encounters ENABLE ALWAYS TRIGGER encounters_no_truncate;

-- Grants -------------------------------------------------------------------

REVOKE ALL ON FUNCTION encounter_note_versions_reject_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION encounters_guard_change() FROM PUBLIC;
REVOKE ALL ON encounter_note_versions FROM PUBLIC, telehealth_app;
GRANT SELECT, INSERT ON encounter_note_versions TO telehealth_app;
GRANT UPDATE (status, current_version, updated_at, signed_at, signed_by, signed_version,
              content_sha256) ON encounters TO telehealth_app;
