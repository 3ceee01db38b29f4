import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultRow } from '../fault-table';
import { auditLeads, enroll, temporalClient, type Lead } from '../lead-population';
import type { ProviderStandIn } from '../provider-stand-in';
import { ServiceClient } from '../service-client';
import type { ServiceProcess } from '../service-process';
import type { SmtpSink } from '../smtp-sink';

export const STORM_MS = 60_000;
const LEADS = 12;
export const TWILIO_ACCOUNT = `AC${'f'.repeat(32)}`;

/** Zones tried in turn for one where it is mid-day, so the plan's SMS window (09:00–20:00) is open. */
const ZONES = [
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Pacific/Honolulu',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Europe/Berlin',
  'Australia/Sydney',
];

function midDayZone(now: Date): string {
  const found = ZONES.find((timeZone) => {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(now),
    );
    return hour >= 10 && hour <= 16;
  });
  return found ?? 'Asia/Kolkata';
}

/**
 * For a minute the email relay answers 451 to every recipient and the SMS
 * provider answers 429 with Retry-After or a 5xx (some after taking the
 * message, some before), while nurtures send their emails and the SMS a
 * pricing-page visit triggers. Afterwards every touch reached the provider
 * exactly once, no retry came before its Retry-After, and every nurture
 * completed.
 */
export async function providerStorms(
  service: ServiceProcess,
  key: () => string,
  providers: { smtp: SmtpSink; http: ProviderStandIn },
): Promise<FaultRow> {
  const api = new ServiceClient(() => service.baseUrl, key);
  const deadline = Date.now() + 8 * 60_000;
  const timezone = midDayZone(new Date());
  const leads: Lead[] = await Promise.all(
    Array.from({ length: LEADS }, (_, i) =>
      enroll(
        api,
        `storm-${String(i + 1)}`,
        { planId: 'demo', sms: true, phone: `+4479111234${String(i + 10)}`, timezone },
        deadline,
      ),
    ),
  );
  // The welcome emails first: an SMS needs an email relationship (rule 6), then the storm.
  while (providers.smtp.received.size < LEADS && Date.now() < deadline) await sleep(200);
  providers.smtp.storm(STORM_MS);
  providers.http.storm(STORM_MS);
  // Half the leads visit the pricing page (high intent: an SMS follows); the other half stay
  // on email, whose next sends meet the SMTP storm (a lead's sends go one after another).
  await Promise.all(
    leads.slice(0, LEADS / 2).map((lead) =>
      api.until2xx(
        'POST',
        `/v1/leads/${lead.id}/events`,
        {
          id: `${lead.id}-pricing`,
          type: 'web.page_visited',
          occurredAt: new Date().toISOString(),
          data: { path: '/pricing' },
        },
        deadline,
      ),
    ),
  );

  const { client, close } = await temporalClient(service.temporalAddress);
  try {
    const audit = await auditLeads(api, client, leads, {
      deadline,
      copies: (lead) => {
        const keys = [...providers.smtp.received, ...providers.http.twilioAccepted];
        return Promise.resolve(new Map(keys.filter(([key]) => key.startsWith(`${lead.workflowId}:`))));
      },
    });
    const emails = audit.sent.filter((t) => t.channel === 'email').length;
    const sms = audit.sent.filter((t) => t.channel === 'sms').length;
    const failures: string[] = [];
    if (providers.smtp.refused === 0)
      failures.push('the SMTP storm refused nothing: no email was sent during it');
    if (providers.http.rateLimited === 0)
      failures.push('the SMS storm answered no 429: no SMS was sent during it');
    if (sms < LEADS / 2) failures.push(`only ${String(sms)} SMS were sent, ${String(LEADS / 2)} expected`);
    if (providers.http.earlyRetries > 0) {
      failures.push(`${String(providers.http.earlyRetries)} retries came before their Retry-After`);
    }
    return {
      fault: `provider storm for ${String(STORM_MS / 1000)} s: SMTP 451, Twilio 429 with Retry-After and 5xx`,
      injected: providers.smtp.refused + providers.http.rateLimited + providers.http.failures5xx,
      population: `${String(LEADS)} demo nurtures with SMS consent, ${String(emails)} emails, ${String(sms)} SMS`,
      damage: audit.damage,
      failures,
      notes: `events after the nurture's end: ${String(audit.lateEvents)}; SMTP 451s: ${String(providers.smtp.refused)}, Twilio 429s: ${String(providers.http.rateLimited)}, Twilio 5xx: ${String(providers.http.failures5xx)}, retries before Retry-After: ${String(providers.http.earlyRetries)}`,
    };
  } finally {
    await close();
  }
}
