/**
 * Channel ports for the touches that go to a provider. Contract (as every
 * port): transient failures throw, so Temporal retries; permanent outcomes
 * (invalid address, unsubscribed number) come back as `rejected`, which the
 * workflow records. Implementations must be idempotent on `touchKey`.
 */
export interface OutboundEmail {
  touchKey: string;
  leadId: string;
  to: string;
  subject: string;
  body: string;
}

export interface OutboundSms {
  touchKey: string;
  leadId: string;
  to: string;
  body: string;
}

export type SendOutcome =
  /** `deliveredOnAccept`: the provider has no later delivery report (the embedded outbox). */
  | { status: 'accepted'; providerMessageId: string; deliveredOnAccept: boolean }
  | { status: 'rejected'; reason: string };

export interface EmailChannel {
  /** Recorded on each touch, so the timeline says who carried it. */
  readonly provider: string;
  send(message: OutboundEmail): Promise<SendOutcome>;
}

export interface SmsChannel {
  readonly provider: string;
  send(message: OutboundSms): Promise<SendOutcome>;
}
