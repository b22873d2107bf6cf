-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "issueLabel" TEXT NOT NULL,
    "headlineEstimateText" TEXT NOT NULL,
    "headlineEstimateMinutes" INTEGER NOT NULL,
    "prerequisite" TEXT NOT NULL,
    "fileHash" TEXT NOT NULL,
    "loadedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Service" (
    "planId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "runtimes" TEXT NOT NULL,
    "hasFrontend" BOOLEAN NOT NULL,
    "repository" TEXT,
    "telemetry" TEXT NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("planId", "slug")
);

-- CreateTable
CREATE TABLE "Capability" (
    "planId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "signal" TEXT NOT NULL,
    "part" TEXT NOT NULL,
    "match" TEXT NOT NULL,

    CONSTRAINT "Capability_pkey" PRIMARY KEY ("planId", "slug")
);

-- CreateTable
CREATE TABLE "Cell" (
    "planId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "serviceSlug" TEXT,
    "capabilitySlug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "labels" TEXT NOT NULL,
    "estimateText" TEXT NOT NULL,
    "estimateMinutes" INTEGER NOT NULL,
    "entryPoint" TEXT,
    "requirements" TEXT NOT NULL,
    "criteria" TEXT NOT NULL,

    CONSTRAINT "Cell_pkey" PRIMARY KEY ("planId", "key")
);

-- CreateTable
CREATE TABLE "Issue" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "repo" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "stateReason" TEXT,
    "labels" TEXT NOT NULL,
    "assignees" TEXT NOT NULL,
    "htmlUrl" TEXT NOT NULL,
    "estimateText" TEXT,
    "estimateMinutes" INTEGER,
    "linkedPullRequests" TEXT NOT NULL,
    "cellKey" TEXT,
    "mapping" TEXT NOT NULL,
    "mappingNote" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Issue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" SERIAL NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "requests" INTEGER NOT NULL DEFAULT 0,
    "notModified" INTEGER NOT NULL DEFAULT 0,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "issuesChanged" INTEGER NOT NULL DEFAULT 0,
    "repos" TEXT NOT NULL DEFAULT '[]',
    "error" TEXT,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepoSyncState" (
    "repo" TEXT NOT NULL,
    "etag" TEXT,
    "since" TIMESTAMP(3),
    "lastSyncedAt" TIMESTAMP(3),
    "lastStatus" TEXT,
    "lastError" TEXT,
    "rateLimitRemaining" INTEGER,
    "rateLimitLimit" INTEGER,
    "rateLimitReset" TIMESTAMP(3),

    CONSTRAINT "RepoSyncState_pkey" PRIMARY KEY ("repo")
);

-- CreateTable
CREATE TABLE "CheckResult" (
    "id" SERIAL NOT NULL,
    "planId" TEXT NOT NULL,
    "cellKey" TEXT NOT NULL,
    "check" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "message" TEXT,
    "evidence" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CheckResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobLease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "Issue_planId_cellKey_idx" ON "Issue"("planId", "cellKey");

-- CreateIndex
CREATE INDEX "CheckResult_planId_cellKey_checkedAt_idx" ON "CheckResult"("planId", "cellKey", "checkedAt");
