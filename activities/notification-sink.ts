/**
 * Where CRM notifications and alerts go. Contract: resolve once the receiver
 * accepted the notification; throw on a transient failure (Temporal retries).
 * The notification key goes along so the receiver can de-duplicate retries.
 */
export interface OutgoingNotification {
  key: string;
  leadId: string;
  kind: string;
  payload: unknown;
}

export interface NotificationSink {
  readonly name: string;
  deliver(notification: OutgoingNotification): Promise<void>;
}

/** The default: the notifications table is the feed (nothing leaves the service). */
export const recordOnlySink: NotificationSink = {
  name: 'record-only',
  deliver: () => Promise.resolve(),
};

/**
 * POSTs the notification as JSON to a webhook (a CRM integration, Slack, an
 * incident tool), with an `Idempotency-Key` header. Non-2xx answers throw.
 */
export function webhookSink(url: string, fetchImpl: typeof fetch = fetch): NotificationSink {
  return {
    name: `webhook ${new URL(url).host}`,
    async deliver(notification) {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': notification.key },
        body: JSON.stringify(notification),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`notification webhook answered ${String(response.status)}`);
    },
  };
}
