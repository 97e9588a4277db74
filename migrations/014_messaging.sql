-- Secure messaging: one thread per patient-clinician pair, each sealed under
-- its own data key; attachments; read receipts; the notification outbox; and
-- care-team departures, which end a clinician's treating relationship.
--
-- Every table here is append-only for the application: telehealth_app gets
-- SELECT and INSERT only, and triggers reject UPDATE, DELETE and TRUNCATE
-- from any role, so message history, receipts and key versions cannot be
-- rewritten.

CREATE FUNCTION messaging_reject_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION '% on % is not allowed: messaging tables are append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- At most one thread per pair. Opened by either party while the clinician
-- treats the patient.
CREATE TABLE message_threads (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES users (id),
  clinician_id uuid NOT NULL REFERENCES users (id),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT message_threads_pair_key UNIQUE (patient_id, clinician_id)
);
CREATE INDEX message_threads_clinician_idx ON message_threads (clinician_id);

-- The thread's data keys, one row per key version, each wrapped by the
-- keyring's key-encryption key with associated data
-- "message_thread_keys:<thread id>:<key version>". Rotation adds a version;
-- earlier versions stay, so messages sealed under them still open.
CREATE TABLE message_thread_keys (
  thread_id uuid NOT NULL REFERENCES message_threads (id),
  key_version integer NOT NULL CHECK (key_version > 0),
  kek_version integer NOT NULL,
  wrapped_key bytea NOT NULL,
  reason text NOT NULL CHECK (reason IN ('created', 'rotation', 'care_team_departure')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (thread_id, key_version)
);

-- body_sealed is AES-256-GCM under the thread key of key_version, with
-- associated data "messages.body:<thread id>:<message id>:<key version>", so
-- a ciphertext copied to another row or thread fails to open. seq orders the
-- messages of all threads (newest last) and is the pagination cursor.
CREATE TABLE messages (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  thread_id uuid NOT NULL REFERENCES message_threads (id),
  sender_id uuid NOT NULL REFERENCES users (id),
  key_version integer NOT NULL,
  body_sealed bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (thread_id, key_version) REFERENCES message_thread_keys (thread_id, key_version)
);
CREATE INDEX messages_thread_idx ON messages (thread_id, seq);

-- An attachment belongs to one message. The original filename and the bytes
-- are sealed under the thread key of key_version, with associated data
-- "message_attachments.filename:<id>:<key version>" and
-- "message_attachments.content:<id>:<key version>".
-- TODO: move the bytes to the documents store once it exists; this table then
-- keeps only a reference.
CREATE TABLE message_attachments (
  id uuid PRIMARY KEY,
  message_id uuid NOT NULL UNIQUE REFERENCES messages (id),
  thread_id uuid NOT NULL REFERENCES message_threads (id),
  key_version integer NOT NULL,
  content_type text NOT NULL
    CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'text/plain')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
  filename_sealed bytea NOT NULL,
  content_sealed bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (thread_id, key_version) REFERENCES message_thread_keys (thread_id, key_version)
);

-- Read receipts: the reader has read every message of the thread up to
-- up_to_seq. A reader's latest receipt is the one with the highest up_to_seq.
CREATE TABLE message_read_receipts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  thread_id uuid NOT NULL REFERENCES message_threads (id),
  reader_id uuid NOT NULL REFERENCES users (id),
  up_to_seq bigint NOT NULL,
  read_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_read_receipts_reader_idx
  ON message_read_receipts (thread_id, reader_id, up_to_seq);

-- Notifications waiting for a sender. The text never names the sender, the
-- patient or the content (the CHECK keeps it to the one fixed sentence).
-- TODO: no e-mail or push sender exists yet, so rows stay unsent.
CREATE TABLE notification_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recipient_id uuid NOT NULL REFERENCES users (id),
  channel text NOT NULL CHECK (channel IN ('email')),
  text text NOT NULL CHECK (text = 'You have a new message'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_outbox_recipient_idx ON notification_outbox (recipient_id);

-- A clinician's departure from a patient's care team, recorded by an admin.
-- Appointments whose created_at is not after departed_at no longer make the
-- clinician a treating clinician (identity::has_treating_relationship); a
-- later booking does again. Both times come from the application's clock.
CREATE TABLE care_team_departures (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES users (id),
  clinician_id uuid NOT NULL REFERENCES users (id),
  recorded_by uuid NOT NULL REFERENCES users (id),
  departed_at timestamptz NOT NULL
);
CREATE INDEX care_team_departures_pair_idx ON care_team_departures (clinician_id, patient_id);

DO $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY['message_threads', 'message_thread_keys', 'messages',
                              'message_attachments', 'message_read_receipts',
                              'notification_outbox', 'care_team_departures'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I'
                   ' FOR EACH ROW EXECUTE FUNCTION messaging_reject_change()',
                   name || '_append_only', name);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION messaging_reject_change()',
                   name || '_no_truncate', name);
    -- ALWAYS: the triggers fire even under session_replication_role =
    -- replica, which a superuser could otherwise set to skip them.
    EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER %I', name, name || '_append_only');
    EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER %I', name, name || '_no_truncate');
  END LOOP;
END;
$$;

GRANT SELECT, INSERT ON message_threads, message_thread_keys, messages, message_attachments,
  message_read_receipts, notification_outbox, care_team_departures TO telehealth_app;
