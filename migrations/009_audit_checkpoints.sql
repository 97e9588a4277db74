-- Signed checkpoints of the audit log (see src/audit/checkpoint.hpp).
--
-- Each row is the tree head of one chain's RFC 9162 Merkle tree after its
-- first tree_size events, signed with the keyring's Ed25519 audit key. The
-- signature covers chain, tree_size, root_hash, signed_at and key_id in the
-- text form that checkpoint.hpp documents; frontier is not signed. It holds
-- the roots of the tree's perfect subtrees (32 bytes each, left to right),
-- so that the next checkpoint reads only newer events. `telehealth audit
-- verify` recomputes every root from the events, so a forged frontier can
-- delay a checkpoint but never make a wrong one pass.
CREATE TABLE audit_checkpoints (
  chain text NOT NULL CHECK (chain ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  tree_size bigint NOT NULL CHECK (tree_size > 0),
  root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  signed_at timestamptz NOT NULL,
  key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
  signature bytea NOT NULL CHECK (octet_length(signature) = 64),
  frontier bytea NOT NULL CHECK (octet_length(frontier) % 32 = 0),
  PRIMARY KEY (chain, tree_size)
);

-- Append-only, like audit_events: the trigger fires even for roles that
-- hold the privilege, so only a superuser who disables it can change a row.
CREATE FUNCTION audit_checkpoints_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only: % rejected', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_checkpoints_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_reject_change();
CREATE TRIGGER audit_checkpoints_no_truncate
  BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_reject_change();

GRANT SELECT, INSERT ON audit_checkpoints TO telehealth_app;
