import type { Readable } from 'node:stream';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as IHttpRequest } from '@smithy/types';
import { connectionSettings } from './connections';

/**
 * One AWS request, signed by the SDK's own SigV4 signer with the function's
 * credentials and sent through the transport every client uses
 * (`connectionSettings`: keep-alive, unsigned toward a part of the local
 * stack). For the single calls Berth makes to services whose whole SDK
 * client would weigh on every cold start (Lambda's Invoke, Secrets Manager's
 * GetSecretValue; ADR 10).
 */
class SignedHttpClient {
  readonly #url: URL;
  readonly #signer: { sign(request: IHttpRequest): Promise<IHttpRequest> };
  readonly #handler: NodeHttpHandler;

  constructor(options: {
    service: string;
    region: string;
    endpoint?: string | undefined;
    requestTimeout: number;
  }) {
    this.#url = new URL(
      options.endpoint ?? `https://${options.service}.${options.region}.amazonaws.com`,
    );
    const settings = connectionSettings(options.endpoint, {
      requestTimeout: options.requestTimeout,
    });
    this.#handler = settings.requestHandler;
    this.#signer =
      settings.signer ??
      new SignatureV4({
        service: options.service,
        region: options.region,
        credentials: fromEnv(),
        sha256: Hash.bind(null, 'sha256'),
      });
  }

  /** POSTs `body` to `path`; the status, and the body when `read` asks for it (else drained). */
  async post(
    path: string,
    headers: Record<string, string>,
    body: string,
    read = false,
  ): Promise<{ status: number; body: string }> {
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.#url.protocol,
      hostname: this.#url.hostname,
      ...(this.#url.port === '' ? {} : { port: Number(this.#url.port) }),
      path,
      headers: {
        host: this.#url.host,
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      },
      body,
    });
    const signed = new HttpRequest(await this.#signer.sign(request));
    const { response } = await this.#handler.handle(signed);
    const stream = response.body as Readable | undefined;
    if (!read) {
      // Drained, so that the keep-alive socket goes back to the pool.
      stream?.resume();
      return { status: response.statusCode, body: '' };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stream ?? []) chunks.push(Buffer.from(chunk as Uint8Array));
    return { status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') };
  }
}

export { SignedHttpClient };
