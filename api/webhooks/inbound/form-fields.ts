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
 */
export function parseFormFields(rawBody: Buffer, contentType: string | undefined): Promise<FormParse> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType ?? '' }, limits: LIMITS });
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
