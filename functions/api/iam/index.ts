import { IamValidationError } from '../../domain/iam/errors';
import type { IdentityService } from '../../domain/iam/IdentityService';
import type { AccessKeyMetadata, Principal, UserRecord } from '../../domain/iam/model';
import type { XmlNode } from '../query';

/**
 * The IAM subset that the unmodified `aws iam` CLI and `@aws-sdk/client-iam`
 * use to manage Berth's users, keys and inline policies, and STS's
 * GetCallerIdentity. Each operation reads its form parameters and returns
 * the children of its `<ActionResult>` (none for actions without a result).
 */

interface QueryOperation {
  /** The user an action is about, for its authorization (`iam:<Action>` on the user's ARN). */
  readonly user?: (params: URLSearchParams, principal: Principal) => string | undefined;
  run(
    params: URLSearchParams,
    principal: Principal,
    identities: IdentityService,
  ): Promise<readonly XmlNode[] | undefined>;
}

const param = (params: URLSearchParams, name: string): string | undefined =>
  params.get(name) ?? undefined;

/** The named user, else the caller (IAM's default for a user's own keys and details). */
const namedOrCaller = (params: URLSearchParams, principal: Principal): string | undefined =>
  param(params, 'UserName') ?? principal.userName;

/** A user's elements, inside `<User>` or a list's `<member>`. */
const userFields = (user: UserRecord): XmlNode[] => [
  ['Path', user.path],
  ['UserName', user.userName],
  ['UserId', user.userId],
  ['Arn', user.arn],
  ['CreateDate', user.createDate],
];

/** An access key's elements; its secret only in CreateAccessKey's answer. */
const keyFields = (
  userName: string,
  key: AccessKeyMetadata & { readonly secretAccessKey?: string },
): XmlNode[] => [
  ['UserName', userName],
  ['AccessKeyId', key.accessKeyId],
  ['Status', key.status],
  ...(key.secretAccessKey === undefined
    ? []
    : [['SecretAccessKey', key.secretAccessKey] as XmlNode]),
  ['CreateDate', key.createDate],
];

const members = (items: readonly (string | readonly XmlNode[])[]): XmlNode[] =>
  items.map((item) => ['member', item]);

/**
 * IAM's paging: `MaxItems` (1–1,000, 100 by default) and an opaque `Marker`,
 * here the key of the last item given (items come in key order), so that a
 * page never repeats or skips an item that was there before and after.
 */
const paged = <T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  params: URLSearchParams,
): { page: T[]; tail: XmlNode[] } => {
  const maxText = param(params, 'MaxItems');
  const max = maxText === undefined ? 100 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw new IamValidationError(
      `1 validation error detected: Value '${maxText}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  }
  const marker = param(params, 'Marker');
  const after =
    marker === undefined ? undefined : Buffer.from(marker, 'base64url').toString('utf8');
  if (after === '') throw new IamValidationError('Invalid Marker.');
  const rest = after === undefined ? [...items] : items.filter((item) => keyOf(item) > after);
  const page = rest.slice(0, max);
  const last = page.at(-1);
  return rest.length > max && last !== undefined
    ? {
        page,
        tail: [
          ['IsTruncated', 'true'],
          ['Marker', Buffer.from(keyOf(last)).toString('base64url')],
        ],
      }
    : { page, tail: [['IsTruncated', 'false']] };
};

/** Code-unit order, the order markers compare in. */
const byKey =
  <T>(keyOf: (item: T) => string) =>
  (a: T, b: T) =>
    keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;

const iamOperations: Readonly<Record<string, QueryOperation>> = {
  CreateUser: {
    user: (params) => param(params, 'UserName'),
    run: async (params, _, identities) => [
      [
        'User',
        userFields(
          await identities.createUser(param(params, 'UserName'), param(params, 'Path') ?? '/'),
        ),
      ],
    ],
  },
  GetUser: {
    user: namedOrCaller,
    run: async (params, principal, identities) => {
      const named = param(params, 'UserName');
      if (named === undefined && principal.kind === 'root') {
        // The root's own details, as IAM gives them to the account's root.
        return [
          [
            'User',
            [
              ['UserId', principal.userId],
              ['Arn', principal.arn],
              ['CreateDate', new Date(0).toISOString()],
            ],
          ],
        ];
      }
      return [['User', userFields(await identities.getUser(named ?? principal.userName))]];
    },
  },
  ListUsers: {
    run: async (params, _, identities) => {
      const name = (user: UserRecord) => user.userName;
      const users = (await identities.listUsers()).sort(byKey(name));
      const { page, tail } = paged(users, name, params);
      return [['Users', members(page.map(userFields))], ...tail];
    },
  },
  DeleteUser: {
    user: (params) => param(params, 'UserName'),
    run: async (params, _, identities) => {
      await identities.deleteUser(param(params, 'UserName'));
      return undefined;
    },
  },
  CreateAccessKey: {
    user: namedOrCaller,
    run: async (params, principal, identities) => {
      const key = await identities.createAccessKey(namedOrCaller(params, principal));
      return [['AccessKey', keyFields(key.userName, key)]];
    },
  },
  ListAccessKeys: {
    user: namedOrCaller,
    run: async (params, principal, identities) => {
      const user = await identities.getUser(namedOrCaller(params, principal));
      const id = (key: AccessKeyMetadata) => key.accessKeyId;
      const { page, tail } = paged([...user.accessKeys].sort(byKey(id)), id, params);
      return [
        ['UserName', user.userName],
        ['AccessKeyMetadata', members(page.map((key) => keyFields(user.userName, key)))],
        ...tail,
      ];
    },
  },
  UpdateAccessKey: {
    user: namedOrCaller,
    run: async (params, principal, identities) => {
      await identities.updateAccessKey(
        namedOrCaller(params, principal),
        param(params, 'AccessKeyId'),
        param(params, 'Status'),
      );
      return undefined;
    },
  },
  DeleteAccessKey: {
    user: namedOrCaller,
    run: async (params, principal, identities) => {
      await identities.deleteAccessKey(
        namedOrCaller(params, principal),
        param(params, 'AccessKeyId'),
      );
      return undefined;
    },
  },
  PutUserPolicy: {
    user: (params) => param(params, 'UserName'),
    run: async (params, _, identities) => {
      await identities.putUserPolicy(
        param(params, 'UserName'),
        param(params, 'PolicyName'),
        param(params, 'PolicyDocument'),
      );
      return undefined;
    },
  },
  GetUserPolicy: {
    user: (params) => param(params, 'UserName'),
    run: async (params, _, identities) => {
      const userName = param(params, 'UserName');
      const policyName = param(params, 'PolicyName');
      const document = await identities.getUserPolicy(userName, policyName);
      return [
        ['UserName', userName ?? ''],
        ['PolicyName', policyName ?? ''],
        // IAM gives the document URL-encoded.
        ['PolicyDocument', encodeURIComponent(document)],
      ];
    },
  },
  ListUserPolicies: {
    user: (params) => param(params, 'UserName'),
    run: async (params, _, identities) => {
      const names = await identities.listUserPolicies(param(params, 'UserName'));
      const { page, tail } = paged(names, (name) => name, params);
      return [['PolicyNames', members(page)], ...tail];
    },
  },
  DeleteUserPolicy: {
    user: (params) => param(params, 'UserName'),
    run: async (params, _, identities) => {
      await identities.deleteUserPolicy(param(params, 'UserName'), param(params, 'PolicyName'));
      return undefined;
    },
  },
};

/** STS: who am I. Needs no permission, and no deny blocks it. */
const stsOperations: Readonly<Record<string, QueryOperation>> = {
  GetCallerIdentity: {
    run: async (_, principal) => [
      ['Arn', principal.arn],
      ['UserId', principal.userId],
      ['Account', principal.arn.split(':')[4] ?? ''],
    ],
  },
};

export type { QueryOperation };
export { iamOperations, stsOperations };
