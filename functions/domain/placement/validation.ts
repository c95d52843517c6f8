import { InvalidParameterException } from '../errors';
import type { PlacementConstraintSpec, PlacementStrategySpec, StrategyRule } from './model';
import { MAX_EXPRESSION_LENGTH, parseExpression } from './queryLanguage';

/**
 * ECS's rules for `placementStrategy` and `placementConstraints` (RunTask,
 * CreateService, UpdateService). Each violation is an
 * `InvalidParameterException` naming the member, so a caller sees what to fix
 * before anything is written.
 *
 * Field names are read case-insensitively (`MEMORY`, `instanceid`) and `host`
 * is a synonym of `instanceId`, as ECS accepts them; the validated lists keep
 * what the caller wrote, because ECS echoes it back unchanged.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PlacementStrategy.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PlacementConstraint.html
 */

/** ECS quota: strategies per RunTask or service. */
const MAX_STRATEGIES = 5;
/** ECS quota: constraints per RunTask or service, the task definition's included. */
const MAX_CONSTRAINTS = 10;

const ATTRIBUTE_FIELD = /^attribute:([A-Za-z0-9_./\\-]{1,128})$/;

/** The wire shape of a strategy (the SDK's `PlacementStrategy`), before validation. */
interface StrategyInput {
  readonly type?: string | undefined;
  readonly field?: string | undefined;
}

/** The wire shape of a constraint (the SDK's `PlacementConstraint` and `TaskDefinitionPlacementConstraint`). */
interface ConstraintInput {
  readonly type?: string | undefined;
  readonly expression?: string | undefined;
}

/**
 * Reads one strategy into the rule the engine ranks by.
 *
 * @throws InvalidParameterException for an unknown type, a missing or unknown
 *   field, or a field on `random`.
 */
function strategyRule(strategy: StrategyInput, path: string): StrategyRule {
  const { type, field } = strategy;
  switch (type) {
    case 'binpack': {
      const resource = field?.toLowerCase();
      if (resource !== 'cpu' && resource !== 'memory') {
        throw new InvalidParameterException(
          `Invalid value for parameter ${path}.field: ${field === undefined ? 'a binpack strategy requires a field' : `'${field}' is not a binpack field`}; use cpu or memory.`,
        );
      }
      return { type: 'binpack', resource };
    }
    case 'spread': {
      const lower = field?.toLowerCase();
      if (lower === 'instanceid' || lower === 'host') return { type: 'spread', by: 'instanceId' };
      const attribute = field === undefined ? undefined : ATTRIBUTE_FIELD.exec(field)?.[1];
      if (attribute === undefined) {
        throw new InvalidParameterException(
          `Invalid value for parameter ${path}.field: ${field === undefined ? 'a spread strategy requires a field' : `'${field}' is not a spread field`}; use instanceId, host or attribute:<name>.`,
        );
      }
      return { type: 'spread', by: 'attribute', attribute };
    }
    case 'random':
      if (field !== undefined) {
        throw new InvalidParameterException(
          `Invalid value for parameter ${path}.field: a random strategy takes no field, got '${field}'.`,
        );
      }
      return { type: 'random' };
    default:
      throw new InvalidParameterException(
        `Invalid value for parameter ${path}.type: ${type === undefined ? 'a placement strategy requires a type' : `'${type}' is not a placement strategy type`}; use binpack, random or spread.`,
      );
  }
}

/**
 * Validates a `placementStrategy` list: at most 5 entries, each a known type
 * with the field it needs (`binpack`: cpu|memory; `spread`: instanceId, host
 * or attribute:<name>; `random`: none).
 *
 * @example
 * validateStrategies([{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }]);
 * @throws InvalidParameterException on the first violation.
 */
function validateStrategies(
  strategies: readonly StrategyInput[] | undefined,
  path = 'placementStrategy',
): PlacementStrategySpec[] {
  const list = strategies ?? [];
  if (list.length > MAX_STRATEGIES) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}: at most ${MAX_STRATEGIES} placement strategies are allowed, got ${list.length}.`,
    );
  }
  return list.map((strategy, index) => {
    const rule = strategyRule(strategy, `${path}[${index}]`);
    return strategy.field === undefined
      ? { type: rule.type }
      : { type: rule.type, field: strategy.field };
  });
}

/** The rules of already validated strategies (the engine's view of them). */
const strategyRules = (strategies: readonly PlacementStrategySpec[]): StrategyRule[] =>
  strategies.map((strategy, index) => strategyRule(strategy, `placementStrategy[${index}]`));

function checkConstraint(constraint: ConstraintInput, path: string): PlacementConstraintSpec {
  const { type, expression } = constraint;
  if (type === 'distinctInstance') {
    if (expression !== undefined) {
      throw new InvalidParameterException(
        `Invalid value for parameter ${path}.expression: a distinctInstance constraint takes no expression.`,
      );
    }
    return { type };
  }
  if (type === 'memberOf') {
    if (expression === undefined || expression.trim() === '') {
      throw new InvalidParameterException(
        `Invalid value for parameter ${path}.expression: a memberOf constraint requires an expression.`,
      );
    }
    if (expression.length > MAX_EXPRESSION_LENGTH) {
      throw new InvalidParameterException(
        `Invalid value for parameter ${path}.expression: an expression can be at most ${MAX_EXPRESSION_LENGTH} characters long, got ${expression.length}.`,
      );
    }
    parseExpression(expression);
    return { type, expression };
  }
  throw new InvalidParameterException(
    `Invalid value for parameter ${path}.type: ${type === undefined ? 'a placement constraint requires a type' : `'${type}' is not a placement constraint type`}; use distinctInstance or memberOf.`,
  );
}

/**
 * Validates the request's `placementConstraints` together with the task
 * definition's (ECS counts both against the limit of 10) and returns the
 * combined list the engine applies: the task definition's first. Every
 * `memberOf` expression is parsed, so a malformed one fails here.
 *
 * @example
 * validateConstraints([{ type: 'distinctInstance' }], definition.placementConstraints);
 * @throws InvalidParameterException on the first violation.
 */
function validateConstraints(
  constraints: readonly ConstraintInput[] | undefined,
  taskDefinitionConstraints: readonly ConstraintInput[] | undefined = [],
  path = 'placementConstraints',
): PlacementConstraintSpec[] {
  const own = constraints ?? [];
  const inherited = taskDefinitionConstraints ?? [];
  const total = own.length + inherited.length;
  if (total > MAX_CONSTRAINTS) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}: at most ${MAX_CONSTRAINTS} placement constraints are allowed, the task definition's included; got ${total} (${own.length} in the request, ${inherited.length} in the task definition).`,
    );
  }
  return [
    ...inherited.map((constraint, index) =>
      checkConstraint(constraint, `taskDefinition.placementConstraints[${index}]`),
    ),
    ...own.map((constraint, index) => checkConstraint(constraint, `${path}[${index}]`)),
  ];
}

export {
  type ConstraintInput,
  MAX_CONSTRAINTS,
  MAX_STRATEGIES,
  type StrategyInput,
  strategyRule,
  strategyRules,
  validateConstraints,
  validateStrategies,
};
