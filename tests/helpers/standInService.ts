import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  readSignatureClaim,
  type SignatureClaim,
  verifySignature,
} from '../../functions/api/auth/sigv4';

/**
 * A stand-in for an AWS JSON-protocol service, for adapters' unit tests: it
 * records each request (target, content type, parsed body) and answers what
 * `answer` says for it (200 `{}` until told otherwise).
 */

interface RecordedRequest {
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
  /** As it arrived, for checking its signature. */
  readonly raw: {
    readonly method: string;
    readonly url: string;
    readonly headers: Record<string, string>;
    readonly body: string;
  };
}

/** An address of this machine that is not loopback, so that requests to it are signed as on AWS. */
const outwardAddress = (): string =>
  Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address ?? '127.0.0.1';

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Checks a request as it arrived with Berth's own SigV4 verifier, against
 * `secret`, for `region` and `service`; its claim (key id and scope). Throws
 * when the signature does not hold.
 */
const verifiedClaim = (
  raw: {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  },
  secret: string,
  scope: { region: string; service: string },
): SignatureClaim => {
  const request = {
    method: raw.method,
    path: raw.url,
    rawQuery: '',
    headers: Object.fromEntries(
      Object.entries(raw.headers).map(([name, value]) => [name, String(value)]),
    ),
    body: Buffer.from(raw.body),
  };
  const claim = readSignatureClaim(request);
  verifySignature(request, claim, secret, { ...scope, now: new Date() });
  return claim;
};

class StandInService {
  readonly requests: RecordedRequest[] = [];
  /** What to answer; `'hang up'` closes the connection without an answer, as a server ending a kept-alive one. */
  answer: (request: RecordedRequest) => Answer | 'hang up' = () => ({ status: 200, body: {} });
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        const recorded: RecordedRequest = {
          target: request.headers['x-amz-target'] as string | undefined,
          contentType: request.headers['content-type'],
          body: text === '' ? {} : JSON.parse(text),
          raw: {
            method: request.method ?? '',
            url: request.url ?? '',
            headers: Object.fromEntries(
              Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
            ),
            body: text,
          },
        };
        this.requests.push(recorded);
        const answer = this.answer(recorded);
        if (answer === 'hang up') {
          request.socket.destroy();
          return;
        }
        const { status, body } = answer;
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(body));
      });
    });
  }

  static async start(): Promise<StandInService> {
    const service = new StandInService();
    await new Promise<void>((resolve) => service.#server.listen(0, '0.0.0.0', resolve));
    return service;
  }

  get #port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** On loopback: Berth's clients treat it as a part of the local stack (unsigned). */
  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** On this machine's outward address (loopback when it has none): signed as toward AWS. */
  get outwardEndpoint(): string {
    return `http://${outwardAddress()}:${this.#port}`;
  }

  /** Forgets the requests and answers 200 `{}` again. */
  reset(): void {
    this.requests.length = 0;
    this.answer = () => ({ status: 200, body: {} });
  }

  close(): Promise<void> {
    return new Promise((done) => this.#server.close(() => done()));
  }
}

export type { RecordedRequest };
export { outwardAddress, StandInService, verifiedClaim };
