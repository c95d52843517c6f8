import { createHash } from 'node:crypto';
import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { TaskLifecycleInput, WorkflowStarter } from '../../domain/ports/WorkflowStarter';
import { connectionSettings, REUSED_MIDDLEWARE } from '../connections';
import { countRequests } from '../requestCounts';

/**
 * Starts the Step Functions workflows of `statemachines/`. Executions are
 * named after what they work on, so that starting the same work twice is a
 * no-op: Step Functions refuses a second execution of one name (or, with the
 * same input, returns the first).
 */

const createStepFunctionsClient = (options: {
  region: string;
  endpoint?: string | undefined;
}): SFNClient => {
  const client = new SFNClient({
    region: options.region,
    maxAttempts: 5,
    ...connectionSettings(options.endpoint),
    ...REUSED_MIDDLEWARE,
  });
  countRequests(client.middlewareStack, 'SFN');
  return client;
};

/** Execution names are ≤ 80 characters of a restricted set; a hash keeps long family names legal. */
const executionName = (kind: string, subject: string): string =>
  `${kind}-${createHash('sha256').update(subject).digest('hex').slice(0, 40)}`;

class StepFunctionsWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly client: SFNClient,
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
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }),
      );
    } catch (error) {
      // The step already moved on (resumed by someone else, timed out, or stopped).
      if (
        error instanceof TaskTimedOut ||
        error instanceof TaskDoesNotExist ||
        error instanceof InvalidToken
      ) {
        return;
      }
      throw error;
    }
  }

  async #start(stateMachineArn: string, name: string, input: unknown): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
    } catch (error) {
      // Already started for this subject: the work is in hand.
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}

export { createStepFunctionsClient, StepFunctionsWorkflowStarter };
