import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretSealer } from '../../domain/ports/SecretSealer';

/**
 * AES-256-GCM with a key derived (HKDF-SHA256) from the root secret, which
 * lives outside the table: in the environment locally, in a Secrets Manager
 * secret encrypted with the stack's KMS key on AWS. The access key id is the
 * additional authenticated data. Sealed text: `v1.<iv>.<tag>.<ciphertext>`,
 * base64url.
 */
class AesSecretSealer implements SecretSealer {
  private readonly key: Buffer;

  constructor(rootSecret: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', rootSecret, 'berth', 'berth access key secrets v1', 32),
    );
  }

  seal(accessKeyId: string, secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(accessKeyId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(accessKeyId: string, sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) {
      throw new Error('Not a sealed secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(accessKeyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

export { AesSecretSealer };
