/**
 * How much of a reply's text is handed to the inbox: enough for the return
 * date (read from the first 2,000 characters) and the excerpt (the reply's
 * own words, above the quoted thread); the inbox keeps neither in full.
 */
export const MAX_REPLY_TEXT_CHARS = 10_000;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The readable text of an HTML-only mail, roughly: blocks become lines, tags
 * and scripts go, the common entities are decoded. Only the excerpt and the
 * return date read it, so a mail client's exotic markup costs little.
 */
export function textOfHtml(html: string): string {
  return html
    .slice(0, MAX_REPLY_TEXT_CHARS * 10)
    .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h\d)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d{1,6}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+/g, ' ');
}

/** The reply text to read: the provider's stripped reply, else the plain part, else the HTML's text; capped. */
export function replyText(parts: { stripped?: string; text?: string; html?: string }): string {
  const chosen = [parts.stripped, parts.text].find((part) => part !== undefined && part.trim() !== '');
  const text = chosen ?? (parts.html === undefined ? '' : textOfHtml(parts.html));
  return text.slice(0, MAX_REPLY_TEXT_CHARS);
}
