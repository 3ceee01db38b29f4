import { readReplyData, excerptOf, REPLY_EXCERPT_CHARS } from '../../replies/read-reply';
import { returnDateIn } from '../../replies/return-date';
import { subjectSaysAutoReply } from '../../replies/auto-reply-subject';

// Thursday 5 March 2026, 10:00 in Berlin.
const receivedAt = new Date('2026-03-05T09:00:00Z');
const BERLIN = 'Europe/Berlin';

/** Midnight starting that local day in Berlin (CET, UTC+1, before the March change). */
const berlinDay = (iso: string) => new Date(`${iso}T00:00:00+01:00`).toISOString();

const REPLIES: { language: string; text: string; back: string | null }[] = [
  {
    language: 'en',
    text: 'I am out of the office and will be back on March 16.',
    back: berlinDay('2026-03-16'),
  },
  {
    language: 'en',
    text: 'Thanks for your email. I will return on 16/03/2026 with limited access to email.',
    back: berlinDay('2026-03-16'),
  },
  {
    language: 'en',
    text: 'I am away until March 13 and will reply when I am back.',
    back: berlinDay('2026-03-14'),
  },
  {
    language: 'en',
    text: 'I am on annual leave from 9 March to 13 March. For urgent matters contact sales@acme.test.',
    back: berlinDay('2026-03-14'),
  },
  { language: 'en', text: 'I am currently out of the office with limited access to email.', back: null },
  {
    language: 'de',
    text: 'Vielen Dank für Ihre Nachricht. Ich bin ab dem 16. März wieder im Büro.',
    back: berlinDay('2026-03-16'),
  },
  {
    language: 'de',
    text: 'Ich bin bis zum 13.03.2026 nicht erreichbar. In dringenden Fällen wenden Sie sich an Herrn Meier.',
    back: berlinDay('2026-03-14'),
  },
  { language: 'de', text: 'Ich bin vom 9. März bis 13. März im Urlaub.', back: berlinDay('2026-03-14') },
  {
    language: 'fr',
    text: 'Je suis absent du bureau et serai de retour le 16 mars.',
    back: berlinDay('2026-03-16'),
  },
  { language: 'fr', text: "Je suis en congés jusqu'au 13 mars inclus.", back: berlinDay('2026-03-14') },
  {
    language: 'fr',
    text: 'Absente du 9 mars au 13 mars, je vous répondrai à mon retour.',
    back: berlinDay('2026-03-14'),
  },
  {
    language: 'es',
    text: 'Estoy fuera de la oficina. Estaré de vuelta el 16 de marzo.',
    back: berlinDay('2026-03-16'),
  },
  { language: 'es', text: 'Estoy de vacaciones hasta el 13 de marzo.', back: berlinDay('2026-03-14') },
  { language: 'es', text: 'Estaré ausente del 9 de marzo al 13 de marzo.', back: berlinDay('2026-03-14') },
  { language: 'es', text: 'Gracias por su mensaje, le responderé lo antes posible.', back: null },
];

describe('the return date an out-of-office gives', () => {
  test.each(REPLIES)('$language: $text', ({ text, back }) => {
    expect(returnDateIn(text, { receivedAt, timeZone: BERLIN })?.toISOString() ?? null).toBe(back);
  });

  test('a date in the past or more than a year ahead is not a return date', () => {
    expect(returnDateIn('I was back on 2 March 2026.', { receivedAt, timeZone: BERLIN })).toBeNull();
    expect(returnDateIn('I will be back on 16 March 2028.', { receivedAt, timeZone: BERLIN })).toBeNull();
  });

  test("a return date is the start of that day in the lead's own zone", () => {
    const inChicago = returnDateIn('Back on March 16.', { receivedAt, timeZone: 'America/Chicago' });
    expect(inChicago?.toISOString()).toBe('2026-03-16T05:00:00.000Z');
  });
});

describe('automatic-answer subjects', () => {
  test.each([
    'Automatic reply: Re: your demo',
    'Out of Office: Re: pricing',
    'Abwesenheitsnotiz: Ihre Anfrage',
    'Automatische Antwort: Re: Demo',
    'Réponse automatique : Re: démo',
    'Absent du bureau',
    'Respuesta automática: Re: demo',
    'Fuera de la oficina: precios',
  ])('%s', (subject) => {
    expect(subjectSaysAutoReply(subject)).toBe(true);
  });

  test.each(['Re: your demo', 'Re: pricing question', 'Termin nächste Woche?', 'Re: devis'])(
    '%s is a person',
    (subject) => {
      expect(subjectSaysAutoReply(subject)).toBe(false);
    },
  );
});

describe('what the inbox keeps of an email reply', () => {
  const at = { receivedAt, timeZone: BERLIN };

  test('an out-of-office by its subject: auto-reply with its return date, the text not kept', () => {
    const kept = readReplyData(
      'email.replied',
      { subject: 'Abwesenheitsnotiz: Re: Demo', text: 'Ich bin ab dem 16. März wieder im Büro.' },
      at,
    );
    expect(kept).toEqual({
      subject: 'Abwesenheitsnotiz: Re: Demo',
      excerpt: 'Ich bin ab dem 16. März wieder im Büro.',
      autoReply: true,
      returnDate: berlinDay('2026-03-16'),
    });
  });

  test("a person's reply with a date in it is a reply, not a postponement", () => {
    const kept = readReplyData(
      'email.replied',
      { subject: 'Re: demo', text: 'Sounds good, can we talk on March 16?\n\nOn Mon, Ada wrote:\n> hello' },
      at,
    );
    expect(kept).toEqual({ subject: 'Re: demo', excerpt: 'Sounds good, can we talk on March 16?' });
  });

  test("the caller's own return date and flag win; other events pass through untouched", () => {
    const given = { subject: 'Out of office', text: 'Back on March 20.', returnDate: '2026-03-18T00:00:00Z' };
    expect(readReplyData('email.replied', given, at)).toMatchObject({ returnDate: '2026-03-18T00:00:00Z' });
    const opened = { subject: 'x', text: 'y' };
    expect(readReplyData('email.opened', opened, at)).toBe(opened);
  });

  test('an RFC 3834 header marks it too', () => {
    const kept = readReplyData(
      'email.replied',
      { subject: 'Re: demo', text: 'Back on March 16.', headers: { 'Auto-Submitted': 'auto-replied' } },
      at,
    );
    expect(kept).toMatchObject({ autoReply: true, returnDate: berlinDay('2026-03-16') });
  });

  test('the excerpt leaves out the quoted thread and is capped', () => {
    expect(excerptOf('Yes!\n> earlier\n-----Original Message-----\nsecret')).toBe('Yes!');
    expect(excerptOf('a'.repeat(1000))).toHaveLength(REPLY_EXCERPT_CHARS);
  });
});
