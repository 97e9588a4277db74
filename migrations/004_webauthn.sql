-- WebAuthn passkeys (W3C Web Authentication Level 2): the credentials each
-- user registered and the challenges the server issued for them.

CREATE TABLE webauthn_credentials (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- The authenticator's credential id (at most 1023 bytes) and the COSE_Key
  -- it attested at registration, exactly as encoded.
  credential_id bytea NOT NULL UNIQUE CHECK (octet_length(credential_id) BETWEEN 1 AND 1023),
  public_key bytea NOT NULL,
  -- COSE algorithm: -7 ES256, -8 EdDSA (Ed25519), -257 RS256.
  algorithm integer NOT NULL CHECK (algorithm IN (-7, -8, -257)),
  -- The last signature counter seen; an assertion must exceed it unless both
  -- are zero, else the credential may have been cloned.
  sign_count bigint NOT NULL DEFAULT 0 CHECK (sign_count BETWEEN 0 AND 4294967295),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX webauthn_credentials_user_idx ON webauthn_credentials (user_id);

-- One row per challenge issued. Only the SHA-256 of the 256-bit challenge is
-- stored. A challenge is used once, before it expires, for its purpose only;
-- registration and second-factor challenges are bound to the session that
-- asked for them.
CREATE TABLE webauthn_challenges (
  challenge_hash bytea PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('register', 'second_factor', 'sign_in')),
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  -- sessions.token_hash of the session that asked; NULL for passwordless
  -- sign-in, which starts without a session.
  session_hash bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  CHECK ((purpose = 'sign_in') = (session_hash IS NULL))
);
CREATE INDEX webauthn_challenges_expiry_idx ON webauthn_challenges (expires_at);

-- Grants -------------------------------------------------------------------

-- A credential's key, id and owner never change after registration; only its
-- counter and last use are updated.
GRANT SELECT, INSERT, DELETE ON webauthn_credentials TO telehealth_app;
GRANT UPDATE (sign_count, last_used_at) ON webauthn_credentials TO telehealth_app;
-- Challenges are marked used, never edited otherwise; expired ones are
-- deleted when new ones are issued.
GRANT SELECT, INSERT, DELETE ON webauthn_challenges TO telehealth_app;
GRANT UPDATE (used_at) ON webauthn_challenges TO telehealth_app;
