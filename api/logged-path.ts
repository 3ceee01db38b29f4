import { scrubText } from '../config/logger';

/**
 * A request path as logs may hold it: an unsubscribe token names a lead and a
 * touch (logged as its route), and a caller may put an email address or a
 * phone number into a path by mistake (scrubbed, encoded or not).
 */
export function loggedPath(path: string): string {
  if (/^\/u\//i.test(path)) return '/u/:token';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape: the raw path is scrubbed as it is.
  }
  return scrubText(decoded);
}
