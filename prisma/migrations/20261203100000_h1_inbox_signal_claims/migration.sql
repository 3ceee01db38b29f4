-- AlterTable: who is signalling an event right now. A request or relay pass
-- claims the row (conditional update) before it signals, so copies of one
-- event arriving together signal once; a claim older than the lease is
-- taken over (its holder died mid-signal).
ALTER TABLE "events" ADD COLUMN "signal_claimed_at" TIMESTAMPTZ(3);
-- The signal found the nurture ended: the event stays on the timeline and was
-- never applied (signaled_at says when the inbox was done with it).
ALTER TABLE "events" ADD COLUMN "nurture_ended" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable: what a replay token was first accepted with. A provider whose
-- signature does not cover the body (Mailgun) may redeliver the same body
-- with the same token (harmless), never another body.
-- Tokens stored before this column never match: they expire within minutes.
ALTER TABLE "webhook_replay_tokens" ADD COLUMN "content_sha256" TEXT NOT NULL DEFAULT '';
