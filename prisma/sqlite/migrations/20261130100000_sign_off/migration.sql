-- CreateTable
CREATE TABLE "SignOff" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "cellKey" TEXT NOT NULL,
    "criterion" INTEGER NOT NULL,
    "criterionText" TEXT NOT NULL,
    "signedBy" TEXT NOT NULL,
    "signedBySubject" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "signedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    "revokedBy" TEXT,
    "revokedBySubject" TEXT
);

-- CreateIndex
CREATE INDEX "SignOff_planId_cellKey_criterion_signedAt_idx" ON "SignOff"("planId", "cellKey", "criterion", "signedAt");

-- The matrix derives from sign-offs: every write bumps the store revision.
CREATE TRIGGER "SignOff_insert_bumps_revision" AFTER INSERT ON "SignOff" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "SignOff_update_bumps_revision" AFTER UPDATE ON "SignOff" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "SignOff_delete_bumps_revision" AFTER DELETE ON "SignOff" BEGIN UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1; END;
