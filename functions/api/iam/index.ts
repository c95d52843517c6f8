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

const userNode = (user: UserRecord): XmlNode => [
  'User',
  [
    ['Path', user.path],
    ['UserName', user.userName],
    ['UserId', user.userId],
    ['Arn', user.arn],
    ['CreateDate', user.createDate],
  ],
];

const keyNode = (name: string, userName: string, key: AccessKeyMetadata): XmlNode => [
  name,
  [
    ['UserName', userName],
    ['AccessKeyId', key.accessKeyId],
    ['Status', key.status],
    ['CreateDate', key.createDate],
  ],
];

const members = (items: readonly (string | readonly XmlNode[])[]): XmlNode[] =>
  items.map((item) => ['member', item]);

const iamOperations: Readonly<Record<string, QueryOperation>> = {
  CreateUser: {
    user: (params) => param(params, 'UserName'),
    run: async (params, _, identities) => [
      userNode(
        await identities.createUser(param(params, 'UserName'), param(params, 'Path') ?? '/'),
      ),
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
      return [userNode(await identities.getUser(named ?? principal.userName))];
    },
  },
  ListUsers: {
    run: async (_, __, identities) => [
      [
        'Users',
        members((await identities.listUsers()).map((user) => userNode(user)[1] as XmlNode[])),
      ],
      ['IsTruncated', 'false'],
    ],
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
      return [
        [
          'AccessKey',
          [
            ['UserName', key.userName],
            ['AccessKeyId', key.accessKeyId],
            ['Status', key.status],
            ['SecretAccessKey', key.secretAccessKey],
            ['CreateDate', key.createDate],
          ],
        ],
      ];
    },
  },
  ListAccessKeys: {
    user: namedOrCaller,
    run: async (params, principal, identities) => {
      const user = await identities.listAccessKeys(namedOrCaller(params, principal));
      return [
        ['UserName', user.userName],
        [
          'AccessKeyMetadata',
          members(
            user.accessKeys.map((key) => keyNode('member', user.userName, key)[1] as XmlNode[]),
          ),
        ],
        ['IsTruncated', 'false'],
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
    run: async (params, _, identities) => [
      ['PolicyNames', members(await identities.listUserPolicies(param(params, 'UserName')))],
      ['IsTruncated', 'false'],
    ],
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
