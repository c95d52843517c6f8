import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { AgentNotifier, AgentTask } from '../../domain/ports/AgentNotifier';
import { connectionSettings, REUSED_MIDDLEWARE } from '../connections';
import { countRequests } from '../requestCounts';

/**
 * Pushes to agents over the WebSocket API (API Gateway on AWS,
 * serverless-offline locally) with PostToConnection.
 */
class WebSocketAgentNotifier implements AgentNotifier {
  readonly #client: ApiGatewayManagementApiClient;

  constructor(options: { endpoint: string; region: string }) {
    this.#client = new ApiGatewayManagementApiClient({
      region: options.region,
      maxAttempts: 2,
      ...connectionSettings(options.endpoint),
      ...REUSED_MIDDLEWARE,
    });
    countRequests(this.#client.middlewareStack, 'ApiGatewayManagementApi');
  }

  async push(connectionId: string, tasks: readonly AgentTask[]): Promise<boolean> {
    try {
      await this.#client.send(
        new PostToConnectionCommand({
          ConnectionId: connectionId,
          Data: Buffer.from(JSON.stringify({ type: 'tasks', tasks })),
        }),
      );
      return true;
    } catch (error) {
      // A gone client is a bare 410 (offline raises no GoneException instance): the agent
      // left and will resync when it connects again.
      if (
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410
      ) {
        return false;
      }
      throw error;
    }
  }
}

export { WebSocketAgentNotifier };
