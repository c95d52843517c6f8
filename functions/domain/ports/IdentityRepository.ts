import type { StoredAccessKey, UserRecord } from '../iam/model';

/**
 * Where IAM users, their access keys and their inline policies live. A user
 * changes by optimistic concurrency (`version`); a change to a user's keys
 * writes the key's own item in the same transaction, so that the lookup by
 * access key id (every signed request) never sees a key its user does not list.
 */

interface VersionedUser {
  readonly record: UserRecord;
  readonly version: number;
}

/** What happens to an access key's own item along with a change to its user. */
type AccessKeyChange =
  | { readonly kind: 'create'; readonly key: StoredAccessKey }
  | { readonly kind: 'update'; readonly key: StoredAccessKey }
  | { readonly kind: 'delete'; readonly accessKeyId: string };

interface IdentityRepository {
  /** False when a user of that name exists. */
  createUser(record: UserRecord): Promise<boolean>;
  getUser(userName: string): Promise<VersionedUser | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** False when the user changed since `expectedVersion` was read (read again and retry). */
  saveUser(
    record: UserRecord,
    expectedVersion: number,
    keyChange?: AccessKeyChange,
  ): Promise<boolean>;
  /** False when the user changed since `expectedVersion` was read. */
  deleteUser(userName: string, expectedVersion: number): Promise<boolean>;
  getAccessKey(accessKeyId: string): Promise<StoredAccessKey | undefined>;
}

export type { AccessKeyChange, IdentityRepository, VersionedUser };
