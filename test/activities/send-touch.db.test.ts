import { ApplicationFailure } from '@temporalio/activity';
import fc from 'fast-check';
import type {
  EmailChannel,
  OutboundEmail,
  OutboundSms,
  SendOutcome,
  SmsChannel,
} from '../../activities/message-channels';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../../activities/providers/provider-errors';
import { createSendTouch } from '../../activities/send-touch';
import type { SendTouchInput, TouchOutcome } from '../../workflows/activity-contract';
import { insertLead } from '../support/builders';
import { TEST_UNSUBSCRIBE } from '../support/nurture-worker';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/*
 * The send activity called directly, over a real database and fake channels
 * that count what reaches them: the touch row protocol (`sending` → `calling`
 * → `sent`/`failed`) is what stands between a retry and a second message.
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
});

afterAll(async () => {
  await db.close();
});

const accepted = (id: string): SendOutcome => ({
  status: 'accepted',
  providerMessageId: id,
  deliveredOnAccept: false,
});

/** A fake provider port: each call runs the script's next behaviour (or accepts), and is counted. */
interface FakeEmail extends EmailChannel {
  sent: OutboundEmail[];
  reconciled: OutboundEmail[];
}

function fakeEmail(
  options: {
    send?: (m: OutboundEmail) => Promise<SendOutcome>;
    reconcile?: ((m: OutboundEmail) => Promise<SendOutcome | null>) | null;
  } = {},
): FakeEmail {
  const sent: OutboundEmail[] = [];
  const reconciled: OutboundEmail[] = [];
  const send = options.send ?? ((m: OutboundEmail) => Promise.resolve(accepted(`fake:${m.touchKey}`)));
  const reconcile = options.reconcile === undefined ? () => Promise.resolve(null) : options.reconcile;
  return {
    provider: 'fake-email',
    sent,
    reconciled,
    send(m) {
      sent.push(m);
      return send(m);
    },
    ...(reconcile === null
      ? {}
      : {
          reconcile(m: OutboundEmail) {
            reconciled.push(m);
            return reconcile(m);
          },
        }),
  };
}

function fakeSms(): SmsChannel & { sent: OutboundSms[] } {
  const sent: OutboundSms[] = [];
  return {
    provider: 'fake-sms',
    sent,
    send(m) {
      sent.push(m);
      return Promise.resolve(accepted(`fake-sms:${m.touchKey}`));
    },
  };
}

function sendTouchWith(email: EmailChannel, sms: SmsChannel = fakeSms()) {
  return createSendTouch({ prisma: db.prisma, email, sms, unsubscribe: TEST_UNSUBSCRIBE });
}

let touches = 0;

/** A lead in the database and the input the workflow would pass for its welcome email. */
async function emailTouch(overrides: Partial<SendTouchInput> = {}): Promise<SendTouchInput> {
  const lead = await insertLead(db.prisma);
  touches += 1;
  return {
    channel: 'email',
    touchKey: `${lead.leadId}:v1:welcome:email:a:${String(touches)}`,
    leadId: lead.leadId,
    workflowId: `nurture-${lead.leadId}`,
    planId: lead.plan.id,
    planVersion: lead.plan.version,
    step: 'welcome',
    variant: 'a',
    subject: 'Hello {{ firstName }}',
    body: 'Hi {{ firstName }}, about {{ company }}.',
    vars: {},
    notAfter: null,
    ...overrides,
  };
}

function touchRow(key: string) {
  return db.prisma.touch.findUniqueOrThrow({ where: { key } });
}

/** What a worker that died mid-call leaves behind: the row says the provider was being called. */
async function leftCalling(input: SendTouchInput, email: EmailChannel): Promise<Date> {
  const attemptedAt = new Date(Date.now() - 90_000);
  await db.prisma.touch.create({
    data: {
      key: input.touchKey,
      leadId: input.leadId,
      workflowId: input.workflowId,
      channel: input.channel,
      step: input.step,
      variant: input.variant,
      planId: input.planId,
      planVersion: input.planVersion,
      status: 'calling',
      provider: email.provider,
      attemptedAt,
    },
  });
  return attemptedAt;
}

async function thrown(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw new Error('expected an ApplicationFailure', { cause: error });
  }
  throw new Error('expected a rejection');
}

describe('sendTouch: one touch key, one message', () => {
  test('the first call sends once and records sent; a second call returns the stored outcome', async () => {
    const input = await emailTouch();
    const email = fakeEmail();
    const sendTouch = sendTouchWith(email);

    const first = await sendTouch(input);
    expect(first).toEqual({ outcome: 'sent', providerMessageId: `fake:${input.touchKey}`, delivered: false });
    expect(email.sent).toHaveLength(1);
    expect(email.sent[0]).toMatchObject({
      touchKey: input.touchKey,
      leadId: input.leadId,
      to: `${input.leadId}@example.test`,
      subject: 'Hello Ada',
      body: 'Hi Ada, about Acme.',
    });
    expect(email.sent[0]?.unsubscribeUrl.startsWith(TEST_UNSUBSCRIBE.baseUrl)).toBe(true);
    const row = await touchRow(input.touchKey);
    expect(row).toMatchObject({
      status: 'sent',
      provider: 'fake-email',
      providerMessageId: first.outcome === 'sent' ? first.providerMessageId : null,
    });
    expect(row.sentAt).not.toBeNull();
    expect(row.attemptedAt).not.toBeNull();

    const again = await sendTouch(input);
    expect(again).toEqual(first);
    expect(email.sent).toHaveLength(1);
    expect(email.reconciled).toHaveLength(0);
  });

  test('a replay answers "delivered" exactly as the provider did: true for a real accept-is-delivery, false otherwise', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      send: (m) =>
        Promise.resolve({
          status: 'accepted',
          providerMessageId: `smtp:${m.touchKey}`,
          deliveredOnAccept: true,
        }),
    });
    const first = await sendTouchWith(email)(input);
    expect(first).toMatchObject({ outcome: 'sent', delivered: true });
    // A retried activity (the worker died after the database write) gets the same answer.
    expect(await sendTouchWith(email)(input)).toEqual(first);

    const assumed = await emailTouch();
    const unknown = fakeEmail({ reconcile: () => Promise.resolve(accepted('assumed')) });
    await leftCalling(assumed, unknown);
    expect(await sendTouchWith(unknown)(assumed)).toMatchObject({ outcome: 'sent', delivered: false });
    expect(await sendTouchWith(unknown)(assumed)).toMatchObject({ outcome: 'sent', delivered: false });
  });

  test('an SMS goes to the SMS channel, with the lead phone number', async () => {
    const input = await emailTouch({ channel: 'sms', subject: null });
    const email = fakeEmail();
    const sms = fakeSms();
    expect(await sendTouchWith(email, sms)(input)).toMatchObject({ outcome: 'sent' });
    expect(email.sent).toHaveLength(0);
    expect(sms.sent).toEqual([
      { touchKey: input.touchKey, leadId: input.leadId, to: '+14155550123', body: 'Hi Ada, about Acme.' },
    ]);
  });
});

describe('sendTouch after a worker died mid-call (row left `calling`)', () => {
  test('reconcile is asked with the earlier attempt; its accepted outcome is recorded and nothing is sent', async () => {
    const input = await emailTouch();
    const email = fakeEmail({ reconcile: () => Promise.resolve(accepted('already-there')) });
    const attemptedAt = await leftCalling(input, email);
    let askedWith: Date | undefined;
    const spying: EmailChannel = {
      provider: email.provider,
      send: (m) => email.send(m),
      reconcile: (m, attempt) => {
        askedWith = attempt.startedAt;
        return email.reconcile?.(m, attempt) ?? Promise.resolve(null);
      },
    };

    const outcome = await sendTouchWith(spying)(input);
    expect(outcome).toEqual({ outcome: 'sent', providerMessageId: 'already-there', delivered: false });
    expect(email.reconciled.map((m) => m.touchKey)).toEqual([input.touchKey]);
    expect(askedWith).toEqual(attemptedAt);
    expect(email.sent).toHaveLength(0);
    expect(await touchRow(input.touchKey)).toMatchObject({
      status: 'sent',
      providerMessageId: 'already-there',
    });
  });

  test('reconcile answering "rejected" fails the touch with its reason, without sending', async () => {
    const input = await emailTouch();
    const email = fakeEmail({ reconcile: () => Promise.resolve({ status: 'rejected', reason: 'bounced' }) });
    await leftCalling(input, email);
    expect(await sendTouchWith(email)(input)).toEqual({ outcome: 'failed', reason: 'bounced' });
    expect(email.sent).toHaveLength(0);
    expect(await touchRow(input.touchKey)).toMatchObject({ status: 'failed', failureReason: 'bounced' });
  });

  test('reconcile answering "no record" (null) sends exactly once', async () => {
    const input = await emailTouch();
    const email = fakeEmail({ reconcile: () => Promise.resolve(null) });
    await leftCalling(input, email);
    const sendTouch = sendTouchWith(email);
    expect(await sendTouch(input)).toMatchObject({ outcome: 'sent' });
    expect(email.reconciled).toHaveLength(1);
    expect(email.sent).toHaveLength(1);
    expect((await touchRow(input.touchKey)).status).toBe('sent');
    await sendTouch(input);
    expect(email.sent).toHaveLength(1);
    expect(email.reconciled).toHaveLength(1);
  });

  test('a channel without reconcile (idempotent by itself, like the outbox) sends again', async () => {
    const input = await emailTouch();
    const email = fakeEmail({ reconcile: null });
    expect('reconcile' in email).toBe(false);
    await leftCalling(input, email);
    expect(await sendTouchWith(email)(input)).toMatchObject({ outcome: 'sent' });
    expect(email.sent).toHaveLength(1);
    expect((await touchRow(input.touchKey)).status).toBe('sent');
  });

  test('reconcile that cannot answer yet throws a retryable failure and keeps the row `calling`', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      reconcile: () => Promise.reject(new TransientProviderError('lookup unavailable', 3_000)),
    });
    await leftCalling(input, email);
    const failure = await thrown(sendTouchWith(email)(input));
    expect(failure).toMatchObject({
      type: 'TransientProviderError',
      nextRetryDelay: 3_000,
      nonRetryable: false,
    });
    expect(email.sent).toHaveLength(0);
    expect((await touchRow(input.touchKey)).status).toBe('calling');
  });
});

describe('sendTouch after a worker died mid-call, when the lead changed since', () => {
  test('the provider holds the message but a suppression arrived: recorded as sent, because it went out', async () => {
    const input = await emailTouch();
    const email = fakeEmail({ reconcile: () => Promise.resolve(accepted('went-out')) });
    await leftCalling(input, email);
    await db.prisma.suppression.create({
      data: { key: `supp-${input.touchKey}`, leadId: input.leadId, reason: 'legal request', source: 'ops' },
    });
    expect(await sendTouchWith(email)(input)).toMatchObject({
      outcome: 'sent',
      providerMessageId: 'went-out',
    });
    expect(email.sent).toHaveLength(0);
    expect((await touchRow(input.touchKey)).status).toBe('sent');
  });

  test('the provider has no record and a suppression arrived: not sent', async () => {
    const input = await emailTouch();
    const email = fakeEmail({ reconcile: () => Promise.resolve(null) });
    await leftCalling(input, email);
    await db.prisma.suppression.create({
      data: { key: `supp-${input.touchKey}`, leadId: input.leadId, reason: 'legal request', source: 'ops' },
    });
    expect(await sendTouchWith(email)(input)).toEqual({
      outcome: 'failed',
      reason: 'not sent: lead suppressed (legal request)',
    });
    expect(email.reconciled).toHaveLength(1);
    expect(email.sent).toHaveLength(0);
  });

  test('the lead was erased since: failed, saying an earlier call may have reached the provider', async () => {
    const input = await emailTouch();
    const email = fakeEmail();
    await leftCalling(input, email);
    await db.prisma.lead.update({ where: { id: input.leadId }, data: { email: null, erasedAt: new Date() } });
    expect(await sendTouchWith(email)(input)).toEqual({
      outcome: 'failed',
      reason: 'lead erased: no email address on file (an earlier call may have reached the provider)',
    });
    expect(email.sent).toHaveLength(0);
  });
});

describe('sendTouch when two attempts overlap (a stalled one Temporal already replaced)', () => {
  test('an attempt that finds the row moved on after it read it does not call the provider', async () => {
    const input = await emailTouch();
    // While this attempt asks the provider, another one claims the row.
    const email = fakeEmail({
      reconcile: async () => {
        await db.prisma.touch.update({
          where: { key: input.touchKey },
          data: { status: 'calling', attemptedAt: new Date() },
        });
        return null;
      },
    });
    await leftCalling(input, email);
    const failure = await thrown(sendTouchWith(email)(input));
    expect(failure.type).toBe('TouchMovedOn');
    expect(failure.nonRetryable).toBe(false);
    expect(email.sent).toHaveLength(0);
  });

  test('an attempt whose outcome another attempt recorded first returns that record', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      send: async (m) => {
        await db.prisma.touch.update({
          where: { key: m.touchKey },
          data: { status: 'sent', providerMessageId: 'recorded-by-the-other', sentAt: new Date() },
        });
        return accepted('this-attempt');
      },
    });
    expect(await sendTouchWith(email)(input)).toEqual({
      outcome: 'sent',
      providerMessageId: 'recorded-by-the-other',
      delivered: false,
    });
    expect((await touchRow(input.touchKey)).providerMessageId).toBe('recorded-by-the-other');
  });
});

describe('sendTouch maps provider throws to Temporal retries', () => {
  test('a transient failure the provider surely did not take → row back to `sending`, retry after Retry-After', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      send: () => Promise.reject(new TransientProviderError('429 too many requests', 7_000)),
    });
    const failure = await thrown(sendTouchWith(email)(input));
    expect(failure.type).toBe(TransientProviderError.type);
    expect(failure.type).toBe('TransientProviderError');
    expect(failure.nextRetryDelay).toBe(7_000);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe('429 too many requests');
    expect((await touchRow(input.touchKey)).status).toBe('sending');

    // The next attempt sends without asking the provider: it never had the message.
    const retried = fakeEmail({ reconcile: () => Promise.reject(new Error('must not be asked')) });
    expect(await sendTouchWith(retried)(input)).toMatchObject({ outcome: 'sent' });
    expect(retried.reconciled).toHaveLength(0);
    expect(retried.sent).toHaveLength(1);
  });

  test('a transient failure without Retry-After leaves the delay to the retry policy', async () => {
    const input = await emailTouch();
    const email = fakeEmail({ send: () => Promise.reject(new TransientProviderError('503')) });
    const failure = await thrown(sendTouchWith(email)(input));
    expect(failure.type).toBe('TransientProviderError');
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  test('a transient failure with an unknown outcome keeps the row `calling`, so the next attempt reconciles', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      send: () =>
        Promise.reject(
          new TransientProviderError('socket reset after DATA', 2_000, { outcomeUnknown: true }),
        ),
    });
    const failure = await thrown(sendTouchWith(email)(input));
    expect(failure).toMatchObject({
      type: 'TransientProviderError',
      nextRetryDelay: 2_000,
      nonRetryable: false,
    });
    const row = await touchRow(input.touchKey);
    expect(row.status).toBe('calling');
    expect(row.attemptedAt).not.toBeNull();

    const next = fakeEmail({ reconcile: () => Promise.resolve(accepted('found-it')) });
    expect(await sendTouchWith(next)(input)).toMatchObject({
      outcome: 'sent',
      providerMessageId: 'found-it',
    });
    expect(next.reconciled).toHaveLength(1);
    expect(next.sent).toHaveLength(0);
  });

  test('a configuration error retries slowly (an operator fixes it) and the row goes back to `sending`', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      send: () => Promise.reject(new ProviderConfigurationError('535 authentication failed')),
    });
    const failure = await thrown(sendTouchWith(email)(input));
    expect(failure.type).toBe('ProviderConfigurationError');
    expect(failure.nonRetryable).toBe(false);
    expect(typeof failure.nextRetryDelay).toBe('number');
    expect(Number(failure.nextRetryDelay)).toBeGreaterThanOrEqual(60_000);
    expect(failure.message).toContain('535 authentication failed');
    expect((await touchRow(input.touchKey)).status).toBe('sending');
  });

  test('a permanent provider error fails the touch with its reason, not retryable', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      send: () => Promise.reject(new PermanentProviderError('session refused: 554')),
    });
    const failure = await thrown(sendTouchWith(email)(input));
    expect(failure.type).toBe('PermanentProviderError');
    expect(failure.nonRetryable).toBe(true);
    expect(await touchRow(input.touchKey)).toMatchObject({
      status: 'failed',
      failureReason: 'provider refused the request: session refused: 554',
    });
    // A later attempt (a replay) returns the recorded failure without calling anyone.
    const later = fakeEmail();
    expect(await sendTouchWith(later)(input)).toEqual({
      outcome: 'failed',
      reason: 'provider refused the request: session refused: 554',
    });
    expect(later.sent).toHaveLength(0);
  });

  test('an unclassified throw is passed through as is and leaves the row `calling` (outcome unknown)', async () => {
    const input = await emailTouch();
    const bug = new Error('unexpected');
    const email = fakeEmail({ send: () => Promise.reject(bug) });
    await expect(sendTouchWith(email)(input)).rejects.toBe(bug);
    expect((await touchRow(input.touchKey)).status).toBe('calling');
  });
});

describe('sendTouch records permanent outcomes and stops', () => {
  test('a rejected message fails the touch with the provider reason', async () => {
    const input = await emailTouch();
    const email = fakeEmail({
      send: () => Promise.resolve({ status: 'rejected', reason: 'smtp 550 mailbox unavailable' }),
    });
    expect(await sendTouchWith(email)(input)).toEqual({
      outcome: 'failed',
      reason: 'smtp 550 mailbox unavailable',
    });
    expect(await touchRow(input.touchKey)).toMatchObject({
      status: 'failed',
      failureReason: 'smtp 550 mailbox unavailable',
      providerMessageId: null,
    });
  });

  test('a suppression recorded before the send → not sent', async () => {
    const input = await emailTouch();
    await db.prisma.suppression.create({
      data: { key: `supp-${input.touchKey}`, leadId: input.leadId, reason: 'legal request', source: 'ops' },
    });
    const email = fakeEmail();
    const outcome = await sendTouchWith(email)(input);
    expect(outcome).toEqual({ outcome: 'failed', reason: 'not sent: lead suppressed (legal request)' });
    expect(email.sent).toHaveLength(0);
    expect((await touchRow(input.touchKey)).status).toBe('failed');
  });

  test('a booking recorded while the send was retrying → not sent', async () => {
    const input = await emailTouch();
    await db.prisma.event.create({
      data: {
        leadId: input.leadId,
        source: 'calcom',
        externalId: `booking-${input.touchKey}`,
        type: 'meeting.booked',
        occurredAt: new Date(),
      },
    });
    const email = fakeEmail();
    expect(await sendTouchWith(email)(input)).toEqual({
      outcome: 'failed',
      reason: 'not sent: lead stopped by meeting.booked',
    });
    expect(email.sent).toHaveLength(0);
  });

  test('a send window that closed (notAfter passed) → not sent', async () => {
    const input = await emailTouch({ channel: 'sms', notAfter: new Date(Date.now() - 1_000).toISOString() });
    const sms = fakeSms();
    const outcome = await sendTouchWith(fakeEmail(), sms)(input);
    expect(outcome.outcome).toBe('failed');
    expect((outcome as Extract<TouchOutcome, { outcome: 'failed' }>).reason).toMatch(
      /^not sent: the send window closed/,
    );
    expect(sms.sent).toHaveLength(0);
    expect((await touchRow(input.touchKey)).status).toBe('failed');
  });

  test('a send window still open → sent', async () => {
    const input = await emailTouch({ notAfter: new Date(Date.now() + 60_000).toISOString() });
    expect(await sendTouchWith(fakeEmail())(input)).toMatchObject({ outcome: 'sent' });
  });

  test('an erased lead (no email on file) → failed "lead erased", provider not called', async () => {
    const input = await emailTouch();
    await db.prisma.lead.update({ where: { id: input.leadId }, data: { email: null, erasedAt: new Date() } });
    const email = fakeEmail();
    expect(await sendTouchWith(email)(input)).toEqual({
      outcome: 'failed',
      reason: 'lead erased: no email address on file',
    });
    expect(email.sent).toHaveLength(0);
    expect(await touchRow(input.touchKey)).toMatchObject({ status: 'failed' });
  });

  test('a lead record that does not exist → failed, no row, no call', async () => {
    const input = await emailTouch({ leadId: 'no-such-lead' });
    const email = fakeEmail();
    expect(await sendTouchWith(email)(input)).toEqual({ outcome: 'failed', reason: 'lead record not found' });
    expect(email.sent).toHaveLength(0);
    expect(await db.prisma.touch.count({ where: { key: input.touchKey } })).toBe(0);
  });
});

/**
 * What one provider call does, for the property below. "Crashes" are the
 * worker dying around the call: the activity throws something that is not a
 * provider error, so nothing after it runs (as when the process is killed).
 */
type Step =
  | { kind: 'accept' }
  | { kind: 'transient-known' }
  | { kind: 'transient-unknown'; taken: boolean }
  | { kind: 'crash-before-call' }
  | { kind: 'crash-after-accept' };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'accept' as const }),
  fc.constant({ kind: 'transient-known' as const }),
  fc.boolean().map((taken) => ({ kind: 'transient-unknown' as const, taken })),
  fc.constant({ kind: 'crash-before-call' as const }),
  fc.constant({ kind: 'crash-after-accept' as const }),
);

/** Thrown where the activity would have died: Temporal sees a lost attempt and retries. */
class SimulatedCrash extends Error {}

/**
 * A provider that holds messages by touch key and answers reconcile truthfully,
 * misbehaving on send as the script says (then accepting once it runs out).
 */
function flakyProvider(script: readonly Step[]) {
  const mailbox: string[] = [];
  let calls = 0;
  const channel: EmailChannel = {
    provider: 'flaky-email',
    send(m) {
      const step = script[calls] ?? { kind: 'accept' };
      calls += 1;
      const take = (): SendOutcome => {
        mailbox.push(m.touchKey);
        return accepted(`flaky:${m.touchKey}`);
      };
      switch (step.kind) {
        case 'accept':
          return Promise.resolve(take());
        case 'transient-known':
          return Promise.reject(new TransientProviderError('503 try later', 1_000));
        case 'transient-unknown':
          if (step.taken) take();
          return Promise.reject(
            new TransientProviderError('timeout after DATA', undefined, { outcomeUnknown: true }),
          );
        case 'crash-before-call':
          return Promise.reject(new SimulatedCrash('worker died before the request left'));
        case 'crash-after-accept':
          take();
          return Promise.reject(new SimulatedCrash('worker died before recording the acceptance'));
      }
    },
    reconcile(m) {
      return Promise.resolve(mailbox.includes(m.touchKey) ? accepted(`flaky:${m.touchKey}`) : null);
    },
  };
  return { channel, mailbox };
}

describe('sendTouch under any sequence of provider failures and crashes (property)', () => {
  test('retrying until it returns leaves exactly one accepted message at the provider', async () => {
    const lead = await emailTouch();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { maxLength: 8 }), async (script) => {
        run += 1;
        const input = { ...lead, touchKey: `${lead.touchKey}:prop:${String(run)}` };
        const provider = flakyProvider(script);
        const sendTouch = sendTouchWith(provider.channel);
        let outcome: TouchOutcome | undefined;
        // Temporal's retries, bounded: every scripted misbehaviour costs at most one attempt.
        for (let attempt = 0; attempt <= script.length && outcome === undefined; attempt += 1) {
          try {
            outcome = await sendTouch(input);
          } catch (error) {
            if (!(error instanceof ApplicationFailure) && !(error instanceof SimulatedCrash)) throw error;
            if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
          }
        }
        expect(outcome).toEqual({
          outcome: 'sent',
          providerMessageId: `flaky:${input.touchKey}`,
          delivered: false,
        });
        expect(provider.mailbox).toEqual([input.touchKey]);
        const row = await touchRow(input.touchKey);
        expect(row).toMatchObject({ status: 'sent', providerMessageId: `flaky:${input.touchKey}` });
        // Once recorded, a replay of the activity changes nothing.
        expect(await sendTouch(input)).toEqual(outcome);
        expect(provider.mailbox).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });
});
