import type { TaskRecord } from '../tasks/model';

/** The workflows a domain operation can hand work to (Step Functions on AWS and locally). */
/**
 * Input of the task lifecycle workflow: the task it drives, and which
 * provisioning steps it needs (Choice states skip the others, so a plain EC2
 * task pays for no step it does not use).
 */
interface TaskLifecycleInput {
  readonly cluster: string;
  readonly taskId: string;
  /** awsvpc: a network interface to give an address, and to take it back. */
  readonly network: boolean;
  /** FARGATE: a managed host to bring up, and to take down. */
  readonly capacity: boolean;
  /**
   * The task as RunTask stored it, when Provision is the workflow's first step
   * (no network, no capacity): Provision writes from it instead of reading
   * the task again. Its write is conditional on this version, so a task that
   * changed in between (a StopTask that came first) is read afresh.
   */
  readonly created?: TaskRecord;
}

interface WorkflowStarter {
  /**
   * Starts the clean-up of a task definition revision in DELETE_IN_PROGRESS.
   * Idempotent: starting it twice for one revision runs it once.
   */
  startTaskDefinitionCleanup(input: { family: string; revision: number }): Promise<void>;
  /** Starts the lifecycle workflow of a new task. Idempotent per task. */
  startTaskLifecycle(input: TaskLifecycleInput): Promise<void>;
  /**
   * Resumes a workflow step that waits on a task (`waitForTaskToken`).
   * Resuming one that has already moved on is harmless.
   */
  resume(token: string, output: object): Promise<void>;
}

export type { TaskLifecycleInput, WorkflowStarter };
