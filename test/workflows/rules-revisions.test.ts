import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { RULES_REVISIONS } from '../../workflows/definitions';

/**
 * auto-reply-postponed.json was recorded before rules version 2 (an
 * auto-reply scored as a reply): it must stay such a history, or the replay
 * test no longer shows that runs from before the fix replay under patched().
 */
const history = temporal.api.history.v1.History.fromObject(
  JSON.parse(
    readFileSync(path.join(__dirname, '../fixtures/histories/auto-reply-postponed.json'), 'utf8'),
  ) as object,
);
const EventType = temporal.api.enums.v1.EventType;

test('the fixture carries no rules-revision marker: it was recorded before the patch', () => {
  const markers = history.events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED);
  expect(markers).toEqual([]);
  expect(RULES_REVISIONS.map((r) => r.patch)).toContain('auto-reply-not-scored');
});

test('in it the auto-reply shortened the wait: case-study went out 36h after the postponement ended', () => {
  const at = (e: temporal.api.history.v1.IHistoryEvent): number => Number(e.eventTime?.seconds ?? 0);
  const timersFired = history.events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
  const caseStudy = history.events.find((e) => {
    const payload = e.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data;
    if (payload == null) return false;
    const input = JSON.parse(Buffer.from(payload).toString('utf8')) as { step?: unknown };
    return input.step === 'case-study';
  });
  const resumed = timersFired[0];
  if (caseStudy === undefined || resumed === undefined)
    throw new Error('fixture lacks the resume or the send');
  expect(at(caseStudy) - at(resumed)).toBe(36 * 3600);
});

/**
 * carrier-opt-out-as-sms-failed.json was recorded with the code from before
 * rules version 3 (git 13f12a1): Twilio's 21610 came as sms.failed and the
 * consent track withdrew SMS consent on it. The replay test shows it still
 * replays; this shows it is such a history.
 */
describe('carrier-opt-out-as-sms-failed.json', () => {
  const legacy = temporal.api.history.v1.History.fromObject(
    JSON.parse(
      readFileSync(path.join(__dirname, '../fixtures/histories/carrier-opt-out-as-sms-failed.json'), 'utf8'),
    ) as object,
  );
  const payloads = (e: temporal.api.history.v1.IHistoryEvent) =>
    (
      e.workflowExecutionSignaledEventAttributes?.input?.payloads ??
      e.activityTaskScheduledEventAttributes?.input?.payloads ??
      e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ??
      []
    ).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));

  test('carries the rules version 2 marker and not the version 3 one', () => {
    const markers = legacy.events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED)
      .flatMap(payloads);
    expect(markers.join()).toContain('auto-reply-not-scored');
    const v3 = RULES_REVISIONS.find((r) => r.version === 3)?.patch;
    expect(v3).toBe('carrier-opt-out-at-the-edge');
    expect(markers.join()).not.toContain(String(v3));
  });

  test('in it sms.failed 21610 withdrew SMS consent', () => {
    const texts = legacy.events.flatMap(payloads);
    expect(texts.some((t) => t.includes('"type":"sms.failed"') && t.includes('"errorCode":21610'))).toBe(
      true,
    );
    expect(
      texts.some((t) => t.includes('sms consent withdrawn via carrier: recipient unsubscribed (21610)')),
    ).toBe(true);
  });
});
