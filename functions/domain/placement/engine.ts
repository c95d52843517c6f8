import {
  ConstraintMemo,
  type PlacementContext,
  type PlacementOptions,
  prepareRequest,
} from './context';
import {
  attributeOf,
  type Placement,
  type PlacementFailure,
  type PlacementInstance,
  type PlacementRequest,
  type PlacementResult,
  withTaskPlaced,
} from './model';
import { PlacementState } from './PlacementState';
import { buildPlacementPipeline } from './pipeline';
import type { Expression } from './queryLanguage';
import { CandidateRanking, closestFailure, requireInstances } from './selection';

/**
 * The one-shot placement engine behind RunTask: given a view
 * of the cluster and a request, it says where each task goes, or why it
 * cannot go anywhere. It scans every instance for every task — the
 * straightforward algorithm, and the cheapest for a single request, since
 * building indexes would itself cost a scan. Long-lived callers that place
 * many requests against the same view use {@link PlacementState}.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html
 */

/**
 * The context of a scan: memoised constraints, and the group's task counts
 * per attribute value, computed on first use and kept up to date as this
 * request places its tasks.
 */
class ScanContext implements PlacementContext {
  private readonly memo = new ConstraintMemo();
  private readonly counts = new Map<string, Map<string | undefined, number>>();

  constructor(
    private readonly view: readonly PlacementInstance[],
    private readonly group: string,
  ) {}

  matches(expression: Expression, instance: PlacementInstance): boolean {
    return this.memo.matches(expression, instance);
  }

  groupTasksWhere(attribute: string, value: string | undefined): number {
    return this.countsFor(attribute).get(value) ?? 0;
  }

  /** Records one more task of the group on `instance`. */
  placed(instance: PlacementInstance): void {
    for (const [attribute, counts] of this.counts) {
      const value = attributeOf(instance, attribute);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }

  private countsFor(attribute: string): Map<string | undefined, number> {
    let counts = this.counts.get(attribute);
    if (counts === undefined) {
      counts = new Map();
      for (const instance of this.view) {
        const tasks = instance.taskGroups.get(this.group) ?? 0;
        if (tasks === 0) continue;
        const value = attributeOf(instance, attribute);
        counts.set(value, (counts.get(value) ?? 0) + tasks);
      }
      this.counts.set(attribute, counts);
    }
    return counts;
  }
}

/**
 * Places `request.count` tasks one after the other, each seeing the ones
 * before it (less CPU, memory and ports left, one more task in the group), as
 * ECS does within one RunTask call.
 *
 * Each task that cannot be placed yields one failure naming the
 * closest-matching instance and the reason it was rejected; once one task
 * fails, the rest of the request fails the same way (nothing changed).
 *
 * @example
 * const { placements, failures } = placeTasks(instances, {
 *   count: 2, cpu: 256, memory: 512, ports: [], portsUdp: [], group: 'family:web',
 *   constraints: [{ type: 'distinctInstance' }],
 *   strategies: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }],
 * });
 * @throws InvalidParameterException when the cluster has no instances, or the
 *   request is malformed (bad count, expression or strategy).
 */
function placeTasks(
  instances: readonly PlacementInstance[],
  request: PlacementRequest,
  options: PlacementOptions = {},
): PlacementResult {
  requireInstances(instances);
  const prepared = prepareRequest(request);
  const pipeline = buildPlacementPipeline(prepared);
  const rng = options.rng ?? Math.random;
  const view = instances.slice();
  const context = new ScanContext(view, prepared.group);
  const placements: Placement[] = [];
  const failures: PlacementFailure[] = [];

  for (let task = 0; task < prepared.count; task += 1) {
    const ranking = new CandidateRanking(pipeline, prepared, context);
    for (let slot = 0; slot < view.length; slot += 1) ranking.offer(slot, view[slot]!);
    const chosen = ranking.choose(rng);
    if (chosen < 0) {
      const failure = closestFailure(
        view.length,
        (slot) => view[slot]!,
        pipeline,
        prepared,
        context,
      );
      for (let left = task; left < prepared.count; left += 1) failures.push(failure);
      break;
    }
    const instance = withTaskPlaced(view[chosen]!, prepared);
    view[chosen] = instance;
    context.placed(instance);
    placements.push({ instanceArn: instance.arn, instanceId: instance.id });
  }
  return { placements, failures };
}

export { type PlacementOptions, PlacementState, placeTasks };
