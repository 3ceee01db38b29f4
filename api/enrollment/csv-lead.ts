import { CONSENT_CHANNELS } from '../../workflows/rules/channels';

/** The CSV columns a bulk upload may have; any other header refuses the upload. */
export const CSV_LEAD_COLUMNS = [
  'id',
  'email',
  'phone',
  'firstName',
  'lastName',
  'company',
  'timezone',
  'ownerId',
  'ownerName',
  'companyId',
  'persona',
  'industry',
  'stage',
  'preferredChannel',
  'planId',
  ...CONSENT_CHANNELS.map((channel) => `consent.${channel}`),
] as const;

const KNOWN = new Set<string>(CSV_LEAD_COLUMNS);

export function unknownCsvColumns(headers: readonly string[]): string[] {
  return headers.filter((header) => !KNOWN.has(header));
}

const TRUE = new Set(['true', 'yes', '1', 'y']);
const FALSE = new Set(['false', 'no', '0', 'n']);

/**
 * One CSV record as the enrollment body: empty cells are absent fields,
 * `consent.<channel>` cells are yes/no. The enrollment schema validates the
 * result, so a bad cell becomes that row's issue, not a crash.
 */
export function leadFromCsvRecord(record: Record<string, string>): Record<string, unknown> {
  const lead: Record<string, unknown> = {};
  const consent: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const value = raw.trim();
    if (value === '') continue;
    if (column.startsWith('consent.')) {
      const lowered = value.toLowerCase();
      consent[column.slice('consent.'.length)] = TRUE.has(lowered)
        ? true
        : FALSE.has(lowered)
          ? false
          : value;
    } else {
      lead[column] = value;
    }
  }
  if (Object.keys(consent).length > 0) lead.consent = consent;
  return lead;
}
