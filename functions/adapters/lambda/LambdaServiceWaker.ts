import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { logger } from '../../config/logger';
import type { ServiceWaker } from '../../domain/ports/ServiceWaker';
import { LOCAL_AUTHORIZATION, signingFor } from '../connections';
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
 * request is signed by the SDK's own SigV4 signer.
 */

/** SHA-256 (or its HMAC with a secret) over Node's crypto, as the signer wants it. */
class Sha256 implements Checksum {
  readonly #hash;

  constructor(secret?: SourceData) {
    this.#hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac(
            'sha256',
            typeof secret === 'string' ? secret : Buffer.from(secret as Uint8Array),
          );
  }

  update(data: Uint8Array | string): void {
    this.#hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    throw new Error('Sha256.reset is not supported');
  }
}

class LambdaServiceWaker implements ServiceWaker {
  readonly #url: URL;
  /** Undefined toward a part of the local stack, which verifies no signature. */
  readonly #signer: SignatureV4 | undefined;
  readonly #agent: HttpAgent | HttpsAgent;

  constructor(
    options: { region: string; endpoint?: string | undefined },
    private readonly functionName: string,
  ) {
    this.#url = new URL(options.endpoint ?? `https://lambda.${options.region}.amazonaws.com`);
    this.#signer =
      signingFor(options.endpoint).signer === undefined
        ? new SignatureV4({
            service: 'lambda',
            region: options.region,
            credentials: fromEnv(),
            sha256: Sha256,
          })
        : undefined;
    this.#agent =
      this.#url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true });
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
    const unsigned = {
      method: 'POST',
      protocol: this.#url.protocol,
      hostname: this.#url.hostname,
      ...(this.#url.port === '' ? {} : { port: Number(this.#url.port) }),
      path: `/2015-03-31/functions/${encodeURIComponent(this.functionName)}/invocations`,
      query: {},
      headers: {
        host: this.#url.host,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-invocation-type': 'Event',
      } as Record<string, string>,
      body,
    };
    const signed = this.#signer
      ? await this.#signer.sign(unsigned)
      : { ...unsigned, headers: { ...unsigned.headers, authorization: LOCAL_AUTHORIZATION } };
    const send = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(
        {
          method: signed.method,
          hostname: signed.hostname,
          port: signed.port,
          path: signed.path,
          headers: signed.headers,
          agent: this.#agent,
          timeout: 5_000,
        },
        (response) => {
          response.resume();
          response.once('end', () => resolve(response.statusCode ?? 0));
        },
      );
      outgoing.once('timeout', () => outgoing.destroy(new Error('Lambda did not answer in 5 s')));
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

export { LambdaServiceWaker, Sha256 };
