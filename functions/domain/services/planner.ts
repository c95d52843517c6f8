import type { DeploymentRecord, ServiceLaunch, ServiceRecord, ServiceTask } from './model';

/**
 * The service scheduler's decision, as a pure function of the service and
 * its tasks: which tasks to launch for which deployment, which to stop, and
 * what the deployments and counts become. The scheduler reads, plans,
 * carries the plan out and writes the service; running the plan again on
 * what it left changes nothing more than the world did in between.
 *
 * The bounds of a rolling deployment hold at every instant (ECS §6):
 * - tasks that occupy room (every task not yet STOPPED, including those
 *   being stopped) never exceed floor(desired × maximumPercent / 100): a
 *   launch only fills the room left;
 * - healthy tasks (RUNNING and wanted) never drop below
 *   ceil(desired × minimumHealthyPercent / 100) by the scheduler's doing: it
 *   stops a RUNNING task only while more than that many are healthy.
 * Without load balancers or health checks a task is healthy once RUNNING.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html#deploymentConfiguration
 */

interface PlannedLaunch {
  readonly deploymentId: string;
  readonly launch: ServiceLaunch;
  readonly count: number;
  /** DAEMON: the instances to start one task on each (StartTask's path); else placed. */
  readonly instanceIds?: string[] | undefined;
}

interface PlannedStop {
  readonly taskId: string;
  readonly deploymentId: string | undefined;
}

interface DeploymentChange {
  readonly deploymentId: string;
  readonly eventName:
    | 'SERVICE_DEPLOYMENT_IN_PROGRESS'
    | 'SERVICE_DEPLOYMENT_COMPLETED'
    | 'SERVICE_DEPLOYMENT_FAILED';
  readonly reason: string;
}

interface ServicePlan {
  readonly launches: PlannedLaunch[];
  readonly stops: PlannedStop[];
  /** The service as the plan leaves it: deployments, counts, status; events not yet added. */
  readonly service: ServiceRecord;
  /** Service event messages the plan itself gives rise to (launches and stops are told by the caller). */
  readonly messages: string[];
  readonly deploymentChanges: DeploymentChange[];
  /** The service reached its desired state with this plan (it was not there before). */
  readonly becameSteady: boolean;
}

const isStopped = (task: ServiceTask) => task.lastStatus === 'STOPPED';
/** A task on a deregistered instance: replaced, and no longer taking room. */
const isLost = (task: ServiceTask) => task.instance === 'LOST';
/** Takes room until it is STOPPED (being stopped included). */
const isOccupying = (task: ServiceTask) => !isStopped(task) && !isLost(task);
const isLive = (task: ServiceTask) => isOccupying(task) && task.desiredStatus === 'RUNNING';
const isHealthy = (task: ServiceTask) => isLive(task) && task.lastStatus === 'RUNNING';
/** A task that stopped without ever running (the circuit breaker counts these). */
const failedToStart = (task: ServiceTask) => isStopped(task) && task.startedAt === undefined;

/** The most tasks a deployment may occupy: floor(desired × maximumPercent / 100). */
const maximumTasks = (service: ServiceRecord): number =>
  Math.floor((service.desiredCount * service.deploymentConfiguration.maximumPercent) / 100);

/** The fewest healthy tasks the scheduler keeps: ceil(desired × minimumHealthyPercent / 100). */
const minimumHealthyTasks = (service: ServiceRecord): number =>
  Math.ceil((service.desiredCount * service.deploymentConfiguration.minimumHealthyPercent) / 100);

/**
 * How many failed launches trip the circuit breaker: half the desired count,
 * at least 10 and at most 200 (ECS's rule).
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 */
const circuitBreakerThreshold = (desiredCount: number): number =>
  Math.min(200, Math.max(10, Math.ceil(desiredCount / 2)));

/** Consecutive failed starts after which the scheduler waits between launches. */
const THROTTLE_AFTER = 3;
const THROTTLE_BASE_MS = 5_000;
const THROTTLE_MAX_MS = 15 * 60_000;

/**
 * Until when a deployment whose tasks keep failing to start waits before it
 * launches again: after 3 failed starts in a row (none RUNNING since), 5 s,
 * then twice as long after each further failure, at most 15 minutes (ECS's
 * service throttle logic). Undefined when it need not wait.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html
 */
const throttledUntil = (
  deploymentId: string,
  tasks: readonly ServiceTask[],
): number | undefined => {
  const own = tasks.filter((task) => task.deploymentId === deploymentId);
  const lastStart = Math.max(0, ...own.map((task) => task.startedAt ?? 0));
  const failures = own
    .filter((task) => failedToStart(task) && (task.stoppedAt ?? 0) >= lastStart)
    .map((task) => task.stoppedAt ?? 0);
  if (failures.length < THROTTLE_AFTER) return undefined;
  const wait = Math.min(
    THROTTLE_MAX_MS,
    THROTTLE_BASE_MS * 2 ** Math.min(20, failures.length - THROTTLE_AFTER),
  );
  return Math.max(...failures) + wait;
};

const sameLaunch = (a: ServiceLaunch, b: ServiceLaunch): boolean =>
  JSON.stringify(launchOf(a)) === JSON.stringify(launchOf(b));

/** A deployment's (or a record's) launch alone, in a fixed key order. */
const launchOf = (source: ServiceLaunch): ServiceLaunch => ({
  family: source.family,
  revision: source.revision,
  launchType: source.launchType,
  capacityProviderStrategy: source.capacityProviderStrategy,
  platformVersion: source.platformVersion,
  networkConfiguration: source.networkConfiguration,
  placementConstraints: source.placementConstraints,
  placementStrategy: source.placementStrategy,
});

/**
 * `count` tasks to stop among `candidates`, as ECS scales in: tasks not yet
 * RUNNING first (they serve nothing), then from the zone with the most of
 * the service's live tasks, then the instance with the most, so that what
 * remains stays balanced.
 */
const chooseToStop = (
  candidates: readonly ServiceTask[],
  count: number,
  live: readonly ServiceTask[],
): ServiceTask[] => {
  const zoneCounts = new Map<string, number>();
  const instanceCounts = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string | undefined, by: number) => {
    if (key !== undefined) map.set(key, (map.get(key) ?? 0) + by);
  };
  for (const task of live) {
    bump(zoneCounts, task.availabilityZone, 1);
    bump(instanceCounts, task.containerInstanceId, 1);
  }
  const remaining = [...candidates];
  const chosen: ServiceTask[] = [];
  while (chosen.length < count && remaining.length > 0) {
    remaining.sort(
      (a, b) =>
        Number(a.lastStatus === 'RUNNING') - Number(b.lastStatus === 'RUNNING') ||
        (zoneCounts.get(b.availabilityZone ?? '') ?? 0) -
          (zoneCounts.get(a.availabilityZone ?? '') ?? 0) ||
        (instanceCounts.get(b.containerInstanceId ?? '') ?? 0) -
          (instanceCounts.get(a.containerInstanceId ?? '') ?? 0) ||
        a.id.localeCompare(b.id),
    );
    const next = remaining.shift() as ServiceTask;
    chosen.push(next);
    bump(zoneCounts, next.availabilityZone, -1);
    bump(instanceCounts, next.containerInstanceId, -1);
  }
  return chosen;
};

/** Tasks on a deregistered instance still wanted RUNNING: told to stop (their workflow settles them). */
const lostToStop = (tasks: readonly ServiceTask[]): ServiceTask[] =>
  tasks.filter((task) => isLost(task) && !isStopped(task) && task.desiredStatus === 'RUNNING');

/**
 * Retiring tasks (an old deployment's, one on a DRAINING instance, one too
 * many) leave within the bounds: those not RUNNING at once (they serve
 * nothing), RUNNING ones only while more than the minimum stay healthy,
 * counting what `stops` already holds.
 */
const retire = (
  service: ServiceRecord,
  live: readonly ServiceTask[],
  retiring: readonly ServiceTask[],
  stops: ServiceTask[],
): void => {
  stops.push(...retiring.filter((task) => !isHealthy(task)));
  const healthyLeft = live.filter(isHealthy).filter((task) => !stops.includes(task)).length;
  const running = retiring.filter(isHealthy);
  const stoppable = Math.max(0, healthyLeft - minimumHealthyTasks(service));
  stops.push(...chooseToStop(running, Math.min(stoppable, running.length), live));
};

/**
 * DAEMON: one task of the PRIMARY deployment on every eligible instance (an
 * ACTIVE one that meets the constraints); tasks anywhere else, extra ones
 * and old deployments' retire under the same bounds as a REPLICA's (ECS's
 * defaults for daemons, 0 % / 100 %, stop an instance's old task first and
 * start its new one once it is gone).
 */
const planDaemon = (
  service: ServiceRecord,
  tasks: readonly ServiceTask[],
  primary: DeploymentRecord,
  eligible: ReadonlySet<string>,
  stops: ServiceTask[],
  launches: PlannedLaunch[],
): void => {
  const live = tasks.filter(isLive);
  stops.push(...lostToStop(tasks));
  const perInstance = new Map<string, ServiceTask[]>();
  for (const task of live) {
    const id = task.containerInstanceId;
    if (task.deploymentId !== primary.id || id === undefined || task.instance !== 'ACTIVE')
      continue;
    if (!eligible.has(id)) continue;
    perInstance.set(id, [...(perInstance.get(id) ?? []), task]);
  }
  const staying: ServiceTask[] = [];
  for (const list of perInstance.values()) {
    // One per instance: a RUNNING one stays, any other goes.
    const [kept, ...extra] = [...list].sort(
      (a, b) => Number(isHealthy(b)) - Number(isHealthy(a)) || a.id.localeCompare(b.id),
    );
    if (kept) staying.push(kept);
    stops.push(...extra);
  }
  retire(
    service,
    live,
    live.filter((task) => !staying.includes(task) && !stops.includes(task)),
    stops,
  );
  const room = maximumTasks(service) - tasks.filter(isOccupying).length;
  const covered = new Set(staying.map((task) => task.containerInstanceId));
  const uncovered = [...eligible].filter((id) => !covered.has(id)).sort();
  const targets = primary.rolloutState === 'FAILED' ? [] : uncovered.slice(0, Math.max(0, room));
  if (targets.length > 0) {
    launches.push({
      deploymentId: primary.id,
      launch: launchOf(primary),
      count: targets.length,
      instanceIds: targets,
    });
  }
};

const withCounts = (
  deployment: DeploymentRecord,
  tasks: readonly ServiceTask[],
  now: number,
): DeploymentRecord => {
  const own = tasks.filter((task) => task.deploymentId === deployment.id);
  const runningCount = own.filter(isHealthy).length;
  const pendingCount = own.filter((task) => isLive(task) && !isHealthy(task)).length;
  const failedTasks = own.filter(failedToStart).length;
  const changed =
    runningCount !== deployment.runningCount ||
    pendingCount !== deployment.pendingCount ||
    failedTasks !== deployment.failedTasks;
  return changed
    ? { ...deployment, runningCount, pendingCount, failedTasks, updatedAt: now }
    : deployment;
};

const planService = (
  given: ServiceRecord,
  tasks: readonly ServiceTask[],
  options: {
    now: number;
    newDeploymentId: () => string;
    /** DAEMON: the ACTIVE instances that meet the service's constraints. */
    daemonInstances?: readonly string[];
  },
): ServicePlan => {
  const { now } = options;
  // A DAEMON service wants one task on each instance it may run on.
  const daemon = given.schedulingStrategy === 'DAEMON';
  const current: ServiceRecord =
    daemon && given.status === 'ACTIVE'
      ? {
          ...given,
          desiredCount: options.daemonInstances?.length ?? 0,
          deployments: given.deployments.map((deployment, index) =>
            index === 0
              ? { ...deployment, desiredCount: options.daemonInstances?.length ?? 0 }
              : deployment,
          ),
        }
      : given;
  const serviceTag = `(service ${current.name})`;
  const messages: string[] = [];
  const deploymentChanges: DeploymentChange[] = [];
  let deployments = current.deployments.map((deployment) => withCounts(deployment, tasks, now));
  let lastCompleted = current.lastCompleted;

  // The circuit breaker: a PRIMARY deployment whose tasks keep failing to start fails.
  const primaryBefore = deployments[0];
  const breaker = current.deploymentConfiguration.circuitBreaker;
  if (
    primaryBefore &&
    current.status === 'ACTIVE' &&
    breaker.enable &&
    primaryBefore.rolloutState === 'IN_PROGRESS' &&
    primaryBefore.failedTasks >= circuitBreakerThreshold(current.desiredCount)
  ) {
    const failed: DeploymentRecord = {
      ...primaryBefore,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: task failed to start.',
      updatedAt: now,
    };
    deploymentChanges.push({
      deploymentId: failed.id,
      eventName: 'SERVICE_DEPLOYMENT_FAILED',
      reason: failed.rolloutStateReason,
    });
    messages.push(
      `${serviceTag} (deployment ${failed.id}) deployment failed: tasks failed to start.`,
    );
    const rest = deployments.slice(1);
    if (breaker.rollback && lastCompleted && !sameLaunch(lastCompleted, failed)) {
      const rollback: DeploymentRecord = {
        ...launchOf(lastCompleted),
        id: options.newDeploymentId(),
        status: 'PRIMARY',
        desiredCount: current.desiredCount,
        runningCount: 0,
        pendingCount: 0,
        failedTasks: 0,
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${lastCompleted.deploymentId}.`,
        createdAt: now,
        updatedAt: now,
      };
      deploymentChanges.push({
        deploymentId: rollback.id,
        eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS',
        reason: rollback.rolloutStateReason,
      });
      messages.push(
        `${serviceTag} (deployment ${failed.id}) rolling back to deployment ${lastCompleted.deploymentId}.`,
      );
      // The rollback's tasks come from its own deployment: count them afresh.
      deployments = [rollback, { ...failed, status: 'ACTIVE' }, ...rest];
    } else {
      deployments = [failed, ...rest];
    }
  }

  const [primary, ...olds] = deployments;
  const live = tasks.filter(isLive);
  const occupying = tasks.filter(isOccupying);
  const stops: ServiceTask[] = [];
  const launches: PlannedLaunch[] = [];

  if (current.status !== 'ACTIVE' || !primary) {
    // DeleteService: every task goes; the service is INACTIVE once none is left.
    stops.push(...live, ...tasks.filter((task) => isLost(task) && !isStopped(task)));
  } else if (current.schedulingStrategy === 'REPLICA') {
    const desired = current.desiredCount;
    // A lost task is told to stop and replaced.
    stops.push(...lostToStop(tasks));
    // What stays: the primary deployment's tasks on ACTIVE instances. The
    // rest retires — old deployments' tasks and those on DRAINING instances.
    const staying = live.filter(
      (task) => task.deploymentId === primary.id && task.instance === 'ACTIVE',
    );
    // A scale-in of the primary deployment.
    if (staying.length > desired) {
      stops.push(...chooseToStop(staying, staying.length - desired, live));
    }
    retire(
      current,
      live,
      live.filter((task) => !staying.includes(task)),
      stops,
    );
    // New tasks fill the room that the maximum leaves, unless the deployment
    // failed or its tasks keep failing to start (then it waits, longer each time).
    const room = maximumTasks(current) - occupying.length;
    const wanted = desired - staying.length;
    const waitUntil = breaker.enable ? undefined : throttledUntil(primary.id, tasks);
    const throttled = waitUntil !== undefined && now < waitUntil && wanted > 0;
    if (throttled) {
      messages.push(`${serviceTag} is unable to consistently start tasks successfully.`);
    }
    const count =
      primary.rolloutState === 'FAILED' || throttled ? 0 : Math.max(0, Math.min(wanted, room));
    if (count > 0) launches.push({ deploymentId: primary.id, launch: launchOf(primary), count });
    const stuck =
      wanted > 0 &&
      count === 0 &&
      !throttled &&
      stops.length === 0 &&
      primary.rolloutState !== 'FAILED' &&
      occupying.every((task) => isHealthy(task));
    if (stuck) {
      messages.push(
        `${serviceTag} was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.`,
      );
    }
  } else {
    planDaemon(current, tasks, primary, new Set(options.daemonInstances ?? []), stops, launches);
  }

  // Old deployments with no task left (being stopped counts) become INACTIVE and leave the list.
  const stillOccupied = (deployment: DeploymentRecord) =>
    occupying.some((task) => task.deploymentId === deployment.id);
  const keptOlds = olds.filter(stillOccupied);

  // Steady: one deployment, all of it RUNNING, nothing starting or stopping.
  let nextPrimary = primary;
  const steady =
    current.status === 'ACTIVE' &&
    primary !== undefined &&
    keptOlds.length === 0 &&
    launches.length === 0 &&
    stops.length === 0 &&
    occupying.length === current.desiredCount &&
    occupying.every((task) => isHealthy(task) && task.instance === 'ACTIVE') &&
    primary.runningCount === current.desiredCount;
  if (steady && primary && primary.rolloutState === 'IN_PROGRESS') {
    nextPrimary = {
      ...primary,
      rolloutState: 'COMPLETED',
      rolloutStateReason: `ECS deployment ${primary.id} completed.`,
      updatedAt: now,
    };
    lastCompleted = { ...launchOf(primary), deploymentId: primary.id };
    deploymentChanges.push({
      deploymentId: primary.id,
      eventName: 'SERVICE_DEPLOYMENT_COMPLETED',
      reason: nextPrimary.rolloutStateReason,
    });
    messages.push(`${serviceTag} (deployment ${primary.id}) deployment completed.`);
  }
  const becameSteady = steady && !current.steady;
  if (becameSteady) messages.push(`${serviceTag} has reached a steady state.`);

  const nextDeployments = nextPrimary ? [nextPrimary, ...keptOlds] : keptOlds;
  const gone = current.status === 'DRAINING' && occupying.length === 0;
  const service: ServiceRecord = {
    ...current,
    status: gone ? 'INACTIVE' : current.status,
    deployments: nextDeployments,
    runningCount: nextDeployments.reduce((sum, d) => sum + d.runningCount, 0),
    pendingCount: nextDeployments.reduce((sum, d) => sum + d.pendingCount, 0),
    lastCompleted,
    steady,
  };
  return {
    launches,
    stops: stops.map((task) => ({ taskId: task.id, deploymentId: task.deploymentId })),
    service,
    messages,
    deploymentChanges,
    becameSteady,
  };
};

export type { DeploymentChange, PlannedLaunch, PlannedStop, ServicePlan };
export {
  chooseToStop,
  circuitBreakerThreshold,
  isHealthy,
  launchOf,
  maximumTasks,
  minimumHealthyTasks,
  planService,
  sameLaunch,
};
