-- AlterTable: a bulk row's claim is a lease. The runner that took a row holds
-- its token until the lease ends (it renews it while it works); a row whose
-- runner died, or whose claim was lost on the way back, is handed out again
-- once the lease has ended. Attempts count failures that were not the
-- database's or Temporal's unavailability, so a row that keeps failing ends
-- `failed` with its reason instead of being retried for ever.
ALTER TABLE "bulk_job_rows" ADD COLUMN "claim_token" UUID;
ALTER TABLE "bulk_job_rows" ADD COLUMN "lease_expires_at" TIMESTAMPTZ(3);
ALTER TABLE "bulk_job_rows" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;

-- Rows claimed before leases existed keep the old rule: handed out again five minutes after the claim.
UPDATE "bulk_job_rows" SET "lease_expires_at" = "claimed_at" + interval '5 minutes'
  WHERE "status" = 'claimed' AND "claimed_at" IS NOT NULL;
UPDATE "bulk_job_rows" SET "lease_expires_at" = now()
  WHERE "status" = 'claimed' AND "lease_expires_at" IS NULL;

-- CreateIndex: finding ended leases without reading every row.
CREATE INDEX "bulk_job_rows_status_lease_expires_at_idx" ON "bulk_job_rows"("status", "lease_expires_at");
