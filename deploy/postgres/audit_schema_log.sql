-- Event triggers that record every DDL command on the audit tables into
-- audit_schema_changes (created by migrations/011_audit_partitions.sql).
--
-- Run as a superuser in the telehealth database after `telehealth migrate`,
-- because only a superuser may create an event trigger (PostgreSQL 15). On
-- Amazon RDS the master user (a member of rds_superuser) may. Safe to run
-- again: it replaces the functions and re-enables the triggers.
--
--   psql "host=... dbname=telehealth user=postgres" -v ON_ERROR_STOP=1 \
--     -f deploy/postgres/audit_schema_log.sql
--
-- The functions live in their own schema, owned by the superuser, because an
-- event trigger runs its function for every role's DDL, superusers included:
-- whoever could replace the function could run code as a superuser. The
-- schema owner of public (telehealth_owner) can neither replace nor drop
-- them here.

-- A second run would otherwise print "already exists, skipping" notices.
SET client_min_messages = warning;

DO $$
BEGIN
  IF to_regclass('public.audit_schema_changes') IS NULL THEN
    RAISE EXCEPTION 'table public.audit_schema_changes does not exist'
      USING HINT = 'Run `telehealth migrate` first, then run this file again.';
  END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS audit_ddl;
REVOKE ALL ON SCHEMA audit_ddl FROM PUBLIC;
-- Every role that runs DDL calls audit_ddl.record_commands through the
-- event trigger function, which runs with that role's rights.
GRANT USAGE ON SCHEMA audit_ddl TO PUBLIC;

-- Whether an object identity, as pg_event_trigger_ddl_commands() and
-- pg_event_trigger_dropped_objects() print it, names an audit table or an
-- object on one: "public.audit_events", "public.audit_events_2026_12",
-- "audit_events_no_truncate on public.audit_events". \m matches where a word
-- starts, and _ is a word character, so "public.my_audit_x" does not match.
CREATE OR REPLACE FUNCTION audit_ddl.names_audit_object(identity text) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(identity ~ '\maudit_', false);
$$;

-- Whether the object that a ddl_command_end row describes is, or belongs to,
-- an audit table. An index, trigger or constraint with a name of its own is
-- matched through the table it is on.
CREATE OR REPLACE FUNCTION audit_ddl.touches_audit_table(classid oid, objid oid, identity text)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT audit_ddl.names_audit_object(identity)
      OR EXISTS (SELECT FROM pg_class c
                  WHERE c.relname LIKE 'audit\_%'
                    AND c.oid = CASE classid
                                  WHEN 'pg_class'::regclass THEN
                                    coalesce((SELECT indrelid FROM pg_index WHERE indexrelid = objid), objid)
                                  WHEN 'pg_trigger'::regclass THEN
                                    (SELECT tgrelid FROM pg_trigger WHERE oid = objid)
                                  WHEN 'pg_constraint'::regclass THEN
                                    (SELECT conrelid FROM pg_constraint WHERE oid = objid)
                                END);
$$;

-- Writes the audit-table objects of the command that fired the event trigger
-- into audit_schema_changes. It runs as its owner (a superuser) so that any
-- role's DDL is recorded without that role holding INSERT on the table, and
-- it reads the commands itself, so it records nothing outside an event
-- trigger: pg_event_trigger_ddl_commands() and
-- pg_event_trigger_dropped_objects() raise an error anywhere else.
-- tag (TG_TAG) and invoking_user (the caller's current_user, which a
-- SECURITY DEFINER function cannot see itself) come from the event trigger
-- function, because only it can read them.
CREATE OR REPLACE FUNCTION audit_ddl.record_commands(event text, tag text,
                                                     invoking_user text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  -- Without the table, DDL on audit tables fails rather than go unrecorded.
  -- So dropping audit_schema_changes fails while the triggers are on.
  IF to_regclass('public.audit_schema_changes') IS NULL THEN
    RAISE EXCEPTION 'audit_schema_changes is missing, so the schema change cannot be recorded'
      USING HINT = 'Restore the table (migrations/011_audit_partitions.sql), or have a superuser '
                   'disable the event triggers audit_ddl_command_end and audit_sql_drop.';
  END IF;

  IF event = 'ddl_command_end' THEN
    INSERT INTO public.audit_schema_changes
      (session_user_name, current_user_name, command_tag, object_type, object_identity, statement)
    SELECT session_user, invoking_user, c.command_tag, c.object_type, c.object_identity,
           left(current_query(), 2000)
      FROM pg_event_trigger_ddl_commands() c
     WHERE audit_ddl.touches_audit_table(c.classid, c.objid, c.object_identity)
        -- GRANT and REVOKE report no object identity; the statement text is
        -- all there is to go on.
        OR (c.object_identity IS NULL AND current_query() ~* '\maudit_');
  ELSIF event = 'sql_drop' THEN
    -- Only the objects the command named: the indexes and triggers dropped
    -- with a table would add a row each without telling more.
    INSERT INTO public.audit_schema_changes
      (session_user_name, current_user_name, command_tag, object_type, object_identity, statement)
    SELECT session_user, invoking_user, tag, d.object_type, d.object_identity,
           left(current_query(), 2000)
      FROM pg_event_trigger_dropped_objects() d
     WHERE d.original AND audit_ddl.names_audit_object(d.object_identity);
  ELSE
    RAISE EXCEPTION 'unknown event trigger event "%"', event;
  END IF;
END;
$$;
REVOKE ALL ON FUNCTION audit_ddl.record_commands(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_ddl.record_commands(text, text, text) TO PUBLIC;

-- The event trigger function itself runs with the rights of the role that
-- ran the DDL, so current_user here is that role.
CREATE OR REPLACE FUNCTION audit_ddl.on_ddl() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM audit_ddl.record_commands(TG_EVENT, TG_TAG, current_user::text);
END;
$$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'audit_ddl_command_end') THEN
    CREATE EVENT TRIGGER audit_ddl_command_end ON ddl_command_end
      EXECUTE FUNCTION audit_ddl.on_ddl();
  END IF;
  IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'audit_sql_drop') THEN
    CREATE EVENT TRIGGER audit_sql_drop ON sql_drop
      EXECUTE FUNCTION audit_ddl.on_ddl();
  END IF;
END
$$;
-- ALWAYS: they fire under session_replication_role = replica too, which a
-- superuser can set to switch ordinary triggers off.
ALTER EVENT TRIGGER audit_ddl_command_end ENABLE ALWAYS;
ALTER EVENT TRIGGER audit_sql_drop ENABLE ALWAYS;
