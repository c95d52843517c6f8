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
import { permission, permissionFor } from '../domain/iam/actions';
import { authorize } from '../domain/iam/authorize';
import { InvalidActionException } from '../domain/iam/errors';
import { errorBoundary } from '../middleware/errorBoundary';
import { arrivedRequest, authenticate } from './auth/authenticate';
import { CLOUDWATCH_TARGET_PREFIX } from './cloudwatch';
import { iamOperations, stsOperations } from './iam';
import { operations } from './operations';
import { contentTypeOf, parseRequest, respond } from './protocol';
import { isQueryRequest, parseQueryParameters, respondQuery } from './query';
import { AUTOSCALING_TARGET_PREFIX, BERTH_TARGET_PREFIX, ECS_TARGET_PREFIX } from './registry';

/**
 * `POST /`: the one endpoint. AWS JSON (ECS, Application Auto Scaling,
 * CloudWatch locally, Berth's usage) by `X-Amz-Target`; the Query protocol
 * (IAM, STS) by a form-encoded body. Every request is authenticated (SigV4)
 * and authorized (IAM policies) before its operation runs; errors leave
 * through the boundary, in the protocol the request spoke.
 */

/** Per target prefix: the name requests are signed with, and the prefix of IAM's actions. */
const SERVICES: Readonly<
  Record<
    string,
    { signingName: string; iam: 'ecs' | 'application-autoscaling' | 'cloudwatch' | 'berth' }
  >
> = {
  [ECS_TARGET_PREFIX]: { signingName: 'ecs', iam: 'ecs' },
  [AUTOSCALING_TARGET_PREFIX]: {
    signingName: 'application-autoscaling',
    iam: 'application-autoscaling',
  },
  [CLOUDWATCH_TARGET_PREFIX]: { signingName: 'monitoring', iam: 'cloudwatch' },
  [BERTH_TARGET_PREFIX]: { signingName: 'berth', iam: 'berth' },
};

const dispatchJson = async (
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  deps: Dependencies,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const { target, body } = parseRequest(event);
  countRequest(`api.${target}`);
  const [prefix = '', name = ''] = target.split('.', 2);
  const service = Object.hasOwn(SERVICES, prefix) ? SERVICES[prefix] : undefined;
  const principal = await authenticate(arrivedRequest(event), service?.signingName ?? 'ecs', deps);
  const registry = operations(deps);
  const operation = Object.hasOwn(registry, target) ? registry[target] : undefined;
  if (!operation || !service) {
    throw new UnknownOperationException(`Unknown operation ${target}.`);
  }
  if (prefix === ECS_TARGET_PREFIX) deps.throttle?.take(name);
  // The root may do everything: what a call needs is worked out for users only.
  if (principal.kind !== 'root') {
    await authorize(principal, permissionFor(service.iam, name, body, deps.config), async (arn) => {
      const tags = await deps.tagging.list(arn).catch(() => []);
      return Object.fromEntries(tags.map((tag) => [tag.key ?? '', tag.value ?? '']));
    });
  }
  return respond(
    200,
    await operation(body, deps, principal),
    context.awsRequestId,
    contentTypeOf(event),
  );
};

/** IAM's and STS's API versions, with the name their requests are signed with. */
const QUERY_SERVICES = {
  '2010-05-08': { signingName: 'iam', operations: iamOperations },
  '2011-06-15': { signingName: 'sts', operations: stsOperations },
} as const;

const dispatchQuery = async (
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  deps: Dependencies,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const params = parseQueryParameters(event);
  const version = params.get('Version') ?? '';
  const action = params.get('Action') ?? '';
  countRequest(`api.${action}`);
  const service = Object.hasOwn(QUERY_SERVICES, version)
    ? QUERY_SERVICES[version as keyof typeof QUERY_SERVICES]
    : undefined;
  const principal = await authenticate(arrivedRequest(event), service?.signingName ?? 'iam', deps);
  const operation =
    service && Object.hasOwn(service.operations, action) ? service.operations[action] : undefined;
  if (!service || !operation) {
    throw new InvalidActionException(`Could not find operation ${action} for version ${version}`);
  }
  if (service.signingName === 'iam') {
    const userName = operation.user?.(params, principal);
    const resource = userName === undefined ? '*' : deps.identities.userArn(userName);
    await authorize(principal, permission(`iam:${action}`, [resource]));
  }
  const result = await operation.run(params, principal, deps.identities);
  return respondQuery(action, version, result, context.awsRequestId);
};

const dispatch = (
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  deps: Dependencies = dependencies(),
): Promise<APIGatewayProxyStructuredResultV2> =>
  isQueryRequest(event) ? dispatchQuery(event, context, deps) : dispatchJson(event, context, deps);

const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
  .use(errorBoundary(logger))
  .handler((event: APIGatewayProxyEventV2, context: Context) => dispatch(event, context));

export { dispatch, handler };
