/**
 * Subjects that out-of-office and other automatic answers carry, in English,
 * German, French and Spanish, as Outlook, Gmail and Exchange write them
 * ("Automatic reply: Re: …", "Abwesenheitsnotiz: …", "Réponse automatique : …",
 * "Respuesta automática: …"). Many auto-replies set no RFC 3834 header, so
 * the subject is the marker they do carry.
 */
const AUTO_REPLY_SUBJECT = new RegExp(
  [
    // English
    String.raw`auto(matic|mated)?[ -]?(reply|response|answer)`,
    String.raw`out of (the )?office`,
    String.raw`\booo\b`,
    String.raw`away from (the )?office`,
    String.raw`(on|annual) (vacation|holiday|leave)`,
    // German
    String.raw`abwesenheit`,
    String.raw`automatische antwort`,
    String.raw`nicht im b(ü|ue)ro`,
    String.raw`au(ß|ss)er (haus|b(ü|ue)ro)`,
    // French
    String.raw`r(é|e)ponse automatique`,
    String.raw`absen(t|te|ce) du bureau`,
    String.raw`message d['’]absence`,
    // Spanish
    String.raw`respuesta autom(á|a)tica`,
    String.raw`fuera de (la )?oficina`,
    String.raw`mensaje de ausencia`,
  ].join('|'),
  'iu',
);

/** True when the subject says the message was written by a machine on the sender's behalf. */
export function subjectSaysAutoReply(subject: string): boolean {
  return AUTO_REPLY_SUBJECT.test(subject.normalize('NFC'));
}
