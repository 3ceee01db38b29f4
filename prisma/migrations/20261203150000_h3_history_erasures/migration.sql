-- CreateTable: deleting an erased lead's Temporal history. The server deletes
-- a closed execution asynchronously (and may not at all), so the deletion is
-- checked until describing the nurture says NotFound, asked again until then,
-- and its outcome kept: `pending`, `deleted`, or `retained` (the server cannot
-- delete; the namespace's retention applies) with the reason.
CREATE TABLE "history_erasures" (
    "workflow_id" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "detail" TEXT,

    CONSTRAINT "history_erasures_pkey" PRIMARY KEY ("workflow_id")
);

-- CreateIndex
CREATE INDEX "history_erasures_status_next_attempt_at_idx" ON "history_erasures"("status", "next_attempt_at");
