-- CreateTable
CREATE TABLE "StoreRevision" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "revision" INTEGER NOT NULL
);
INSERT INTO "StoreRevision" ("id", "revision") VALUES (1, 0);

-- CreateIndex
CREATE INDEX "CheckResult_planId_cellKey_check_checkedAt_idx" ON "CheckResult"("planId", "cellKey", "check", "checkedAt");

-- CreateIndex
CREATE INDEX "CheckResult_planId_cellKey_check_status_checkedAt_idx" ON "CheckResult"("planId", "cellKey", "check", "status", "checkedAt");

-- Every write the matrix derives from bumps the revision (SQLite triggers are per row and per event).
CREATE TRIGGER "Plan_insert_bumps_revision" AFTER INSERT ON "Plan" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Plan_update_bumps_revision" AFTER UPDATE ON "Plan" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Plan_delete_bumps_revision" AFTER DELETE ON "Plan" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Service_insert_bumps_revision" AFTER INSERT ON "Service" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Service_update_bumps_revision" AFTER UPDATE ON "Service" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Service_delete_bumps_revision" AFTER DELETE ON "Service" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Capability_insert_bumps_revision" AFTER INSERT ON "Capability" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Capability_update_bumps_revision" AFTER UPDATE ON "Capability" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Capability_delete_bumps_revision" AFTER DELETE ON "Capability" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Cell_insert_bumps_revision" AFTER INSERT ON "Cell" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Cell_update_bumps_revision" AFTER UPDATE ON "Cell" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Cell_delete_bumps_revision" AFTER DELETE ON "Cell" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Issue_insert_bumps_revision" AFTER INSERT ON "Issue" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Issue_update_bumps_revision" AFTER UPDATE ON "Issue" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Issue_delete_bumps_revision" AFTER DELETE ON "Issue" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckResult_insert_bumps_revision" AFTER INSERT ON "CheckResult" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckResult_update_bumps_revision" AFTER UPDATE ON "CheckResult" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckResult_delete_bumps_revision" AFTER DELETE ON "CheckResult" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
