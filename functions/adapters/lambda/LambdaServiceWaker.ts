import { logger } from '../../config/logger';
import type { ServiceWaker } from '../../domain/ports/ServiceWaker';
import { countRequest } from '../requestCounts';
import { SignedHttpClient } from '../SignedHttpClient';
import { sendRetried } from '../transientFailures';
import { invocationPath } from './invocationPath';

const WAKE_ATTEMPTS = 3;

/**
 * Wakes the service scheduler by invoking its function asynchronously
 * (Lambda's Invoke with `X-Amz-Invocation-Type: Event`): on AWS through
 * Lambda, signed with the function's credentials; locally through
 * serverless-offline's invoke endpoint. Best effort: the change that asked
 * for it is already committed, and the scheduler's sweep (every minute)
 * repairs what a lost wake-up leaves undone.
 *
 * Why not `@aws-sdk/client-lambda`: this one REST call is all Berth asks of
 * Lambda, and that client put 73 KB (its whole schema module) into every
 * bundle that touches a task, for a tenth of each cold start (ADR 10). The
 * request is signed and sent by `SignedHttpClient`.
 */

class LambdaServiceWaker implements ServiceWaker {
  readonly #lambda: SignedHttpClient;

  constructor(
    options: { region: string; endpoint?: string | undefined },
    private readonly functionName: string,
  ) {
    this.#lambda = new SignedHttpClient({ service: 'lambda', ...options, requestTimeout: 5_000 });
  }

  async wake(cluster: string, serviceName: string): Promise<void> {
    countRequest('Lambda.Invoke');
    try {
      // A wake-up sent twice is harmless (the scheduler takes a lease); a lost one waits for the sweep.
      const { status } = await sendRetried(
        () =>
          this.#lambda.post(
            invocationPath(this.functionName),
            { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' },
            JSON.stringify({ cluster, service: serviceName }),
          ),
        WAKE_ATTEMPTS,
      );
      // Lambda accepts an `Event` invocation with 202.
      if (status !== 202) throw new Error(`Lambda answered ${status}`);
    } catch (error) {
      logger.error('Could not wake the service scheduler', { error, cluster, serviceName });
    }
  }
}

export { LambdaServiceWaker };
