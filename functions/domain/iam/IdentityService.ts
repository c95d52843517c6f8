import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../ports/Clock';
import type {
  AccessKeyChange,
  IdentityRepository,
  VersionedUser,
} from '../ports/IdentityRepository';
import type { SecretSealer } from '../ports/SecretSealer';
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  IamLimitExceededException,
  IamValidationError,
  NoSuchEntityException,
} from './errors';
import {
  ACCESS_KEYS_PER_USER,
  type AccessKeyMetadata,
  type AccessKeyStatus,
  type Principal,
  rootPrincipal,
  type StoredAccessKey,
  USER_POLICY_SIZE_LIMIT,
  type UserRecord,
} from './model';
import { type PolicyDocument, parsePolicyDocument } from './policyDocument';

/**
 * IAM's users, access keys and inline policies, as the IAM API manages them,
 * and the lookup of a signing key's principal that every signed request makes.
 *
 * Principals are cached for a few seconds per process: a request costs no
 * read of the table when its key was seen just before. A change made here
 * forgets the cache at once; other processes see it within `cacheMs`, as
 * IAM's own changes take a few seconds to reach every endpoint.
 */

interface RootKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface IdentityContext {
  readonly accountId: string;
  /**
   * The root key pair: from the environment locally, from a Secrets Manager
   * secret on AWS (read once); undefined when signatures are not checked.
   */
  readonly rootKey: () => Promise<RootKey | undefined>;
  /** The sealer of stored secrets, keyed by the root secret (or a local stand-in without one). */
  readonly sealerFor: (rootSecret: string) => SecretSealer;
  /** How long a resolved principal is reused. */
  readonly cacheMs?: number;
}

/** Without a root key (signatures not checked, local only) secrets are sealed with this known text. */
const UNPROTECTED_ROOT_SECRET = 'berth-local-signatures-not-checked';

const NAME_PATTERN = /^[\w+=,.@-]+$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const randomId = (prefix: string, length: number): string =>
  prefix + Array.from({ length }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
/** 40 characters, as AWS's secrets have. */
const randomSecret = (): string =>
  randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'z');

const validationError = (value: string | undefined, member: string, constraint: string) =>
  new IamValidationError(
    `1 validation error detected: Value ${value === undefined ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
  );

const checkName = (value: string | undefined, member: string, maxLength: number): string => {
  if (value === undefined) throw validationError(value, member, 'Member must not be null');
  if (value.length < 1 || value.length > maxLength) {
    throw validationError(
      value,
      member,
      `Member must have length less than or equal to ${maxLength}`,
    );
  }
  if (!NAME_PATTERN.test(value)) {
    throw validationError(
      value,
      member,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]+',
    );
  }
  return value;
};

const checkStatus = (value: string | undefined): AccessKeyStatus => {
  if (value === 'Active' || value === 'Inactive') return value;
  throw validationError(value, 'status', 'Member must satisfy enum value set: [Active, Inactive]');
};

/** IAM counts a user's inline policies together, without whitespace. */
const policySize = (documents: Iterable<string>): number =>
  [...documents].reduce((sum, document) => sum + document.replace(/\s/g, '').length, 0);

const userNotFound = (userName: string) =>
  new NoSuchEntityException(`The user with name ${userName} cannot be found.`);

interface CachedPrincipal {
  readonly principal: Principal | undefined;
  readonly until: number;
}

class IdentityService {
  readonly #cache = new Map<string, CachedPrincipal>();

  #keys?: Promise<{ root: Principal | undefined; sealer: SecretSealer }>;

  constructor(
    private readonly repository: IdentityRepository,
    private readonly clock: Clock,
    private readonly context: IdentityContext,
  ) {}

  /** The root principal and the sealer, read once per process. */
  #rootAndSealer(): Promise<{ root: Principal | undefined; sealer: SecretSealer }> {
    this.#keys ??= this.context.rootKey().then(
      (root) => ({
        root: root && rootPrincipal(this.context.accountId, root.accessKeyId, root.secretAccessKey),
        sealer: this.context.sealerFor(root?.secretAccessKey ?? UNPROTECTED_ROOT_SECRET),
      }),
      (error: unknown) => {
        this.#keys = undefined;
        throw error;
      },
    );
    return this.#keys;
  }

  userArn(userName: string, path = '/'): string {
    return `arn:aws:iam::${this.context.accountId}:user${path}${userName}`;
  }

  /** Who signs with this access key, or undefined for an unknown or inactive key. */
  async principalOf(accessKeyId: string): Promise<Principal | undefined> {
    const { root } = await this.#rootAndSealer();
    if (root && accessKeyId === root.accessKeyId) return root;
    const now = this.clock.now();
    const cached = this.#cache.get(accessKeyId);
    if (cached && cached.until > now) return cached.principal;
    const principal = await this.#loadPrincipal(accessKeyId);
    if (this.#cache.size > 1_000) this.#cache.clear();
    this.#cache.set(accessKeyId, { principal, until: now + (this.context.cacheMs ?? 5_000) });
    return principal;
  }

  async #loadPrincipal(accessKeyId: string): Promise<Principal | undefined> {
    const key = await this.repository.getAccessKey(accessKeyId);
    if (key?.status !== 'Active') return undefined;
    const user = await this.repository.getUser(key.userName);
    if (!user?.record.accessKeys.some((listed) => listed.accessKeyId === accessKeyId)) {
      return undefined;
    }
    const policies: PolicyDocument[] = Object.values(user.record.policies).map(parsePolicyDocument);
    return {
      kind: 'user',
      arn: user.record.arn,
      userId: user.record.userId,
      userName: user.record.userName,
      accessKeyId,
      secret: (await this.#rootAndSealer()).sealer.open(accessKeyId, key.sealedSecret),
      policies,
    };
  }

  async createUser(userName: string | undefined, path = '/'): Promise<UserRecord> {
    const name = checkName(userName, 'userName', 64);
    if (!/^\/([\x21-\x7e]*\/)?$/.test(path) || path.length > 512) {
      throw validationError(
        path,
        'path',
        'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)',
      );
    }
    const record: UserRecord = {
      userName: name,
      userId: randomId('AIDA', 17),
      path,
      arn: this.userArn(name, path),
      createDate: new Date(this.clock.now()).toISOString(),
      accessKeys: [],
      policies: {},
    };
    if (!(await this.repository.createUser(record))) {
      throw new EntityAlreadyExistsException(`User with name ${name} already exists.`);
    }
    return record;
  }

  async getUser(userName: string | undefined): Promise<UserRecord> {
    return (await this.#user(userName)).record;
  }

  async listUsers(): Promise<UserRecord[]> {
    const users = await this.repository.listUsers();
    return users.sort((a, b) => a.userName.localeCompare(b.userName));
  }

  async deleteUser(userName: string | undefined): Promise<void> {
    const { record, version } = await this.#user(userName);
    if (record.accessKeys.length > 0) {
      throw new DeleteConflictException('Cannot delete entity, must delete access keys first.');
    }
    if (Object.keys(record.policies).length > 0) {
      throw new DeleteConflictException('Cannot delete entity, must delete policies first.');
    }
    if (!(await this.repository.deleteUser(record.userName, version))) {
      // The user changed meanwhile (a key or a policy was added): decide again.
      return this.deleteUser(userName);
    }
  }

  /** A new access key; its secret is shown this once. */
  async createAccessKey(
    userName: string | undefined,
  ): Promise<AccessKeyMetadata & { userName: string; secretAccessKey: string }> {
    const accessKeyId = randomId('AKIA', 16);
    const secretAccessKey = randomSecret();
    const metadata: AccessKeyMetadata = {
      accessKeyId,
      status: 'Active',
      createDate: new Date(this.clock.now()).toISOString(),
    };
    const { sealer } = await this.#rootAndSealer();
    const record = await this.#change(userName, (user) => {
      if (user.accessKeys.length >= ACCESS_KEYS_PER_USER) {
        throw new IamLimitExceededException(
          `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`,
        );
      }
      const key: StoredAccessKey = {
        ...metadata,
        userName: user.userName,
        sealedSecret: sealer.seal(accessKeyId, secretAccessKey),
      };
      return [
        { ...user, accessKeys: [...user.accessKeys, metadata] },
        { kind: 'create', key },
      ];
    });
    return { ...metadata, userName: record.userName, secretAccessKey };
  }

  async updateAccessKey(
    userName: string | undefined,
    accessKeyId: string | undefined,
    status: string | undefined,
  ): Promise<void> {
    const newStatus = checkStatus(status);
    const stored = await this.#keyOf(userName, accessKeyId);
    await this.#change(userName, (user) => {
      const listed = user.accessKeys.find((key) => key.accessKeyId === stored.accessKeyId);
      if (!listed) throw this.#keyNotFound(stored.accessKeyId);
      return [
        {
          ...user,
          accessKeys: user.accessKeys.map((key) =>
            key.accessKeyId === stored.accessKeyId ? { ...key, status: newStatus } : key,
          ),
        },
        { kind: 'update', key: { ...stored, status: newStatus } },
      ];
    });
    this.#cache.delete(stored.accessKeyId);
  }

  async deleteAccessKey(
    userName: string | undefined,
    accessKeyId: string | undefined,
  ): Promise<void> {
    const stored = await this.#keyOf(userName, accessKeyId);
    await this.#change(userName, (user) => {
      if (!user.accessKeys.some((key) => key.accessKeyId === stored.accessKeyId)) {
        throw this.#keyNotFound(stored.accessKeyId);
      }
      return [
        {
          ...user,
          accessKeys: user.accessKeys.filter((key) => key.accessKeyId !== stored.accessKeyId),
        },
        { kind: 'delete', accessKeyId: stored.accessKeyId },
      ];
    });
    this.#cache.delete(stored.accessKeyId);
  }

  async putUserPolicy(
    userName: string | undefined,
    policyName: string | undefined,
    document: string | undefined,
  ): Promise<void> {
    const name = checkName(policyName, 'policyName', 128);
    if (document === undefined)
      throw validationError(undefined, 'policyDocument', 'Member must not be null');
    parsePolicyDocument(document);
    await this.#change(userName, (user) => {
      const policies = { ...user.policies, [name]: document };
      if (policySize(Object.values(policies)) > USER_POLICY_SIZE_LIMIT) {
        throw new IamLimitExceededException(
          `Maximum policy size of ${USER_POLICY_SIZE_LIMIT} bytes exceeded for user ${user.userName}`,
        );
      }
      return [{ ...user, policies }];
    });
  }

  async getUserPolicy(
    userName: string | undefined,
    policyName: string | undefined,
  ): Promise<string> {
    const name = checkName(policyName, 'policyName', 128);
    const { record } = await this.#user(userName);
    const document = Object.hasOwn(record.policies, name) ? record.policies[name] : undefined;
    if (document === undefined) throw this.#policyNotFound(name, record.userName);
    return document;
  }

  async listUserPolicies(userName: string | undefined): Promise<string[]> {
    const { record } = await this.#user(userName);
    return Object.keys(record.policies).sort();
  }

  async deleteUserPolicy(
    userName: string | undefined,
    policyName: string | undefined,
  ): Promise<void> {
    const name = checkName(policyName, 'policyName', 128);
    await this.#change(userName, (user) => {
      if (!Object.hasOwn(user.policies, name)) throw this.#policyNotFound(name, user.userName);
      const { [name]: _, ...policies } = user.policies;
      return [{ ...user, policies }];
    });
  }

  async #user(userName: string | undefined): Promise<VersionedUser> {
    const name = checkName(userName, 'userName', 64);
    const user = await this.repository.getUser(name);
    if (!user) throw userNotFound(name);
    return user;
  }

  async #keyOf(
    userName: string | undefined,
    accessKeyId: string | undefined,
  ): Promise<StoredAccessKey> {
    if (accessKeyId === undefined)
      throw validationError(undefined, 'accessKeyId', 'Member must not be null');
    if (!/^\w{16,128}$/.test(accessKeyId)) {
      throw validationError(
        accessKeyId,
        'accessKeyId',
        'Member must satisfy regular expression pattern: [\\w]+',
      );
    }
    const { record } = await this.#user(userName);
    const stored = await this.repository.getAccessKey(accessKeyId);
    if (!stored || stored.userName !== record.userName) throw this.#keyNotFound(accessKeyId);
    return stored;
  }

  /** Read, change, write if unchanged; again when another writer came first. */
  async #change(
    userName: string | undefined,
    change: (user: UserRecord) => [UserRecord, AccessKeyChange?],
  ): Promise<UserRecord> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const { record, version } = await this.#user(userName);
      const [next, keyChange] = change(record);
      if (await this.repository.saveUser(next, version, keyChange)) {
        for (const key of record.accessKeys) this.#cache.delete(key.accessKeyId);
        return next;
      }
    }
    throw new Error(`User ${userName} kept changing under ten attempts to write it`);
  }

  #keyNotFound(accessKeyId: string) {
    return new NoSuchEntityException(`The Access Key with id ${accessKeyId} cannot be found.`);
  }

  #policyNotFound(policyName: string, userName: string) {
    return new NoSuchEntityException(
      `The user policy with name ${policyName} cannot be found for user ${userName}.`,
    );
  }
}

export type { IdentityContext, RootKey };
export { IdentityService };
