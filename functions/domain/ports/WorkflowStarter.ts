/** The workflows a domain operation can hand work to (Step Functions on AWS and locally). */
interface WorkflowStarter {
  /**
   * Starts the clean-up of a task definition revision in DELETE_IN_PROGRESS.
   * Idempotent: starting it twice for one revision runs it once.
   */
  startTaskDefinitionCleanup(input: { family: string; revision: number }): Promise<void>;
  /** Starts the lifecycle workflow of a new task. Idempotent per task. */
  startTaskLifecycle(input: { cluster: string; taskId: string }): Promise<void>;
  /**
   * Resumes a workflow step that waits on a task (`waitForTaskToken`).
   * Resuming one that has already moved on is harmless.
   */
  resume(token: string, output: object): Promise<void>;
}

export type { WorkflowStarter };
