import type { Readable } from 'node:stream';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as IHttpRequest } from '@smithy/types';
import { logger } from '../../config/logger';
import type { ServiceWaker } from '../../domain/ports/ServiceWaker';
import { connectionSettings } from '../connections';
import { countRequest } from '../requestCounts';

/**
 * Wakes the service scheduler by invoking its function asynchronously
 * (Lambda's Invoke with `X-Amz-Invocation-Type: Event`): on AWS through
 * Lambda, signed with the function's credentials; locally through
 * serverless-offline's invoke endpoint. Best effort: the change that asked
 * for it is already committed, and the scheduler's sweep (every minute)
 * repairs what a lost wake-up leaves undone.
 *
 * Why not `@aws-sdk/client-lambda`: this one REST call is all Berth asks of
 * Lambda, and that client put 73 KB (its whole schema module) into every
 * bundle that touches a task, for a tenth of each cold start (ADR 10). The
 * request is signed by the SDK's own SigV4 signer and sent through the
 * transport every client uses (`connectionSettings`).
 */

class LambdaServiceWaker implements ServiceWaker {
  readonly #url: URL;
  readonly #signer: { sign(request: IHttpRequest): Promise<IHttpRequest> };
  readonly #handler: NodeHttpHandler;

  constructor(
    options: { region: string; endpoint?: string | undefined },
    private readonly functionName: string,
  ) {
    this.#url = new URL(options.endpoint ?? `https://lambda.${options.region}.amazonaws.com`);
    // The same transport as every other client: keep-alive, and unsigned
    // toward a part of the local stack (which verifies no signature).
    const settings = connectionSettings(options.endpoint, { requestTimeout: 5_000 });
    this.#handler = settings.requestHandler;
    this.#signer =
      settings.signer ??
      new SignatureV4({
        service: 'lambda',
        region: options.region,
        credentials: fromEnv(),
        sha256: Hash.bind(null, 'sha256'),
      });
  }

  async wake(cluster: string, serviceName: string): Promise<void> {
    countRequest('Lambda.Invoke');
    try {
      const status = await this.#invoke(JSON.stringify({ cluster, service: serviceName }));
      // Lambda accepts an `Event` invocation with 202.
      if (status !== 202) throw new Error(`Lambda answered ${status}`);
    } catch (error) {
      logger.error('Could not wake the service scheduler', { error, cluster, serviceName });
    }
  }

  async #invoke(body: string): Promise<number> {
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.#url.protocol,
      hostname: this.#url.hostname,
      ...(this.#url.port === '' ? {} : { port: Number(this.#url.port) }),
      path: `/2015-03-31/functions/${encodeURIComponent(this.functionName)}/invocations`,
      headers: {
        host: this.#url.host,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-invocation-type': 'Event',
      },
      body,
    });
    const signed = new HttpRequest(await this.#signer.sign(request));
    const { response } = await this.#handler.handle(signed);
    // Drained, so that the keep-alive socket goes back to the pool.
    (response.body as Readable | undefined)?.resume();
    return response.statusCode;
  }
}

export { LambdaServiceWaker };
