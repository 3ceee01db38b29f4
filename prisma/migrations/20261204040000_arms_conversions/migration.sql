-- AlterTable: the experiment arm a lead was assigned at enrollment, and the
-- channels it allows (the engine enforces them). Leads enrolled before arms,
-- and leads of plans without an experiment, have none.
ALTER TABLE "leads" ADD COLUMN "arm" TEXT;
ALTER TABLE "leads" ADD COLUMN "experiment_id" TEXT;
ALTER TABLE "leads" ADD COLUMN "arm_channels" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex: the experiment report counts leads per plan and arm.
CREATE INDEX "leads_plan_id_arm_idx" ON "leads"("plan_id", "arm");

-- CreateTable: conversions, once per lead and goal (the unique constraint is
-- the idempotency rule: a redelivered or second goal event adds nothing).
CREATE TABLE "conversions" (
    "id" UUID NOT NULL,
    "lead_id" TEXT NOT NULL,
    "goal" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "experiment_id" TEXT,
    "arm" TEXT,
    "event_id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "conversions_lead_id_goal_key" ON "conversions"("lead_id", "goal");

-- CreateIndex
CREATE INDEX "conversions_plan_id_arm_idx" ON "conversions"("plan_id", "arm");

-- AddForeignKey
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;
