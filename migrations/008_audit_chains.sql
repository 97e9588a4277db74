-- One hash chain per writer, and the ids a search returned.
--
-- Each `telehealth serve` instance appends through its own group-commit
-- writer to the chain named in its configuration (audit.chain), so several
-- instances never contend for one chain head. Every event stored before this
-- migration belongs to the chain 'main'. The chain name is not hashed: moving
-- a row to another chain breaks the prev_hash links of both chains.
ALTER TABLE audit_events ADD COLUMN chain text NOT NULL DEFAULT 'main'
  CHECK (chain ~ '^[a-z0-9][a-z0-9_-]{0,62}$');
ALTER TABLE audit_events ALTER COLUMN chain DROP DEFAULT;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events ADD PRIMARY KEY (chain, seq);

-- The record ids a search returned, comma-separated in the order returned.
-- NULL for every other event; like break_glass_id, the chain hash includes
-- the field only when it is set, so older rows still verify.
ALTER TABLE audit_events ADD COLUMN result_ids text;
