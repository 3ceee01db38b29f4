import type { ReplyEvent } from '../lead-event';

/**
 * An out-of-office answer is not a reply (rule 8 would hand it to sales).
 * It is recognised when the event says so (`data.autoReply: true`) or when
 * its headers carry the usual markers: RFC 3834 `Auto-Submitted` (anything
 * but "no"), `X-Autoreply`, `X-Autorespond`, or `Precedence: auto_reply`.
 */
export function isAutoReply(event: ReplyEvent): boolean {
  const { autoReply, headers } = event.data;
  if (autoReply === true) return true;
  if (headers === undefined) return false;
  for (const [name, raw] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const value = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (key === 'auto-submitted' && value !== '' && value !== 'no') return true;
    if (key === 'x-autoreply' || key === 'x-autorespond') return true;
    if (key === 'precedence' && value === 'auto_reply') return true;
  }
  return false;
}

/** The return date an out-of-office gives (`data.returnDate`, ISO), if it is in the future. */
export function returnDateOf(event: ReplyEvent, now: number): number | null {
  const raw = event.data.returnDate;
  if (raw === undefined) return null;
  const at = Date.parse(raw);
  return Number.isFinite(at) && at > now ? at : null;
}
