import { createHash } from 'node:crypto';
import type { TaskLifecycleInput, WorkflowStarter } from '../../domain/ports/WorkflowStarter';
import { AwsJsonClient, AwsJsonError } from '../AwsJsonClient';

/**
 * Starts the Step Functions workflows of `statemachines/`. Executions are
 * named after what they work on, so that starting the same work twice is a
 * no-op: Step Functions refuses a second execution of one name (or, with the
 * same input, returns the first). Its JSON API is called through
 * `AwsJsonClient` (ADR 13: the SDK client's per-call work was most of what a
 * call cost).
 */

const createStepFunctionsClient = (options: {
  region: string;
  endpoint?: string | undefined;
}): AwsJsonClient =>
  new AwsJsonClient({
    protocol: { service: 'states', targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0' },
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 5,
    requestTimeout: 10_000,
    countAs: 'SFN',
  });

/** The step already moved on: resumed by someone else, timed out, or stopped. */
const GONE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Execution names are ≤ 80 characters of a restricted set; a hash keeps long family names legal. */
const executionName = (kind: string, subject: string): string =>
  `${kind}-${createHash('sha256').update(subject).digest('hex').slice(0, 40)}`;

class StepFunctionsWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly client: AwsJsonClient,
    private readonly arns: { taskDefinitionCleanup: string; taskLifecycle: string },
    private readonly settings: { taskDefinitionCleanupIntervalSeconds: number },
  ) {}

  async startTaskDefinitionCleanup(input: { family: string; revision: number }): Promise<void> {
    await this.#start(
      this.arns.taskDefinitionCleanup,
      executionName('td-cleanup', `${input.family}:${input.revision}`),
      { ...input, intervalSeconds: this.settings.taskDefinitionCleanupIntervalSeconds },
    );
  }

  async startTaskLifecycle(input: TaskLifecycleInput): Promise<void> {
    // Task ids are unique across clusters (random 128 bits), and legal execution names.
    await this.#start(this.arns.taskLifecycle, `task-${input.taskId}`, input);
  }

  async resume(token: string, output: object): Promise<void> {
    try {
      await this.client.call('SendTaskSuccess', {
        taskToken: token,
        output: JSON.stringify(output),
      });
    } catch (error) {
      if (error instanceof AwsJsonError && GONE_TOKEN_ERRORS.has(error.type)) return;
      throw error;
    }
  }

  async #start(stateMachineArn: string, name: string, input: unknown): Promise<void> {
    try {
      await this.client.call('StartExecution', {
        stateMachineArn,
        name,
        input: JSON.stringify(input),
      });
    } catch (error) {
      // Already started for this subject: the work is in hand.
      if (error instanceof AwsJsonError && error.type === 'ExecutionAlreadyExists') return;
      throw error;
    }
  }
}

export { createStepFunctionsClient, StepFunctionsWorkflowStarter };
