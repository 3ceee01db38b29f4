import { emailMessageId } from '../../activities/message-channels';
import { REPLY_EXCERPT_CHARS } from '../../replies/read-reply';
import { insertLead, uniqueLeadId } from '../support/builders';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startWaitingNurture } from '../support/waiting-nurture';
import { basicAuthorization } from '../webhooks/inbound/inbound-bodies';
import { asRecord } from '../webhooks/webhook-test-server';

/**
 * Inbound replies through the real app into the inbox: matched by the
 * thread's minted Message-IDs (In-Reply-To, then References), else by the
 * sender, else kept unmatched; stored as the events route stores a posted
 * reply (no text, a capped excerpt), and cleared by erasure.
 */
const CREDENTIALS = { user: 'postmark-inbound', password: 'inbound-secret' };
const AUTH = basicAuthorization(CREDENTIALS.user, CREDENTIALS.password);

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;
let taskQueue: string;

beforeAll(async () => {
  db = await openTestDatabase();
  ({ taskQueue } = await harness.startWorker(db.prisma));
  api = await startTestApi({
    prisma: db.prisma,
    temporal: harness.env.client,
    taskQueue,
    webhookSecrets: { postmarkInboundUser: CREDENTIALS.user, postmarkInboundPassword: CREDENTIALS.password },
  });
});

afterAll(async () => {
  await api.close();
  await db.close();
});

interface Reply {
  from: string;
  subject?: string;
  text?: string;
  headers?: { Name: string; Value: string }[];
}

let sequence = 0;

async function postReply(reply: Reply) {
  sequence += 1;
  const body = JSON.stringify({
    From: reply.from,
    FromFull: { Email: reply.from, Name: '' },
    Subject: reply.subject ?? 'Re: Welcome',
    TextBody: reply.text ?? 'Yes, let us talk.',
    MessageID: `inbound-${String(sequence)}`,
    Headers: [
      { Name: 'Message-ID', Value: `<reply-${String(sequence)}-${String(Date.now())}@mail.test>` },
      ...(reply.headers ?? []),
    ],
  });
  const response = await fetch(`${api.base}/webhooks/postmark/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A running nurture with its welcome email sent, and that email's Message-ID as a reply quotes it. */
async function nurtureWithWelcome() {
  const nurture = await startWaitingNurture(
    { client: harness.env.client, prisma: db.prisma, taskQueue },
    { leadId: uniqueLeadId('inbound') },
  );
  const touch = await db.prisma.touch.findFirstOrThrow({
    where: { leadId: nurture.leadId, channel: 'email' },
  });
  return {
    ...nurture,
    touchKey: touch.key,
    messageId: emailMessageId(touch.key, { email: 'any@sender.test' }),
  };
}

async function repliesOf(leadId: string) {
  return db.prisma.event.findMany({ where: { leadId, type: 'email.replied' } });
}

describe('inbound replies matched to their lead and touch', () => {
  test('by In-Reply-To, even from another address; stored without the text, with a capped excerpt', async () => {
    const { leadId, touchKey, messageId } = await nurtureWithWelcome();
    const long = `${'Happy to talk, here is a lot of context. '.repeat(40)}\n\nOn Monday Acme wrote:\n> secret quote`;
    const response = await postReply({
      from: 'assistant@elsewhere.test',
      text: long,
      headers: [{ Name: 'In-Reply-To', Value: messageId }],
    });
    expect(response).toEqual({ status: 200, body: { received: 1, ignored: 0 } });
    const [event, ...others] = await repliesOf(leadId);
    expect(others).toEqual([]);
    expect(event?.data).toMatchObject({
      touchKey,
      subject: 'Re: Welcome',
      sender: 'assistant@elsewhere.test',
    });
    const data = asRecord(event?.data);
    expect(data.text).toBeUndefined();
    expect(String(data.excerpt).length).toBeLessThanOrEqual(REPLY_EXCERPT_CHARS);
    expect(JSON.stringify(data)).not.toContain('secret quote');
    expect(event?.signaledAt).not.toBeNull();
  });

  test('by References when In-Reply-To names mail that is not ours', async () => {
    const { leadId, touchKey, messageId } = await nurtureWithWelcome();
    await postReply({
      from: 'colleague@elsewhere.test',
      headers: [
        { Name: 'In-Reply-To', Value: '<CAF-someone-else@mail.gmail.test>' },
        { Name: 'References', Value: `${messageId} <CAF-someone-else@mail.gmail.test>` },
      ],
    });
    expect((await repliesOf(leadId))[0]?.data).toMatchObject({ touchKey });
  });

  test('by the sender address when the thread names nothing of ours', async () => {
    const { leadId, email } = await nurtureWithWelcome();
    await postReply({ from: email.toUpperCase() });
    const [event] = await repliesOf(leadId);
    expect(event).toBeDefined();
    expect(asRecord(event?.data).touchKey).toBeUndefined();
  });

  test('unmatched mail goes to the unmatched events, without its text', async () => {
    const sender = `stranger-${String(Date.now())}@nowhere.test`;
    await postReply({ from: sender, text: 'Who are you?\n\nOn Monday Acme wrote:\n> the quoted thread' });
    const row = await db.prisma.unmatchedEvent.findFirstOrThrow({
      where: { match: { path: ['email'], equals: sender } },
    });
    expect(row).toMatchObject({ source: 'postmark', type: 'email.replied' });
    expect(row.data).toEqual({ subject: 'Re: Welcome', sender, excerpt: 'Who are you?' });
  });

  test('an out-of-office reads its return date exactly as POST /v1/leads/:id/events does', async () => {
    const { leadId, messageId } = await nurtureWithWelcome();
    const subject = 'Abwesenheitsnotiz: Re: Welcome';
    const text = 'Vielen Dank für Ihre Nachricht. Ich bin bis zum 14. Dezember nicht im Büro.';
    await postReply({
      from: 'someone@elsewhere.test',
      subject,
      text,
      headers: [
        { Name: 'In-Reply-To', Value: messageId },
        { Name: 'Auto-Submitted', Value: 'auto-replied' },
      ],
    });
    const other = await insertLead(db.prisma, { leadId: uniqueLeadId('ooo-api') });
    const posted = await fetch(`${api.base}/v1/leads/${other.leadId}/events`, {
      method: 'POST',
      headers: { ...api.auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: `ooo-${other.leadId}`,
        type: 'email.replied',
        occurredAt: new Date().toISOString(),
        data: { subject, text },
      }),
    });
    expect(posted.status).toBe(202);
    const viaWebhook = asRecord((await repliesOf(leadId))[0]?.data);
    const viaApi = asRecord((await repliesOf(other.leadId))[0]?.data);
    expect(viaWebhook.autoReply).toBe(true);
    expect(typeof viaWebhook.returnDate).toBe('string');
    expect(viaWebhook.returnDate).toBe(viaApi.returnDate);
    expect(viaWebhook.excerpt).toBe(viaApi.excerpt);
  });
});

describe('erasure', () => {
  test('clears a matched reply and deletes an unmatched one sent from the erased address', async () => {
    const { leadId, messageId } = await nurtureWithWelcome();
    await postReply({ from: 'pa@elsewhere.test', headers: [{ Name: 'In-Reply-To', Value: messageId }] });
    const early = `early-${String(Date.now())}@example.test`;
    // A reply that came before its lead existed waits unmatched, under the sender's address.
    await postReply({ from: early });
    const later = await insertLead(db.prisma, { leadId: uniqueLeadId('later'), email: early });

    for (const id of [leadId, later.leadId]) {
      const erased = await fetch(`${api.base}/v1/leads/${id}`, { method: 'DELETE', headers: api.auth });
      expect(erased.status).toBe(200);
    }
    expect((await repliesOf(leadId)).map((event) => event.data)).toEqual([{}]);
    // A reply in the thread after the erasure still finds the tombstone, and keeps nothing of what it says.
    const late = await postReply({
      from: 'pa@elsewhere.test',
      subject: 'Re: still there?',
      headers: [{ Name: 'In-Reply-To', Value: messageId }],
    });
    expect(late.status).toBe(200);
    expect((await repliesOf(leadId)).map((event) => event.data)).toEqual([{}, {}]);
    expect(
      await db.prisma.unmatchedEvent.count({ where: { match: { path: ['email'], equals: early } } }),
    ).toBe(0);
  });
});
