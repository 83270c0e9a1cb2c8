/**
 * Keyed pseudonyms for customer and contact identifiers: HMAC-SHA256(secret, id), hex.
 *
 * The same id under the same secret always gives the same pseudonym, so analysts can still count
 * repeat contacts or follow one customer's journey in ClickHouse, but without the secret nobody can
 * go back to the id or test a guessed id against the table (a plain hash could be brute-forced
 * from a list of known ids). Rotating the secret breaks the link between old and new rows, which
 * is sometimes exactly what a deletion request needs.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type Pseudonymise = (id: string) => string;

export interface PseudonymiserOptions {
  /** Ids remembered, so a busy customer costs one HMAC, not one per event. Default 50 000. */
  cacheSize?: number;
}

export function createPseudonymiser(
  secret: string | Buffer,
  options: PseudonymiserOptions = {},
): Pseudonymise {
  if (secret.length === 0) throw new Error('pseudonymisation secret must not be empty');
  const cacheSize = options.cacheSize ?? 50_000;
  let cache = new Map<string, string>();
  return (id) => {
    let pseudonym = cache.get(id);
    if (pseudonym === undefined) {
      pseudonym = createHmac('sha256', secret).update(id, 'utf8').digest('hex');
      // Dropping the whole cache when full is cruder than an LRU but costs nothing per hit.
      if (cache.size >= cacheSize) cache = new Map();
      cache.set(id, pseudonym);
    }
    return pseudonym;
  };
}

/** A secret for this process only: pseudonyms then change on every restart (see docs/storage.md). */
export function randomPseudonymSecret(): Buffer {
  return randomBytes(32);
}
