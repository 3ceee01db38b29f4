import { touchKeyDigest } from '../../../activities/message-channels';
import {
  inboundReplyEvent,
  threadDigestsOf,
  type InboundMail,
} from '../../../api/webhooks/inbound/inbound-reply';
import { MAX_REPLY_TEXT_CHARS, replyText, textOfHtml } from '../../../api/webhooks/inbound/mail-text';
import { NOW } from '../webhook-test-server';
import { MINTED_ID, TOUCH_KEY } from './inbound-bodies';

const mail = (over: Partial<InboundMail> = {}): InboundMail => ({
  from: 'Ada <ada@example.com>',
  subject: 'Re: Welcome',
  text: 'Sounds good.',
  headers: [],
  ...over,
});

const other = '<nurture.ffffffffffffffffffffffffffffffff@acme.test>';

describe('threadDigestsOf', () => {
  test('In-Reply-To first, then References newest first, only ids the service minted, once each', () => {
    const digests = threadDigestsOf(
      mail({
        headers: [
          { name: 'In-Reply-To', value: MINTED_ID },
          { name: 'References', value: `<x@gmail.test> ${other} ${MINTED_ID}` },
        ],
      }),
    );
    expect(digests).toEqual([touchKeyDigest(TOUCH_KEY), 'ffffffffffffffffffffffffffffffff']);
  });

  test("a provider's own field wins over the header of the same name", () => {
    const digests = threadDigestsOf(
      mail({ inReplyTo: other, headers: [{ name: 'In-Reply-To', value: MINTED_ID }] }),
    );
    expect(digests).toEqual(['ffffffffffffffffffffffffffffffff']);
  });
});

describe('inboundReplyEvent', () => {
  test('an email.replied with the subject and text the events route reads, the sender and the thread', () => {
    const { events, ignored } = inboundReplyEvent(
      'postmark',
      mail({ headers: [{ name: 'Message-ID', value: '<abc@mail.test>' }], references: MINTED_ID }),
      NOW,
    );
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      {
        source: 'postmark',
        externalId: expect.stringMatching(/^reply:[0-9a-f]{40}$/),
        type: 'email.replied',
        occurredAt: new Date(NOW).toISOString(),
        match: { email: 'ada@example.com', threadDigests: [touchKeyDigest(TOUCH_KEY)] },
        data: { subject: 'Re: Welcome', text: 'Sounds good.', sender: 'ada@example.com' },
      },
    ]);
  });

  test('the same mail delivered twice is the same event; another Message-ID is another', () => {
    const id = (messageId: string, at: number) =>
      inboundReplyEvent('sendgrid', mail({ messageId }), at).events[0]?.externalId;
    expect(id('<a@mail.test>', NOW)).toBe(id('<a@mail.test>', NOW + 60_000));
    expect(id('<a@mail.test>', NOW)).not.toBe(id('<b@mail.test>', NOW));
    // The id holds no part of the Message-ID in clear.
    expect(id('<ada.lovelace@example.com>', NOW)).not.toContain('ada');
  });

  test('headers that say a machine wrote it set autoReply', () => {
    const { events } = inboundReplyEvent(
      'mailgun',
      mail({ headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }] }),
      NOW,
    );
    expect(events[0]?.data.autoReply).toBe(true);
  });

  test('mail with neither a sender address nor a thread of ours is ignored, with a reason', () => {
    expect(inboundReplyEvent('postmark', mail({ from: 'undisclosed' }), NOW)).toEqual({
      events: [],
      ignored: ['inbound mail without a sender address or a thread of ours'],
    });
  });

  test('matched by the thread alone when the sender has no usable address', () => {
    const { events } = inboundReplyEvent('postmark', mail({ from: undefined, inReplyTo: MINTED_ID }), NOW);
    expect(events[0]?.match).toEqual({ threadDigests: [touchKeyDigest(TOUCH_KEY)] });
  });
});

describe('replyText', () => {
  test('the stripped reply, else the plain text, else the text of the HTML, capped', () => {
    expect(replyText({ stripped: 'own words', text: 'all', html: '<p>x</p>' })).toBe('own words');
    expect(replyText({ stripped: '  ', text: 'all' })).toBe('all');
    const fromHtml = replyText({ html: '<p>Hi&nbsp;there</p><br>Back on 3 Dec &amp; after' });
    expect(
      fromHtml
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    ).toEqual(['Hi there', 'Back on 3 Dec & after']);
    expect(replyText({ text: 'x'.repeat(MAX_REPLY_TEXT_CHARS * 2) })).toHaveLength(MAX_REPLY_TEXT_CHARS);
  });

  test('scripts and styles are not text', () => {
    expect(textOfHtml('<style>p{}</style><script>alert(1)</script>ok').trim()).toBe('ok');
  });
});
