/** One header line of a received mail, as providers hand them over. */
export interface MailHeader {
  name: string;
  value: string;
}

/**
 * Whether a received mail's headers say a machine sent it: RFC 3834
 * `Auto-Submitted` with any value but "no", the `X-Autoreply` and
 * `X-Autorespond` markers older responders set, or `Precedence: auto_reply`,
 * `bulk` or `junk` (RFC 3834 §3.1.8 asks responders not to answer these, and
 * vacation programs mark their own answers with them). Such mail is not a
 * reply from the person; the subject (auto-reply-subject.ts) catches the
 * many responders that set no header at all.
 */
export function headersSayAutoReply(headers: readonly MailHeader[]): boolean {
  return headers.some(({ name, value }) => {
    const key = name.trim().toLowerCase();
    const text = value.trim().toLowerCase();
    if (key === 'auto-submitted') return text !== '' && !/^no\b/.test(text);
    if (key === 'x-autoreply' || key === 'x-autorespond') return true;
    if (key === 'precedence') return /^(auto_reply|bulk|junk)\b/.test(text);
    return false;
  });
}
