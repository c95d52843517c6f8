import fc from 'fast-check';
import { type AccessRequest, evaluatePolicies } from '../../../../functions/domain/iam/evaluate';
import { parsePolicyDocument } from '../../../../functions/domain/iam/policyDocument';

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';
const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3';

const request = (
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): AccessRequest => ({
  action,
  resource,
  context: new Map(
    Object.entries(context).map(([key, value]) => [
      key.toLowerCase(),
      Array.isArray(value) ? value : [value],
    ]),
  ),
});

/** `${name}` as a policy writes it (not a template placeholder). */
const variable = (name: string): string => `\${${name}}`;

const policy = (...statements: object[]) =>
  parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }));

const allow = (statement: object) => ({ Effect: 'Allow', ...statement });
const deny = (statement: object) => ({ Effect: 'Deny', ...statement });

describe('Function: evaluatePolicies', () => {
  it.each([
    ['no policy denies', [], request('ecs:ListClusters', '*'), 'implicitDeny'],
    [
      'an allow of the action on * allows',
      [policy(allow({ Action: 'ecs:ListClusters', Resource: '*' }))],
      request('ecs:ListClusters', '*'),
      'allow',
    ],
    [
      'actions match case-insensitively',
      [policy(allow({ Action: 'ECS:listclusters', Resource: '*' }))],
      request('ecs:ListClusters', '*'),
      'allow',
    ],
    [
      'an action wildcard matches within the service',
      [policy(allow({ Action: 'ecs:Describe*', Resource: '*' }))],
      request('ecs:DescribeClusters', CLUSTER),
      'allow',
    ],
    [
      'an action wildcard does not reach another service',
      [policy(allow({ Action: 'ecs:*', Resource: '*' }))],
      request('iam:CreateUser', '*'),
      'implicitDeny',
    ],
    [
      '? matches exactly one character',
      [policy(allow({ Action: 'ecs:?unTask', Resource: '*' }))],
      request('ecs:RunTask', TASK_DEFINITION),
      'allow',
    ],
    [
      'a deny wins over an allow of the same request',
      [
        policy(allow({ Action: '*', Resource: '*' })),
        policy(deny({ Action: 'ecs:RunTask', Resource: '*' })),
      ],
      request('ecs:RunTask', TASK_DEFINITION),
      'explicitDeny',
    ],
    [
      'a deny of another action leaves the allow',
      [
        policy(
          allow({ Action: '*', Resource: '*' }),
          deny({ Action: 'ecs:StopTask', Resource: '*' }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION),
      'allow',
    ],
    [
      'NotAction allows every other action',
      [policy(allow({ NotAction: 'ecs:Delete*', Resource: '*' }))],
      request('ecs:CreateCluster', CLUSTER),
      'allow',
    ],
    [
      'NotAction does not allow the listed action',
      [policy(allow({ NotAction: 'ecs:Delete*', Resource: '*' }))],
      request('ecs:DeleteCluster', CLUSTER),
      'implicitDeny',
    ],
    [
      'a resource wildcard within the last segment spans /',
      [
        policy(
          allow({ Action: 'ecs:*', Resource: 'arn:aws:ecs:*:123456789012:task-definition/*' }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION),
      'allow',
    ],
    [
      'resources match case-sensitively',
      [policy(allow({ Action: 'ecs:*', Resource: 'arn:aws:ecs:*:*:cluster/PROD' }))],
      request('ecs:DescribeClusters', CLUSTER),
      'implicitDeny',
    ],
    [
      'a * in the region segment does not reach the account',
      [policy(allow({ Action: 'ecs:*', Resource: 'arn:aws:ecs:*:999999999999:cluster/*' }))],
      request('ecs:DescribeClusters', CLUSTER),
      'implicitDeny',
    ],
    [
      'NotResource allows every other resource',
      [policy(allow({ Action: 'ecs:*', NotResource: 'arn:aws:ecs:*:*:cluster/secret' }))],
      request('ecs:DescribeClusters', CLUSTER),
      'allow',
    ],
    [
      'StringEquals on ecs:cluster matches the cluster ARN',
      [
        policy(
          allow({
            Action: 'ecs:RunTask',
            Resource: '*',
            Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } },
          }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION, { 'ecs:cluster': CLUSTER }),
      'allow',
    ],
    [
      'a condition on a key the request lacks does not hold',
      [
        policy(
          allow({
            Action: 'ecs:RunTask',
            Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } },
          }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION),
      'implicitDeny',
    ],
    [
      'a negated condition on an absent key holds',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'ops' } },
          }),
        ),
      ],
      request('ecs:DescribeClusters', CLUSTER),
      'allow',
    ],
    [
      'IfExists lets an absent key pass',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { StringEqualsIfExists: { 'aws:ResourceTag/team': 'web' } },
          }),
        ),
      ],
      request('ecs:DescribeClusters', CLUSTER),
      'allow',
    ],
    [
      'condition key names are case-insensitive, values case-sensitive',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { StringEquals: { 'AWS:RESOURCETAG/team': 'Web' } },
          }),
        ),
      ],
      request('ecs:DescribeClusters', CLUSTER, { 'aws:ResourceTag/team': 'web' }),
      'implicitDeny',
    ],
    [
      'StringEqualsIgnoreCase ignores the case of values',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/team': 'Web' } },
          }),
        ),
      ],
      request('ecs:DescribeClusters', CLUSTER, { 'aws:ResourceTag/team': 'web' }),
      'allow',
    ],
    [
      "one key's values are ORed",
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { StringLike: { 'ecs:cluster': ['*/dev', '*/prod'] } },
          }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION, { 'ecs:cluster': CLUSTER }),
      'allow',
    ],
    [
      'two keys are ANDed',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: {
              StringLike: { 'ecs:cluster': '*/prod' },
              StringEquals: { 'aws:ResourceTag/team': 'web' },
            },
          }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION, { 'ecs:cluster': CLUSTER }),
      'implicitDeny',
    ],
    [
      "a negated operator's values are ANDed",
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { StringNotLike: { 'ecs:cluster': ['*/dev', '*/prod'] } },
          }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION, { 'ecs:cluster': CLUSTER }),
      'implicitDeny',
    ],
    [
      'ForAllValues holds when every tag key is allowed',
      [
        policy(
          allow({
            Action: 'ecs:TagResource',
            Resource: '*',
            Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
          }),
        ),
      ],
      request('ecs:TagResource', CLUSTER, { 'aws:TagKeys': ['env'] }),
      'allow',
    ],
    [
      'ForAllValues fails when one tag key is not allowed',
      [
        policy(
          allow({
            Action: 'ecs:TagResource',
            Resource: '*',
            Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
          }),
        ),
      ],
      request('ecs:TagResource', CLUSTER, { 'aws:TagKeys': ['env', 'cost'] }),
      'implicitDeny',
    ],
    [
      'ForAllValues holds when the key is absent (guard it with Null)',
      [
        policy(
          allow({
            Action: 'ecs:TagResource',
            Resource: '*',
            Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
          }),
        ),
      ],
      request('ecs:TagResource', CLUSTER),
      'allow',
    ],
    [
      'ForAnyValue needs one matching value',
      [
        policy(
          deny({
            Action: 'ecs:TagResource',
            Resource: '*',
            Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } },
          }),
          allow({ Action: '*', Resource: '*' }),
        ),
      ],
      request('ecs:TagResource', CLUSTER, { 'aws:TagKeys': ['env', 'owner'] }),
      'explicitDeny',
    ],
    [
      'ForAnyValue fails on an absent key',
      [
        policy(
          allow({
            Action: 'ecs:TagResource',
            Resource: '*',
            Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } },
          }),
        ),
      ],
      request('ecs:TagResource', CLUSTER),
      'implicitDeny',
    ],
    [
      'Null true holds for an absent key',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { Null: { 'aws:ResourceTag/team': 'true' } },
          }),
        ),
      ],
      request('ecs:DescribeClusters', CLUSTER),
      'allow',
    ],
    [
      'Null false needs the key',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: '*',
            Condition: { Null: { 'aws:ResourceTag/team': false } },
          }),
        ),
      ],
      request('ecs:DescribeClusters', CLUSTER),
      'implicitDeny',
    ],
    [
      'Bool compares true and false',
      [
        policy(
          allow({
            Action: 'ecs:CreateService',
            Resource: '*',
            Condition: { Bool: { 'ecs:enable-execute-command': false } },
          }),
        ),
      ],
      request('ecs:CreateService', '*', { 'ecs:enable-execute-command': 'true' }),
      'implicitDeny',
    ],
    [
      'ArnLike matches segment by segment',
      [
        policy(
          allow({
            Action: 'ecs:RunTask',
            Resource: '*',
            Condition: { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:*:123456789012:cluster/p*' } },
          }),
        ),
      ],
      request('ecs:RunTask', TASK_DEFINITION, { 'ecs:cluster': CLUSTER }),
      'allow',
    ],
    [
      'policy variables are substituted under 2012-10-17',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: `arn:aws:ecs:*:*:cluster/${variable('aws:username')}-*`,
          }),
        ),
      ],
      request('ecs:DescribeClusters', 'arn:aws:ecs:us-east-1:1:cluster/bob-dev', {
        'aws:username': 'bob',
      }),
      'allow',
    ],
    [
      "a substituted value's wildcards are literal",
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: `arn:aws:ecs:*:*:cluster/${variable('aws:username')}`,
          }),
        ),
      ],
      request('ecs:DescribeClusters', 'arn:aws:ecs:us-east-1:1:cluster/bob', {
        'aws:username': '*',
      }),
      'implicitDeny',
    ],
    [
      'a variable without a value matches nothing',
      [
        policy(
          allow({
            Action: 'ecs:*',
            Resource: `arn:aws:ecs:*:*:cluster/${variable('aws:username')}`,
          }),
        ),
      ],
      request('ecs:DescribeClusters', 'arn:aws:ecs:us-east-1:1:cluster/bob'),
      'implicitDeny',
    ],
    [
      'variables are literal text under 2008-10-17',
      [
        parsePolicyDocument(
          JSON.stringify({
            Statement: {
              Effect: 'Allow',
              Action: 'ecs:*',
              Resource: `arn:aws:ecs:*:*:cluster/${variable('aws:username')}`,
            },
          }),
        ),
      ],
      request(
        'ecs:DescribeClusters',
        `arn:aws:ecs:us-east-1:1:cluster/${variable('aws:username')}`,
        {
          'aws:username': 'bob',
        },
      ),
      'allow',
    ],
  ])('%s', (_, policies, accessRequest, decision) => {
    expect(evaluatePolicies(policies, accessRequest)).toBe(decision);
  });
});

const actionArbitrary = fc.constantFrom(
  'ecs:RunTask',
  'ecs:StopTask',
  'ecs:DescribeClusters',
  'ecs:ListClusters',
  'iam:CreateUser',
  'ecs:TagResource',
);
const resourceArbitrary = fc.constantFrom(
  '*',
  CLUSTER,
  TASK_DEFINITION,
  'arn:aws:ecs:us-east-1:123456789012:cluster/dev',
  'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc',
);
const patternArbitrary = fc.constantFrom(
  '*',
  'ecs:*',
  'ecs:Run*',
  'ecs:?topTask',
  'iam:*',
  'ecs:Describe*',
);
const resourcePatternArbitrary = fc.constantFrom(
  '*',
  'arn:aws:ecs:*:*:cluster/*',
  'arn:aws:ecs:us-east-1:*:*',
  'arn:aws:ecs:*:123456789012:task-definition/web:*',
  'arn:aws:ecs:*:*:task/prod/*',
);
const conditionArbitrary = fc.option(
  fc.record({
    operator: fc.constantFrom(
      'StringEquals',
      'StringNotEquals',
      'StringLike',
      'ForAnyValue:StringEquals',
    ),
    value: fc.constantFrom('web', 'ops', 'w*'),
  }),
  { nil: undefined },
);
const statementArbitrary = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  negatedAction: fc.boolean(),
  actions: fc.array(patternArbitrary, { minLength: 1, maxLength: 3 }),
  resources: fc.array(resourcePatternArbitrary, { minLength: 1, maxLength: 2 }),
  condition: conditionArbitrary,
});
const toStatement = (s: typeof statementArbitrary extends fc.Arbitrary<infer T> ? T : never) => ({
  Effect: s.Effect,
  [s.negatedAction ? 'NotAction' : 'Action']: s.actions,
  Resource: s.resources,
  ...(s.condition
    ? { Condition: { [s.condition.operator]: { 'aws:ResourceTag/team': s.condition.value } } }
    : {}),
});
const requestArbitrary = fc
  .record({
    action: actionArbitrary,
    resource: resourceArbitrary,
    team: fc.option(fc.constantFrom('web', 'ops'), { nil: undefined }),
  })
  .map(({ action, resource, team }) =>
    request(action, resource, team ? { 'aws:ResourceTag/team': team } : {}),
  );

describe('Invariants: evaluatePolicies', () => {
  it('an explicit deny always wins, whatever else is allowed', () => {
    fc.assert(
      fc.property(
        fc.array(statementArbitrary, { maxLength: 5 }),
        requestArbitrary,
        (statements, accessRequest) => {
          const others = policy(...statements.map(toStatement));
          const denyAll = policy(deny({ Action: '*', Resource: '*' }));
          expect(
            evaluatePolicies(
              [others, denyAll, policy(allow({ Action: '*', Resource: '*' }))],
              accessRequest,
            ),
          ).toBe('explicitDeny');
        },
      ),
    );
  });

  it('adding an allow never removes access', () => {
    fc.assert(
      fc.property(
        fc.array(statementArbitrary, { maxLength: 5 }),
        statementArbitrary,
        requestArbitrary,
        (statements, extra, accessRequest) => {
          const before = evaluatePolicies([policy(...statements.map(toStatement))], accessRequest);
          const after = evaluatePolicies(
            [policy(...statements.map(toStatement), toStatement({ ...extra, Effect: 'Allow' }))],
            accessRequest,
          );
          if (before === 'allow') expect(after).toBe('allow');
          if (before === 'explicitDeny') expect(after).toBe('explicitDeny');
        },
      ),
    );
  });

  it('a policy without statements denies everything', () => {
    fc.assert(
      fc.property(requestArbitrary, (accessRequest) => {
        expect(evaluatePolicies([policy()], accessRequest)).toBe('implicitDeny');
      }),
    );
  });

  it('the order of statements and policies does not change the decision', () => {
    fc.assert(
      fc.property(
        fc.array(statementArbitrary, { maxLength: 6 }),
        requestArbitrary,
        (statements, accessRequest) => {
          const forward = statements.map((s) => policy(toStatement(s)));
          expect(evaluatePolicies([...forward].reverse(), accessRequest)).toBe(
            evaluatePolicies(forward, accessRequest),
          );
        },
      ),
    );
  });
});
