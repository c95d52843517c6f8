import { MalformedPolicyDocumentException } from '../../../../functions/domain/iam/errors';
import { parsePolicyDocument } from '../../../../functions/domain/iam/policyDocument';

const statement = { Effect: 'Allow', Action: 'ecs:*', Resource: '*' };

describe('Function: parsePolicyDocument', () => {
  it.each([
    ['not JSON', '{', 'Syntax errors in policy.'],
    ['not an object', '[]', 'Syntax errors in policy.'],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' }), 'Syntax errors in policy.'],
    [
      'an unknown version',
      JSON.stringify({ Version: '2024-01-01', Statement: statement }),
      'Syntax errors in policy.',
    ],
    [
      'an unknown top-level member',
      JSON.stringify({ Statement: statement, Extra: 1 }),
      'Syntax errors in policy.',
    ],
    [
      'an Effect other than Allow or Deny',
      JSON.stringify({ Statement: { ...statement, Effect: 'allow' } }),
      'Syntax errors in policy.',
    ],
    [
      'both Action and NotAction',
      JSON.stringify({ Statement: { ...statement, NotAction: 'ecs:RunTask' } }),
      'Syntax errors in policy.',
    ],
    [
      'no Resource',
      JSON.stringify({ Statement: { Effect: 'Allow', Action: 'ecs:*' } }),
      'Syntax errors in policy.',
    ],
    [
      'an action without a service',
      JSON.stringify({ Statement: { ...statement, Action: 'RunTask' } }),
      'Syntax errors in policy.',
    ],
    [
      'an empty action list',
      JSON.stringify({ Statement: { ...statement, Action: [] } }),
      'Syntax errors in policy.',
    ],
    [
      'an unknown condition operator',
      JSON.stringify({
        Statement: { ...statement, Condition: { NumericEqualz: { 'ecs:task-cpu': '256' } } },
      }),
      'Syntax errors in policy.',
    ],
    [
      'a Principal',
      JSON.stringify({ Statement: { ...statement, Principal: '*' } }),
      'Policy document should not specify a principal.',
    ],
  ])('refuses %s', (_, text, message) => {
    expect(() => parsePolicyDocument(text)).toThrow(new MalformedPolicyDocumentException(message));
  });

  it('reads a statement object or list, with condition keys lower-cased', () => {
    const parsed = parsePolicyDocument(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: {
          Sid: 'Run1',
          ...statement,
          Condition: { 'ForAllValues:StringLikeIfExists': { 'aws:TagKeys': ['team', 'env'] } },
        },
      }),
    );
    expect(parsed).toEqual({
      version: '2012-10-17',
      statements: [
        {
          sid: 'Run1',
          effect: 'Allow',
          actions: { not: false, patterns: ['ecs:*'] },
          resources: { not: false, patterns: ['*'] },
          conditions: [
            {
              operator: 'ForAllValues:StringLikeIfExists',
              key: 'aws:tagkeys',
              values: ['team', 'env'],
            },
          ],
        },
      ],
    });
  });

  it('reads a document without Version as 2008-10-17', () => {
    expect(parsePolicyDocument(JSON.stringify({ Statement: [statement] })).version).toBe(
      '2008-10-17',
    );
  });
});
