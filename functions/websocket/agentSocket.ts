import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { authenticate, lowerCased } from '../api/auth/authenticate';
import type { ArrivedRequest } from '../api/auth/sigv4';
import { type Dependencies, dependencies } from '../config/dependencies';
import { logger } from '../config/logger';
import { clusterArn, clusterNameFrom } from '../domain/arns';
import { instanceIdFrom } from '../domain/containerInstances/ContainerInstanceService';
import { permission } from '../domain/iam/actions';
import { authorize } from '../domain/iam/authorize';
import { AccessError } from '../domain/iam/errors';

/**
 * The agents' WebSocket (docs/agent-protocol.md): `$connect` ties the
 * connection to a container instance, `$default` answers `sync` and
 * `heartbeat` with the instance's whole task list (so a push lost on the way
 * is repaired within a heartbeat) and stores `metrics` (the tasks' usage, as
 * CloudWatch's utilization metrics), `$disconnect` marks the agent gone.
 */

type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  queryStringParameters?: Record<string, string | undefined>;
};

const reply = (statusCode: number, body = ''): APIGatewayProxyResultV2 => ({ statusCode, body });

/**
 * The `$connect` request as the agent signed it: a presigned GET of the
 * endpoint's path (`/`, or the stage's on AWS) with its query. API Gateway
 * hands the query over decoded; SigV4's canonical query is built from the
 * decoded pairs anyway, so encoding them again gives the same.
 */
const connectRequest = (event: ConnectEvent, deps: Dependencies): ArrivedRequest => ({
  method: 'GET',
  path: deps.config.offline ? '/' : `/${event.requestContext.stage}`,
  rawQuery: Object.entries(event.queryStringParameters ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value ?? '')}`)
    .join('&'),
  headers: lowerCased((event as { headers?: Record<string, string | undefined> }).headers),
  body: Buffer.alloc(0),
});

/**
 * Only a signed agent allowed `ecs:Poll` on the instance (as the ECS agent's
 * control channel is authorized) may connect for it.
 */
const admit = async (
  event: ConnectEvent,
  deps: Dependencies,
  cluster: string,
  reference: string,
) => {
  if (deps.config.auth === 'none') return;
  const principal = await authenticate(connectRequest(event, deps), 'ecs', deps);
  const name = clusterNameFrom(cluster);
  const id = instanceIdFrom(reference);
  await authorize(
    principal,
    permission(
      'ecs:Poll',
      [deps.containerInstances.instanceArn(name, id)],
      [['ecs:cluster', [clusterArn(deps.config, name)]]],
    ),
  );
  // An agent's key polls only for the instance it registered.
  if (principal.kind === 'user') {
    await deps.containerInstances.assertActsFor(principal.arn, name, id, 'ecs:Poll');
  }
};

const connect = async (event: ConnectEvent): Promise<APIGatewayProxyResultV2> => {
  const query = event.queryStringParameters ?? {};
  const reference = query.containerInstance;
  if (!reference) return reply(400, 'containerInstance is required');
  const deps = dependencies();
  try {
    await admit(event, deps, query.cluster ?? '', reference);
  } catch (error) {
    if (error instanceof AccessError) {
      logger.warn('Agent connection refused', { reason: error.message });
      return reply(403, `${error.errorType}: ${error.message}`);
    }
    logger.warn('Agent connection refused', { error });
    return reply(400, 'invalid connection parameters');
  }
  try {
    const owner = await deps.containerInstances.connectAgent(
      query.cluster,
      reference,
      event.requestContext.connectionId,
    );
    return owner ? reply(200) : reply(404, 'unknown container instance');
  } catch (error) {
    logger.warn('Agent connection refused', { error });
    return reply(400, 'invalid connection parameters');
  }
};

const message = async (
  event: APIGatewayProxyWebsocketEventV2,
): Promise<APIGatewayProxyResultV2> => {
  const deps = dependencies();
  const connectionId = event.requestContext.connectionId;
  let body: { action?: unknown };
  try {
    body = JSON.parse(event.body ?? '{}') as { action?: unknown };
  } catch {
    return reply(400, 'messages are JSON');
  }
  const action = body.action;
  if (action !== 'sync' && action !== 'heartbeat' && action !== 'metrics') {
    return reply(400, 'unknown action');
  }
  if (action === 'metrics') {
    // Usage only: neither a heartbeat nor a task list pushed back (heartbeats do both).
    const owner = await deps.containerInstances.ownerOf(connectionId);
    if (!owner) return reply(404, 'unknown connection');
    await deps.usage.record(owner, body);
    return reply(200);
  }
  const owner = await deps.containerInstances.agentHeard(connectionId);
  if (!owner) return reply(404, 'unknown connection');
  const tasks = await deps.tasks.reports.tasksForInstance(owner.cluster, owner.id);
  await deps.agents.push(connectionId, tasks);
  // A (re)connected agent can take tasks again: the cluster's services hear now,
  // once its socket is known to work (a push on a socket still connecting would fail).
  if (action === 'sync') await deps.containerInstances.agentReady(owner.cluster);
  return reply(200);
};

const disconnect = async (
  event: APIGatewayProxyWebsocketEventV2,
): Promise<APIGatewayProxyResultV2> => {
  await dependencies().containerInstances.agentLost(event.requestContext.connectionId);
  return reply(200);
};

export { connect, disconnect, message };
