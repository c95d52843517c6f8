/** The workflows a domain operation can hand work to (Step Functions on AWS and locally). */
interface WorkflowStarter {
  /**
   * Starts the clean-up of a task definition revision in DELETE_IN_PROGRESS.
   * Idempotent: starting it twice for one revision runs it once.
   */
  startTaskDefinitionCleanup(input: { family: string; revision: number }): Promise<void>;
}

export type { WorkflowStarter };
