import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Dependencies } from '../../config/dependencies';
import { UnrecognizedClientException } from '../../domain/iam/errors';
import { type Principal, rootPrincipal } from '../../domain/iam/model';
import { type ArrivedRequest, readSignatureClaim, verifySignature } from './sigv4';

/**
 * Who sent a request: the principal of the access key that signed it, once
 * the signature is verified; the first failure is ECS's error and nothing of
 * the request is acted on. Without verification (`BERTH_AUTH=none`, local
 * only) every caller is the account's root, as on LocalStack.
 */

/** Header names as SigV4 compares them: lower-cased. */
const lowerCased = (
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );

/** The request as API Gateway's HTTP API (payload 2.0) hands it over. */
const arrivedRequest = (event: APIGatewayProxyEventV2): ArrivedRequest => ({
  method: event.requestContext?.http?.method ?? 'POST',
  path: event.rawPath || '/',
  rawQuery: event.rawQueryString ?? '',
  headers: lowerCased(event.headers),
  body: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
});

const authenticate = async (
  request: ArrivedRequest,
  service: string,
  deps: Pick<Dependencies, 'config' | 'identities' | 'clock'>,
): Promise<Principal> => {
  if (deps.config.auth === 'none') return rootPrincipal(deps.config.accountId, '', '');
  const claim = readSignatureClaim(request);
  // Berth issues no temporary credentials: a session token is none of its own.
  if (claim.sessionToken !== undefined) throw new UnrecognizedClientException();
  const principal = await deps.identities.principalOf(claim.accessKeyId);
  if (!principal) throw new UnrecognizedClientException();
  verifySignature(request, claim, principal.secret, {
    region: deps.config.region,
    service,
    now: new Date(deps.clock.now()),
  });
  return principal;
};

export { arrivedRequest, authenticate, lowerCased };
