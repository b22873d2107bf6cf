-- CreateTable
CREATE TABLE "SignOff" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "cellKey" TEXT NOT NULL,
    "criterion" INTEGER NOT NULL,
    "criterionText" TEXT NOT NULL,
    "signedBy" TEXT NOT NULL,
    "signedBySubject" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "signedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    "revokedBySubject" TEXT,

    CONSTRAINT "SignOff_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignOff_planId_cellKey_criterion_signedAt_idx" ON "SignOff"("planId", "cellKey", "criterion", "signedAt");

-- The matrix derives from sign-offs: every write bumps the store revision.
CREATE TRIGGER "SignOff_bumps_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "SignOff" FOR EACH STATEMENT EXECUTE FUNCTION "bump_store_revision"();
