import { workflowMetadataQuery } from '@temporalio/workflow';
import { enrollLead } from '../../api/enrollment/enroll-lead';
import { enrollLeadSchema } from '../../api/schemas/lead-schemas';
import { PlanCatalog } from '../../plans/plan-catalog';
import {
  debugFullStateQuery,
  legacyFullStateQuery,
  nurtureStateQuery,
  suppressSignal,
} from '../../workflows/definitions';
import { uniqueLeadId } from '../support/builders';
import { eventually } from '../support/eventually';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
});

afterAll(async () => {
  await db.close();
});

jest.setTimeout(60_000);

// The dev server, as the Web UI reads it: user metadata is what the server
// stores with the start, and no timer needs skipping here.
const harness = useTemporalHarness({ per: 'file', server: 'dev' });

const PERSONAL = /@example\.test|\+1415|Ada|Lovelace/;

async function enroll(taskQueue: string) {
  const leadId = uniqueLeadId('crm');
  const body = enrollLeadSchema.parse({
    id: leadId,
    email: `ada.lovelace.${leadId}@example.test`,
    phone: '+14155550123',
    firstName: 'Ada',
    lastName: 'Lovelace',
    timezone: 'Europe/Paris',
    ownerId: 'rep-7',
    consent: { email: true },
  });
  const plans = PlanCatalog.load();
  const result = await enrollLead(
    { prisma: db.prisma, temporal: harness.env.client, plans, taskQueue, defaultPlanId: 'default' },
    body,
  );
  harness.track(result.workflowId);
  return { leadId, result, handle: harness.env.client.workflow.getHandle(result.workflowId) };
}

describe('what the Web UI shows of a nurture', () => {
  test('enrollment starts it with a static summary; the current details follow its decisions', async () => {
    const h = await harness.startWorker(db.prisma);
    const { leadId, result, handle } = await enroll(h.taskQueue);

    const description = await handle.describe();
    const summary = await description.staticSummary();
    expect(summary).toBe(
      `lead ${leadId} · plan default v${String(result.planVersion)} · owner rep-7 · arm none`,
    );
    expect(await description.staticDetails()).toContain('(Europe/Paris)');

    const started = await eventually(
      () => handle.query(workflowMetadataQuery),
      (m) => (m.currentDetails ?? '').includes('an open of email'),
    );
    const details = started.currentDetails ?? '';
    expect(details).toContain('**Status** new');
    expect(details).toMatch(
      /\*\*Waiting for\*\* an open of email "welcome", until \d{4}-\d\d-\d\d \d\d:\d\d \w{3}/,
    );
    expect(details).toMatch(
      /- \d{4}-\d\d-\d\d \d\d:\d\d \w{3} · coordination: email sent\n[^]*· enrollment: started/,
    );

    await handle.signal(suppressSignal, { reason: 'Ada asked on +14155550123', source: 'ops' });
    const stopped = await eventually(
      () => handle.query(workflowMetadataQuery),
      (m) => (m.currentDetails ?? '').includes('**Status** suppressed'),
    );
    const after = stopped.currentDetails ?? '';
    expect(after).toContain('**Waiting for** nothing (nurture suppressed)');
    expect(after.split('\n')[3]).toMatch(/ · suppression: /);
    expect(`${summary ?? ''}\n${details}\n${after}`).not.toMatch(PERSONAL);
  });

  test('the readable query comes first; the full state answers under its debug name and its old one', async () => {
    const h = await harness.startWorker(db.prisma);
    const { handle } = await enroll(h.taskQueue);
    // Once the first email went out the state holds still (48 hours of waiting for an open).
    const metadata = await eventually(
      () => handle.query(workflowMetadataQuery),
      (m) => (m.currentDetails ?? '').includes('an open of email'),
    );
    const ours = (metadata.definition?.queryDefinitions ?? [])
      .map((q) => q.name ?? '')
      .filter((name) => !name.startsWith('__'));
    expect(ours).toEqual(['nurtureState', 'debugFullState', 'fullState']);

    const view = await handle.query(nurtureStateQuery);
    expect(view.leadId).toBe((await handle.query(debugFullStateQuery)).leadId);
    expect(await handle.query(legacyFullStateQuery)).toEqual(await handle.query(debugFullStateQuery));
  });
});
