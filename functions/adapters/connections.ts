import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpRequest } from '@smithy/types';

/*
 * How Berth's clients reach their services: the SDK clients that remain
 * (CloudWatch) through `connectionSettings`, and `SignedHttpClient` (the
 * JSON and REST calls of ADR 13) through `isLocalEndpoint` and
 * `LOCAL_AUTHORIZATION`, so that both treat this machine's parts alike.
 */

/**
 * The request signer for Berth's own calls to the parts of the local stack
 * (DynamoDB Local, the Step Functions and events servers,
 * serverless-offline's Lambda and WebSocket endpoints), which verify no
 * signature: an `Authorization` header of the right shape, not computed.
 * DynamoDB Local reads the access key from it (and wants one); nothing
 * checks the rest.
 *
 * Why: signing was half of what each of these calls cost the handlers in CPU
 * (1.4 → 0.6 ms per GetItem, measured with 1,500 calls each way), and a
 * task makes about fifteen of them. On AWS (no endpoint override) every
 * request is signed as always; requests to Berth itself are not affected.
 */
const LOCAL_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=berth/20000101/us-east-1/local/aws4_request, SignedHeaders=host, Signature=0';

const localSigner = {
  sign: async (request: HttpRequest): Promise<HttpRequest> => {
    request.headers.authorization = LOCAL_AUTHORIZATION;
    return request;
  },
};

/** Plain HTTP to this machine: a part of the local stack, never an AWS endpoint. */
const LOCAL_ENDPOINT = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Whether `endpoint` is a part of the local stack, whose calls go unsigned. */
const isLocalEndpoint = (endpoint: string | undefined): boolean =>
  endpoint !== undefined && LOCAL_ENDPOINT.test(endpoint);

/** Client settings for a part reached at `endpoint`: unsigned when it is on this machine. */
const signingFor = (endpoint: string | undefined): { signer?: typeof localSigner } =>
  isLocalEndpoint(endpoint) ? { signer: localSigner } : {};

/**
 * How every Berth SDK client reaches its service: the endpoint override when
 * there is one (a local part), unsigned toward this machine, and keep-alive
 * connections, so that no request pays for a new socket.
 */
const connectionSettings = (
  endpoint: string | undefined,
  handler: { maxSockets?: number; connectionTimeout?: number; requestTimeout?: number } = {},
) => {
  const { maxSockets, ...timeouts } = handler;
  const agent = { keepAlive: true, ...(maxSockets === undefined ? {} : { maxSockets }) };
  return {
    ...(endpoint ? { endpoint } : {}),
    ...signingFor(endpoint),
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agent),
      httpsAgent: new HttpsAgent(agent),
      ...timeouts,
    }),
  };
};

/**
 * Every Berth SDK client builds each command's middleware chain once and
 * reuses it. The SDK otherwise resolves the whole chain on every call, a
 * tenth of what a call cost the handlers in serverless-offline's profile
 * under `e2e` (ADR 10). Nothing is added to these clients' stacks after
 * construction, which is what the cache requires.
 */
const REUSED_MIDDLEWARE = { cacheMiddleware: true } as const;

export { connectionSettings, isLocalEndpoint, LOCAL_AUTHORIZATION, REUSED_MIDDLEWARE, signingFor };
