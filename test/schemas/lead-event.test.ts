import {
  LEAD_EVENT_DATA,
  LEAD_EVENT_TYPES,
  leadEventRequestSchema,
  leadEventSchema,
  readLeadEvent,
  type LeadEventDataOf,
  type LeadEventOf,
  type RecordedLeadEvent,
} from '../../workflows/lead-event';

const at = '2026-11-24T10:00:00Z';

function issuesOf(body: unknown): string[] {
  const result = leadEventRequestSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('each type has its data schema, checked at the API', () => {
  test('every type has one, and the union one branch per type', () => {
    expect(Object.keys(LEAD_EVENT_DATA).sort()).toEqual([...LEAD_EVENT_TYPES].sort());
    expect(leadEventSchema.options).toHaveLength(LEAD_EVENT_TYPES.length);
  });

  test.each([
    ['email.opened', { machineOpen: true, providerMessageId: 'sg-1' }],
    ['email.bounced', { bounceType: 'blocked', smtpStatus: '5.7.1' }],
    ['email.unsubscribed', { scope: 'global', source: 'preference center' }],
    ['email.replied', { subject: 'Re: hi', text: 'Sounds good', returnDate: '2026-12-01' }],
    ['sms.failed', { status: 'undelivered', errorCode: 30003 }],
    ['sms.failed', { errorCode: '30003' }],
    ['sms.opted_out', { reportedBy: 'carrier', errorCode: 21610, source: 'carrier' }],
    ['web.page_visited', { path: '/pricing' }],
    ['meeting.booked', { rescheduled: true, startTime: '2026-11-25T15:00:00Z' }],
    ['consent.updated', { channel: 'sms', granted: true }],
    ['linkedin.request_sent', { taskKey: 't-1', outcome: 'sent', by: 'rep-7' }],
  ] as const)('%s with %j is accepted', (type, data) => {
    expect(issuesOf({ id: 'e1', type, occurredAt: at, data })).toEqual([]);
  });

  test('no data is {} where that is valid', () => {
    expect(leadEventRequestSchema.parse({ id: 'e1', type: 'email.opened', occurredAt: at })).toEqual({
      id: 'e1',
      type: 'email.opened',
      occurredAt: at,
      data: {},
    });
  });

  test.each([
    ['email.opened', { machineOpen: 'yes' }, 'data.machineOpen'],
    ['email.bounced', { bounceType: 'soft' }, 'data.bounceType'],
    ['email.unsubscribed', { scope: 'everything' }, 'data.scope'],
    ['email.unsubscribed', { source: '' }, 'data.source'],
    ['email.replied', { returnDate: 'next week' }, 'data.returnDate'],
    ['email.replied', { autoReply: 'true' }, 'data.autoReply'],
    ['sms.failed', { errorCode: 'E21610' }, 'data.errorCode'],
    ['sms.opted_out', { reportedBy: 'operator' }, 'data.reportedBy'],
    ['web.page_visited', { path: 42 }, 'data.path'],
    ['meeting.booked', { rescheduled: 'no' }, 'data.rescheduled'],
    ['consent.updated', { channel: 'fax', granted: true }, 'data.channel'],
    ['consent.updated', { channel: 'sms' }, 'data.granted'],
    ['linkedin.request_sent', { outcome: 'maybe' }, 'data.outcome'],
    ['email.delivered', { touchKey: 7 }, 'data.touchKey'],
  ] as const)('%s with %j is refused, naming %s', (type, data, path) => {
    expect(issuesOf({ id: 'e1', type, occurredAt: at, data })).toEqual([path]);
  });

  test('consent.updated needs its data', () => {
    expect(issuesOf({ id: 'e1', type: 'consent.updated', occurredAt: at })).toEqual(['data']);
  });

  test('an unknown type still hears about the other fields; unknown top-level keys are refused', () => {
    expect(issuesOf({ id: '', type: 'email.teleported', occurredAt: 'yesterday', extra: 1 })).toEqual(
      expect.arrayContaining(['id', 'type', 'occurredAt', '']),
    );
  });

  test('extra fields in data are kept as given', () => {
    const data = { machineOpen: false, campaign: { id: 'q4', tags: ['a', 1, null] }, score: 3.5 };
    expect(
      leadEventRequestSchema.parse({ id: 'e1', type: 'email.opened', occurredAt: at, data }).data,
    ).toEqual(data);
  });
});

describe('readLeadEvent: the rules view, defensive for payloads recorded before the schemas', () => {
  const recorded = (type: RecordedLeadEvent['type'], data: Record<string, unknown>): RecordedLeadEvent => ({
    id: 'e1',
    type,
    occurredAt: at,
    data,
  });

  test('known fields of their shape are read; extra fields are not there for the rules', () => {
    const read = readLeadEvent(recorded('email.opened', { machineOpen: true, campaign: 'q4' }));
    expect(read.data).toEqual({ machineOpen: true });
  });

  test.each([
    ['email.opened', { machineOpen: 'yes', touchKey: 'k' }, { touchKey: 'k' }],
    ['email.bounced', { bounceType: 'soft' }, {}],
    ['email.unsubscribed', { scope: 'global', source: '' }, { scope: 'global' }],
    ['consent.updated', { channel: 'fax', granted: 'yes' }, {}],
    ['consent.updated', { channel: 'sms', granted: false }, { channel: 'sms', granted: false }],
    [
      'web.page_visited',
      { path: 42, url: 'https://example.com/pricing' },
      { url: 'https://example.com/pricing' },
    ],
    ['linkedin.request_sent', { by: '' }, { by: '' }],
    ['email.delivered', { touchKey: '' }, { touchKey: '' }],
    ['sms.failed', { errorCode: '21610', status: 'lost' }, { errorCode: '21610' }],
    ['email.replied', { headers: ['X-Autoreply'], autoReply: 1 }, {}],
  ] as const)('%s %j reads as %j (a misfit is absent, as the old probes had it)', (type, data, expected) => {
    expect(readLeadEvent(recorded(type, data)).data).toEqual(expected);
  });

  test('data that is not an object reads as empty', () => {
    const odd = {
      id: 'e1',
      type: 'email.opened',
      occurredAt: at,
      data: null,
    } as unknown as RecordedLeadEvent;
    expect(readLeadEvent(odd).data).toEqual({});
  });
});

describe('types', () => {
  test('each type reads its own fields, typed; extra fields do not compile', () => {
    const opened: LeadEventOf<'email.opened'> = { id: 'e', type: 'email.opened', occurredAt: at, data: {} };
    const machine: boolean | undefined = opened.data.machineOpen;
    // @ts-expect-error the rules cannot read a field the type does not declare
    const extra: unknown = opened.data.campaign;
    // @ts-expect-error nor a field of another type
    const bounce: unknown = opened.data.bounceType;
    const produced: LeadEventDataOf<'sms.opted_out'> = { reportedBy: 'carrier', anything: { kept: true } };
    // @ts-expect-error a producer cannot give a known field the wrong shape
    const wrong: LeadEventDataOf<'sms.opted_out'> = { reportedBy: 'operator' };
    expect([machine, extra, bounce, produced.reportedBy, wrong]).toBeDefined();
  });
});
