import type { PolicyDocument } from './policyDocument';

/**
 * IAM's identities as Berth keeps them: the account's root (its key pair
 * comes from the deployment, never from the table) and users, each with at
 * most two access keys and inline policies.
 */

type AccessKeyStatus = 'Active' | 'Inactive';

interface AccessKeyMetadata {
  readonly accessKeyId: string;
  readonly status: AccessKeyStatus;
  readonly createDate: string;
}

interface UserRecord {
  readonly userName: string;
  readonly userId: string;
  readonly path: string;
  readonly arn: string;
  readonly createDate: string;
  /** At most two, as IAM allows (inactive keys count). */
  readonly accessKeys: readonly AccessKeyMetadata[];
  /** Inline policies by name, as their documents were written. */
  readonly policies: Readonly<Record<string, string>>;
}

/** An access key as the table holds it: the secret sealed (see SecretSealer). */
interface StoredAccessKey extends AccessKeyMetadata {
  readonly userName: string;
  readonly sealedSecret: string;
}

/** Who signed a request, with what it may do. */
interface Principal {
  readonly kind: 'root' | 'user';
  readonly arn: string;
  readonly userId: string;
  readonly userName?: string;
  readonly accessKeyId: string;
  /** The secret that the request's signature is checked against. */
  readonly secret: string;
  readonly policies: readonly PolicyDocument[];
}

/** The account's root: allowed everything, with no policies to read. */
const rootPrincipal = (accountId: string, accessKeyId: string, secret: string): Principal => ({
  kind: 'root',
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accountId,
  accessKeyId,
  secret,
  policies: [],
});

/** IAM's inline-policy quota for users: the documents' characters, whitespace excluded. */
const USER_POLICY_SIZE_LIMIT = 2048;
const ACCESS_KEYS_PER_USER = 2;

export type { AccessKeyMetadata, AccessKeyStatus, Principal, StoredAccessKey, UserRecord };
export { ACCESS_KEYS_PER_USER, rootPrincipal, USER_POLICY_SIZE_LIMIT };
