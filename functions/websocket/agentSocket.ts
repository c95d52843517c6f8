import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';
import { clusterNameFrom } from '../domain/arns';
import { instanceIdFrom } from '../domain/containerInstances/ContainerInstanceService';

/**
 * The agents' WebSocket (docs/agent-protocol.md): `$connect` ties the
 * connection to a container instance, `$default` answers `sync` and
 * `heartbeat` with the instance's whole task list (so a push lost on the way
 * is repaired within a heartbeat), `$disconnect` marks the agent gone.
 */

type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  queryStringParameters?: Record<string, string | undefined>;
};

const reply = (statusCode: number, body = ''): APIGatewayProxyResultV2 => ({ statusCode, body });

const connect = async (event: ConnectEvent): Promise<APIGatewayProxyResultV2> => {
  const deps = dependencies();
  const query = event.queryStringParameters ?? {};
  const reference = query.containerInstance;
  if (!reference) return reply(400, 'containerInstance is required');
  try {
    const cluster = clusterNameFrom(query.cluster);
    const id = instanceIdFrom(reference);
    const instance = await deps.instanceRepository.get(cluster, id);
    if (!instance || instance.status === 'INACTIVE')
      return reply(404, 'unknown container instance');
    const now = Date.now();
    const connectionId = event.requestContext.connectionId;
    await deps.instanceRepository.saveConnection(connectionId, cluster, id, now);
    await deps.instanceRepository.recordConnection(cluster, id, connectionId, now);
    return reply(200);
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
  const owner = await deps.instanceRepository.findConnection(connectionId);
  if (!owner) return reply(404, 'unknown connection');
  let action: unknown;
  try {
    action = (JSON.parse(event.body ?? '{}') as { action?: unknown }).action;
  } catch {
    return reply(400, 'messages are JSON');
  }
  if (action !== 'sync' && action !== 'heartbeat') return reply(400, 'unknown action');
  const now = Date.now();
  await deps.instanceRepository.recordConnection(owner.cluster, owner.id, connectionId, now);
  const tasks = await deps.tasks.tasksForInstance(owner.cluster, owner.id);
  await deps.agents.push(connectionId, tasks);
  return reply(200);
};

const disconnect = async (
  event: APIGatewayProxyWebsocketEventV2,
): Promise<APIGatewayProxyResultV2> => {
  const deps = dependencies();
  const owner = await deps.instanceRepository.findConnection(event.requestContext.connectionId);
  if (owner) {
    const instance = await deps.instanceRepository.get(owner.cluster, owner.id);
    // A newer connection may already have replaced this one.
    if (instance?.connectionId === event.requestContext.connectionId) {
      await deps.instanceRepository.recordConnection(
        owner.cluster,
        owner.id,
        undefined,
        Date.now(),
      );
    }
  }
  return reply(200);
};

export { connect, disconnect, message };
