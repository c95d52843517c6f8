import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { isLocalEndpoint, LOCAL_AUTHORIZATION } from './connections';

/**
 * One AWS request, signed by the SDK's own SigV4 signer with the function's
 * credentials (unsigned toward a part of the local stack, as every Berth
 * client: `isLocalEndpoint`), and sent with Node's own HTTP client over
 * keep-alive connections. It carries the calls Berth makes without an SDK
 * client: Lambda's Invoke, Secrets Manager's GetSecretValue (ADR 10), and
 * the JSON APIs of DynamoDB, EventBridge and Step Functions through
 * `AwsJsonClient` (ADR 13), where the SDK's per-call work, its HTTP handler
 * included, was most of what a call cost.
 */

/** A failure to get an answer, with the code the SDK's retry strategy knows it by. */
const networkError = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

class SignedHttpClient {
  readonly #url: URL;
  readonly #signer: SignatureV4 | undefined;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;
  readonly #requestTimeout: number;
  readonly #connectionTimeout: number;

  constructor(options: {
    service: string;
    region: string;
    endpoint?: string | undefined;
    requestTimeout: number;
    connectionTimeout?: number;
    maxSockets?: number;
  }) {
    this.#url = new URL(
      options.endpoint ?? `https://${options.service}.${options.region}.amazonaws.com`,
    );
    const https = this.#url.protocol === 'https:';
    const agentOptions = {
      keepAlive: true,
      ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
    };
    this.#agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.#request = https ? (httpsRequest as typeof httpRequest) : httpRequest;
    this.#requestTimeout = options.requestTimeout;
    this.#connectionTimeout = options.connectionTimeout ?? options.requestTimeout;
    // Toward this machine's parts no signature is computed (`LOCAL_AUTHORIZATION` stands in).
    this.#signer = isLocalEndpoint(options.endpoint)
      ? undefined
      : new SignatureV4({
          service: options.service,
          region: options.region,
          credentials: fromEnv(),
          sha256: Hash.bind(null, 'sha256'),
        });
  }

  /** The endpoint's own path (an API's stage, `/prod`) goes before every request's. */
  #fullPath(path: string): string {
    return `${this.#url.pathname.replace(/\/$/, '')}${path}`;
  }

  async #headers(
    path: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<Record<string, string>> {
    const all = {
      host: this.#url.host,
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    };
    if (!this.#signer) return { ...all, authorization: LOCAL_AUTHORIZATION };
    const signed = await this.#signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: this.#url.protocol,
        hostname: this.#url.hostname,
        ...(this.#url.port === '' ? {} : { port: Number(this.#url.port) }),
        path,
        headers: all,
        body,
      }),
    );
    return signed.headers;
  }

  /**
   * POSTs `body` to `path`; the status and headers of the answer, and its body
   * when `read` asks for it (else drained). Without an answer it throws an
   * error whose `code` says why (ETIMEDOUT, ECONNREFUSED, ECONNRESET, …).
   * A timeout of 0 waits as long as it takes.
   */
  async post(
    path: string,
    headers: Record<string, string>,
    body: string,
    read = false,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    const fullPath = this.#fullPath(path);
    const signedHeaders = await this.#headers(fullPath, headers, body);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = this.#request(
        {
          method: 'POST',
          protocol: this.#url.protocol,
          hostname: this.#url.hostname,
          port: this.#url.port,
          path: fullPath,
          headers: signedHeaders,
          agent: this.#agent,
          timeout: this.#requestTimeout,
        },
        resolve,
      );
      request.once('timeout', () =>
        request.destroy(networkError(`No answer within ${this.#requestTimeout} ms`, 'ETIMEDOUT')),
      );
      request.once('socket', (socket) => {
        // Only a new socket connects; a kept-alive one is ready at once.
        if (!socket.connecting || this.#connectionTimeout === 0) return;
        const timer = setTimeout(
          () =>
            request.destroy(
              networkError(`Not connected within ${this.#connectionTimeout} ms`, 'ETIMEDOUT'),
            ),
          this.#connectionTimeout,
        );
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.once('error', reject);
      request.end(body);
    });
    const answer = { status: response.statusCode ?? 0, headers: response.headers };
    if (!read) {
      // Drained, so that the keep-alive socket goes back to the pool.
      response.resume();
      return { ...answer, body: '' };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { ...answer, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** Closes the kept-alive sockets. */
  destroy(): void {
    this.#agent.destroy();
  }
}

export { SignedHttpClient };
