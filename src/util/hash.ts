import { createHash } from 'node:crypto';

/** A short, stable hex digest of the given parts (joined unambiguously). */
export function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.map((p) => `${p.length}:${p}`).join('|')).digest('hex').slice(0, 32);
}
