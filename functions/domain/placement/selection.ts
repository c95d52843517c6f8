import { InvalidParameterException, ServerException } from '../errors';
import type { PlacementContext, PreparedRequest } from './context';
import { INSTANCE_STATUS, type PlacementFailure, type PlacementInstance } from './model';
import type { PlacementPipeline } from './pipeline';
import { pickRandom } from './strategies';

/**
 * Choosing among candidates, shared by the one-shot engine (which offers every
 * instance) and `PlacementState` (which uses its indexes to offer only the
 * instances that can win). Because both go through the same filters, scores
 * and tie-breaking here, the fast path can differ from the full scan only in
 * *which* instances it offers — and it must offer every instance that ties
 * for the best.
 */

/** Number of filters the instance passes before the first it fails (all of them when it fits). */
function filtersPassed(
  pipeline: PlacementPipeline,
  instance: PlacementInstance,
  request: PreparedRequest,
  context: PlacementContext,
): number {
  const { filters } = pipeline;
  for (let index = 0; index < filters.length; index += 1) {
    if (!filters[index]!.check(instance, request, context).ok) return index;
  }
  return filters.length;
}

/**
 * Keeps the best feasible candidate offered so far. Candidates are identified
 * by their slot (their position in the cluster's order), which breaks the
 * final tie when the pipeline is not random; with `random`, every candidate
 * tied for the best is kept and one is drawn at the end.
 */
class CandidateRanking {
  private best = -1;
  private readonly bestScores: Float64Array;
  private readonly scores: Float64Array;
  private ties: number[] = [];

  constructor(
    private readonly pipeline: PlacementPipeline,
    private readonly request: PreparedRequest,
    private readonly context: PlacementContext,
  ) {
    this.bestScores = new Float64Array(pipeline.strategies.length);
    this.scores = new Float64Array(pipeline.strategies.length);
  }

  /** Forgets every candidate, so that one ranking serves all the tasks of a request. */
  reset(): void {
    this.best = -1;
    this.ties = [];
  }

  /** Whether any feasible candidate was offered. */
  get found(): boolean {
    return this.best >= 0;
  }

  /** Runs the filters and, if the instance fits, ranks it. Returns whether it fits. */
  offer(slot: number, instance: PlacementInstance): boolean {
    const { pipeline, request, context, scores } = this;
    const { filters, strategies } = pipeline;
    for (let index = 0; index < filters.length; index += 1) {
      if (!filters[index]!.check(instance, request, context).ok) return false;
    }
    for (let index = 0; index < strategies.length; index += 1) {
      scores[index] = strategies[index]!.score(instance, request, context);
    }
    let order = -1;
    if (this.best >= 0) {
      // compareScores, inlined: this line runs for every fitting instance of every task.
      order = 0;
      for (let index = 0; index < scores.length && order === 0; index += 1) {
        order = scores[index]! - this.bestScores[index]!;
      }
    }
    if (order < 0) {
      this.best = slot;
      this.bestScores.set(scores);
      this.ties = [slot];
    } else if (order === 0) {
      if (pipeline.random) this.ties.push(slot);
      else if (slot < this.best) this.best = slot;
    }
    return true;
  }

  /**
   * The winning slot, or -1 when nothing fits. With `random`, draws exactly
   * one number from `rng` (and only when something fits), so two engines fed
   * the same seed make the same choices.
   */
  choose(rng: () => number): number {
    if (this.best < 0) return -1;
    if (!this.pipeline.random) return this.best;
    return pickRandom(
      this.ties.sort((left, right) => left - right),
      rng,
    );
  }
}

/**
 * The failure ECS reports for a task nothing can take: the closest-matching
 * instance (the one that passed the most filters; the first in cluster order
 * among equals) and the reason of the first filter it failed.
 */
function closestFailure(
  size: number,
  instanceAt: (slot: number) => PlacementInstance,
  pipeline: PlacementPipeline,
  request: PreparedRequest,
  context: PlacementContext,
): PlacementFailure {
  let closest = -1;
  let closestDepth = -1;
  for (let slot = 0; slot < size; slot += 1) {
    const depth = filtersPassed(pipeline, instanceAt(slot), request, context);
    if (depth > closestDepth) {
      closest = slot;
      closestDepth = depth;
    }
  }
  const instance = instanceAt(closest);
  const result = pipeline.filters[closestDepth]?.check(instance, request, context);
  if (result === undefined || result.ok) {
    // Only reachable if an instance fits after the caller found none: a bug, not a client fault.
    throw new ServerException();
  }
  return { arn: instance.arn, reason: result.reason };
}

/**
 * ECS's answer when a cluster has no registered instance: an error, not a
 * `failures[]` entry. Deregistered (INACTIVE) instances do not count.
 *
 * @throws InvalidParameterException `No Container Instances were found in your cluster.`
 */
function requireInstances(instances: Iterable<PlacementInstance>): void {
  for (const instance of instances) if (instance.status !== INSTANCE_STATUS.inactive) return;
  throw new InvalidParameterException('No Container Instances were found in your cluster.');
}

export { CandidateRanking, closestFailure, filtersPassed, requireInstances };
