import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { countRequest } from '../adapters/requestCounts';
import { type Dependencies, dependencies } from '../config/dependencies';
import { logger } from '../config/logger';
import { UnknownOperationException } from '../domain/errors';
import { errorBoundary } from '../middleware/errorBoundary';
import { autoScalingOperations } from './autoscaling';
import { berthOperations } from './berth';
import { cloudWatchOperations } from './cloudwatch';
import { ecsOperations } from './ecs';
import { contentTypeOf, parseRequest, respond } from './protocol';
import type { OperationRegistry } from './registry';

/**
 * `POST /`: the AWS JSON 1.1 endpoint. Reads the target, finds the operation
 * in the registry, runs it, and answers; errors leave through the boundary.
 */

/** Where Berth keeps the metrics itself (locally) it answers CloudWatch's reads of them too. */
const onAws: OperationRegistry = {
  ...ecsOperations,
  ...autoScalingOperations,
  ...berthOperations,
};
const local: OperationRegistry = { ...onAws, ...cloudWatchOperations };
const operations = (deps: Dependencies): OperationRegistry =>
  deps.config.metricsStore === 'table' ? local : onAws;

const dispatch = async (
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  deps: Dependencies = dependencies(),
): Promise<APIGatewayProxyStructuredResultV2> => {
  const { target, body } = parseRequest(event);
  countRequest(`api.${target}`);
  const registry = operations(deps);
  const operation = Object.hasOwn(registry, target) ? registry[target] : undefined;
  if (!operation) {
    throw new UnknownOperationException(`Unknown operation ${target}.`);
  }
  return respond(200, await operation(body, deps), context.awsRequestId, contentTypeOf(event));
};

const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
  .use(errorBoundary(logger))
  .handler((event: APIGatewayProxyEventV2, context: Context) => dispatch(event, context));

export { dispatch, handler };
