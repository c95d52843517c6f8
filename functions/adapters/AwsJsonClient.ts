import { countRequest } from './requestCounts';
import { SignedHttpClient } from './SignedHttpClient';
import { sendRetried, TRANSIENT_TYPES } from './transientFailures';

/**
 * Calls to a service that speaks AWS's JSON protocol (DynamoDB, EventBridge,
 * Step Functions): one signed POST per call, with `X-Amz-Target` naming the
 * operation, the body as given, and the answer parsed as JSON. Errors come
 * back as `AwsJsonError` (the `__type`'s short name, the message, the whole
 * body), and transient failures are retried as the SDK's standard retry
 * strategy does.
 *
 * Why not the SDK clients on this path: in serverless-offline's profile
 * under `npm run bench -- e2e`, the SDK's per-call machinery (middleware,
 * schema serialisation, endpoint and credential resolution) was three
 * quarters of the handlers' own CPU, for about thirteen calls per task.
 * This does what those calls need in a fraction of it (ADR 13). The SDK's
 * own signer signs every request bound for AWS (`SignedHttpClient`).
 */

interface AwsJsonProtocol {
  /** The signing name, also the host's first label: `dynamodb`, `events`, `states`. */
  readonly service: string;
  /** What goes before the operation in `X-Amz-Target`: `DynamoDB_20120810`, `AWSEvents`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
}

/** A service's error answer: `type` is the short name (`ConditionalCheckFailedException`). */
class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
    this.name = type;
  }
}

/** What the SDK's standard retry strategy retries (`@smithy/core`'s retry classification). */
const THROTTLING_TYPES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/** Whether an error answer is worth asking again for (a call with no answer always is: `sendRetried`). */
const isRetried = (failure: AwsJsonError): boolean =>
  TRANSIENT_STATUSES.has(failure.status) ||
  THROTTLING_TYPES.has(failure.type) ||
  TRANSIENT_TYPES.has(failure.type);

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → the part after `#`. */
const shortType = (type: string): string =>
  type.slice(type.lastIndexOf('#') + 1).split(':')[0] ?? '';

const errorOf = (status: number, text: string, headerType: string | undefined): AwsJsonError => {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status says what happened.
  }
  const type = shortType(
    String(body.__type ?? headerType ?? (status >= 500 ? 'InternalFailure' : 'UnknownError')),
  );
  const message = String(body.message ?? body.Message ?? `HTTP ${status}`);
  return new AwsJsonError(type, message, status, body);
};

type Answer = Awaited<ReturnType<SignedHttpClient['post']>>;

const succeeded = (answer: Answer): boolean => answer.status >= 200 && answer.status < 300;

const errorOfAnswer = (answer: Answer): AwsJsonError => {
  const headerType = answer.headers['x-amzn-errortype'];
  return errorOf(
    answer.status,
    answer.body,
    typeof headerType === 'string' ? headerType : undefined,
  );
};

class AwsJsonClient {
  readonly #http: SignedHttpClient;
  readonly #protocol: AwsJsonProtocol;
  readonly #contentType: string;
  readonly #maxAttempts: number;
  /** Counted in `GET /health`'s `requests` under this name (`DynamoDB.GetItem`). */
  readonly #countAs: string;

  constructor(options: {
    protocol: AwsJsonProtocol;
    region: string;
    endpoint?: string | undefined;
    maxAttempts: number;
    requestTimeout: number;
    connectionTimeout?: number;
    maxSockets?: number;
    countAs: string;
  }) {
    this.#protocol = options.protocol;
    this.#contentType = `application/x-amz-json-${options.protocol.jsonVersion}`;
    this.#maxAttempts = options.maxAttempts;
    this.#countAs = options.countAs;
    this.#http = new SignedHttpClient({
      service: options.protocol.service,
      region: options.region,
      endpoint: options.endpoint,
      requestTimeout: options.requestTimeout,
      ...(options.connectionTimeout === undefined
        ? {}
        : { connectionTimeout: options.connectionTimeout }),
      ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
    });
  }

  /**
   * Calls `operation` with `input` (serialised as JSON unless given as text);
   * its output, parsed by `parse` (JSON.parse unless given).
   */
  async call<Output = Record<string, unknown>>(
    operation: string,
    input: unknown,
    options: { parse?: (text: string) => unknown } = {},
  ): Promise<Output> {
    countRequest(`${this.#countAs}.${operation}`);
    const body = typeof input === 'string' ? input : JSON.stringify(input);
    const headers = {
      'content-type': this.#contentType,
      'x-amz-target': `${this.#protocol.targetPrefix}.${operation}`,
    };
    const answer = await sendRetried(
      () => this.#http.post('/', headers, body, true),
      this.#maxAttempts,
      (got) => !succeeded(got) && isRetried(errorOfAnswer(got)),
    );
    if (!succeeded(answer)) throw errorOfAnswer(answer);
    return (answer.body === '' ? {} : (options.parse ?? JSON.parse)(answer.body)) as Output;
  }

  destroy(): void {
    this.#http.destroy();
  }
}

export type { AwsJsonProtocol };
export { AwsJsonClient, AwsJsonError };
