-- CreateTable
CREATE TABLE "StoreRevision" (
    "id" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,

    CONSTRAINT "StoreRevision_pkey" PRIMARY KEY ("id")
);
INSERT INTO "StoreRevision" ("id", "revision") VALUES (1, 0);

-- CreateIndex
CREATE INDEX "CheckResult_planId_cellKey_check_checkedAt_idx" ON "CheckResult"("planId", "cellKey", "check", "checkedAt");

-- CreateIndex
CREATE INDEX "CheckResult_planId_cellKey_check_status_checkedAt_idx" ON "CheckResult"("planId", "cellKey", "check", "status", "checkedAt");

-- Every write the matrix derives from bumps the revision, once per statement. The function keeps the
-- migration's search_path, so it finds "StoreRevision" in this schema whatever the session's path is.
CREATE FUNCTION "bump_store_revision"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE "StoreRevision" SET "revision" = "revision" + 1 WHERE "id" = 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "Plan_bumps_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Plan" FOR EACH STATEMENT EXECUTE FUNCTION "bump_store_revision"();
CREATE TRIGGER "Service_bumps_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Service" FOR EACH STATEMENT EXECUTE FUNCTION "bump_store_revision"();
CREATE TRIGGER "Capability_bumps_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Capability" FOR EACH STATEMENT EXECUTE FUNCTION "bump_store_revision"();
CREATE TRIGGER "Cell_bumps_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Cell" FOR EACH STATEMENT EXECUTE FUNCTION "bump_store_revision"();
CREATE TRIGGER "Issue_bumps_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Issue" FOR EACH STATEMENT EXECUTE FUNCTION "bump_store_revision"();
CREATE TRIGGER "CheckResult_bumps_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CheckResult" FOR EACH STATEMENT EXECUTE FUNCTION "bump_store_revision"();
