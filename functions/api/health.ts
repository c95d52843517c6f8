import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requestCounts } from '../adapters/requestCounts';
import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

/**
 * `GET /health`: 200 once every part Berth needs answers (the API itself,
 * DynamoDB, Step Functions), 503 otherwise; the body says which part is in
 * what state and, locally, how many requests the handlers have sent to each
 * service (`requests`, per operation, since the stack started).
 */

type PartState = 'ok' | 'unavailable';

const probe = async (name: string, check: () => Promise<unknown>): Promise<[string, PartState]> => {
  try {
    await check();
    return [name, 'ok'];
  } catch (error) {
    logger.warn('Health check failed', { part: name, error });
    return [name, 'unavailable'];
  }
};

const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => {
  const deps = dependencies();
  const parts = Object.fromEntries(
    await Promise.all([
      probe('dynamodb', () => deps.table.get({ pk: 'HEALTH', sk: 'HEALTH' })),
      probe('stepFunctions', () => deps.stepFunctions.call('ListStateMachines', { maxResults: 1 })),
    ]),
  );
  const healthy = Object.values(parts).every((state) => state === 'ok');
  return {
    statusCode: healthy ? 200 : 503,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      status: healthy ? 'ok' : 'unavailable',
      parts: { api: 'ok', ...parts },
      ...(deps.config.reportRequestCounts ? { requests: requestCounts() } : {}),
    }),
  };
};

export { handler };
