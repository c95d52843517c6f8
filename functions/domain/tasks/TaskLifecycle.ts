import type { Task } from '@aws-sdk/client-ecs';
import { instanceArn } from '../containerInstances/ContainerInstanceService';
import { InvalidParameterException } from '../errors';
import type { ContainerInstanceRecord } from '../model';
import {
  candidateAddresses,
  interfaceIdentity,
  privateDnsName,
  usableAddressCount,
} from '../network/subnets';
import { CapacityUnavailableError } from '../ports/CapacityProvisioner';
import { optionalString } from '../validation/shape';
import type { TaskServiceDependencies } from './dependencies';
import { managedInstanceId, taskIdFrom } from './identifiers';
import { statusRank, type TaskRecord, type TaskStatus } from './model';
import type { TaskTransitions } from './TaskTransitions';
import type { TaskViews } from './TaskViews';

/** Addresses tried from a task's own starting point before looking at what the subnet holds. */
const ADDRESS_PROBES = 8;

const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
/**
 * StopTask, and the steps of each task's workflow
 * (statemachines/task-lifecycle.asl.json): hand-over to the agent, the
 * FARGATE task's address and host, the stop, and the settling of tasks whose
 * workflow or agent was lost.
 */
class TaskLifecycle {
  readonly #deps: TaskServiceDependencies;
  readonly #transitions: TaskTransitions;
  readonly #views: TaskViews;

  constructor(deps: TaskServiceDependencies, transitions: TaskTransitions, views: TaskViews) {
    this.#deps = deps;
    this.#transitions = transitions;
    this.#views = views;
  }

  /** StopTask: the task is wanted STOPPED; the agent stops it and the workflow settles it. */
  async stop(body: Record<string, unknown>): Promise<Task> {
    const cluster = await this.#transitions.requireCluster(optionalString(body.cluster, 'cluster'));
    const reference = optionalString(body.task, 'task');
    if (reference === undefined) throw new InvalidParameterException('task can not be blank.');
    const reason = optionalString(body.reason, 'reason') ?? 'Task stopped by user';
    const task = await this.requestStop(cluster, taskIdFrom(reference), {
      reason,
      stopCode: 'UserInitiated',
    });
    if (!task) throw new InvalidParameterException('The referenced task was not found.');
    return this.#views.toTask(task, false);
  }

  /**
   * The task is wanted STOPPED (StopTask, the service scheduler): the agent
   * stops it and the workflow settles it. Undefined when there is no such task.
   */
  async requestStop(
    cluster: string,
    id: string,
    why: { reason: string; stopCode: 'UserInitiated' | 'ServiceSchedulerInitiated' },
  ): Promise<TaskRecord | undefined> {
    const now = this.#deps.clock.now();
    const task = await this.#transitions.transition(cluster, id, (current) => {
      if (current.desiredStatus === 'STOPPED') return undefined;
      const running = statusRank(current.lastStatus) >= statusRank('RUNNING');
      return {
        ...current,
        desiredStatus: 'STOPPED',
        ...(running && statusRank(current.lastStatus) < statusRank('STOPPING')
          ? { lastStatus: 'STOPPING' as TaskStatus, stoppingAt: now }
          : {}),
        stopCode: current.stopCode ?? why.stopCode,
        stoppedReason: current.stoppedReason ?? why.reason,
        // StopTask deletes the task's tags, as ECS does.
        tags: [],
      };
    });
    if (!task) return undefined;
    await this.#transitions.notifyAgent(task);
    await this.#transitions.resumeIfWaiting(task, ['run'], 'STOP_REQUESTED');
    return task;
  }

  // ── Lifecycle workflow steps (statemachines/task-lifecycle.asl.json) ──────────

  /**
   * PROVISIONING → PENDING and the task goes to its agent, with the workflow's
   * token parked on the task in the same write: the workflow then waits, with
   * no step of its own on the way to RUNNING, until a stop is asked for
   * (STOP_REQUESTED) or the task stops (STOPPED). Run again (a retried step),
   * it parks the new token and tells the agent again. `created`: the task as
   * RunTask stored it, when the workflow carries it; the first attempt writes
   * from it instead of reading the task (a stale one only loses the race).
   */
  async provision(cluster: string, id: string, token: string, created?: TaskRecord): Promise<void> {
    let immediate: string | undefined;
    // Set by the attempt that wins: only the call that handed the task over announces it.
    let handedOver = false;
    const task = await this.#transitions.transition(
      cluster,
      id,
      (current) => {
        immediate = this.#transitions.phaseOutcome(current, 'run');
        if (immediate !== undefined) return undefined;
        const wait = { phase: 'run' as const, token };
        handedOver = current.lastStatus === 'PROVISIONING';
        return handedOver
          ? {
              ...current,
              lastStatus: 'PENDING',
              connectivityAt: this.#deps.clock.now(),
              ...(current.networkInterface
                ? { networkInterface: { ...current.networkInterface, status: 'ATTACHED' as const } }
                : {}),
              wait,
            }
          : { ...current, wait };
      },
      { publish: false, ...(created ? { read: created } : {}) },
    );
    if (!task || immediate !== undefined) {
      await this.#deps.workflows.resume(token, { status: immediate ?? 'STOPPED' });
      return;
    }
    const instance = await this.#transitions.instanceOf(task);
    // The news of the instance whose room the task took goes with PENDING, once
    // (a retried step only parks its new token and tells the agent again).
    if (handedOver) await this.#transitions.publishWithInstance(task, instance);
    await this.#transitions.notifyAgent(task, instance);
  }

  /**
   * awsvpc, while PROVISIONING: gives the task's network interface an address
   * of its subnet. The address is taken and recorded on the task in one
   * transaction, so two tasks never share one and a crash leaks none; a
   * retried step finds the address it took before. A full subnet fails the
   * task to start, as ECS does.
   */
  async provisionNetwork(cluster: string, id: string): Promise<{ status: TaskStatus }> {
    const task = await this.#deps.tasks.get(cluster, id);
    if (!task || statusRank(task.lastStatus) >= statusRank('DEPROVISIONING')) {
      return { status: 'STOPPED' };
    }
    const nic = task.networkInterface;
    if (!nic || nic.privateIPv4Address !== undefined) return { status: task.lastStatus };
    const subnet = this.#views.subnetOf(task);
    const owner = `${cluster}/${id}`;
    let latest: TaskRecord | undefined = task;
    const tryAddresses = async (addresses: readonly string[]) => {
      for (const address of addresses) {
        let outcome: 'attached' | 'address-taken' | 'task-changed' = 'task-changed';
        const identity = interfaceIdentity(owner);
        const updated = await this.#transitions.transition(
          cluster,
          id,
          (current) =>
            current.networkInterface && current.networkInterface.privateIPv4Address === undefined
              ? {
                  ...current,
                  networkInterface: {
                    ...current.networkInterface,
                    networkInterfaceId: identity.networkInterfaceId,
                    macAddress: identity.macAddress,
                    privateIPv4Address: address,
                    privateDnsName: privateDnsName(address, this.#deps.arns.region),
                  },
                }
              : undefined,
          {
            ...(latest ? { read: latest } : {}),
            write: async (change) => {
              outcome = await this.#deps.tasks.attachAddress(change, {
                subnetId: nic.subnetId,
                address,
                owner,
              });
              // Taken by another task: not a lost race on the task, so stop retrying this one.
              return outcome !== 'task-changed';
            },
          },
        );
        if ((outcome as string) !== 'address-taken') return updated;
        // Taken by another task: the next address starts from the task as it now stands.
        latest = undefined;
      }
      return 'full' as const;
    };
    if (subnet) {
      let result = await tryAddresses(candidateAddresses(subnet, owner, ADDRESS_PROBES));
      if (result === 'full' && usableAddressCount(subnet) > ADDRESS_PROBES) {
        // Crowded: look at what the subnet holds and try what is left.
        const held = new Set(await this.#deps.tasks.heldAddresses(subnet.subnetId));
        const free = candidateAddresses(subnet, owner, usableAddressCount(subnet)).filter(
          (address) => !held.has(address),
        );
        result = await tryAddresses(free.slice(0, ADDRESS_PROBES));
      }
      if (result !== 'full') {
        return { status: result?.lastStatus ?? 'STOPPED' };
      }
    }
    await this.failStart(
      cluster,
      id,
      subnet
        ? `ResourceInitializationError: unable to assign an address to the task's network interface: there are not enough free addresses in subnet '${nic.subnetId}' (InsufficientFreeAddressesInSubnet)`
        : `ResourceInitializationError: the subnet '${nic.subnetId}' is no longer configured`,
    );
    return { status: 'STOPPED' };
  }

  /**
   * FARGATE, while PROVISIONING: the task's own host. A hidden container
   * instance sized exactly to the task (and already holding its reservation)
   * is created and the task put on it in one transaction; then the capacity
   * provisioner brings up its agent. Both are idempotent, so a retried step
   * carries on where the last one stopped.
   */
  async provisionCapacity(cluster: string, id: string): Promise<{ status: TaskStatus }> {
    const now = this.#deps.clock.now();
    const task = await this.#transitions.transition(
      cluster,
      id,
      (current) =>
        current.containerInstanceId !== undefined ||
        statusRank(current.lastStatus) >= statusRank('DEPROVISIONING')
          ? undefined
          : {
              ...current,
              containerInstanceId: managedInstanceId(current.id),
              reservationHeld: true,
            },
      {
        write: (change) =>
          this.#deps.tasks.bindManagedInstance(change, this.#managedInstance(change.task, now)),
      },
    );
    if (!task || statusRank(task.lastStatus) >= statusRank('DEPROVISIONING')) {
      return { status: 'STOPPED' };
    }
    const record = this.#managedInstance(task, now);
    try {
      await this.#deps.capacity.provision({
        cluster,
        containerInstanceArn: instanceArn(this.#deps.arns, cluster, record.id),
        instanceId: record.id,
        cpu: record.totalCpu,
        memory: record.totalMemory,
        attributes: record.attributes,
      });
    } catch (error) {
      if (!(error instanceof CapacityUnavailableError)) throw error;
      await this.failStart(cluster, id, error.message);
      return { status: 'STOPPED' };
    }
    return { status: task.lastStatus };
  }

  /** The hidden container instance that is a FARGATE task's own host. */
  #managedInstance(task: TaskRecord, now: number): ContainerInstanceRecord {
    const subnet = this.#views.subnetOf(task);
    return {
      cluster: task.cluster,
      // The host the task is bound to: one made before managed ids changed form keeps its id.
      id: task.containerInstanceId ?? managedInstanceId(task.id),
      status: 'ACTIVE',
      registeredAt: now,
      // Sized exactly to its task, whose room it holds from the start.
      totalCpu: task.reservation.cpu,
      totalMemory: task.reservation.memory,
      hostPorts: [],
      remainingCpu: 0,
      remainingMemory: 0,
      usedPorts: [],
      taskGroups: { [task.group]: 1 },
      runningTasksCount: 0,
      pendingTasksCount: 1,
      attributes: {
        'ecs.availability-zone': task.availabilityZone ?? null,
        'ecs.os-type': 'linux',
        'ecs.instance-type': 'fargate',
        ...(subnet ? { 'ecs.subnet-id': subnet.subnetId } : {}),
      },
      versionInfo: {},
      tags: [],
      lastSeenAt: now,
      managedFor: task.id,
      version: 1,
    };
  }

  /**
   * DEPROVISIONING: the task's address goes back to its subnet (only if the
   * task still holds it), and its interface is DELETED.
   */
  async releaseNetwork(cluster: string, id: string): Promise<void> {
    const task = await this.#deps.tasks.get(cluster, id);
    const nic = task?.networkInterface;
    if (!task || !nic || nic.status === 'DELETED') return;
    if (nic.privateIPv4Address !== undefined) {
      await this.#deps.tasks.releaseAddress({
        subnetId: nic.subnetId,
        address: nic.privateIPv4Address,
        owner: `${cluster}/${id}`,
      });
    }
    await this.#transitions.transition(
      cluster,
      id,
      (current) =>
        current.networkInterface && current.networkInterface.status !== 'DELETED'
          ? { ...current, networkInterface: { ...current.networkInterface, status: 'DELETED' } }
          : undefined,
      { read: task },
    );
  }

  /**
   * After STOPPED: a FARGATE task's host is taken down (its agent stopped,
   * with whatever it still ran) and its hidden instance removed.
   */
  async releaseCapacity(cluster: string, id: string): Promise<void> {
    const task = await this.#deps.tasks.get(cluster, id);
    if (task?.launchType !== 'FARGATE' || task.containerInstanceId === undefined) return;
    await this.#deps.capacity.release(cluster, task.containerInstanceId);
    await this.#deps.instances.deleteManaged(cluster, task.containerInstanceId);
  }

  /**
   * Parks a workflow step on the task: stores its token, or resumes it at once
   * when what it waits for has already happened (a report can beat the step).
   */
  async awaitPhase(cluster: string, id: string, phase: 'stop', token: string): Promise<void> {
    let immediate: string | undefined;
    const task = await this.#transitions.transition(cluster, id, (current) => {
      immediate = this.#transitions.phaseOutcome(current, phase);
      return immediate === undefined ? { ...current, wait: { phase, token } } : undefined;
    });
    if (!task) immediate = 'STOPPED';
    if (immediate !== undefined) await this.#deps.workflows.resume(token, { status: immediate });
  }

  /**
   * The start deadline passed: the task fails with TaskFailedToStart, its
   * agent is told to drop it, and a workflow step waiting on it moves on.
   */
  async failStart(cluster: string, id: string, reason = 'Task failed to start'): Promise<void> {
    await this.#settleWithoutAgent(
      cluster,
      id,
      (current, now) => ({
        stoppingAt: current.stoppingAt ?? now,
        stopCode: 'TaskFailedToStart',
        stoppedReason: current.stoppedReason ?? reason,
      }),
      { tellAgent: true },
    );
  }

  /** The agent never confirmed the stop in time: the task is settled without it. */
  async forceStop(cluster: string, id: string): Promise<void> {
    await this.#settleWithoutAgent(cluster, id, (current, now) => ({
      executionStoppedAt: now,
      stoppedReason:
        current.stoppedReason ?? 'Task stopped: the agent did not confirm the stop in time',
    }));
  }

  /**
   * Moves a task that is not yet deprovisioning to DEPROVISIONING (wanted
   * STOPPED) with `fields`, tells its agent when asked, and resumes the
   * workflow step waiting on it.
   */
  async #settleWithoutAgent(
    cluster: string,
    id: string,
    fields: (current: TaskRecord, now: number) => Partial<TaskRecord>,
    options: { tellAgent: boolean } = { tellAgent: false },
  ): Promise<void> {
    const now = this.#deps.clock.now();
    let waiting: TaskRecord['wait'];
    const task = await this.#transitions.transition(cluster, id, (current) => {
      waiting = current.wait;
      return statusRank(current.lastStatus) >= statusRank('DEPROVISIONING')
        ? undefined
        : {
            ...current,
            lastStatus: 'DEPROVISIONING',
            desiredStatus: 'STOPPED',
            ...fields(current, now),
            wait: undefined,
          };
    });
    if (task && options.tellAgent) await this.#transitions.notifyAgent(task);
    if (waiting) await this.#deps.workflows.resume(waiting.token, { status: 'STOPPED' });
  }

  /** DEPROVISIONING → STOPPED: the reservation is given back, once. */
  async finalize(cluster: string, id: string): Promise<void> {
    const now = this.#deps.clock.now();
    // Set by the attempt that wins, so that only the call that stopped the task announces it.
    let stoppedHere = false;
    const task = await this.#transitions.transition(
      cluster,
      id,
      (current) => {
        stoppedHere = current.lastStatus !== 'STOPPED';
        if (!stoppedHere) return undefined;
        return {
          ...current,
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          stoppedAt: now,
          executionStoppedAt: current.executionStoppedAt ?? now,
          stoppingAt: current.stoppingAt ?? now,
          containers: current.containers.map((c) => ({
            ...c,
            lastStatus: 'STOPPED' as TaskStatus,
          })),
          stopCode: current.stopCode ?? 'TaskFailedToStart',
          stoppedReason: current.stoppedReason ?? 'Task stopped',
          reservationHeld: false,
          wait: undefined,
        };
      },
      { expiresAt: now + this.#deps.settings.stoppedRetentionSeconds * 1000, publish: false },
    );
    // The news of the instance that got its room back goes with STOPPED.
    if (stoppedHere && task)
      await this.#transitions.publishWithInstance(task, await this.#transitions.instanceOf(task));
  }

  /**
   * Enforces the start and stop deadlines (run every minute): a task not
   * RUNNING `graceMs` after its start deadline fails with TaskFailedToStart;
   * a task whose stop its agent has not confirmed within the containers'
   * stopTimeout (plus `graceMs`) is settled without it. Each is finalized
   * here too, so a task whose workflow was lost (or a stack that restarted)
   * still ends STOPPED with its reservation given back. Returns how many.
   */
  async sweepStuckTasks(graceMs: number): Promise<number> {
    const now = this.#deps.clock.now();
    let settled = 0;
    for (const task of await this.#deps.tasks.listUnsettled()) {
      const stuckStarting =
        statusRank(task.lastStatus) < statusRank('RUNNING') && now > task.startDeadline + graceMs;
      const stopSince = task.executionStoppedAt ?? task.stoppingAt;
      const longestStop = Math.max(
        ...task.containers.map((c) => c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS),
      );
      const stuckStopping =
        task.desiredStatus === 'STOPPED' &&
        stopSince !== undefined &&
        now > stopSince + longestStop * 1000 + graceMs;
      if (!stuckStarting && !stuckStopping) continue;
      if (stuckStarting) await this.failStart(task.cluster, task.id);
      else await this.forceStop(task.cluster, task.id);
      // The workflow's own order: deprovision, STOPPED, then the host goes.
      await this.releaseNetwork(task.cluster, task.id);
      await this.finalize(task.cluster, task.id);
      await this.releaseCapacity(task.cluster, task.id);
      settled += 1;
    }
    return settled;
  }
}

export { TaskLifecycle };
