import type { AgentNotifier, AgentTask } from '../../domain/ports/AgentNotifier';
import { countRequest } from '../requestCounts';
import { SignedHttpClient } from '../SignedHttpClient';

/**
 * Pushes to agents over the WebSocket API (API Gateway on AWS,
 * serverless-offline locally) with the management API's PostToConnection:
 * `POST /@connections/{id}` on the API's endpoint (its stage included),
 * signed for `execute-api`. Sent by `SignedHttpClient` rather than
 * `@aws-sdk/client-apigatewaymanagementapi`: one REST call, whose SDK
 * client's per-call work was most of what it cost (ADR 13).
 */
class WebSocketAgentNotifier implements AgentNotifier {
  readonly #client: SignedHttpClient;

  constructor(options: { endpoint: string; region: string }) {
    this.#client = new SignedHttpClient({
      service: 'execute-api',
      region: options.region,
      endpoint: options.endpoint,
      requestTimeout: 10_000,
    });
  }

  async push(connectionId: string, tasks: readonly AgentTask[]): Promise<boolean> {
    countRequest('ApiGatewayManagementApi.PostToConnection');
    const { status, body } = await this.#client.post(
      `/@connections/${encodeURIComponent(connectionId)}`,
      { 'content-type': 'application/json' },
      JSON.stringify({ type: 'tasks', tasks }),
      true,
    );
    if (status >= 200 && status < 300) return true;
    // Gone: the agent left, and will resync when it connects again.
    if (status === 410) return false;
    throw new Error(`PostToConnection answered ${status}: ${body.slice(0, 200)}`);
  }
}

export { WebSocketAgentNotifier };
