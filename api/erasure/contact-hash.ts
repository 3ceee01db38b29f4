import { createHash } from 'node:crypto';

export interface ContactHash {
  hash: string;
  kind: 'email' | 'phone';
}

/**
 * SHA-256 of a normalised email address (trimmed, lower-cased) or E.164 phone
 * number: enough to recognise an erased person coming back, without keeping
 * the address. The kind is part of the hashed text so the two never collide.
 */
export function contactHashes(contact: { email?: string | null; phone?: string | null }): ContactHash[] {
  const hashes: ContactHash[] = [];
  if (contact.email != null && contact.email.trim() !== '') {
    hashes.push({ kind: 'email', hash: sha256(`email:${contact.email.trim().toLowerCase()}`) });
  }
  if (contact.phone != null && contact.phone.trim() !== '') {
    hashes.push({ kind: 'phone', hash: sha256(`phone:${contact.phone.replace(/[^\d+]/g, '')}`) });
  }
  return hashes;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
