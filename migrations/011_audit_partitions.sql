-- Audit retention: audit_events partitioned by month, a maintenance role that
-- alone may drop a month once it is past the retention period, and a table
-- that records every schema change to the audit tables.
--
-- Runs as telehealth_owner like every migration. Two steps need more than
-- the owner has, because the owner is NOCREATEROLE and only a superuser may
-- create an event trigger:
--   * the role telehealth_maintenance must exist before this file runs
--     (scripts/lib/postgres.sh creates it; see the check below);
--   * the event triggers that fill audit_schema_changes are installed
--     afterwards by a superuser from deploy/postgres/audit_schema_log.sql.

-- Preconditions --------------------------------------------------------------

-- Roles belong to the cluster, not to the database, so the scripts that
-- create telehealth_owner and telehealth_app create this one too. An owner
-- with CREATEROLE (for example the master user of a managed PostgreSQL)
-- creates it here instead.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'telehealth_maintenance') THEN
    IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      CREATE ROLE telehealth_maintenance NOLOGIN NOINHERIT;
    ELSE
      RAISE EXCEPTION 'role "telehealth_maintenance" does not exist'
        USING HINT = 'Create it as a superuser with: CREATE ROLE telehealth_maintenance '
                     'NOLOGIN NOINHERIT; then run the migrations again.';
    END IF;
  END IF;
END
$$;

-- A generic append-only guard for every audit table created from here on:
-- the message names the table. Row UPDATE and DELETE, and TRUNCATE, fail
-- for every role, the owner and superusers included, unless triggers are
-- disabled (which only a superuser or the owner can do, and which the hash
-- chain and audit_schema_changes record).
CREATE FUNCTION audit_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- The partitioned audit_events ---------------------------------------------

LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE;

-- Index definitions of the current table, taken before anything is renamed,
-- so every index that earlier migrations added is created again with the
-- same name and definition. The primary key and the UNIQUE (id) constraint
-- are replaced below because a unique index on a partitioned table must
-- contain the partition key.
CREATE TEMP TABLE audit_events_index_definitions ON COMMIT DROP AS
SELECT index_class.relname AS name,
       pg_get_indexdef(index.indexrelid) AS definition,
       index.indisunique AS is_unique,
       EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = index.indexrelid) AS is_constraint
  FROM pg_index index
  JOIN pg_class index_class ON index_class.oid = index.indexrelid
 WHERE index.indrelid = 'public.audit_events'::regclass;

ALTER TABLE audit_events RENAME TO audit_events_unpartitioned;

-- Index names are unique per schema, so the old ones move out of the way.
DO $$
DECLARE
  index_name text;
BEGIN
  FOR index_name IN SELECT name FROM audit_events_index_definitions LOOP
    EXECUTE format('ALTER INDEX public.%I RENAME TO %I', index_name,
                   left(index_name, 50) || '_unpartitioned');
  END LOOP;
END
$$;

-- Every column, NOT NULL and CHECK constraint of the old table (001, 006,
-- 008 and later), in the same order, so `SELECT *` copies rows one to one.
CREATE TABLE audit_events (
  LIKE audit_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS
) PARTITION BY RANGE (occurred_at);

-- A primary key of a partitioned table must contain the partition key, so
-- occurred_at joins (chain, seq). That no longer stops two rows from sharing
-- (chain, seq) with different times, but the hash chain does: each event's
-- prev_hash is its predecessor's hash, so a second row at the same seq breaks
-- the chain and `telehealth audit verify` reports it.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (chain, seq, occurred_at);

-- The id was UNIQUE on its own. Across partitions only a plain index is
-- possible; ids are random version 4 UUIDs from the server (122 random bits),
-- and the index serves look-ups by id.
CREATE INDEX audit_events_id_idx ON audit_events (id);

DO $$
DECLARE
  index_definition record;
BEGIN
  FOR index_definition IN
    SELECT name, definition, is_unique FROM audit_events_index_definitions
     WHERE NOT is_constraint
     ORDER BY name
  LOOP
    IF index_definition.is_unique THEN
      RAISE EXCEPTION 'unique index "%" on audit_events cannot be kept on the partitioned table',
                      index_definition.name
        USING HINT = 'A unique index of a partitioned table must contain occurred_at; '
                     'change the migration that added it.';
    END IF;
    -- The definition names public.audit_events, which is now the new table.
    EXECUTE index_definition.definition;
  END LOOP;
END
$$;

-- Row triggers on a partitioned table are cloned onto every partition,
-- present and future. A TRUNCATE trigger is not: audit_create_partition adds
-- one to each partition, so TRUNCATE of a single partition fails too.
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();

-- Partitions -----------------------------------------------------------------

-- Creates the partition for the month (UTC) that contains month_start, unless
-- it exists, and returns whether it created one. Partitions are named
-- audit_events_YYYY_MM and cover [first instant of the month, first instant
-- of the next month) in UTC.
--
-- The table is created on its own and then attached: ATTACH PARTITION takes
-- only a SHARE UPDATE EXCLUSIVE lock on audit_events, so inserts and reads go
-- on meanwhile (CREATE TABLE ... PARTITION OF would block them). lock_timeout
-- bounds the wait for that lock; a caller that times out tries again later.
CREATE FUNCTION audit_create_partition(month_start timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  range_start timestamptz := date_trunc('month', month_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  range_end timestamptz := range_start + interval '1 month';
  partition_name text := 'audit_events_' || to_char(range_start AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
  IF EXISTS (SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'public.audit_events'::regclass
                AND c.relname = partition_name) THEN
    RETURN false;
  END IF;

  PERFORM set_config('lock_timeout', '5s', true);
  EXECUTE format('CREATE TABLE public.%I (LIKE public.audit_events INCLUDING DEFAULTS '
                 'INCLUDING CONSTRAINTS)', partition_name);
  -- Least privilege on the partition itself: the application reads and
  -- writes through audit_events, whose grants PostgreSQL checks instead.
  EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, telehealth_app, telehealth_maintenance',
                 partition_name);
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON public.%I '
                 'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_reject_change()',
                 partition_name);
  EXECUTE format('ALTER TABLE public.audit_events ATTACH PARTITION public.%I '
                 'FOR VALUES FROM (%L) TO (%L)', partition_name, range_start, range_end);
  RETURN true;
END;
$$;

-- Creates the partitions from the previous month through months_ahead months
-- after the current one (UTC) and returns how many it created. The previous
-- month is included for a server whose clock lags the database's at the turn
-- of a month. `telehealth serve` calls this at start-up and once a day.
--
-- There is no DEFAULT partition. An event whose occurred_at falls in no
-- partition fails to insert (SQLSTATE 23514), so the request that wrote it
-- fails closed, and the error is logged. A DEFAULT partition would accept
-- such rows, but PostgreSQL then refuses to attach a partition whose range
-- overlaps rows in DEFAULT, and moving those rows out would mean deleting
-- from an append-only table. An occurred_at months outside the current
-- month means a broken clock, which should be fixed, not stored.
CREATE FUNCTION audit_create_partitions(months_ahead integer DEFAULT 3) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  current_month timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  created integer := 0;
  month_offset integer;
BEGIN
  -- Bounded, because the application role may call this.
  IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 36 THEN
    RAISE EXCEPTION 'months_ahead must be from 0 to 36, got %', months_ahead
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Two instances starting together would otherwise race to create the same
  -- partition; the lock ends with the caller's transaction.
  PERFORM pg_advisory_xact_lock(hashtext('public.audit_create_partitions'));
  FOR month_offset IN -1 .. months_ahead LOOP
    IF public.audit_create_partition(current_month + make_interval(months => month_offset)) THEN
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;

-- One partition for every month that holds an existing event, and the
-- months around today; then the rows move over unchanged.
DO $$
DECLARE
  oldest timestamptz;
  newest timestamptz;
  month_start timestamptz;
BEGIN
  SELECT min(occurred_at), max(occurred_at) INTO oldest, newest FROM audit_events_unpartitioned;
  IF oldest IS NOT NULL THEN
    month_start := date_trunc('month', oldest AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    WHILE month_start <= newest LOOP
      PERFORM audit_create_partition(month_start);
      month_start := month_start + interval '1 month';
    END LOOP;
  END IF;
  PERFORM audit_create_partitions(3);
END
$$;

INSERT INTO audit_events SELECT * FROM audit_events_unpartitioned;
DROP TABLE audit_events_unpartitioned;
ANALYZE audit_events;

-- Retention ------------------------------------------------------------------

-- How long audit events are kept: a whole partition may be dropped once its
-- range ended longer ago than this. The default is 7 years; HIPAA (45 CFR
-- 164.316(b)(2)(i)) requires 6 years for required documentation, so the
-- CHECK keeps anyone without DDL rights from going below that. Only the table
-- owner (telehealth_owner) may change it: neither the application nor the
-- maintenance role has UPDATE, and every change is recorded in
-- audit_schema_changes by the trigger below. Interval comparison counts a
-- year as 360 days and a month as 30.
CREATE TABLE audit_retention (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  period interval NOT NULL CHECK (period >= interval '6 years')
);
INSERT INTO audit_retention (period) VALUES (interval '7 years');

CREATE TRIGGER audit_retention_no_delete
  BEFORE DELETE ON audit_retention
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_retention_no_truncate
  BEFORE TRUNCATE ON audit_retention
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();

-- Lists the partitions of audit_events with their UTC range, oldest first.
CREATE FUNCTION audit_partition_bounds()
RETURNS TABLE (partition_name text, range_start timestamptz, range_end timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT b.name, b.bound[1]::timestamptz, b.bound[2]::timestamptz
    FROM (SELECT c.relname::text AS name,
                 regexp_match(pg_get_expr(c.relpartbound, c.oid),
                              '^FOR VALUES FROM \(''([^'']+)''\) TO \(''([^'']+)''\)$') AS bound
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'public.audit_events'::regclass) b
   ORDER BY 2;
$$;

-- Lists the partitions as audit_partition_bounds does, with the number of
-- events in each and whether its range ended longer than the retention
-- period ago. Runs with the caller's rights: counting needs SELECT on
-- audit_events, and reads every partition.
CREATE FUNCTION audit_partitions()
RETURNS TABLE (partition_name text, range_start timestamptz, range_end timestamptz,
               events bigint, expired boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT b.partition_name, b.range_start, b.range_end,
         -- The range lets PostgreSQL read only that partition; a partition
         -- with an open bound is counted by tableoid, which reads them all.
         CASE WHEN b.range_start IS NOT NULL AND b.range_end IS NOT NULL THEN
           (SELECT count(*) FROM public.audit_events e
             WHERE e.occurred_at >= b.range_start AND e.occurred_at < b.range_end)
         ELSE
           (SELECT count(*) FROM public.audit_events e
             WHERE e.tableoid = ('public.' || quote_ident(b.partition_name))::regclass)
         END,
         b.range_end <= now() - (SELECT period FROM public.audit_retention)
    FROM public.audit_partition_bounds() b
   ORDER BY b.range_start;
$$;

-- Schema changes ---------------------------------------------------------------

-- Every DDL command on audit_events, its partitions and the other audit_*
-- tables, written by the event triggers of deploy/postgres/audit_schema_log.sql,
-- and every change of the retention period. session_user_name is the role
-- that logged in; current_user_name is the role whose rights ran the command
-- (the function owner inside a SECURITY DEFINER function).
CREATE TABLE audit_schema_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  session_user_name text NOT NULL,
  current_user_name text NOT NULL,
  command_tag text NOT NULL,
  object_type text,
  object_identity text,
  detail text,
  -- The statement the client sent, at most 2000 characters. For a script
  -- sent in one piece, such as a migration, that is the start of the script.
  statement text
);

CREATE TRIGGER audit_schema_changes_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_schema_changes
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_schema_changes_no_truncate
  BEFORE TRUNCATE ON audit_schema_changes
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();

CREATE FUNCTION audit_retention_record_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO public.audit_schema_changes
    (session_user_name, current_user_name, command_tag, object_type, object_identity, detail,
     statement)
  VALUES (session_user, current_user, TG_OP, 'table', 'public.audit_retention',
          format('period %s -> %s', OLD.period, NEW.period), left(current_query(), 2000));
  RETURN NEW;
END;
$$;

CREATE TRIGGER audit_retention_log_change
  AFTER UPDATE ON audit_retention
  FOR EACH ROW EXECUTE FUNCTION audit_retention_record_change();

-- Dropping expired partitions --------------------------------------------------

-- One row per chain per dropped partition: the last event of that chain in
-- the partition. The first event kept in that chain has this hash as its
-- prev_hash, so a verifier can start the chain there instead of at seq 1.
CREATE TABLE audit_dropped_partitions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partition_name text NOT NULL,
  range_start timestamptz NOT NULL,
  range_end timestamptz NOT NULL,
  -- NULL only for a partition that held no events.
  chain text,
  events bigint NOT NULL,
  last_seq bigint,
  last_hash bytea,
  dropped_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  dropped_by text NOT NULL DEFAULT session_user
);

CREATE TRIGGER audit_dropped_partitions_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_dropped_partitions
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_dropped_partitions_no_truncate
  BEFORE TRUNCATE ON audit_dropped_partitions
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();

-- Drops one partition of audit_events and returns the number of events it
-- held. Rejects (SQLSTATE 42501) a partition whose range ended less than the
-- retention period ago, and any partition while an older one still exists,
-- so what remains of each chain is always its newest part. Only
-- telehealth_maintenance may call it; it runs as the owner of audit_events,
-- the only role that can drop a partition.
--
-- NOTE: events of one chain are ordered by seq, partitions by occurred_at.
-- If a server's clock stepped back across the turn of a month, a chain's
-- events near that turn may sit in two partitions out of seq order, and the
-- retained part of the chain then starts with a gap.
CREATE FUNCTION audit_drop_expired_partition(target_partition text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  target record;
  chains bigint;
  dropped_events bigint;
  retention interval := (SELECT period FROM public.audit_retention);
BEGIN
  SELECT * INTO target FROM public.audit_partition_bounds() p WHERE p.partition_name = target_partition;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_events has no partition named "%"', target_partition
      USING ERRCODE = 'undefined_table', HINT = 'Run `telehealth audit partitions` to list them.';
  END IF;
  -- A partition attached by hand with MINVALUE or MAXVALUE has no parsed
  -- bound, and a comparison with NULL would let it through.
  IF target.range_start IS NULL OR target.range_end IS NULL THEN
    RAISE EXCEPTION 'partition "%" has no fixed range', target_partition
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Only monthly partitions made by audit_create_partition can be dropped.';
  END IF;
  IF target.range_end > now() - retention THEN
    RAISE EXCEPTION 'partition "%" is inside the retention period of %', target_partition, retention
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = format('Its range ends at %s, so it may be dropped after %s.',
                            target.range_end, target.range_end + retention);
  END IF;
  IF EXISTS (SELECT FROM public.audit_partition_bounds() p
              WHERE p.range_start IS NULL OR p.range_start < target.range_start) THEN
    RAISE EXCEPTION 'partition "%" is not the oldest partition of audit_events', target_partition
      USING ERRCODE = 'insufficient_privilege', HINT = 'Drop the older partitions first.';
  END IF;

  PERFORM set_config('lock_timeout', '5s', true);
  -- The events of the partition cannot change while it is being dropped.
  EXECUTE format('LOCK TABLE public.%I IN ACCESS EXCLUSIVE MODE', target_partition);
  EXECUTE format(
    'WITH recorded AS ('
    '  INSERT INTO public.audit_dropped_partitions'
    '    (partition_name, range_start, range_end, chain, events, last_seq, last_hash)'
    '  SELECT %L, %L::timestamptz, %L::timestamptz, e.chain, count(*), max(e.seq),'
    '         (SELECT l.hash FROM public.%I l WHERE l.chain = e.chain ORDER BY l.seq DESC LIMIT 1)'
    '    FROM public.%I e GROUP BY e.chain'
    '  RETURNING events)'
    ' SELECT count(*), coalesce(sum(events), 0) FROM recorded',
    target_partition, target.range_start, target.range_end, target_partition, target_partition)
    INTO chains, dropped_events;
  IF chains = 0 THEN
    INSERT INTO public.audit_dropped_partitions
      (partition_name, range_start, range_end, chain, events)
    VALUES (target_partition, target.range_start, target.range_end, NULL, 0);
  END IF;
  EXECUTE format('DROP TABLE public.%I', target_partition);
  RETURN dropped_events;
END;
$$;

-- Grants -----------------------------------------------------------------------

-- Functions are executable by PUBLIC by default; each grant below is the
-- whole list of who may call what.
REVOKE ALL ON FUNCTION audit_reject_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_retention_record_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_create_partition(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_create_partitions(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_partitions() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_drop_expired_partition(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_create_partitions(integer) TO telehealth_app, telehealth_maintenance;
GRANT EXECUTE ON FUNCTION audit_partitions() TO telehealth_app, telehealth_maintenance;
GRANT EXECUTE ON FUNCTION audit_drop_expired_partition(text) TO telehealth_maintenance;

-- The application may only read and append audit events. Everything else is
-- revoked by name, so a grant made by hand earlier does not survive.
REVOKE ALL ON audit_events FROM PUBLIC, telehealth_app, telehealth_maintenance;
GRANT SELECT, INSERT ON audit_events TO telehealth_app;
GRANT SELECT ON audit_events TO telehealth_maintenance;

REVOKE ALL ON audit_retention, audit_schema_changes, audit_dropped_partitions
  FROM PUBLIC, telehealth_app, telehealth_maintenance;
GRANT SELECT ON audit_retention TO telehealth_app, telehealth_maintenance;
-- `telehealth audit verify` runs as the application role and needs the
-- dropped partitions' chain records to start a chain after them.
GRANT SELECT ON audit_dropped_partitions TO telehealth_app, telehealth_maintenance;
GRANT SELECT ON audit_schema_changes TO telehealth_maintenance;

-- The maintenance role connects to this database only to list and drop
-- partitions.
GRANT USAGE ON SCHEMA public TO telehealth_maintenance;
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO telehealth_maintenance', current_database());
END
$$;
