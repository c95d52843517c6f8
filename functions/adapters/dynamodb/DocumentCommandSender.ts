import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type AwsJsonClient, AwsJsonError } from '../AwsJsonClient';

/**
 * Sends lib-dynamodb's document commands (PutCommand, QueryCommand, …) as
 * DynamoDBDocumentClient does — the same plain values in and out, marshalled
 * by `util-dynamodb` along each command's own `inputKeyNodes` and
 * `outputKeyNodes`, the same errors (the SDK's exception classes, with
 * `Item` and `CancellationReasons`) — but over `AwsJsonClient`: one signed
 * POST of DynamoDB's JSON, with none of the SDK client's per-call machinery.
 *
 * Why: that machinery was three quarters of the handlers' CPU in
 * serverless-offline's profile under `e2e`, and a task makes eight DynamoDB
 * calls (ADR 13). The repositories keep building lib-dynamodb's commands,
 * typed as ever; `tests/unit/adapters/DocumentCommandSender.test.ts` checks
 * that what goes over the wire and what comes back match the document
 * client's own. lib-dynamodb does not export its key-node walk, so
 * `translate` below follows it: a key-node tree is `null` (the value
 * itself), `{}` or `[]` (each member of the value), `{ '*': nodes }` (each
 * member, one level down), or named members with their own trees.
 */

/** lib-dynamodb's description of where a command's attribute values are. */
type KeyNodes = null | readonly unknown[] | NamedNodes;
type NamedNodes = { readonly [key: string]: KeyNodes };

/** What this sender reads of a document command (all public at run time). */
interface DocumentCommandShape {
  readonly input: object;
  readonly inputKeyNodes: NamedNodes;
  readonly outputKeyNodes: NamedNodes;
  /** The low-level command it wraps, which knows its operation. */
  readonly clientCommand: object;
}

/**
 * The DynamoDB operation of a low-level command (`PutItem`): the third
 * member of its operation schema, else its class's name without `Command`.
 */
const operationOf = (clientCommand: object): string => {
  const schema = (clientCommand as { schema?: unknown }).schema;
  if (Array.isArray(schema) && typeof schema[2] === 'string') return schema[2];
  return clientCommand.constructor.name.replace(/Command$/, '');
};

/** Binary values go over the wire in base64, as the SDK sends them. */
const binaryAsBase64 = (_key: string, value: unknown): unknown =>
  value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;

/** Bytes as the SDK gives them: a plain Uint8Array. */
const bytesOf = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));

/**
 * And come back as bytes. In DynamoDB's JSON a member `B` (or `BS`) whose
 * value is a string (or strings) can only be a binary attribute value: a map
 * attribute named `B` holds an attribute value object.
 */
const binaryFromBase64 = (key: string, value: unknown): unknown => {
  if (key === 'B' && typeof value === 'string') return bytesOf(value);
  if (key === 'BS' && Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.map(bytesOf);
  }
  return value;
};

const parseOutput = (text: string): unknown =>
  text.includes('"B') ? JSON.parse(text, binaryFromBase64) : JSON.parse(text);

/** DynamoDB's error answer as the SDK would throw it; the repositories test for these classes. */
const sdkErrorOf = (error: unknown): unknown => {
  if (!(error instanceof AwsJsonError)) return error;
  const $metadata = { httpStatusCode: error.status };
  const { message } = error;
  switch (error.type) {
    case 'ConditionalCheckFailedException':
      return new ConditionalCheckFailedException({
        message,
        $metadata,
        ...(error.body.Item === undefined ? {} : { Item: error.body.Item as never }),
      });
    case 'TransactionCanceledException':
      return new TransactionCanceledException({
        message,
        $metadata,
        CancellationReasons: (error.body.CancellationReasons ?? []) as never,
      });
    default:
      return new DynamoDBServiceException({
        name: error.type,
        $fault: error.status >= 500 ? 'server' : 'client',
        message,
        $metadata,
      });
  }
};

const NEXT_LEVEL = '*';

const withoutFunctions = (value: object): Record<string, unknown> | unknown[] =>
  Array.isArray(value)
    ? value.filter((item) => typeof item !== 'function')
    : Object.fromEntries(Object.entries(value).filter(([, item]) => typeof item !== 'function'));

/** Applies `convert` where `nodes` says the attribute values of `value` are. */
const translate = (
  value: unknown,
  nodes: KeyNodes,
  convert: (value: unknown) => unknown,
): unknown => {
  if (value === undefined) return undefined;
  if (nodes === null) return convert(value);
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.keys(nodes);
  const everyMember = keys.length === 0;
  if (everyMember || (keys.length === 1 && keys[0] === NEXT_LEVEL)) {
    // Each member is an attribute value (`{}`, `[]`), or is translated along the tree under `'*'`.
    const next = everyMember ? null : ((nodes as NamedNodes)[NEXT_LEVEL] ?? null);
    const members = Object.entries(value)
      .filter(([, item]) => typeof item !== 'function')
      .map(([key, item]) => [key, translate(item, next, convert)] as const);
    if (Array.isArray(value)) return members.map(([, translated]) => translated);
    // As lib-dynamodb: members that come out undefined are dropped for `{}` only.
    return Object.fromEntries(
      everyMember ? members.filter(([, translated]) => translated !== undefined) : members,
    );
  }
  return translateMembers(value, nodes as NamedNodes, convert);
};

/** A copy of `value` whose named members are translated along their own trees. */
const translateMembers = (
  value: object,
  nodes: NamedNodes,
  convert: (value: unknown) => unknown,
): unknown => {
  const copy = withoutFunctions(value) as Record<string, unknown>;
  for (const [key, child] of Object.entries(nodes)) {
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === 'function') continue;
    const translated = translate(member, child, convert);
    if (translated !== undefined && typeof translated !== 'function') copy[key] = translated;
  }
  return copy;
};

class DocumentCommandSender {
  readonly #transport: AwsJsonClient;
  readonly #marshall: (value: unknown) => unknown;
  readonly #unmarshall: (value: unknown) => unknown;

  constructor(transport: AwsJsonClient, options: TranslateConfig = {}) {
    this.#transport = transport;
    // The document client's own defaults for its commands.
    const marshallOptions = { convertTopLevelContainer: true, ...options.marshallOptions };
    const unmarshallOptions = { convertWithoutMapWrapper: true, ...options.unmarshallOptions };
    this.#marshall = (value) => marshall(value as never, marshallOptions);
    this.#unmarshall = (value) => unmarshall(value as never, unmarshallOptions);
  }

  /** As DynamoDBDocumentClient's `send`, for the document commands. */
  readonly send = (async (command: DocumentCommandShape) => {
    const operation = operationOf(command.clientCommand);
    const input = translateMembers(command.input, command.inputKeyNodes, this.#marshall) as Record<
      string,
      unknown
    >;
    // The SDK fills TransactWriteItems' idempotency token, so that a retried call commits once.
    if (operation === 'TransactWriteItems' && input.ClientRequestToken === undefined) {
      input.ClientRequestToken = randomUUID();
    }
    let output: unknown;
    try {
      output = await this.#transport.call(operation, JSON.stringify(input, binaryAsBase64), {
        parse: parseOutput,
      });
    } catch (error) {
      throw sdkErrorOf(error);
    }
    return translateMembers(output as object, command.outputKeyNodes, this.#unmarshall);
  }) as unknown as DynamoDBDocumentClient['send'];

  destroy(): void {
    this.#transport.destroy();
  }
}

export { DocumentCommandSender };
