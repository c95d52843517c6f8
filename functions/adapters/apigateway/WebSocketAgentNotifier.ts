import type { AgentNotifier, AgentTask } from '../../domain/ports/AgentNotifier';
import { countRequest } from '../requestCounts';
import { SignedHttpClient } from '../SignedHttpClient';
import { sendRetried } from '../transientFailures';

const PUSH_ATTEMPTS = 3;

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

  /**
   * Tried up to three times when no answer comes (a kept-alive connection
   * the server had just closed: ECONNRESET, under load) or the API answers
   * 429 or 5xx, as the SDK's client would: a push the agent gets twice is
   * harmless (it reconciles to the tasks it is told), while a lost one left
   * a StopTask, a workflow step or a scheduler round failing with it.
   */
  async push(connectionId: string, tasks: readonly AgentTask[]): Promise<boolean> {
    // One count per call, tries included, as AwsJsonClient counts its calls.
    countRequest('ApiGatewayManagementApi.PostToConnection');
    const path = `/@connections/${encodeURIComponent(connectionId)}`;
    const message = JSON.stringify({ type: 'tasks', tasks });
    const { status, body } = await sendRetried(
      () => this.#client.post(path, { 'content-type': 'application/json' }, message, true),
      PUSH_ATTEMPTS,
    );
    if (status >= 200 && status < 300) return true;
    // Gone: the agent left, and will resync when it connects again.
    if (status === 410) return false;
    throw new Error(`PostToConnection answered ${status}: ${body.slice(0, 200)}`);
  }
}

export { WebSocketAgentNotifier };
