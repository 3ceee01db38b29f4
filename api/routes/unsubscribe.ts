import express, { Router, type Request, type Response } from 'express';
import {
  MAX_TOKEN_LENGTH,
  UNSUBSCRIBE_TOKEN_SHAPE,
  verifyUnsubscribeToken,
  type UnsubscribeClaims,
  type UnsubscribeSecret,
} from '../../activities/unsubscribe-link';
import type { AppDeps } from '../app-deps';
import { recordEvent, signalRecorded, type InboxEvent } from '../inbox/event-inbox';
import { ProblemError } from '../problem';

/**
 * One-click unsubscribe (RFC 8058) behind the signed links every email
 * carries (activities/unsubscribe-link.ts). Not under /v1: the signed token is
 * the credential, and the people using it have no API key.
 *
 * - `GET /u/:token` shows a confirmation page whose button POSTs. A GET never
 *   unsubscribes: mail scanners and link previews follow every link in a
 *   message, and would unsubscribe people who never asked.
 * - `POST /u/:token` unsubscribes at once: the mailbox's one-click request
 *   (body `List-Unsubscribe=One-Click`) or the page's button. It records an
 *   `email.unsubscribed` event in the inbox (which stops sends even before the
 *   workflow applies it: send-touch checks it) and a consent change (the
 *   record a later enrollment reads, even when this nurture has ended), then
 *   signals the workflow. Both writes are keyed, so a repeated POST adds
 *   nothing.
 *
 * Browsers get HTML, errors included (a problem+json body means nothing to
 * the person who clicked); a client that asks for JSON gets problem+json.
 */
export type UnsubscribeDeps = Pick<AppDeps, 'prisma' | 'temporal' | 'logger' | 'plans'> & {
  /** UNSUBSCRIBE_SECRET (or several while rotating, the signing one first); unset turns the endpoint off (501). */
  unsubscribeSecret?: UnsubscribeSecret | undefined;
  now?: () => Date;
};

/** The inbox source of these events: (source, external id) is what makes a repeat apply once. */
export const UNSUBSCRIBE_EVENT_SOURCE = 'unsubscribe-link';

export type UnsubscribeVia = 'list-unsubscribe' | 'unsubscribe-page';

const BODY_LIMIT = '4kb';

export function unsubscribeRouter(deps: UnsubscribeDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.get('/u/:token', (req, res) => {
    const claims = claimsOf(deps, req, res);
    if (claims === null) return;
    htmlPage(res, 200, {
      title: 'Unsubscribe',
      text: 'Press the button to stop receiving these emails.',
      form: true,
    });
  });

  router.post(
    '/u/:token',
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 10 }),
    // RFC 8058 lets the mailbox send the one-click body as multipart/form-data.
    express.text({ type: 'multipart/form-data', limit: BODY_LIMIT }),
    async (req, res) => {
      const claims = claimsOf(deps, req, res);
      if (claims === null) return;
      const body: unknown = req.body;
      const via: UnsubscribeVia = isOneClick(body) ? 'list-unsubscribe' : 'unsubscribe-page';
      await recordUnsubscribe(deps, claims, via, now());
      htmlPage(res, 200, {
        title: 'Unsubscribed',
        text: 'You will not receive these emails any more.',
        form: false,
      });
    },
  );

  return router;
}

/**
 * Records the unsubscribe once. The external id is the touch key plus the
 * latest email consent grant: a repeat of the same click is a duplicate, but
 * a click on an old email after the person opted in again is a new event.
 */
export async function recordUnsubscribe(
  deps: UnsubscribeDeps,
  claims: UnsubscribeClaims,
  via: UnsubscribeVia,
  at: Date,
): Promise<'recorded' | 'duplicate' | 'no-lead'> {
  const { prisma } = deps;
  const lead = await prisma.lead.findUnique({
    where: { id: claims.leadId },
    select: { id: true, erasedAt: true },
  });
  // Erased or deleted: nothing is sent to it any more and there is nothing to record against.
  if (lead === null || lead.erasedAt !== null) return 'no-lead';

  const lastGrant = await prisma.consentChange.findFirst({
    where: { leadId: lead.id, channel: 'email', granted: true },
    orderBy: [{ occurredAt: 'desc' }, { recordedAt: 'desc' }],
    select: { id: true },
  });
  const externalId = `${claims.touchKey}/${lastGrant?.id ?? 'initial'}`;
  const event: InboxEvent = {
    leadId: lead.id,
    source: UNSUBSCRIBE_EVENT_SOURCE,
    externalId,
    type: 'email.unsubscribed',
    occurredAt: at,
    // `source` is what the workflow writes on its own consent record (decide.ts, sourceOf).
    data: { source: via, touchKey: claims.touchKey, channel: 'email' },
  };
  // The event first: it is what stops a send already under way (send-touch reads it).
  const { duplicate } = await recordEvent(deps, event);
  // Also after a duplicate event: repairs a first request that died between the two writes.
  await prisma.consentChange.createMany({
    data: [
      {
        key: `unsubscribe:${externalId}`,
        leadId: lead.id,
        channel: 'email',
        granted: false,
        source: via,
        occurredAt: at,
      },
    ],
    skipDuplicates: true,
  });
  deps.logger.info(
    { leadId: lead.id, touchKey: claims.touchKey, via, duplicate },
    'email unsubscribe recorded',
  );
  if (!duplicate) {
    try {
      await signalRecorded(prisma, deps.temporal, { source: UNSUBSCRIBE_EVENT_SOURCE, externalId });
    } catch (error) {
      // Recorded is what counts: the relay signals unsignalled events later, and the person
      // must not see an error (or retry) for a step that already took effect.
      deps.logger.warn({ err: error, leadId: lead.id }, 'unsubscribe signal deferred to the relay');
    }
  }
  return duplicate ? 'duplicate' : 'recorded';
}

/** The token's claims, or null after answering the error itself. */
function claimsOf(deps: UnsubscribeDeps, req: Request, res: Response): UnsubscribeClaims | null {
  setPageHeaders(res);
  const token = req.params.token;
  if (deps.unsubscribeSecret === undefined) {
    deps.logger.error('an unsubscribe link was used but UNSUBSCRIBE_SECRET is not set');
    if (wantsJson(req)) {
      throw new ProblemError(
        501,
        'unsubscribe-not-configured',
        'Unsubscribe not configured',
        'Set UNSUBSCRIBE_SECRET to the secret the links were signed with.',
      );
    }
    htmlPage(res, 503, {
      title: 'Try again later',
      text: 'This unsubscribe link cannot be processed right now. Please try again later or reply to the email.',
      form: false,
    });
    return null;
  }
  // Cut short or mangled (400) is told apart from well-formed but not signed here (404): the
  // first is a copy-and-paste accident the page can explain, the second names no link of ours.
  const wellFormed =
    typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH && UNSUBSCRIBE_TOKEN_SHAPE.test(token);
  const claims = wellFormed ? verifyUnsubscribeToken(deps.unsubscribeSecret, token) : null;
  if (claims !== null) return claims;
  const status = wellFormed ? 404 : 400;
  if (wantsJson(req)) {
    throw wellFormed
      ? new ProblemError(
          404,
          'unknown-unsubscribe-link',
          'Unknown unsubscribe link',
          'This service did not issue the link.',
        )
      : new ProblemError(
          400,
          'invalid-unsubscribe-link',
          'Invalid unsubscribe link',
          'The link is incomplete or was not issued by this service.',
        );
  }
  htmlPage(res, status, {
    title: 'Invalid link',
    text: 'This unsubscribe link is incomplete or invalid. Copy the whole link from the email, or reply to the email to unsubscribe.',
    form: false,
  });
  return null;
}

function isOneClick(body: unknown): boolean {
  if (typeof body === 'string') {
    // multipart/form-data: a part named List-Unsubscribe whose value is One-Click.
    return /name="?List-Unsubscribe"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(body);
  }
  return (
    typeof body === 'object' &&
    body !== null &&
    'List-Unsubscribe' in body &&
    body['List-Unsubscribe'] === 'One-Click'
  );
}

function wantsJson(req: Request): boolean {
  // Mailboxes send no Accept or */*: HTML unless JSON is preferred.
  const preferred = req.accepts(['html', 'json', 'application/problem+json']);
  return preferred === 'json' || preferred === 'application/problem+json';
}

function setPageHeaders(res: Response): void {
  // The token is a credential: not cached, not sent on as a Referer, not indexed, not framed.
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-robots-tag', 'noindex');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
}

function htmlPage(res: Response, status: number, page: { title: string; text: string; form: boolean }): void {
  // The form has no action: it posts back to this same URL, token included.
  const form = page.form
    ? '<form method="post"><input type="hidden" name="confirm" value="unsubscribe"><button type="submit">Unsubscribe</button></form>'
    : '';
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.25rem}</style>
</head>
<body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.text)}</p>${form}</body>
</html>
`,
    );
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
