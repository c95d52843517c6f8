import type { PlacementContext, PreparedRequest } from './context';
import { attributeOf, type PlacementInstance, type StrategyRule } from './model';

/**
 * Placement strategies as ECS applies them: an ordered list of tie-breakers,
 * not a weighted sum. The first strategy decides; the next one only orders
 * the instances the first left tied; and so on. An instance therefore gets
 * one score per strategy (lower is better) and candidates compare
 * lexicographically on those scores — unlike Nomad, which averages
 * normalised scores. Remaining ties go to the earlier instance in the
 * cluster's order, or, with `random`, to a random one among them.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html
 */

interface PlacementStrategyPlugin {
  /** `binpack:memory`, `spread:instanceId`, `spread:attribute:ecs.availability-zone`. */
  readonly name: string;
  readonly rule: StrategyRule;
  /** Lower is better. */
  score(instance: PlacementInstance, request: PreparedRequest, context: PlacementContext): number;
}

/**
 * `binpack` on a resource: the instance with the least of it left wins
 * (ECS: "the least amount of remaining CPU or memory"). Ranking by what is
 * left before placing is the same order as after, since every candidate
 * loses the same amount.
 */
const binpack = (resource: 'cpu' | 'memory'): PlacementStrategyPlugin => ({
  name: `binpack:${resource}`,
  rule: { type: 'binpack', resource },
  score:
    resource === 'cpu'
      ? (instance) => instance.remaining.cpu
      : (instance) => instance.remaining.memory,
});

/** `spread instanceId` (= `host`): the instance running the fewest tasks of the group wins. */
const spreadInstances: PlacementStrategyPlugin = {
  name: 'spread:instanceId',
  rule: { type: 'spread', by: 'instanceId' },
  score: (instance, request) => instance.taskGroups.get(request.group) ?? 0,
};

/**
 * `spread attribute:<name>`: instances whose attribute value has the fewest
 * tasks of the group (over the whole cluster) win, which balances the group
 * across the values — Availability Zones, typically. Instances lacking the
 * attribute form one more bucket of their own, balanced like any value.
 */
const spreadAttribute = (attribute: string): PlacementStrategyPlugin => ({
  name: `spread:attribute:${attribute}`,
  rule: { type: 'spread', by: 'attribute', attribute },
  score: (instance, _request, context) =>
    context.groupTasksWhere(attribute, attributeOf(instance, attribute)),
});

/** The scoring plugin of a non-random rule. */
function strategyPlugin(rule: Exclude<StrategyRule, { type: 'random' }>): PlacementStrategyPlugin {
  if (rule.type === 'binpack') return binpack(rule.resource);
  return rule.by === 'instanceId' ? spreadInstances : spreadAttribute(rule.attribute);
}

/**
 * The tie-breaking combiner: compares two score vectors lexicographically
 * (negative when `left` ranks first).
 */
function compareScores(left: ArrayLike<number>, right: ArrayLike<number>): number {
  for (let index = 0; index < left.length; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Breaks the last tie at random: one draw of `rng` (uniform in [0, 1)) picks
 * among `slots`, which must be in cluster order so that the same seed always
 * picks the same instance.
 */
function pickRandom(slots: readonly number[], rng: () => number): number {
  const index = Math.min(slots.length - 1, Math.floor(rng() * slots.length));
  return slots[index] ?? -1;
}

export {
  binpack,
  compareScores,
  type PlacementStrategyPlugin,
  pickRandom,
  spreadAttribute,
  spreadInstances,
  strategyPlugin,
};
