import type { MailHeader } from '../../../replies/auto-reply-headers';

// A mail may carry hundreds of Received lines; the few headers read here come first or are few.
const MAX_HEADERS = 500;
const MAX_HEADER_CHARS = 8_000;
/** Ids read from one In-Reply-To or References header. */
const MAX_IDS = 100;

/**
 * An RFC 5322 header block (SendGrid's `headers` field, the top of a raw
 * message) as name/value pairs: folded lines are unfolded, anything without a
 * `name:` is skipped rather than refused (mail in the wild is often sloppy).
 */
export function parseHeaderBlock(block: string): MailHeader[] {
  const headers: MailHeader[] = [];
  const unfolded = block.replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    if (headers.length >= MAX_HEADERS) break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    headers.push({
      name,
      value: line
        .slice(colon + 1)
        .trim()
        .slice(0, MAX_HEADER_CHARS),
    });
  }
  return headers;
}

/** The value of the first header with this name (case-insensitive), or undefined. */
export function headerValue(headers: readonly MailHeader[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find((header) => header.name.toLowerCase() === wanted)?.value;
}

/**
 * The msg-ids of an In-Reply-To or References value, in their order. Ids are
 * `<left@right>`; some clients drop the brackets or separate with commas, so
 * bare tokens holding an `@` count too.
 */
export function messageIdsIn(value: string | undefined): string[] {
  if (value === undefined) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  const ids = bracketed ?? value.split(/[\s,]+/).filter((token) => token.includes('@'));
  return ids.slice(0, MAX_IDS);
}

/** The address in a From value (`"Name" <a@b.example>` or a bare address), or undefined. */
export function addressIn(from: string | undefined): string | undefined {
  if (from === undefined) return undefined;
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1];
  const address = angled ?? from.trim();
  return /^[^@\s<>"]+@[^@\s<>"]+$/.test(address) && address.length <= 320 ? address : undefined;
}
