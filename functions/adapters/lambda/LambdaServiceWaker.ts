import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { logger } from '../../config/logger';
import type { ServiceWaker } from '../../domain/ports/ServiceWaker';
import { connectionSettings } from '../connections';
import { countRequests } from '../requestCounts';

/**
 * Wakes the service scheduler by invoking its function asynchronously
 * (`InvocationType: Event`): on AWS through Lambda, locally through
 * serverless-offline's invoke endpoint. Best effort: the change that asked
 * for it is already committed, and the scheduler's sweep (every minute)
 * repairs what a lost wake-up leaves undone.
 */
class LambdaServiceWaker implements ServiceWaker {
  readonly #client: LambdaClient;

  constructor(
    options: { region: string; endpoint?: string | undefined },
    private readonly functionName: string,
  ) {
    this.#client = new LambdaClient({
      region: options.region,
      maxAttempts: 3,
      ...connectionSettings(options.endpoint),
    });
    countRequests(this.#client.middlewareStack, 'Lambda');
  }

  async wake(cluster: string, serviceName: string): Promise<void> {
    try {
      await this.#client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ cluster, service: serviceName })),
        }),
      );
    } catch (error) {
      logger.error('Could not wake the service scheduler', { error, cluster, serviceName });
    }
  }
}

export { LambdaServiceWaker };
