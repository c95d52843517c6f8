import { isDeepStrictEqual } from 'node:util';
import { requireActiveCluster } from '../clusters/requireActiveCluster';
import { ClientException } from '../errors';
import type { ContainerInstanceRecord } from '../model';
import type { TaskChange } from '../ports/TaskRepository';
import { serviceNameOfGroup } from '../services/model';
import type { TaskServiceDependencies } from './dependencies';
import { statusRank, type TaskRecord, type TaskWait, visibleState } from './model';
import type { TaskViews } from './TaskViews';

const TRANSITION_ATTEMPTS = 10;
/**
 * Every change of a task goes through `transition`, which writes
 * conditionally on the task's version (and parked wait token), so that
 * reports, stops and workflow steps can interleave in any order; and what a
 * change leads to: the agent told, the workflow resumed, the events published.
 */
class TaskTransitions {
  readonly #deps: TaskServiceDependencies;
  readonly #views: TaskViews;

  constructor(deps: TaskServiceDependencies, views: TaskViews) {
    this.#deps = deps;
    this.#views = views;
  }

  /** What a step waiting in `phase` would be resumed with now; undefined: it has to wait. */
  phaseOutcome(task: TaskRecord, phase: TaskWait['phase']): string | undefined {
    if (statusRank(task.lastStatus) >= statusRank('DEPROVISIONING')) return 'STOPPED';
    if (phase === 'stop') return undefined;
    if (task.desiredStatus === 'STOPPED') return 'STOP_REQUESTED';
    return undefined;
  }

  async resumeIfWaiting(task: TaskRecord, phases: string[], status: string): Promise<void> {
    if (task.wait && phases.includes(task.wait.phase)) {
      await this.#deps.workflows.resume(task.wait.token, { status });
    }
  }

  /** The instance the task is on, if any. */
  async instanceOf(task: TaskRecord): Promise<ContainerInstanceRecord | undefined> {
    return task.containerInstanceId === undefined
      ? undefined
      : this.#deps.instances.get(task.cluster, task.containerInstanceId);
  }

  /** The task's state-change event and its instance's, in one publish. */
  async publishWithInstance(
    task: TaskRecord,
    instance: ContainerInstanceRecord | undefined,
  ): Promise<void> {
    await this.#deps.events.publish([
      this.#views.taskEvent(task),
      ...this.#deps.instanceChangeEvents(instance ? [instance] : []),
    ]);
  }

  /** Pushes the task to its instance's agent (`known`: the instance, already read by the caller). */
  async notifyAgent(task: TaskRecord, known?: ContainerInstanceRecord): Promise<void> {
    const instance = known ?? (await this.instanceOf(task));
    if (instance?.connectionId === undefined) return;
    const delivered = await this.#deps.agents.push(instance.connectionId, [
      this.#views.toAgentTask(task),
    ]);
    if (!delivered) {
      await this.#deps.agentLost(instance.connectionId, { cluster: task.cluster, id: instance.id });
    }
  }

  /**
   * Reads a task, asks `change` for its next state (undefined: nothing to do),
   * and writes it conditionally on the version read; retries on a lost race.
   * Returns the task as it stands afterwards, or undefined if there is none.
   */
  async transition(
    cluster: string,
    id: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
    options: {
      /** When a STOPPED task may be forgotten (epoch ms). */
      expiresAt?: number;
      /** Writes the change with more in the same transaction; false on a lost race. */
      write?: (change: TaskChange) => Promise<boolean>;
      /** False: the caller publishes the task's event (with others, in one batch). */
      publish?: boolean;
      /** The task as the caller just read it: the first attempt starts from it instead of reading again. */
      read?: TaskRecord;
    } = {},
  ): Promise<TaskRecord | undefined> {
    const write =
      options.write ?? ((change: TaskChange) => this.#deps.tasks.apply(change, options.expiresAt));
    for (let attempt = 0; attempt < TRANSITION_ATTEMPTS; attempt += 1) {
      // A stale first read only costs a lost race: the write is conditional on the version read.
      const current =
        attempt === 0 && options.read ? options.read : await this.#deps.tasks.get(cluster, id);
      if (!current) return undefined;
      const changed = change(current);
      if (!changed) return current;
      // ECS's `version` counts the changes a user can see; parking a workflow
      // step (`wait`) is bookkeeping, kept safe by the write's condition on
      // the wait token as well as the version.
      const visible = !isDeepStrictEqual(visibleState(current), visibleState(changed));
      const next = { ...changed, version: current.version + (visible ? 1 : 0) };
      if (await write({ task: current, next })) {
        if (
          options.publish !== false &&
          (next.lastStatus !== current.lastStatus || next.desiredStatus !== current.desiredStatus)
        ) {
          await this.#deps.events.publish([this.#views.taskEvent(next)]);
        }
        await this.#wakeService(current, next);
        await this.#deps.meterUsage(current, next);
        return next;
      }
    }
    throw new ClientException('Too many concurrent changes to the task; try again.');
  }

  /** A service's task that reached RUNNING or STOPPED is news for the service's scheduler. */
  async #wakeService(current: TaskRecord, next: TaskRecord): Promise<void> {
    const service = serviceNameOfGroup(next.group);
    if (
      service !== undefined &&
      next.lastStatus !== current.lastStatus &&
      (next.lastStatus === 'RUNNING' || next.lastStatus === 'STOPPED')
    ) {
      await this.#deps.serviceWaker.wake(next.cluster, service);
    }
  }

  async requireCluster(reference: string | undefined): Promise<string> {
    return (await requireActiveCluster(this.#deps.clusters, reference)).name;
  }
}

export { TaskTransitions };
