import { dependencies } from '../config/dependencies';
import { InvalidParameterException } from '../domain/errors';
import type { TaskRecord } from '../domain/tasks/model';
import type { ProvisionInput, TaskLifecycleStepInput, TaskPhaseInput } from './contracts';

/**
 * The steps of `statemachines/task-lifecycle.asl.json`, one Lambda each. Each
 * does one idempotent thing to one task; the state machine owns the waits,
 * timeouts and retries.
 */

const checked = (input: TaskLifecycleStepInput): TaskLifecycleStepInput => {
  if (typeof input?.cluster !== 'string' || typeof input?.taskId !== 'string') {
    throw new InvalidParameterException('A task lifecycle step needs a cluster and a taskId.');
  }
  return input;
};

/**
 * PROVISIONING → PENDING, the agent is told, and the step's token is parked
 * on the task until a stop is asked for or the task stops.
 */
const provision = async (input: ProvisionInput): Promise<void> => {
  const { cluster, taskId } = checked(input);
  if (typeof input.token !== 'string') {
    throw new InvalidParameterException('provision needs a token.');
  }
  await dependencies().tasks.lifecycle.provision(
    cluster,
    taskId,
    input.token,
    createdTask(input.execution?.created, cluster, taskId),
  );
};

/**
 * The task the workflow was started with, if it is this one as RunTask
 * stored it. Anything else is ignored: the step then reads the task, as
 * executions started before the workflow carried it do.
 */
const createdTask = (value: unknown, cluster: string, taskId: string): TaskRecord | undefined => {
  const task = value as Partial<TaskRecord> | null | undefined;
  return task?.id === taskId &&
    task.cluster === cluster &&
    task.lastStatus === 'PROVISIONING' &&
    typeof task.version === 'number'
    ? (task as TaskRecord)
    : undefined;
};

/** Parks a waitForTaskToken step on the task (or resumes it at once if its wait is over). */
const awaitPhase = async (input: TaskPhaseInput): Promise<void> => {
  const { cluster, taskId } = checked(input);
  if (input.phase !== 'stop' || typeof input.token !== 'string') {
    throw new InvalidParameterException('awaitPhase needs the phase "stop" and a token.');
  }
  await dependencies().tasks.lifecycle.awaitPhase(cluster, taskId, input.phase, input.token);
};

const failStart = async (input: TaskLifecycleStepInput): Promise<void> => {
  const { cluster, taskId } = checked(input);
  await dependencies().tasks.lifecycle.failStart(cluster, taskId);
};

const forceStop = async (input: TaskLifecycleStepInput): Promise<void> => {
  const { cluster, taskId } = checked(input);
  await dependencies().tasks.lifecycle.forceStop(cluster, taskId);
};

/** awsvpc, PROVISIONING: the network interface gets an address of its subnet. */
const provisionNetwork = async (input: TaskLifecycleStepInput) => {
  const { cluster, taskId } = checked(input);
  return dependencies().tasks.lifecycle.provisionNetwork(cluster, taskId);
};

/** FARGATE, PROVISIONING: the task's own host is brought up. */
const provisionCapacity = async (input: TaskLifecycleStepInput) => {
  const { cluster, taskId } = checked(input);
  return dependencies().tasks.lifecycle.provisionCapacity(cluster, taskId);
};

/** DEPROVISIONING: the address goes back to its subnet. */
const releaseNetwork = async (input: TaskLifecycleStepInput): Promise<void> => {
  const { cluster, taskId } = checked(input);
  await dependencies().tasks.lifecycle.releaseNetwork(cluster, taskId);
};

/** After STOPPED: a FARGATE task's host is taken down. */
const releaseCapacity = async (input: TaskLifecycleStepInput): Promise<void> => {
  const { cluster, taskId } = checked(input);
  await dependencies().tasks.lifecycle.releaseCapacity(cluster, taskId);
};

const finalize = async (input: TaskLifecycleStepInput): Promise<void> => {
  const { cluster, taskId } = checked(input);
  await dependencies().tasks.lifecycle.finalize(cluster, taskId);
};

export {
  awaitPhase,
  failStart,
  finalize,
  forceStop,
  provision,
  provisionCapacity,
  provisionNetwork,
  releaseCapacity,
  releaseNetwork,
};
