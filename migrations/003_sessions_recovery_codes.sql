-- Sessions a user can see and end, and MFA recovery codes.

-- A public id for each session, so a user can list their sessions and end one
-- without the token hash ever leaving the server, and the client facts shown
-- in that list.
ALTER TABLE sessions
  ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN client_ip text,
  ADD COLUMN user_agent text;
CREATE UNIQUE INDEX sessions_id_key ON sessions (id);

-- Ten single-use recovery codes per user, each stored as the SHA-256 of its
-- normalised text. A code carries 80 random bits, so the hash needs no
-- stretching to resist guessing.
CREATE TABLE recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_codes TO telehealth_app;
