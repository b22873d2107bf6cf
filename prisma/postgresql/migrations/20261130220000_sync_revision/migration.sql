-- The sync panel's revision: row 2 of "StoreRevision", bumped once per statement that writes what the
-- panel shows (runs, repository states, job leases), so each replica serves its cached panel until the
-- number moves. Apart from row 1, so a sync's bookkeeping never makes the matrix derive again.
INSERT INTO "StoreRevision" ("id", "revision") VALUES (2, 0);

CREATE FUNCTION "bump_sync_revision"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "SyncRun_bumps_sync_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "SyncRun" FOR EACH STATEMENT EXECUTE FUNCTION "bump_sync_revision"();
CREATE TRIGGER "RepoSyncState_bumps_sync_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "RepoSyncState" FOR EACH STATEMENT EXECUTE FUNCTION "bump_sync_revision"();
CREATE TRIGGER "JobLease_bumps_sync_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "JobLease" FOR EACH STATEMENT EXECUTE FUNCTION "bump_sync_revision"();
