/**
 * ECS's managed scaling of a capacity provider, as its documentation and
 * the "Deep dive on Amazon ECS cluster auto scaling" describe it
 * (reference/scaling.md §3.2). Pure: the evaluator gathers the pool and the
 * demand, these functions say how many instances the pool needs.
 *
 * - M, the instances needed: those that run a task, plus what the tasks
 *   waiting for capacity need, binpacked first into the room left on the
 *   pool's instances, then onto new instances of the pool's size.
 * - N, the instances there are.
 * - CapacityProviderReservation = M / N × 100 (100 when both are 0, 200
 *   when only N is): the metric that a target tracking policy holds at
 *   `targetCapacity`.
 * - Scale out when it is above the target (its alarm: 1 of 1 datapoints)
 *   to ceil(M × 100 / target), by a step kept within
 *   [minimumScalingStepSize, maximumScalingStepSize]; scale in when it has
 *   been below for 15 of 15 datapoints, removing only empty instances.
 */

interface PoolInstance {
  readonly id: string;
  readonly registeredAt: number;
  readonly remainingCpu: number;
  readonly remainingMemory: number;
  /** Tasks on it that are not yet STOPPED (running and pending). */
  readonly tasks: number;
}

/** Tasks of one shape waiting for room on the pool. */
interface WaitingTasks {
  readonly count: number;
  readonly cpu: number;
  readonly memory: number;
}

interface InstanceSize {
  readonly cpu: number;
  readonly memory: number;
}

/**
 * M: the instances the pool needs for its tasks and the waiting ones. The
 * waiting tasks go largest first (first fit decreasing, within 11/9 of the
 * optimum) into the room of existing instances, then of new ones; a task
 * larger than an instance can never be placed and is not counted (ECS
 * leaves it in PROVISIONING until it times out).
 */
const instancesNeeded = (
  pool: readonly PoolInstance[],
  waiting: readonly WaitingTasks[],
  size: InstanceSize,
): number => {
  const bins = pool.map((instance) => ({
    cpu: instance.remainingCpu,
    memory: instance.remainingMemory,
    used: instance.tasks > 0,
  }));
  const tasks = waiting
    .filter((shape) => shape.cpu <= size.cpu && shape.memory <= size.memory)
    .flatMap((shape) => Array.from({ length: shape.count }, () => shape))
    .sort((a, b) => b.cpu + b.memory / 4 - (a.cpu + a.memory / 4));
  for (const task of tasks) {
    let bin = bins.find(
      (candidate) => candidate.cpu >= task.cpu && candidate.memory >= task.memory,
    );
    if (!bin) {
      bin = { cpu: size.cpu, memory: size.memory, used: false };
      bins.push(bin);
    }
    bin.cpu -= task.cpu;
    bin.memory -= task.memory;
    bin.used = true;
  }
  return bins.filter((bin) => bin.used).length;
};

/** CapacityProviderReservation, in percent. */
const capacityProviderReservation = (needed: number, running: number): number => {
  if (running === 0) return needed === 0 ? 100 : 200;
  return (needed / running) * 100;
};

interface ScalingBounds {
  readonly targetCapacity: number;
  readonly minimumScalingStepSize: number;
  readonly maximumScalingStepSize: number;
  readonly minSize: number;
  readonly maxSize: number;
}

/**
 * The pool size managed scaling moves to from `running` instances, when
 * M is `needed`: up by a bounded step when the reservation is above the
 * target, down (only as far as `emptyInstances` allow, and only when
 * `lowForLong`: 15 datapoints below the target) when it is below. The
 * pool's own bounds hold either way.
 *
 * @example
 * // 3 instances needed and none there: reservation 200 %, out by 3.
 * scaledPoolSize(3, 0, 0, false, { targetCapacity: 100, minimumScalingStepSize: 1,
 *   maximumScalingStepSize: 10_000, minSize: 0, maxSize: 10 }); // 3
 */
const scaledPoolSize = (
  needed: number,
  running: number,
  emptyInstances: number,
  lowForLong: boolean,
  bounds: ScalingBounds,
): number => {
  const reservation = capacityProviderReservation(needed, running);
  const wanted = Math.ceil((needed * 100) / bounds.targetCapacity);
  if (reservation > bounds.targetCapacity) {
    const step = Math.min(
      Math.max(wanted - running, bounds.minimumScalingStepSize),
      bounds.maximumScalingStepSize,
    );
    return Math.min(bounds.maxSize, Math.max(bounds.minSize, running + step));
  }
  if (reservation < bounds.targetCapacity && lowForLong) {
    const removable = Math.min(emptyInstances, running - wanted);
    return Math.max(bounds.minSize, running - Math.max(0, removable));
  }
  return Math.min(bounds.maxSize, Math.max(bounds.minSize, running));
};

export type { InstanceSize, PoolInstance, ScalingBounds, WaitingTasks };
export { capacityProviderReservation, instancesNeeded, scaledPoolSize };
