-- Append-only triggers that fire in every replication mode.
--
-- A trigger in the default state fires only while session_replication_role
-- is "origin". A superuser who runs SET session_replication_role = replica
-- switches every such trigger off for their session without any DDL, so the
-- schema change log records nothing and UPDATE or DELETE on the audit tables
-- succeeds. ENABLE ALWAYS makes the triggers fire in every mode; turning
-- that off again is an ALTER TABLE, which the event triggers of
-- deploy/postgres/audit_schema_log.sql record.

-- On the partitioned table this also sets the row trigger's clone on every
-- partition, and partitions attached later copy the parent's state.
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_update_delete;
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate;

-- Each partition's own TRUNCATE trigger is not a clone, so it is set one by one.
DO $$
DECLARE
  partition_name text;
BEGIN
  FOR partition_name IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.audit_events'::regclass
  LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ALWAYS TRIGGER audit_events_no_truncate',
                   partition_name);
  END LOOP;
END
$$;

ALTER TABLE audit_checkpoints ENABLE ALWAYS TRIGGER audit_checkpoints_no_update_delete;
ALTER TABLE audit_checkpoints ENABLE ALWAYS TRIGGER audit_checkpoints_no_truncate;
ALTER TABLE audit_retention ENABLE ALWAYS TRIGGER audit_retention_no_delete;
ALTER TABLE audit_retention ENABLE ALWAYS TRIGGER audit_retention_no_truncate;
ALTER TABLE audit_retention ENABLE ALWAYS TRIGGER audit_retention_log_change;
ALTER TABLE audit_schema_changes ENABLE ALWAYS TRIGGER audit_schema_changes_no_update_delete;
ALTER TABLE audit_schema_changes ENABLE ALWAYS TRIGGER audit_schema_changes_no_truncate;
ALTER TABLE audit_dropped_partitions ENABLE ALWAYS TRIGGER audit_dropped_partitions_no_update_delete;
ALTER TABLE audit_dropped_partitions ENABLE ALWAYS TRIGGER audit_dropped_partitions_no_truncate;

-- audit_create_partition as in migration 011, with the new partition's
-- TRUNCATE trigger set to fire always.
CREATE OR REPLACE FUNCTION audit_create_partition(month_start timestamptz) RETURNS boolean
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
  EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, telehealth_app, telehealth_maintenance',
                 partition_name);
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON public.%I '
                 'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_reject_change()',
                 partition_name);
  EXECUTE format('ALTER TABLE public.%I ENABLE ALWAYS TRIGGER audit_events_no_truncate',
                 partition_name);
  EXECUTE format('ALTER TABLE public.audit_events ATTACH PARTITION public.%I '
                 'FOR VALUES FROM (%L) TO (%L)', partition_name, range_start, range_end);
  RETURN true;
END;
$$;
