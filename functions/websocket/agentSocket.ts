import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

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

const connect = async (event: ConnectEvent): Promise<APIGatewayProxyResultV2> => {
  const query = event.queryStringParameters ?? {};
  const reference = query.containerInstance;
  if (!reference) return reply(400, 'containerInstance is required');
  try {
    const owner = await dependencies().containerInstances.connectAgent(
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
