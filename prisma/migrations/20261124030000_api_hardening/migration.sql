-- AlterTable: an erased lead keeps its row (a tombstone) without contact data.
ALTER TABLE "leads" ALTER COLUMN "email" DROP NOT NULL;
ALTER TABLE "leads" ADD COLUMN "erased_at" TIMESTAMPTZ(3);

-- AlterTable: the owning rep's name, signed under messages (the owner id is a CRM id).
ALTER TABLE "leads" ADD COLUMN "owner_name" TEXT;

-- AlterTable: when the provider was last called for a touch (reconciliation of unknown outcomes).
ALTER TABLE "touches" ADD COLUMN "attempted_at" TIMESTAMPTZ(3);
-- Whether the provider's accept is its delivery (no later report), as the send answered.
ALTER TABLE "touches" ADD COLUMN "delivered_on_accept" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable: a leave written at erasure carries the hashes the platforms need
-- to remove the person, since the address itself is gone by the time it syncs.
ALTER TABLE "audience_changes" ADD COLUMN "hashed_identifiers" JSONB;

-- CreateTable: values every process of a deployment must agree on (a generated
-- unsubscribe signing key when UNSUBSCRIBE_SECRET is not set).
CREATE TABLE "service_settings" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_settings_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_jobs" (
    "id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "plan_id" TEXT,
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "enrolled" INTEGER NOT NULL DEFAULT 0,
    "existing" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "bulk_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_job_rows" (
    "job_id" UUID NOT NULL,
    "row" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "lead_id" TEXT,
    "payload" JSONB,
    "issues" JSONB,
    "claimed_at" TIMESTAMPTZ(3),

    CONSTRAINT "bulk_job_rows_pkey" PRIMARY KEY ("job_id","row")
);

-- CreateTable
CREATE TABLE "erased_contacts" (
    "hash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "erased_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "erased_contacts_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "audience_syncs" (
    "key" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "hashed_identifiers" JSONB,
    "claimed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "synced_at" TIMESTAMPTZ(3),

    CONSTRAINT "audience_syncs_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "bulk_jobs_status_idx" ON "bulk_jobs"("status");

-- CreateIndex
CREATE INDEX "bulk_job_rows_job_id_status_idx" ON "bulk_job_rows"("job_id", "status");

-- CreateIndex
CREATE INDEX "audience_syncs_platform_status_idx" ON "audience_syncs"("platform", "status");

-- CreateIndex
CREATE INDEX "audience_syncs_lead_id_idx" ON "audience_syncs"("lead_id");

-- AddForeignKey
ALTER TABLE "bulk_job_rows" ADD CONSTRAINT "bulk_job_rows_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "bulk_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
