import busboy from 'busboy';

/** The text fields of a posted form, first value of each name. Files are read past, never kept. */
export type FormFields = ReadonlyMap<string, string>;

export type FormParse = { ok: true; fields: FormFields } | { ok: false; reason: 'unsupported' | 'malformed' };

// Bounds beyond any real inbound mail's text fields, so a hostile form cannot
// make the parser hold more than the body limit already allows.
const LIMITS = { fields: 300, fieldSize: 4 * 1024 * 1024, fieldNameSize: 200, parts: 1_000, files: 200 };

/**
 * The fields of a multipart/form-data or application/x-www-form-urlencoded
 * body, parsed with busboy from the bytes already read (the router reads the
 * raw body once, for every webhook). Attachments are drained: only what the
 * rules read is kept, and attachments are the lead's, not ours. Never throws:
 * the caller decides what an unreadable form means for its provider.
 *
 * A field whose part names no charset is read as UTF-8 unless `charsetOf`
 * names another (SendGrid's `charsets` field: mail arrives in the charset
 * its sender wrote, often windows-1252 from Outlook); bytes that are not
 * valid in it fall back to Latin-1, the usual reading of undeclared 8-bit text.
 */
export async function parseFormFields(
  rawBody: Buffer,
  contentType: string | undefined,
  charsetOf: (fields: FormFields) => (name: string) => string | undefined = () => () => undefined,
): Promise<FormParse> {
  const parsed = await parseAsBytes(rawBody, contentType);
  if (!parsed.ok) return parsed;
  const charset = charsetOf(new Map([...parsed.fields].map(([name, value]) => [name, decoded(value)])));
  return {
    ok: true,
    fields: new Map([...parsed.fields].map(([name, value]) => [name, decoded(value, charset(name))])),
  };
}

// busboy decodes a part that names no charset with its default, here Latin-1:
// one character per byte, so the bytes can be decoded as they were meant.
function parseAsBytes(rawBody: Buffer, contentType: string | undefined): Promise<FormParse> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType ?? '' }, limits: LIMITS, defCharset: 'latin1' });
  } catch {
    // No or another content type, or multipart without a boundary.
    return Promise.resolve({ ok: false, reason: 'unsupported' });
  }
  return new Promise((resolve) => {
    const fields = new Map<string, string>();
    parser.on('field', (name, value) => {
      if (!fields.has(name)) fields.set(name, value);
    });
    parser.on('file', (_name, stream) => {
      stream.resume();
    });
    parser.on('error', () => {
      resolve({ ok: false, reason: 'malformed' });
    });
    parser.on('finish', () => {
      resolve({ ok: true, fields });
    });
    parser.end(rawBody);
  });
}

function decoded(byteString: string, charset = 'utf-8'): string {
  // A part that named its own charset was decoded by busboy already.
  if (/[\u0100-\uffff]/.test(byteString)) return byteString;
  const bytes = Buffer.from(byteString, 'latin1');
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    // Not valid in that charset (or a charset Node does not know): Latin-1.
    return byteString;
  }
}
