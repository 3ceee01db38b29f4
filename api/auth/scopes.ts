import { z } from 'zod';

/** What a key may do. `admin` may do everything, including erasure. */
export const SCOPES = ['enroll', 'events', 'handoff', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const scopeSchema = z.enum(SCOPES);

export function grants(held: readonly string[], needed: Scope): boolean {
  return held.includes('admin') || held.includes(needed);
}
