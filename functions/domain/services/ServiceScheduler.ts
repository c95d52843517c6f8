import { randomUUID } from 'node:crypto';
import type { Failure, Task } from '@aws-sdk/client-ecs';
import type { ArnContext } from '../arns';
import { instanceIdFrom } from '../containerInstances/ContainerInstanceService';
import { EcsError } from '../errors';
import type { ContainerInstanceRecord } from '../model';
import type { Clock } from '../ports/Clock';
import type { ContainerInstanceRepository } from '../ports/ContainerInstanceRepository';
import type { EcsEvent, EventPublisher } from '../ports/EventPublisher';
import type { ServiceRepository } from '../ports/ServiceRepository';
import type { ServiceWaker } from '../ports/ServiceWaker';
import type { TaskRepository } from '../ports/TaskRepository';
import { taskIdFrom } from '../tasks/identifiers';
import type { TaskRecord } from '../tasks/model';
import type { TaskLauncher } from '../tasks/TaskLauncher';
import type { TaskLifecycle } from '../tasks/TaskLifecycle';
import { newDeploymentId, newEventId } from './identifiers';
import {
  groupOf,
  MAX_SERVICE_EVENTS,
  type ServiceEventRecord,
  type ServiceRecord,
  type ServiceTask,
} from './model';
import { type PlannedLaunch, planService, type ServicePlan } from './planner';
import { deploymentStateChange, serviceAction } from './serviceEvents';

/**
 * The service scheduler: for one service, take its lease, read it and its
 * tasks, plan (planner.ts), launch through RunTask's own path and stop
 * through StopTask's, then write what it did and saw. It runs when woken
 * (a service changed, one of its tasks reached RUNNING or STOPPED) and from
 * a sweep every minute; a wake-up that finds another scheduler at work asks
 * it to run once more instead, so no two launch for a service at once and
 * none is lost.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html
 */

interface ServiceSchedulerDependencies {
  readonly services: ServiceRepository;
  readonly tasks: TaskRepository;
  readonly instances: ContainerInstanceRepository;
  readonly launcher: TaskLauncher;
  readonly lifecycle: TaskLifecycle;
  readonly events: EventPublisher;
  /** Whether an instance meets a service's placement constraints (DAEMON: where it runs), compiled once. */
  readonly constraintsMatcher: (
    constraints: readonly { type: string; expression?: string | undefined }[],
  ) => (instance: ContainerInstanceRecord) => boolean;
  /** Wakes the scheduler again (in a fresh invocation) when one runs out of time. */
  readonly waker: ServiceWaker;
  readonly clock: Clock;
  readonly arns: ArnContext;
}

/** How long a lease holds if its scheduler dies; renewed every round. */
const LEASE_MS = 60_000;
/**
 * How long one invocation works on a service before it hands over to a
 * fresh one (its function times out at 60 s).
 */
const WORK_BUDGET_MS = 20_000;
/** How long launched tasks are also read by key (longer than any index lag). */
const RECENT_LAUNCH_MS = 60_000;
/** Tasks one round launches at most (a round is one read, one plan, one write). */
const LAUNCHES_PER_ROUND = 100;
/** RunTask starts at most 10 tasks per call. */
const LAUNCH_BATCH = 10;
/** ECS does not repeat a service event message within six hours. */
const DUPLICATE_WINDOW_MS = 6 * 3600 * 1000;

/**
 * A task as the planner sees it; `statuses` holds the cluster's instances
 * that are not INACTIVE (a FARGATE task's own host is not among them, and
 * is never lost from under it).
 */
const toServiceTask = (task: TaskRecord, statuses: ReadonlyMap<string, string>): ServiceTask => {
  const status =
    task.containerInstanceId === undefined || task.launchType === 'FARGATE'
      ? 'ACTIVE'
      : statuses.get(task.containerInstanceId);
  return {
    id: task.id,
    deploymentId: task.startedBy,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    startedAt: task.startedAt,
    stoppedAt: task.stoppedAt,
    containerInstanceId: task.containerInstanceId,
    availabilityZone: task.availabilityZone,
    instance: status === undefined ? 'LOST' : status === 'DRAINING' ? 'DRAINING' : 'ACTIVE',
  };
};

/**
 * ECS's message for a task it could not place, from RunTask's failure reason.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html
 */
const placementMessage = (service: string, failure: { arn?: string; reason?: string }): string => {
  const { arn, reason } = failure;
  // RunTask refused outright (a revision gone, …): not a placement, an error.
  if (
    reason !== undefined &&
    arn === undefined &&
    !reason.startsWith('RESOURCE:') &&
    !reason.startsWith('No Container Instances')
  ) {
    return `(service ${service}) failed to launch a task with (error ${reason}).`;
  }
  const lead = `(service ${service}) was unable to place a task because no container instance met all of its requirements.`;
  const instance = arn?.includes(':container-instance/') ? instanceIdFrom(arn) : undefined;
  const tail =
    'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';
  if (instance && failure.reason === 'RESOURCE:CPU') {
    return `${lead} The closest matching container-instance ${instance} has insufficient CPU units available. ${tail}`;
  }
  if (instance && failure.reason === 'RESOURCE:MEMORY') {
    return `${lead} The closest matching container-instance ${instance} has insufficient memory available. ${tail}`;
  }
  if (instance && failure.reason?.startsWith('RESOURCE:PORTS')) {
    return `${lead} The closest matching container-instance ${instance} is already using a port required by your task. ${tail}`;
  }
  if (failure.reason === 'RESOURCE:CPU' || failure.reason === 'RESOURCE:MEMORY') {
    return `${lead} Reason: ${failure.reason}. ${tail}`;
  }
  return `${lead} Reason: No Container Instances were found in your cluster. ${tail}`;
};

/** Whether a round changed nothing of the service but its version. */
const unchanged = (before: ServiceRecord, after: ServiceRecord): boolean =>
  JSON.stringify({ ...before, version: 0 }) === JSON.stringify({ ...after, version: 0 });

/** The launches of a plan, cut to `most` tasks in all. */
const capLaunches = (launches: readonly PlannedLaunch[], most: number): PlannedLaunch[] => {
  let left = most;
  return launches.flatMap((launch) => {
    const count = Math.min(launch.count, left);
    left -= count;
    if (count === 0) return [];
    return [
      {
        ...launch,
        count,
        ...(launch.instanceIds ? { instanceIds: launch.instanceIds.slice(0, count) } : {}),
      },
    ];
  });
};

class ServiceScheduler {
  readonly #deps: ServiceSchedulerDependencies;

  constructor(deps: ServiceSchedulerDependencies) {
    this.#deps = deps;
  }

  /** Brings one service towards what it should be; returns when it has, or another scheduler will. */
  async reconcile(cluster: string, name: string): Promise<void> {
    const owner = randomUUID();
    let acquired = false;
    for (let attempt = 0; attempt < 5 && !acquired; attempt += 1) {
      const now = this.#deps.clock.now();
      const lease = await this.#deps.services.tryLease(cluster, name, owner, now + LEASE_MS, now);
      if (lease === 'missing') return;
      if (lease === 'acquired') acquired = true;
      // Held: ask the holder to run once more. If it let go in between, try again.
      else if (await this.#deps.services.markWake(cluster, name, now)) return;
    }
    if (!acquired) return;
    const started = this.#deps.clock.now();
    try {
      for (;;) {
        const now = this.#deps.clock.now();
        if (!(await this.#deps.services.renewLease(cluster, name, owner, now + LEASE_MS))) return;
        const { more } = await this.#round(cluster, name);
        if (
          !more &&
          (await this.#deps.services.releaseLease(cluster, name, owner)) === 'released'
        ) {
          return;
        }
        if (this.#deps.clock.now() - started > WORK_BUDGET_MS) {
          // Hand over to a fresh invocation rather than run into this one's timeout.
          await this.#deps.services.dropLease(cluster, name, owner);
          await this.#deps.waker.wake(cluster, name);
          return;
        }
      }
    } catch (error) {
      await this.#deps.services.dropLease(cluster, name, owner).catch(() => undefined);
      throw error;
    }
  }

  /** Every ACTIVE or DRAINING service, one after the other (the sweep). */
  async reconcileAll(): Promise<number> {
    const live = await this.#deps.services.listLive();
    for (const { cluster, name } of live) await this.reconcile(cluster, name);
    return live.length;
  }

  /** One read, plan, act and write; `more` when the plan had more to launch than one round does. */
  async #round(cluster: string, name: string): Promise<{ more: boolean }> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const service = await this.#deps.services.get(cluster, name);
      if (!service || service.status === 'INACTIVE') return { more: false };
      const records = await this.#tasksOf(service);
      const onInstances = records.some(
        (task) => task.containerInstanceId !== undefined && task.launchType !== 'FARGATE',
      );
      const daemon = service.schedulingStrategy === 'DAEMON';
      const instances = onInstances || daemon ? await this.#deps.instances.listLive(cluster) : [];
      const statuses = new Map(instances.map((i) => [i.id, i.status] as const));
      const tasks = records.map((task) => toServiceTask(task, statuses));
      const plan = planService(service, tasks, {
        now: this.#deps.clock.now(),
        newDeploymentId,
        ...(daemon ? { daemonInstances: this.#daemonInstances(service, instances) } : {}),
      });
      const stopped = await this.#stop(service, plan);
      const capped = capLaunches(plan.launches, LAUNCHES_PER_ROUND);
      const launched = await this.#launch(service, capped);
      const next = this.#record(service, plan, stopped, launched);
      // A steady service swept every minute is not written every minute.
      if (unchanged(service, next)) return { more: false };
      // A user's change since the read wins; the next attempt plans again from it.
      if (await this.#deps.services.save(next, service)) {
        await this.#publish(next, plan, launched.placementFailures);
        const planned = plan.launches.reduce((sum, launch) => sum + launch.count, 0);
        return {
          more: launched.placementFailures.length === 0 && planned > launched.started.length,
        };
      }
    }
    return { more: true };
  }

  /** DAEMON: the ACTIVE instances that meet the service's constraints. */
  #daemonInstances(
    service: ServiceRecord,
    instances: readonly ContainerInstanceRecord[],
  ): string[] {
    const matches = this.#deps.constraintsMatcher(
      service.deployments[0]?.placementConstraints ?? [],
    );
    return instances
      .filter((instance) => instance.status === 'ACTIVE' && matches(instance))
      .map((instance) => instance.id);
  }

  /** The service's tasks: its index, and by key those it launched lately that the index may lag. */
  async #tasksOf(service: ServiceRecord): Promise<TaskRecord[]> {
    const indexed = await this.#deps.tasks.listForService(service.cluster, service.name);
    const seen = new Set(indexed.map((task) => task.id));
    const missing = (service.recentLaunches ?? [])
      .map((launch) => launch.id)
      .filter((id) => !seen.has(id));
    if (missing.length === 0) return indexed;
    return [...indexed, ...(await this.#deps.tasks.getMany(service.cluster, missing))];
  }

  async #stop(service: ServiceRecord, plan: ServicePlan): Promise<string[]> {
    const stopped: string[] = [];
    await Promise.all(
      plan.stops.map(async (stop) => {
        const task = await this.#deps.lifecycle.requestStop(service.cluster, stop.taskId, {
          reason: `Scaling activity initiated by (deployment ${stop.deploymentId ?? 'unknown'})`,
          stopCode: 'ServiceSchedulerInitiated',
        });
        if (task) stopped.push(task.id);
      }),
    );
    return stopped;
  }

  async #launch(
    service: ServiceRecord,
    launches: readonly PlannedLaunch[],
  ): Promise<{ started: string[]; placementFailures: { arn?: string; reason?: string }[] }> {
    const started: string[] = [];
    const placementFailures: { arn?: string; reason?: string }[] = [];
    for (const { deploymentId, launch, count, instanceIds } of launches) {
      for (let done = 0; done < count; done += LAUNCH_BATCH) {
        const batch = Math.min(LAUNCH_BATCH, count - done);
        const result = await this.#runTask({
          cluster: service.cluster,
          taskDefinition: `${launch.family}:${launch.revision}`,
          // DAEMON: StartTask's path, one task on each named instance.
          ...(instanceIds
            ? { containerInstances: instanceIds.slice(done, done + batch) }
            : { count: batch }),
          group: groupOf(service.name),
          startedBy: deploymentId,
          ...(launch.launchType ? { launchType: launch.launchType } : {}),
          ...(launch.capacityProviderStrategy
            ? { capacityProviderStrategy: launch.capacityProviderStrategy }
            : {}),
          ...(launch.platformVersion ? { platformVersion: launch.platformVersion } : {}),
          ...(launch.networkConfiguration
            ? { networkConfiguration: launch.networkConfiguration }
            : {}),
          placementConstraints: launch.placementConstraints,
          placementStrategy: launch.placementStrategy,
          ...(service.propagateTags === 'SERVICE' ? { tags: service.tags } : {}),
          ...(service.propagateTags === 'TASK_DEFINITION'
            ? { propagateTags: 'TASK_DEFINITION' }
            : {}),
          enableECSManagedTags: service.enableECSManagedTags,
        });
        if (result.tasks === undefined) {
          placementFailures.push({ reason: result.error });
          break;
        }
        started.push(...result.tasks.map((task) => taskIdFrom(task.taskArn ?? '')));
        placementFailures.push(...result.failures);
        // What cannot be placed now will not be in the next batch either.
        if (result.failures.length > 0) break;
      }
    }
    return { started, placementFailures };
  }

  /**
   * RunTask's own path; what it refuses (no instance in the cluster, a
   * revision gone) is a failure to report, not an error of the scheduler.
   */
  async #runTask(
    body: Record<string, unknown>,
  ): Promise<{ tasks: Task[]; failures: Failure[] } | { tasks?: undefined; error: string }> {
    try {
      if (body.containerInstances !== undefined) {
        return await this.#deps.launcher.start(body, { allowInactiveTaskDefinition: true });
      }
      return await this.#deps.launcher.run(body, { allowInactiveTaskDefinition: true });
    } catch (error) {
      if (!(error instanceof EcsError)) throw error;
      return { error: error.message };
    }
  }

  /** The service as this round leaves it: the plan's, with what was done told as events. */
  #record(
    service: ServiceRecord,
    plan: ServicePlan,
    stopped: readonly string[],
    launched: { started: string[]; placementFailures: { arn?: string; reason?: string }[] },
  ): ServiceRecord {
    const now = this.#deps.clock.now();
    const tag = `(service ${service.name})`;
    const messages = [...plan.messages];
    if (stopped.length > 0) {
      messages.unshift(
        `${tag} has stopped ${stopped.length} running tasks: ${stopped.map((id) => `(task ${id})`).join(' ')}.`,
      );
    }
    if (launched.started.length > 0) {
      messages.unshift(
        `${tag} has started ${launched.started.length} tasks: ${launched.started.map((id) => `(task ${id})`).join(' ')}.`,
      );
    }
    const firstFailure = launched.placementFailures[0];
    if (firstFailure) messages.push(placementMessage(service.name, firstFailure));
    const recent = new Set(
      service.events
        .filter((event) => now - event.createdAt < DUPLICATE_WINDOW_MS)
        .map((event) => event.message),
    );
    const added: ServiceEventRecord[] = messages
      .filter((message, index) => !recent.has(message) && messages.indexOf(message) === index)
      .map((message) => ({ id: newEventId(), createdAt: now, message }))
      .reverse();
    const launchedPending = launched.started.length;
    const [primary, ...rest] = plan.service.deployments;
    const deployments = primary
      ? [{ ...primary, pendingCount: primary.pendingCount + launchedPending }, ...rest]
      : rest;
    const recentLaunches = [
      ...launched.started.map((id) => ({ id, at: now })),
      ...(service.recentLaunches ?? []).filter((launch) => now - launch.at < RECENT_LAUNCH_MS),
    ];
    return {
      ...plan.service,
      deployments,
      recentLaunches,
      pendingCount: plan.service.pendingCount + launchedPending,
      events: [...added, ...service.events].slice(0, MAX_SERVICE_EVENTS),
      version: service.version + 1,
    };
  }

  /** `ECS Deployment State Change` and `ECS Service Action` events, as ECS sends them. */
  async #publish(
    service: ServiceRecord,
    plan: ServicePlan,
    placementFailures: readonly { reason?: string }[],
  ): Promise<void> {
    const now = this.#deps.clock.now();
    const { arns } = this.#deps;
    const events: EcsEvent[] = plan.deploymentChanges.map((change) =>
      deploymentStateChange(arns, service, change, now),
    );
    if (plan.becameSteady) {
      events.push(
        serviceAction(arns, service, { eventType: 'INFO', eventName: 'SERVICE_STEADY_STATE' }, now),
      );
    }
    const failure = placementFailures[0];
    if (failure) {
      events.push(
        serviceAction(
          arns,
          service,
          {
            eventType: 'ERROR',
            eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
            reason: failure.reason,
          },
          now,
        ),
      );
    }
    if (events.length > 0) await this.#deps.events.publish(events);
  }
}

export type { ServiceSchedulerDependencies };
export { ServiceScheduler };
