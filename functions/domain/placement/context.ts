import { InvalidParameterException } from '../errors';
import {
  fixedPorts,
  type PlacementInstance,
  type PlacementRequest,
  type StrategyRule,
  type TaskResources,
} from './model';
import { type Expression, evaluate, isStaticExpression, parseExpression } from './queryLanguage';
import { strategyRules } from './validation';

/**
 * What filters and strategies share while one request is placed: the request
 * compiled once (constraints parsed, strategies resolved, dynamic ports
 * dropped) and a context that answers the questions that need more than one
 * instance or that are worth remembering.
 */

/** A placement request with everything the filters and strategies need precomputed. */
interface PreparedRequest extends TaskResources {
  readonly count: number;
  /** Fixed TCP host ports only (dynamic 0 ports removed). */
  readonly ports: readonly number[];
  readonly portsUdp: readonly number[];
  readonly distinctInstance: boolean;
  readonly memberOf: readonly Expression[];
  /**
   * The ranking, in order. Empty input becomes `[random]` (the RunTask
   * default); anything after a `random` is dropped, because once random has
   * broken the ties there is nothing left to break.
   */
  readonly rules: readonly StrategyRule[];
}

/**
 * Cluster-wide answers for filters and strategies. The one-shot engine
 * computes them by scanning; `PlacementState` keeps them as indexes.
 */
interface PlacementContext {
  /** Whether the instance satisfies a `memberOf` expression (remembered when the expression is static). */
  matches(expression: Expression, instance: PlacementInstance): boolean;
  /**
   * Tasks of the request's group on all instances whose attribute has this
   * value (`undefined`: on instances lacking the attribute) — what `spread
   * attribute:<name>` balances.
   */
  groupTasksWhere(attribute: string, value: string | undefined): number;
}

/**
 * Remembers `memberOf` results per instance for static expressions (those
 * reading only what placing never changes). Keyed by the instance object, so
 * a new view of an instance simply misses the cache.
 */
class ConstraintMemo {
  private readonly results = new Map<Expression, WeakMap<PlacementInstance, boolean> | null>();

  matches(expression: Expression, instance: PlacementInstance): boolean {
    let memo = this.results.get(expression);
    if (memo === undefined) {
      memo = isStaticExpression(expression) ? new WeakMap() : null;
      this.results.set(expression, memo);
    }
    if (memo === null) return evaluate(expression, instance);
    const known = memo.get(instance);
    if (known !== undefined) return known;
    const result = evaluate(expression, instance);
    memo.set(instance, result);
    return result;
  }
}

interface PlacementOptions {
  /**
   * Uniform random numbers in [0, 1) for the `random` strategy; Math.random by
   * default. Tests inject a seeded generator to make random placement repeatable.
   */
  readonly rng?: () => number;
}

const isResourceAmount = (value: number): boolean => Number.isFinite(value) && value >= 0;

/**
 * Compiles a request. `compile` lets a long-lived caller reuse parsed
 * expressions (the same constraint text arrives with every service task).
 *
 * @throws InvalidParameterException for a count that is not a positive whole
 *   number, negative resources, a malformed expression or strategy.
 */
function prepareRequest(
  request: PlacementRequest,
  compile: (text: string) => Expression = parseExpression,
): PreparedRequest {
  if (!Number.isInteger(request.count) || request.count < 1) {
    throw new InvalidParameterException(
      `Invalid value for parameter count: expected a whole number of at least 1, got ${request.count}.`,
    );
  }
  if (!isResourceAmount(request.cpu) || !isResourceAmount(request.memory)) {
    throw new InvalidParameterException(
      'Invalid placement request: cpu and memory must be non-negative numbers.',
    );
  }
  const rules = strategyRules(request.strategies);
  const randomAt = rules.findIndex((rule) => rule.type === 'random');
  return {
    count: request.count,
    cpu: request.cpu,
    memory: request.memory,
    ports: fixedPorts(request.ports),
    portsUdp: fixedPorts(request.portsUdp),
    group: request.group,
    distinctInstance: request.constraints.some((c) => c.type === 'distinctInstance'),
    memberOf: request.constraints.flatMap((constraint, index) => {
      if (constraint.type !== 'memberOf') return [];
      if (constraint.expression === undefined) {
        throw new InvalidParameterException(
          `Invalid value for parameter placementConstraints[${index}].expression: a memberOf constraint requires an expression.`,
        );
      }
      return [compile(constraint.expression)];
    }),
    rules:
      rules.length === 0
        ? [{ type: 'random' }]
        : randomAt < 0
          ? rules
          : rules.slice(0, randomAt + 1),
  };
}

export {
  ConstraintMemo,
  type PlacementContext,
  type PlacementOptions,
  type PreparedRequest,
  prepareRequest,
};
