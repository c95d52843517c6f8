import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type EcsError, SerializationException, UnknownOperationException } from '../domain/errors';
import { isJsonObject, type JsonObject } from '../domain/validation/shape';

/**
 * The AWS JSON protocols: 1.1 as ECS and Application Auto Scaling speak it,
 * 1.0 as CloudWatch does (the local endpoint's). Both are `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>`, a JSON object body, timestamps as
 * epoch seconds, errors as `{"__type", "message"}`; they differ only in the
 * content type, which the answer echoes. CloudWatch is also "query
 * compatible": an error carries its old Query-protocol code in
 * `x-amzn-query-error: <code>;Sender`, which the SDKs and the CLI read.
 */

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const JSON_1_0 = 'application/x-amz-json-1.0';

interface ProtocolRequest {
  /** `AmazonEC2ContainerServiceV20141113.RunTask` → prefix and operation. */
  readonly target: string;
  readonly body: JsonObject;
}

/** The JSON protocol version the request speaks, as its content type says (1.1 unless 1.0). */
const contentTypeOf = (event: Pick<APIGatewayProxyEventV2, 'headers'> | undefined): string =>
  event && header(event as APIGatewayProxyEventV2, 'content-type')?.startsWith(JSON_1_0)
    ? JSON_1_0
    : CONTENT_TYPE;

const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

/** Reads the target and the body, refusing what is not a JSON object with the protocol's errors. */
const parseRequest = (event: APIGatewayProxyEventV2): ProtocolRequest => {
  const target = header(event, 'x-amz-target');
  if (target === undefined || target === '') {
    throw new UnknownOperationException('The request has no X-Amz-Target header.');
  }
  const text = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (text.trim() === '') return { target, body: {} };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SerializationException('The request body is not valid JSON.');
  }
  if (!isJsonObject(body)) {
    throw new SerializationException('The request body must be a JSON object.');
  }
  return { target, body };
};

/**
 * JSON with `Date` values as epoch seconds (with milliseconds as the
 * fraction), as the AWS SDKs expect. `JSON.stringify` calls `toJSON` before a
 * replacer sees the value, so the replacer looks at the holder's raw member.
 */
const toWireJson = (value: unknown): string =>
  JSON.stringify(value, function replacer(this: Record<string, unknown>, key, serialized) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : serialized;
  });

const respond = (
  statusCode: number,
  payload: unknown,
  requestId: string,
  contentType: string = CONTENT_TYPE,
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
  body: toWireJson(payload ?? {}),
});

const respondWithError = (
  error: EcsError,
  requestId: string,
  event?: Pick<APIGatewayProxyEventV2, 'headers'>,
): APIGatewayProxyStructuredResultV2 => {
  const response = respond(error.statusCode, error.toJSON(), requestId, contentTypeOf(event));
  // Only CloudWatch (the one JSON 1.0 service here) is query-compatible: botocore
  // would read the header on an ECS error too and name it by the Query code.
  const queryCode =
    contentTypeOf(event) === JSON_1_0
      ? (error as EcsError & { queryErrorCode?: unknown }).queryErrorCode
      : undefined;
  return {
    ...response,
    headers: {
      ...response.headers,
      'x-amzn-errortype': error.errorType,
      ...(typeof queryCode === 'string' ? { 'x-amzn-query-error': `${queryCode};Sender` } : {}),
    },
  };
};

export type { ProtocolRequest };
export { CONTENT_TYPE, contentTypeOf, parseRequest, respond, respondWithError, toWireJson };
