import { CARRIER_OPT_OUT_SOURCE } from '../../api/webhooks/carrier-opt-out';
import type { RulesVersion } from '../../workflows/engine/state';
import { startOf } from '../support/builders';
import { DAY, event, HOUR, runEngine } from '../support/engine-harness';

// Monday 2026-11-23 15:00 in America/Chicago; the pricing visit comes at 23:30 local,
// so the SMS it triggers waits for the 09:00 window.
const T = Date.parse('2026-11-23T21:00:00Z');
const LATE_VISIT = Date.parse('2026-11-24T05:30:00Z');
const smsLead = startOf({ consent: { email: true, sms: true } });

function run(rulesVersion: RulesVersion | undefined, optOut: ReturnType<typeof event>) {
  return runEngine(
    rulesVersion === undefined ? smsLead : { ...smsLead, rulesVersion },
    [
      { at: LATE_VISIT, input: event('v1', 'web.page_visited', { path: '/pricing' }) },
      { at: LATE_VISIT + HOUR, input: optOut },
    ],
    { startAt: T, until: LATE_VISIT + DAY },
  );
}

const smsSends = (r: ReturnType<typeof run>) => r.sends.filter((s) => s.channel === 'sms');
const reasons = (r: ReturnType<typeof run>) => r.decisions.map((d) => d.decision.reason);

const carrierOptOut = event('c1', 'sms.opted_out', {
  source: CARRIER_OPT_OUT_SOURCE,
  reportedBy: 'carrier',
  errorCode: 21610,
  status: 'undelivered',
});

describe('Twilio 21610: an opt-out reported by the carrier', () => {
  test('sms.opted_out from the carrier withdraws SMS consent with its source and drops the deferred SMS', () => {
    const r = run(undefined, carrierOptOut);
    expect(r.state.consent.sms).toEqual({
      granted: false,
      source: CARRIER_OPT_OUT_SOURCE,
      at: LATE_VISIT + HOUR,
    });
    expect(smsSends(r)).toEqual([]);
    expect(reasons(r)).toEqual(
      expect.arrayContaining([
        `sms consent withdrawn via ${CARRIER_OPT_OUT_SOURCE}`,
        'pending sms dropped: the lead opted out',
      ]),
    );
  });

  test('under the current rules sms.failed is recorded only: its error code is not read', () => {
    const r = run(undefined, event('f1', 'sms.failed', { status: 'failed', errorCode: 21610 }));
    expect(r.state.consent.sms).toMatchObject({ granted: true });
    expect(smsSends(r)).toHaveLength(1);
  });

  test.each([
    [2, 21610],
    [2, '21610'],
    [1, 21610],
  ] as const)(
    'a run under rules version %s (recorded before the edge turned it) still withdraws consent on sms.failed %j',
    (version, errorCode) => {
      const r = run(version, event('f1', 'sms.failed', { status: 'failed', errorCode }));
      expect(r.state.consent.sms).toEqual({
        granted: false,
        source: CARRIER_OPT_OUT_SOURCE,
        at: LATE_VISIT + HOUR,
      });
      // As it ran then: the deferred SMS is not dropped at once but refused by the gate when due.
      expect(smsSends(r)).toEqual([]);
      expect(reasons(r)).not.toContain('pending sms dropped: the lead opted out');
    },
  );

  test('under rules version 2 another error code changes nothing', () => {
    const r = run(2, event('f1', 'sms.failed', { status: 'undelivered', errorCode: 30003 }));
    expect(r.state.consent.sms).toMatchObject({ granted: true });
    expect(smsSends(r)).toHaveLength(1);
  });
});
