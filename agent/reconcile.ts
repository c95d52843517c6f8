import type { AgentTask } from './protocol';
import type { ContainerReport, TaskReport } from './Reporter';
import type { ContainerState, TaskState } from './StateFile';

/**
 * The agent's decisions, as pure functions of what it knows and what it is
 * told, so that every case is a row in a table test. The Agent class only
 * carries them out.
 */

const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';
const ALL_CONTAINERS_EXITED = 'All containers in task exited';
const TASK_UNKNOWN_TO_AGENT =
  'Task not found on the container instance (the agent has no record of starting it)';

/** Server statuses from before the task was stopped: Berth has not applied a STOPPED report yet. */
const BEFORE_STOP = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);

type TaskDecision =
  /** Unknown task, desired RUNNING: start every container. */
  | { readonly action: 'start' }
  /** A task the agent runs (or is starting) is now desired STOPPED. */
  | { readonly action: 'stop' }
  /** Unknown task to settle at once: keep a tombstone and report it STOPPED. */
  | { readonly action: 'report-stopped'; readonly reason?: string }
  /** A task the agent already stopped, which Berth still believes is live: re-send the final report. */
  | { readonly action: 'resend-final' }
  | { readonly action: 'none'; readonly why: string };

/**
 * What to do about one task of a `tasks` message, given the agent's record of
 * it (undefined when it has none) and whether its final report is still
 * queued. The difference between desired and actual, never the message
 * alone: a message may repeat, arrive late or arrive out of order.
 */
const decideTask = (
  known: TaskState | undefined,
  incoming: AgentTask,
  finalReportPending: boolean,
): TaskDecision => {
  if (known === undefined) {
    if (incoming.lastStatus === 'STOPPED') return { action: 'none', why: 'already stopped' };
    if (incoming.desiredStatus === 'STOPPED') return { action: 'report-stopped' };
    if (incoming.lastStatus !== undefined && !isBeforeRunning(incoming.lastStatus)) {
      // Berth believes it runs here, yet this agent never started it (its state
      // was lost): starting it now could run it twice, so it is reported gone.
      return { action: 'report-stopped', reason: TASK_UNKNOWN_TO_AGENT };
    }
    return { action: 'start' };
  }
  if (
    incoming.version !== undefined &&
    known.version !== undefined &&
    incoming.version < known.version
  ) {
    return { action: 'none', why: `stale (version ${incoming.version} < ${known.version})` };
  }
  if (known.status === 'STOPPED') {
    if (
      !finalReportPending &&
      incoming.lastStatus !== undefined &&
      BEFORE_STOP.has(incoming.lastStatus)
    ) {
      return { action: 'resend-final' };
    }
    return { action: 'none', why: 'already stopped here' };
  }
  if (incoming.desiredStatus === 'STOPPED' && known.desiredStatus !== 'STOPPED') {
    return { action: 'stop' };
  }
  return { action: 'none', why: known.desiredStatus === 'STOPPED' ? 'stopping' : 'running' };
};

const isBeforeRunning = (lastStatus: string): boolean =>
  lastStatus === 'PROVISIONING' || lastStatus === 'PENDING' || lastStatus === 'ACTIVATING';

const isLive = (container: ContainerState): boolean =>
  container.status === 'STARTING' || container.status === 'RUNNING';

/** A container that never ran: it failed to start, or the agent died before it could start it. */
const failedToStart = (container: ContainerState): boolean =>
  container.status === 'STOPPED' && container.runtimeId === undefined;

interface ExitDecision {
  /** Report this container STOPPED on its own (SubmitContainerStateChange). */
  readonly reportContainer: boolean;
  /** Stop the task with this reason. */
  readonly stopTask?: { readonly reason: string };
}

/**
 * What a container's exit means for its task (ECS semantics): an essential
 * container stops the task; so does the last one to exit; a non-essential
 * container leaves the task RUNNING. While the task is stopping, exits are
 * expected and carried by the task's final report.
 */
const decideAfterExit = (task: TaskState, container: ContainerState): ExitDecision => {
  if (task.status !== 'RUNNING') return { reportContainer: false };
  if (container.essential) {
    return { reportContainer: true, stopTask: { reason: ESSENTIAL_CONTAINER_EXITED } };
  }
  if (!task.containers.some(isLive)) {
    return { reportContainer: true, stopTask: { reason: ALL_CONTAINERS_EXITED } };
  }
  return { reportContainer: true };
};

type StartDecision =
  | { readonly action: 'report-running' }
  | { readonly action: 'stop'; readonly reason?: string };

/**
 * Once every container has been tried: a task desired STOPPED meanwhile stops
 * without ever being reported RUNNING; a task whose essential container (or
 * every container) could not start stops with that container's reason (ECS's
 * `CannotStartContainerError: …`); otherwise it is RUNNING.
 */
const decideAfterStart = (task: TaskState): StartDecision => {
  if (task.desiredStatus === 'STOPPED') return { action: 'stop' };
  const failed = task.containers.find((c) => c.essential && failedToStart(c));
  if (failed) return { action: 'stop', reason: failed.reason };
  // Only reachable without an essential container (ECS requires one): nothing runs at all.
  if (task.containers.every(failedToStart)) {
    return { action: 'stop', reason: task.containers[0]?.reason };
  }
  return { action: 'report-running' };
};

const containerReportOf = (container: ContainerState, asRunning = false): ContainerReport => {
  const bindings =
    container.networkBindings === undefined ? {} : { networkBindings: container.networkBindings };
  if (asRunning && container.runtimeId !== undefined) {
    return {
      containerName: container.name,
      runtimeId: container.runtimeId,
      status: 'RUNNING',
      ...bindings,
    };
  }
  return {
    containerName: container.name,
    runtimeId: container.runtimeId,
    status: container.status === 'RUNNING' ? 'RUNNING' : 'STOPPED',
    exitCode: container.status === 'STOPPED' ? container.exitCode : undefined,
    reason: container.status === 'STOPPED' ? container.reason : undefined,
    ...bindings,
  };
};

const minimum = (values: (number | undefined)[]): number | undefined => {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
};

const maximum = (values: (number | undefined)[]): number | undefined => {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
};

/**
 * The task's pull window: from the first container's image pull to the last
 * one's end, as the runtime measured them (docker). The process runtime pulls
 * nothing: the pull is then an instant when the task began starting.
 */
const pullTimesOf = (
  task: TaskState,
  now: number,
): { readonly pullStartedAt: number; readonly pullStoppedAt: number } => {
  const started = minimum(task.containers.map((container) => container.pullStartedAt));
  const stopped = maximum(task.containers.map((container) => container.pullStoppedAt));
  if (started !== undefined && stopped !== undefined) {
    return { pullStartedAt: started, pullStoppedAt: stopped };
  }
  const instant = task.pullStartedAt ?? now;
  return { pullStartedAt: instant, pullStoppedAt: instant };
};

/**
 * The task's RUNNING report. A container that ran and has exited already
 * (before the report could go) is still reported RUNNING here, its STOPPED
 * report follows, so Berth sees the changes in the order they happened.
 */
const runningReportOf = (task: TaskState, now: number): TaskReport => ({
  kind: 'task',
  taskArn: task.taskArn,
  cluster: task.cluster,
  status: 'RUNNING',
  containers: task.containers.map((container) => containerReportOf(container, true)),
  ...pullTimesOf(task, now),
});

const stoppedReportOf = (task: TaskState, now: number): TaskReport => ({
  kind: 'task',
  taskArn: task.taskArn,
  cluster: task.cluster,
  status: 'STOPPED',
  reason: task.reason,
  containers: task.containers.map((container) => containerReportOf(container)),
  executionStoppedAt: task.stoppedAt ?? now,
});

export type { ExitDecision, StartDecision, TaskDecision };
export {
  ALL_CONTAINERS_EXITED,
  containerReportOf,
  decideAfterExit,
  decideAfterStart,
  decideTask,
  ESSENTIAL_CONTAINER_EXITED,
  failedToStart,
  isLive,
  pullTimesOf,
  runningReportOf,
  stoppedReportOf,
  TASK_UNKNOWN_TO_AGENT,
};
