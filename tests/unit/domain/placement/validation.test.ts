import { InvalidParameterException } from '../../../../functions/domain/errors';
import {
  type ConstraintInput,
  MAX_CONSTRAINTS,
  MAX_STRATEGIES,
  type StrategyInput,
  strategyRule,
  validateConstraints,
  validateStrategies,
} from '../../../../functions/domain/placement/validation';
import { errorOf } from '../../../helpers/errorOf';

const memberOf = (expression: string): ConstraintInput => ({ type: 'memberOf', expression });

describe('Function: validateStrategies', () => {
  it.each<[string, StrategyInput, unknown]>([
    [
      'binpack memory',
      { type: 'binpack', field: 'memory' },
      { type: 'binpack', resource: 'memory' },
    ],
    ['binpack cpu', { type: 'binpack', field: 'cpu' }, { type: 'binpack', resource: 'cpu' }],
    [
      'binpack with an upper-case field',
      { type: 'binpack', field: 'MEMORY' },
      { type: 'binpack', resource: 'memory' },
    ],
    [
      'spread instanceId',
      { type: 'spread', field: 'instanceId' },
      { type: 'spread', by: 'instanceId' },
    ],
    [
      'spread host as instanceId',
      { type: 'spread', field: 'host' },
      { type: 'spread', by: 'instanceId' },
    ],
    [
      'spread by attribute',
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'spread', by: 'attribute', attribute: 'ecs.availability-zone' },
    ],
    ['random', { type: 'random' }, { type: 'random' }],
  ])('reads %s', (_case, input, rule) => {
    // Act
    const validated = validateStrategies([input]);

    // Assess
    expect(validated).toStrictEqual([input]);
    expect(strategyRule(input, 'placementStrategy[0]')).toStrictEqual(rule);
  });

  it('accepts no strategies at all', () => {
    expect(validateStrategies(undefined)).toStrictEqual([]);
  });

  it('accepts five strategies', () => {
    // Prepare
    const five = Array.from({ length: MAX_STRATEGIES }, () => ({ type: 'random' }));

    // Act & Assess
    expect(validateStrategies(five)).toHaveLength(5);
  });

  it.each<[string, StrategyInput[], string]>([
    [
      'more than five strategies',
      Array.from({ length: 6 }, () => ({ type: 'random' })),
      'Invalid value for parameter placementStrategy: at most 5 placement strategies are allowed, got 6.',
    ],
    [
      'an unknown type',
      [{ type: 'pack', field: 'memory' }],
      "Invalid value for parameter placementStrategy[0].type: 'pack' is not a placement strategy type; use binpack, random or spread.",
    ],
    [
      'a missing type',
      [{ field: 'memory' }],
      'Invalid value for parameter placementStrategy[0].type: a placement strategy requires a type; use binpack, random or spread.',
    ],
    [
      'binpack without a field',
      [{ type: 'binpack' }],
      'Invalid value for parameter placementStrategy[0].field: a binpack strategy requires a field; use cpu or memory.',
    ],
    [
      'binpack on an unknown resource',
      [{ type: 'random' }, { type: 'binpack', field: 'disk' }],
      "Invalid value for parameter placementStrategy[1].field: 'disk' is not a binpack field; use cpu or memory.",
    ],
    [
      'spread without a field',
      [{ type: 'spread' }],
      'Invalid value for parameter placementStrategy[0].field: a spread strategy requires a field; use instanceId, host or attribute:<name>.',
    ],
    [
      'spread on a bare attribute name',
      [{ type: 'spread', field: 'ecs.availability-zone' }],
      "Invalid value for parameter placementStrategy[0].field: 'ecs.availability-zone' is not a spread field; use instanceId, host or attribute:<name>.",
    ],
    [
      'spread on an empty attribute name',
      [{ type: 'spread', field: 'attribute:' }],
      "Invalid value for parameter placementStrategy[0].field: 'attribute:' is not a spread field; use instanceId, host or attribute:<name>.",
    ],
    [
      'random with a field',
      [{ type: 'random', field: 'memory' }],
      "Invalid value for parameter placementStrategy[0].field: a random strategy takes no field, got 'memory'.",
    ],
  ])('rejects %s', (_case, strategies, message) => {
    // Act
    const error = errorOf(() => validateStrategies(strategies));

    // Assess
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe(message);
  });
});

describe('Function: validateConstraints', () => {
  it('returns the task definition constraints first, then the request ones', () => {
    // Act
    const constraints = validateConstraints(
      [{ type: 'distinctInstance' }],
      [memberOf('attribute:ecs.os-type == linux')],
    );

    // Assess
    expect(constraints).toStrictEqual([
      { type: 'memberOf', expression: 'attribute:ecs.os-type == linux' },
      { type: 'distinctInstance' },
    ]);
  });

  it('accepts ten constraints across the request and the task definition', () => {
    // Prepare
    const own = Array.from({ length: 6 }, () => memberOf('attribute:a exists'));
    const inherited = Array.from({ length: 4 }, () => memberOf('attribute:b exists'));

    // Act & Assess
    expect(validateConstraints(own, inherited)).toHaveLength(MAX_CONSTRAINTS);
  });

  it('accepts no constraints at all', () => {
    expect(validateConstraints(undefined, undefined)).toStrictEqual([]);
  });

  it.each<[string, ConstraintInput[], ConstraintInput[], string]>([
    [
      'eleven constraints counting the task definition',
      Array.from({ length: 8 }, () => ({ type: 'distinctInstance' })),
      Array.from({ length: 3 }, () => memberOf('attribute:a exists')),
      "Invalid value for parameter placementConstraints: at most 10 placement constraints are allowed, the task definition's included; got 11 (8 in the request, 3 in the task definition).",
    ],
    [
      'distinctInstance with an expression',
      [{ type: 'distinctInstance', expression: 'attribute:a exists' }],
      [],
      'Invalid value for parameter placementConstraints[0].expression: a distinctInstance constraint takes no expression.',
    ],
    [
      'memberOf without an expression',
      [{ type: 'memberOf' }],
      [],
      'Invalid value for parameter placementConstraints[0].expression: a memberOf constraint requires an expression.',
    ],
    [
      'memberOf with a blank expression',
      [{ type: 'distinctInstance' }, { type: 'memberOf', expression: '  ' }],
      [],
      'Invalid value for parameter placementConstraints[1].expression: a memberOf constraint requires an expression.',
    ],
    [
      'a task definition memberOf without an expression',
      [],
      [{ type: 'memberOf' }],
      'Invalid value for parameter taskDefinition.placementConstraints[0].expression: a memberOf constraint requires an expression.',
    ],
    [
      'an expression over 2000 characters',
      [memberOf(`attribute:a == ${'x'.repeat(2000)}`)],
      [],
      'Invalid value for parameter placementConstraints[0].expression: an expression can be at most 2000 characters long, got 2015.',
    ],
    [
      'an unknown type',
      [{ type: 'sameZone' }],
      [],
      "Invalid value for parameter placementConstraints[0].type: 'sameZone' is not a placement constraint type; use distinctInstance or memberOf.",
    ],
    [
      'a missing type',
      [{ expression: 'attribute:a exists' }],
      [],
      'Invalid value for parameter placementConstraints[0].type: a placement constraint requires a type; use distinctInstance or memberOf.',
    ],
    [
      'a malformed expression',
      [memberOf('attribute:ecs.instance-type t2.small')],
      [],
      "Invalid placement constraint expression at position 29: expected an operator after 'attribute:ecs.instance-type' but found 't2.small'",
    ],
  ])('rejects %s', (_case, own, inherited, message) => {
    // Act
    const error = errorOf(() => validateConstraints(own, inherited));

    // Assess
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe(message);
  });
});
