import type { NetworkBinding } from '@aws-sdk/client-ecs';
import { clusterNameFrom } from '../arns';
import { InvalidParameterException } from '../errors';
import type { AgentTask } from '../ports/AgentNotifier';
import {
  optionalEnum,
  optionalInteger,
  optionalObjectList,
  optionalString,
} from '../validation/shape';
import type { TaskServiceDependencies } from './dependencies';
import { taskIdFrom } from './identifiers';
import { statusRank, type TaskStatus } from './model';
import type { TaskTransitions } from './TaskTransitions';
import type { TaskViews } from './TaskViews';

/** Report statuses the agent APIs accept, and what each means for a task. */
const REPORTABLE = ['PENDING', 'RUNNING', 'STOPPED'] as const;

/** `networkBindings` of an agent report: what Docker bound, host ports included. */
const readNetworkBindings = (value: unknown, path: string): NetworkBinding[] | undefined =>
  optionalObjectList(value, path)?.map((item, index) => ({
    bindIP: optionalString(item.bindIP, `${path}[${index}].bindIP`),
    containerPort: optionalInteger(item.containerPort, `${path}[${index}].containerPort`),
    hostPort: optionalInteger(item.hostPort, `${path}[${index}].hostPort`),
    protocol: optionalEnum(item.protocol, `${path}[${index}].protocol`, ['tcp', 'udp'] as const),
  }));
/**
 * What agents say about their tasks (SubmitTaskStateChange,
 * SubmitContainerStateChange) and what an agent is told it runs when it
 * connects. Reports are idempotent and ordered: one that would move a task
 * backwards is acknowledged and ignored.
 */
class AgentReports {
  readonly #deps: TaskServiceDependencies;
  readonly #transitions: TaskTransitions;
  readonly #views: TaskViews;

  constructor(deps: TaskServiceDependencies, transitions: TaskTransitions, views: TaskViews) {
    this.#deps = deps;
    this.#transitions = transitions;
    this.#views = views;
  }

  /**
   * The instance a report's task runs on (for the check that an agent reports
   * only on its own tasks); undefined when the task is unknown or not placed.
   */
  async instanceOf(
    body: Record<string, unknown>,
  ): Promise<{ cluster: string; id: string } | undefined> {
    const cluster = clusterNameFrom(optionalString(body.cluster, 'cluster'));
    const reference = optionalString(body.task, 'task');
    if (reference === undefined) return undefined;
    const task = await this.#deps.tasks.get(cluster, taskIdFrom(reference));
    return task?.containerInstanceId === undefined
      ? undefined
      : { cluster, id: task.containerInstanceId };
  }

  /**
   * SubmitTaskStateChange: the agent says a task is RUNNING or STOPPED.
   * Idempotent and ordered: a report that would move the task backwards is
   * acknowledged and ignored.
   */
  async submitTaskStateChange(body: Record<string, unknown>): Promise<void> {
    const clusterReference = optionalString(body.cluster, 'cluster');
    // The task's own read finds the cluster: it is read only to say which one is missing.
    const cluster = clusterNameFrom(clusterReference);
    const reference = optionalString(body.task, 'task');
    if (reference === undefined) throw new InvalidParameterException('task can not be blank.');
    const status = optionalEnum(body.status, 'status', REPORTABLE);
    const reason = optionalString(body.reason, 'reason');
    const reports = (optionalObjectList(body.containers, 'containers') ?? []).map(
      (item, index) => ({
        containerName: optionalString(item.containerName, `containers[${index}].containerName`),
        runtimeId: optionalString(item.runtimeId, `containers[${index}].runtimeId`),
        status: optionalString(item.status, `containers[${index}].status`),
        exitCode: optionalInteger(item.exitCode, `containers[${index}].exitCode`),
        reason: optionalString(item.reason, `containers[${index}].reason`),
        networkBindings: readNetworkBindings(
          item.networkBindings,
          `containers[${index}].networkBindings`,
        ),
      }),
    );
    const at = (member: unknown, path: string) => {
      const value = member instanceof Date ? member.getTime() / 1000 : member;
      const seconds = typeof value === 'number' ? value : undefined;
      if (value !== undefined && value !== null && seconds === undefined) {
        throw new InvalidParameterException(`${path} must be a timestamp.`);
      }
      return seconds === undefined ? undefined : Math.round(seconds * 1000);
    };
    const pullStartedAt = at(body.pullStartedAt, 'pullStartedAt');
    const pullStoppedAt = at(body.pullStoppedAt, 'pullStoppedAt');
    const executionStoppedAt = at(body.executionStoppedAt, 'executionStoppedAt');
    const now = this.#deps.clock.now();
    const task = await this.#transitions.transition(cluster, taskIdFrom(reference), (current) => {
      const containers = current.containers.map((container) => {
        const report = reports.find((r) => r.containerName === container.name);
        if (!report) return container;
        const reported = (report.status ?? container.lastStatus) as TaskStatus;
        return statusRank(reported) < statusRank(container.lastStatus)
          ? container
          : {
              ...container,
              lastStatus: reported,
              runtimeId: report.runtimeId ?? container.runtimeId,
              exitCode: report.exitCode ?? container.exitCode,
              reason: report.reason ?? container.reason,
              networkBindings: report.networkBindings ?? container.networkBindings,
            };
      });
      if (status === 'RUNNING' && statusRank(current.lastStatus) < statusRank('RUNNING')) {
        return {
          ...current,
          lastStatus: 'RUNNING',
          startedAt: now,
          // A report can name a task still PROVISIONING (the agent API is open to
          // any caller); RUNNING implies it was handed over, so say when.
          connectivityAt: current.connectivityAt ?? now,
          pullStartedAt: pullStartedAt ?? current.pullStartedAt,
          pullStoppedAt: pullStoppedAt ?? current.pullStoppedAt,
          containers,
        };
      }
      if (status === 'STOPPED' && statusRank(current.lastStatus) < statusRank('DEPROVISIONING')) {
        const essentialExit = containers.some(
          (container) => container.essential && container.lastStatus === 'STOPPED',
        );
        return {
          ...current,
          lastStatus: 'DEPROVISIONING',
          desiredStatus: 'STOPPED',
          stoppingAt: current.stoppingAt ?? now,
          executionStoppedAt: executionStoppedAt ?? now,
          containers: containers.map((container) => ({ ...container, lastStatus: 'STOPPED' })),
          // A task that never ran failed to start (a pull or start error), whatever exited.
          stopCode:
            current.stopCode ??
            (essentialExit && statusRank(current.lastStatus) >= statusRank('RUNNING')
              ? 'EssentialContainerExited'
              : 'TaskFailedToStart'),
          stoppedReason: current.stoppedReason ?? reason ?? 'Essential container in task exited',
        };
      }
      const changed = containers.some(
        (container, index) => container !== current.containers[index],
      );
      return changed ? { ...current, containers } : undefined;
    });
    if (!task) {
      await this.#transitions.requireCluster(clusterReference);
      throw new InvalidParameterException('The referenced task was not found.');
    }
    // No liveness write here: the agent's WebSocket heartbeat keeps it connected.
    // RUNNING resumes nothing: the workflow waits from the hand-over until a stop.
    if (task.lastStatus === 'DEPROVISIONING') {
      await this.#transitions.resumeIfWaiting(task, ['run', 'stop'], 'STOPPED');
    }
  }

  /** SubmitContainerStateChange: one container's news, folded into the task. */
  submitContainerStateChange(body: Record<string, unknown>): Promise<void> {
    const containerName = optionalString(body.containerName, 'containerName');
    if (containerName === undefined) {
      throw new InvalidParameterException('containerName can not be blank.');
    }
    return this.submitTaskStateChange({
      cluster: body.cluster,
      task: body.task,
      containers: [
        {
          containerName,
          runtimeId: body.runtimeId,
          status: body.status,
          exitCode: body.exitCode,
          reason: body.reason,
          networkBindings: body.networkBindings,
        },
      ],
    });
  }

  /** The tasks an agent should know of: its whole resync on every connect. */
  async tasksForInstance(cluster: string, instanceId: string): Promise<AgentTask[]> {
    const tasks = await this.#deps.tasks.listForInstance(cluster, instanceId);
    // A PROVISIONING task is not the agent's yet: the workflow hands it over
    // (PENDING), so that a resync racing a RunTask cannot start it early.
    return tasks
      .filter((task) => task.lastStatus !== 'PROVISIONING')
      .map((task) => this.#views.toAgentTask(task));
  }
}

export { AgentReports };
