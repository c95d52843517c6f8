import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
} from '../../domain/iam/errors';

/**
 * Signature Version 4, verified as AWS verifies it: the canonical request
 * (method, path, query, signed headers, the body's SHA-256) is rebuilt from
 * the request as it arrived, signed again with the caller's secret, and the
 * two signatures compared in constant time. Both forms are read: the
 * `Authorization` header (every SDK call) and the presigned query string (the
 * agents' WebSocket, as the ECS agent's control channel is signed).
 *
 * Written out rather than through `@smithy/signature-v4` (which only signs, and
 * whose request preparation adds headers of its own); the unit tests check it
 * against requests that the SDK's signer signed.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * @see ../shared/reference/security.md §1
 */

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Presigned URLs live at most a week, as SigV4 allows. */
const MAX_PRESIGNED_SECONDS = 604_800;

/** A request as it arrived on the wire. */
interface ArrivedRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded. */
  readonly path: string;
  /** The query string as sent (no `?`), still percent-encoded. */
  readonly rawQuery: string;
  /** Lower-cased names; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

/** What a request claims about its signature, before anything is checked. */
interface SignatureClaim {
  readonly accessKeyId: string;
  /** `20260101T000000Z`. */
  readonly amzDate: string;
  readonly scope: {
    readonly date: string;
    readonly region: string;
    readonly service: string;
    readonly terminator: string;
  };
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly sessionToken?: string;
  /** Presigned requests only: how long after `amzDate` the URL stays valid. */
  readonly expiresSeconds?: number;
}

/** RFC 3986 encoding, as SigV4 wants it: unreserved characters stay, every other byte is `%XX`. */
const uriEncode = (text: string): string =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** `a=1&b=%20` → pairs, decoded; `+` is a plus, not a space. */
const queryPairs = (rawQuery: string): Array<[string, string]> =>
  rawQuery === ''
    ? []
    : rawQuery.split('&').map((part) => {
        const equals = part.indexOf('=');
        const name = equals === -1 ? part : part.slice(0, equals);
        const value = equals === -1 ? '' : part.slice(equals + 1);
        return [safeDecode(name), safeDecode(value)];
      });

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const queryParameter = (rawQuery: string, name: string): string | undefined =>
  queryPairs(rawQuery).find(([key]) => key === name)?.[1];

const incomplete = (part: string, authorization: string) =>
  new IncompleteSignatureException(
    `Authorization header requires '${part}' parameter. Authorization=${authorization}`,
  );

const AMZ_DATE = /^\d{8}T\d{6}Z$/;

/** Reads `Credential=AKID/20260101/us-east-1/ecs/aws4_request`. */
const readCredential = (
  credential: string,
  source: string,
): Omit<SignatureClaim, 'amzDate' | 'signedHeaders' | 'signature'> => {
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || !terminator || rest.length > 0) {
    throw new IncompleteSignatureException(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'. Authorization=${source}`,
    );
  }
  return { accessKeyId, scope: { date, region, service, terminator } };
};

/** The date a signed request claims: `X-Amz-Date`, else the HTTP `Date` header. */
const requestDate = (request: ArrivedRequest, authorization: string): string => {
  const amzDate = request.headers['x-amz-date'];
  if (amzDate !== undefined) return amzDate;
  const httpDate = request.headers.date;
  if (httpDate !== undefined) {
    const parsed = new Date(httpDate);
    if (!Number.isNaN(parsed.getTime())) return toAmzDate(parsed);
  }
  throw new IncompleteSignatureException(
    `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`,
  );
};

const toAmzDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const fromAmzDate = (amzDate: string): number =>
  Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );

/**
 * What the request says about its signature: from its `Authorization`
 * header, else from its presigned query. A request with neither is
 * unauthenticated; one with a part missing is incomplete.
 */
const readSignatureClaim = (request: ArrivedRequest): SignatureClaim => {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    if (!authorization.startsWith(`${ALGORITHM} `)) {
      throw new IncompleteSignatureException(
        `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${authorization}`,
      );
    }
    const parts = new Map<string, string>();
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const equals = part.indexOf('=');
      if (equals !== -1) parts.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
    }
    const credential = parts.get('Credential');
    const signedHeaders = parts.get('SignedHeaders');
    const signature = parts.get('Signature');
    if (!credential) throw incomplete('Credential', authorization);
    if (!signedHeaders) throw incomplete('SignedHeaders', authorization);
    if (!signature) throw incomplete('Signature', authorization);
    const amzDate = requestDate(request, authorization);
    const sessionToken = request.headers['x-amz-security-token'];
    return {
      ...readCredential(credential, authorization),
      amzDate,
      signedHeaders: signedHeaders.split(';'),
      signature,
      ...(sessionToken !== undefined ? { sessionToken } : {}),
    };
  }
  const algorithm = queryParameter(request.rawQuery, 'X-Amz-Algorithm');
  if (algorithm === undefined) throw new MissingAuthenticationTokenException();
  const query = request.rawQuery;
  const credential = queryParameter(query, 'X-Amz-Credential');
  const amzDate = queryParameter(query, 'X-Amz-Date');
  const signedHeaders = queryParameter(query, 'X-Amz-SignedHeaders');
  const signature = queryParameter(query, 'X-Amz-Signature');
  const expires = queryParameter(query, 'X-Amz-Expires');
  const missing = [
    ['X-Amz-Credential', credential],
    ['X-Amz-Date', amzDate],
    ['X-Amz-SignedHeaders', signedHeaders],
    ['X-Amz-Signature', signature],
    ['X-Amz-Expires', expires],
  ].filter(([, value]) => !value);
  if (
    algorithm !== ALGORITHM ||
    missing.length > 0 ||
    !credential ||
    !amzDate ||
    !signedHeaders ||
    !signature ||
    !expires
  ) {
    throw new IncompleteSignatureException(
      `AWS query-string parameters must include ${missing.map(([name]) => `'${name}'`).join(', ') || `'X-Amz-Algorithm' ${ALGORITHM}`}. Re-examine the query-string parameters.`,
    );
  }
  const expiresSeconds = Number(expires);
  if (
    !Number.isInteger(expiresSeconds) ||
    expiresSeconds < 1 ||
    expiresSeconds > MAX_PRESIGNED_SECONDS
  ) {
    throw new InvalidSignatureException(
      `X-Amz-Expires must be an integer between 1 and ${MAX_PRESIGNED_SECONDS} seconds, got '${expires}'.`,
    );
  }
  const sessionToken = queryParameter(query, 'X-Amz-Security-Token');
  return {
    ...readCredential(credential, `${request.path}?${query}`),
    amzDate,
    signedHeaders: signedHeaders.split(';'),
    signature,
    expiresSeconds,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
};

/** Removes `.` and `..` segments, then encodes the (still-encoded) path again, as for every service but S3. */
const canonicalPath = (path: string): string => {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '.' || segment === '') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${path.endsWith('/') && segments.length > 0 ? '/' : ''}`;
  return normalized
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
};

const canonicalQuery = (rawQuery: string, presigned: boolean): string =>
  queryPairs(rawQuery)
    .filter(([name]) => !(presigned && name === 'X-Amz-Signature'))
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

const sha256Hex = (data: Buffer | string): string =>
  createHash('sha256').update(data).digest('hex');

/** The canonical request of SigV4 for this request and these signed headers. */
const canonicalRequest = (request: ArrivedRequest, claim: SignatureClaim): string => {
  const presigned = claim.expiresSeconds !== undefined;
  const headerLines = [...claim.signedHeaders]
    .sort()
    .map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const bodyHash = presigned ? sha256Hex(request.body) : payloadHash(request);
  return [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.rawQuery, presigned),
    headerLines,
    [...claim.signedHeaders].sort().join(';'),
    bodyHash,
  ].join('\n');
};

/** The body's hash; a signed `x-amz-content-sha256` must be that same hash. */
const payloadHash = (request: ArrivedRequest): string => {
  const actual = request.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(request.body);
  const declared = request.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== actual) {
    throw new InvalidSignatureException(
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  return actual;
};

/** Signing keys are derived once per secret, day, region and service. */
const signingKeys = new Map<string, Buffer>();
const signingKey = (secret: string, scope: SignatureClaim['scope']): Buffer => {
  const cacheKey = `${secret}/${scope.date}/${scope.region}/${scope.service}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  const dateKey = createHmac('sha256', `AWS4${secret}`).update(scope.date).digest();
  const regionKey = createHmac('sha256', dateKey).update(scope.region).digest();
  const serviceKey = createHmac('sha256', regionKey).update(scope.service).digest();
  const key = createHmac('sha256', serviceKey).update('aws4_request').digest();
  if (signingKeys.size >= 256) signingKeys.clear();
  signingKeys.set(cacheKey, key);
  return key;
};

/** The signature this request should carry if it was signed with `secret`. */
const expectedSignature = (
  request: ArrivedRequest,
  claim: SignatureClaim,
  secret: string,
): string => {
  const { scope } = claim;
  const stringToSign = [
    ALGORITHM,
    claim.amzDate,
    `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`,
    sha256Hex(canonicalRequest(request, claim)),
  ].join('\n');
  return createHmac('sha256', signingKey(secret, scope)).update(stringToSign).digest('hex');
};

interface VerificationContext {
  /** The region the endpoint serves: the scope must name it. */
  readonly region: string;
  /** The signing name the request's protocol uses (`ecs`, `iam`, `sts`, …). */
  readonly service: string;
  readonly now: Date;
  /** ECS allows 5 minutes either way. */
  readonly skewSeconds?: number;
}

/**
 * Checks the claim's scope, its time and its signature against `secret`;
 * throws ECS's error for the first that fails.
 */
const verifySignature = (
  request: ArrivedRequest,
  claim: SignatureClaim,
  secret: string,
  context: VerificationContext,
): void => {
  const { scope } = claim;
  if (!AMZ_DATE.test(claim.amzDate)) {
    throw new IncompleteSignatureException(
      `Date must be in ISO-8601 'basic format'. Got '${claim.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  if (scope.terminator !== 'aws4_request') {
    throw new InvalidSignatureException(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'. `,
    );
  }
  if (scope.region !== context.region) {
    throw new InvalidSignatureException(
      `Credential should be scoped to a valid region, not '${scope.region}'. `,
    );
  }
  if (scope.service !== context.service) {
    throw new InvalidSignatureException(
      `Credential should be scoped to correct service: '${context.service}'. `,
    );
  }
  if (scope.date !== claim.amzDate.slice(0, 8)) {
    throw new InvalidSignatureException(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${claim.amzDate.slice(0, 8)}', from '${claim.amzDate}'.`,
    );
  }
  if (!claim.signedHeaders.includes('host')) {
    throw new InvalidSignatureException(
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  checkTime(claim, context);
  const expected = Buffer.from(expectedSignature(request, claim, secret));
  const given = Buffer.from(claim.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidSignatureException();
  }
};

const checkTime = (claim: SignatureClaim, context: VerificationContext): void => {
  const signedAt = fromAmzDate(claim.amzDate);
  const now = context.now.getTime();
  const skew = (context.skewSeconds ?? 300) * 1000;
  const minutes = `${(context.skewSeconds ?? 300) / 60} min.`;
  const nowText = toAmzDate(context.now);
  if (claim.expiresSeconds !== undefined) {
    if (now > signedAt + claim.expiresSeconds * 1000) {
      throw new InvalidSignatureException(
        `Signature expired: ${claim.amzDate} is now earlier than ${toAmzDate(new Date(now - claim.expiresSeconds * 1000))} (${nowText} - ${claim.expiresSeconds} sec.)`,
      );
    }
    if (signedAt > now + skew) {
      throw new InvalidSignatureException(
        `Signature not yet current: ${claim.amzDate} is still later than ${toAmzDate(new Date(now + skew))} (${nowText} + ${minutes})`,
      );
    }
    return;
  }
  if (signedAt < now - skew) {
    throw new InvalidSignatureException(
      `Signature expired: ${claim.amzDate} is now earlier than ${toAmzDate(new Date(now - skew))} (${nowText} - ${minutes})`,
    );
  }
  if (signedAt > now + skew) {
    throw new InvalidSignatureException(
      `Signature not yet current: ${claim.amzDate} is still later than ${toAmzDate(new Date(now + skew))} (${nowText} + ${minutes})`,
    );
  }
};

export type { ArrivedRequest, SignatureClaim, VerificationContext };
export { readSignatureClaim, verifySignature };
