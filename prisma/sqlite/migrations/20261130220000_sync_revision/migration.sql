-- The sync panel's revision: row 2 of "StoreRevision", bumped by every write to what the panel shows
-- (runs, repository states, job leases), so each replica serves its cached panel until the number moves.
-- Apart from row 1, so a sync's bookkeeping never makes the matrix derive again.
INSERT INTO "StoreRevision" ("id", "revision") VALUES (2, 0);

CREATE TRIGGER "SyncRun_insert_bumps_sync_revision" AFTER INSERT ON "SyncRun" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "SyncRun_update_bumps_sync_revision" AFTER UPDATE ON "SyncRun" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "SyncRun_delete_bumps_sync_revision" AFTER DELETE ON "SyncRun" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "RepoSyncState_insert_bumps_sync_revision" AFTER INSERT ON "RepoSyncState" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "RepoSyncState_update_bumps_sync_revision" AFTER UPDATE ON "RepoSyncState" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "RepoSyncState_delete_bumps_sync_revision" AFTER DELETE ON "RepoSyncState" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "JobLease_insert_bumps_sync_revision" AFTER INSERT ON "JobLease" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "JobLease_update_bumps_sync_revision" AFTER UPDATE ON "JobLease" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
CREATE TRIGGER "JobLease_delete_bumps_sync_revision" AFTER DELETE ON "JobLease" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 2; END;
