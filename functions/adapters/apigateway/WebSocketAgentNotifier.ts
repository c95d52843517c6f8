import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AgentNotifier, AgentTask } from '../../domain/ports/AgentNotifier';
import { signingFor } from '../localSigner';
import { countRequests } from '../requestCounts';

/**
 * Pushes to agents over the WebSocket API (API Gateway on AWS,
 * serverless-offline locally) with PostToConnection.
 */
class WebSocketAgentNotifier implements AgentNotifier {
  readonly #client: ApiGatewayManagementApiClient;

  constructor(options: { endpoint: string; region: string }) {
    this.#client = new ApiGatewayManagementApiClient({
      endpoint: options.endpoint,
      ...signingFor(options.endpoint),
      region: options.region,
      maxAttempts: 2,
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true }),
        httpsAgent: new HttpsAgent({ keepAlive: true }),
      }),
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
