-- Single sign-on for staff through OpenID Connect.

-- One row per external identity: the provider's issuer and its stable subject
-- ("sub" claim) name one of our users. The e-mail address is used only once,
-- to create this link; later sign-ins match on (issuer, subject) alone, so a
-- changed address at the provider cannot move a login to another account.
CREATE TABLE oidc_identities (
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz,
  PRIMARY KEY (issuer, subject),
  -- A user has at most one identity per provider, so a second subject that
  -- claims the same verified e-mail address is rejected instead of linked.
  UNIQUE (issuer, user_id)
);

-- Authorization requests in progress. Only SHA-256 digests are stored: of the
-- state, of the nonce and of the random value in the browser's
-- __Host-oidc_flow cookie. A row is deleted when its callback arrives (single
-- use) and is worthless after expires_at.
CREATE TABLE oidc_flows (
  state_hash bytea PRIMARY KEY,
  browser_hash bytea NOT NULL,
  nonce_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX oidc_flows_expires_idx ON oidc_flows (expires_at);

GRANT SELECT, INSERT, UPDATE ON oidc_identities TO telehealth_app;
GRANT SELECT, INSERT, DELETE ON oidc_flows TO telehealth_app;
