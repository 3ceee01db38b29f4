-- AlterTable
ALTER TABLE "events" ADD COLUMN "signaled_at" TIMESTAMPTZ(3);

-- Events recorded before the relay existed were signalled when they arrived.
UPDATE "events" SET "signaled_at" = "received_at";

-- CreateTable
CREATE TABLE "unmatched_events" (
    "id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "match" JSONB NOT NULL DEFAULT '{}',
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unmatched_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_replay_tokens" (
    "key" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_replay_tokens_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "events_signaled_at_received_at_idx" ON "events"("signaled_at", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "unmatched_events_source_external_id_key" ON "unmatched_events"("source", "external_id");

-- CreateIndex
CREATE INDEX "webhook_replay_tokens_expires_at_idx" ON "webhook_replay_tokens"("expires_at");
