/**
 * The data the placement engine reads and returns. Everything here is plain,
 * read-only data: the engine never touches storage, so a caller (RunTask, the
 * service scheduler, the benchmark) builds a view of the cluster from its
 * records, asks for placements, and reserves them with conditional writes of
 * its own.
 *
 * Resource names follow the ECS API (`CPU`, `MEMORY`, `PORTS`, `PORTS_UDP`):
 * CPU in CPU units (1024 per vCPU), memory in MiB, ports as host port numbers.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html
 */

/**
 * Container instance statuses. Only `ACTIVE` instances take new tasks:
 * `DRAINING` ones are being emptied, the others are not (or no longer) part of
 * the cluster.
 */
const INSTANCE_STATUS = {
  active: 'ACTIVE',
  draining: 'DRAINING',
  registering: 'REGISTERING',
  deregistering: 'DEREGISTERING',
  registrationFailed: 'REGISTRATION_FAILED',
  inactive: 'INACTIVE',
} as const;
type InstanceStatus = (typeof INSTANCE_STATUS)[keyof typeof INSTANCE_STATUS];

/**
 * What is left on an instance. `ports`/`portsUdp` list the host ports already
 * *reserved* (the host's own, such as 22 and 51678, plus every task's), which
 * is how ECS reports the `PORTS` resource in `remainingResources`.
 */
interface PlacementResources {
  readonly cpu: number;
  readonly memory: number;
  readonly ports: ReadonlySet<number>;
  readonly portsUdp: ReadonlySet<number>;
}

/** One container instance as placement sees it. */
interface PlacementInstance {
  readonly arn: string;
  /** The short id (the last part of the ARN), as `spread instanceId` and failures name it. */
  readonly id: string;
  readonly status: InstanceStatus;
  readonly agentConnected: boolean;
  readonly agentVersion?: string | undefined;
  /** Absent for EXTERNAL instances, which are not EC2 instances. */
  readonly ec2InstanceId?: string | undefined;
  /** Registration time, epoch milliseconds. */
  readonly registeredAt: number;
  readonly runningTasksCount: number;
  /** Built-in (`ecs.availability-zone`, `ecs.instance-type`, `ecs.os-type`, …) and custom attributes. */
  readonly attributes: Readonly<Record<string, string | undefined>>;
  readonly remaining: PlacementResources;
  readonly registered: { readonly cpu: number; readonly memory: number };
  /** Task group → number of this instance's tasks in it. */
  readonly taskGroups: ReadonlyMap<string, number>;
}

type PlacementConstraintType = 'distinctInstance' | 'memberOf';
type PlacementStrategyType = 'binpack' | 'spread' | 'random';

/** A constraint as the API carries it (`{type, expression}`). */
interface PlacementConstraintSpec {
  readonly type: PlacementConstraintType;
  readonly expression?: string | undefined;
}

/** A strategy as the API carries it (`{type, field}`). */
interface PlacementStrategySpec {
  readonly type: PlacementStrategyType;
  readonly field?: string | undefined;
}

/** What one task takes from the instance it runs on, and the group it counts in. */
interface TaskResources {
  readonly cpu: number;
  readonly memory: number;
  /** TCP host ports; 0 means a dynamic port, which never conflicts and is ignored. */
  readonly ports: readonly number[];
  readonly portsUdp: readonly number[];
  /** `service:<name>` or `family:<family>` (or the caller's own group). */
  readonly group: string;
}

/**
 * A request to place `count` identical tasks. RunTask allows 1–10; the
 * engine itself takes any positive count so that the service scheduler can
 * place a larger batch in one call.
 */
interface PlacementRequest extends TaskResources {
  readonly count: number;
  /** The request's and the task definition's constraints together. */
  readonly constraints: readonly PlacementConstraintSpec[];
  /** Ordered tie-breakers; empty means random (the RunTask default). */
  readonly strategies: readonly PlacementStrategySpec[];
}

/** A strategy after validation: what the engine ranks by. */
type StrategyRule =
  | { readonly type: 'binpack'; readonly resource: 'cpu' | 'memory' }
  | { readonly type: 'spread'; readonly by: 'instanceId' }
  | { readonly type: 'spread'; readonly by: 'attribute'; readonly attribute: string }
  | { readonly type: 'random' };

/**
 * The `failures[].reason` values RunTask returns for tasks it could not place
 * (ECS documents these for EC2/EXTERNAL placement). `INACTIVE` is what Berth
 * reports when the closest instance is not ACTIVE (DRAINING, REGISTERING, …).
 */
const PLACEMENT_FAILURE_REASON = {
  cpu: 'RESOURCE:CPU',
  memory: 'RESOURCE:MEMORY',
  ports: 'RESOURCE:PORTS',
  agent: 'AGENT',
  attribute: 'ATTRIBUTE',
  inactive: 'INACTIVE',
} as const;
type PlacementFailureReason =
  (typeof PLACEMENT_FAILURE_REASON)[keyof typeof PLACEMENT_FAILURE_REASON];

interface Placement {
  readonly instanceArn: string;
  readonly instanceId: string;
}

/** One per task that could not be placed, naming the closest-matching instance. */
interface PlacementFailure {
  readonly arn: string;
  readonly reason: PlacementFailureReason;
}

interface PlacementResult {
  readonly placements: Placement[];
  readonly failures: PlacementFailure[];
}

/**
 * The value of an instance attribute, or undefined when the instance lacks
 * it. Own properties only, so that `attribute:constructor` is not mistaken for
 * `Object.prototype.constructor`.
 */
const attributeOf = (instance: Pick<PlacementInstance, 'attributes'>, name: string) =>
  Object.hasOwn(instance.attributes, name) ? instance.attributes[name] : undefined;

/** The host ports a task really reserves: dynamic (0) ports reserve nothing up front. */
const fixedPorts = (ports: readonly number[]): number[] => ports.filter((port) => port !== 0);

/**
 * The instance after one more task of `task` lands on it: less CPU and memory,
 * its fixed host ports reserved, one more task in its group and in its
 * running count. A new object; the input is not changed.
 *
 * @example
 * const after = withTaskPlaced(instance, { cpu: 256, memory: 512, ports: [80], portsUdp: [], group: 'family:web' });
 */
function withTaskPlaced(instance: PlacementInstance, task: TaskResources): PlacementInstance {
  const taskGroups = new Map(instance.taskGroups);
  taskGroups.set(task.group, (taskGroups.get(task.group) ?? 0) + 1);
  return {
    ...instance,
    runningTasksCount: instance.runningTasksCount + 1,
    remaining: {
      cpu: instance.remaining.cpu - task.cpu,
      memory: instance.remaining.memory - task.memory,
      ports: new Set([...instance.remaining.ports, ...fixedPorts(task.ports)]),
      portsUdp: new Set([...instance.remaining.portsUdp, ...fixedPorts(task.portsUdp)]),
    },
    taskGroups,
  };
}

/**
 * The instance after a task of `task` leaves it: the inverse of
 * {@link withTaskPlaced}. A group whose count reaches zero is removed, so
 * that `task:group exists` stays exact.
 */
function withTaskReleased(instance: PlacementInstance, task: TaskResources): PlacementInstance {
  const taskGroups = new Map(instance.taskGroups);
  const left = (taskGroups.get(task.group) ?? 0) - 1;
  if (left > 0) taskGroups.set(task.group, left);
  else taskGroups.delete(task.group);
  const ports = new Set(instance.remaining.ports);
  for (const port of fixedPorts(task.ports)) ports.delete(port);
  const portsUdp = new Set(instance.remaining.portsUdp);
  for (const port of fixedPorts(task.portsUdp)) portsUdp.delete(port);
  return {
    ...instance,
    runningTasksCount: Math.max(0, instance.runningTasksCount - 1),
    remaining: {
      cpu: instance.remaining.cpu + task.cpu,
      memory: instance.remaining.memory + task.memory,
      ports,
      portsUdp,
    },
    taskGroups,
  };
}

export {
  attributeOf,
  fixedPorts,
  INSTANCE_STATUS,
  type InstanceStatus,
  PLACEMENT_FAILURE_REASON,
  type Placement,
  type PlacementConstraintSpec,
  type PlacementConstraintType,
  type PlacementFailure,
  type PlacementFailureReason,
  type PlacementInstance,
  type PlacementRequest,
  type PlacementResources,
  type PlacementResult,
  type PlacementStrategySpec,
  type PlacementStrategyType,
  type StrategyRule,
  type TaskResources,
  withTaskPlaced,
  withTaskReleased,
};
