import { createHash } from 'node:crypto';
import type { HashedEvent } from './auditEvent';
import { canonicalJson } from './canonicalJson';

/** The exact text that is hashed for an event, and its sha256 in lower-case hex. */
export function hashEvent(event: HashedEvent): { canonical: string; hash: string } {
  const canonical = canonicalJson(event);
  return { canonical, hash: sha256Hex(canonical) };
}

/** sha256 of UTF-8 text, lower-case hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
