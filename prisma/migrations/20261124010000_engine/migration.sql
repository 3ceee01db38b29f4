-- AlterTable
ALTER TABLE "leads" ADD COLUMN "company_id" TEXT,
ADD COLUMN "email_domain" TEXT NOT NULL DEFAULT '',
ADD COLUMN "persona" TEXT,
ADD COLUMN "industry" TEXT,
ADD COLUMN "stage" TEXT,
ADD COLUMN "preferred_channel" TEXT;

-- Existing rows get their domain; new rows always set it.
UPDATE "leads" SET "email_domain" = lower(split_part("email", '@', 2));
ALTER TABLE "leads" ALTER COLUMN "email_domain" DROP DEFAULT;

-- AlterTable
ALTER TABLE "consent_changes" ADD COLUMN "key" TEXT;

-- CreateTable
CREATE TABLE "linkedin_tasks" (
    "key" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "linkedin_tasks_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "handoffs" (
    "key" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "owner_id" TEXT,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "context" JSONB NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "sla_due_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "escalated_at" TIMESTAMPTZ(3),
    "escalated_to" TEXT,

    CONSTRAINT "handoffs_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "suppressions" (
    "key" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppressions_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "audience_changes" (
    "key" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "from_audience" TEXT,
    "to_audience" TEXT,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audience_changes_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "notifications" (
    "key" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "leads_company_id_idx" ON "leads"("company_id");

-- CreateIndex
CREATE INDEX "leads_email_domain_idx" ON "leads"("email_domain");

-- CreateIndex
CREATE UNIQUE INDEX "consent_changes_key_key" ON "consent_changes"("key");

-- CreateIndex
CREATE INDEX "linkedin_tasks_owner_id_status_idx" ON "linkedin_tasks"("owner_id", "status");

-- CreateIndex
CREATE INDEX "linkedin_tasks_lead_id_idx" ON "linkedin_tasks"("lead_id");

-- CreateIndex
CREATE INDEX "handoffs_lead_id_idx" ON "handoffs"("lead_id");

-- CreateIndex
CREATE INDEX "handoffs_status_sla_due_at_idx" ON "handoffs"("status", "sla_due_at");

-- CreateIndex
CREATE INDEX "suppressions_lead_id_idx" ON "suppressions"("lead_id");

-- CreateIndex
CREATE INDEX "audience_changes_lead_id_changed_at_idx" ON "audience_changes"("lead_id", "changed_at");

-- CreateIndex
CREATE INDEX "audience_changes_to_audience_idx" ON "audience_changes"("to_audience");

-- CreateIndex
CREATE INDEX "notifications_lead_id_idx" ON "notifications"("lead_id");

-- AddForeignKey
ALTER TABLE "linkedin_tasks" ADD CONSTRAINT "linkedin_tasks_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audience_changes" ADD CONSTRAINT "audience_changes_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;
