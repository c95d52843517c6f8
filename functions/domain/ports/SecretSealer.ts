/**
 * Keeps access keys' secrets so that a dump of the table does not give them
 * away: sealed with a key that the table never holds, bound to the access
 * key id (a sealed secret copied to another key's item does not open).
 */
interface SecretSealer {
  seal(accessKeyId: string, secret: string): string;
  /** Throws when the sealed text was not sealed for this key with this sealer's key. */
  open(accessKeyId: string, sealed: string): string;
}

export type { SecretSealer };
