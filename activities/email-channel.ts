/**
 * The email channel port. Contract (as every channel port): transient
 * failures throw, so Temporal retries; permanent outcomes (invalid address,
 * suppressed recipient) come back as a `rejected` result the workflow records.
 * Implementations must be idempotent on `touchKey`.
 */
export interface OutboundEmail {
  touchKey: string;
  leadId: string;
  to: string;
  subject: string;
  body: string;
}

export type SendOutcome =
  { status: 'accepted'; providerMessageId: string } | { status: 'rejected'; reason: string };

export interface EmailChannel {
  /** Recorded on each touch, so the timeline says who carried it. */
  readonly provider: string;
  send(message: OutboundEmail): Promise<SendOutcome>;
}
