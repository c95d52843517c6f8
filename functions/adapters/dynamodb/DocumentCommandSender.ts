import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * Sends lib-dynamodb's document commands (PutCommand, QueryCommand, …) as
 * DynamoDBDocumentClient does — the same plain values in and out, marshalled
 * by `util-dynamodb` along each command's own `inputKeyNodes` and
 * `outputKeyNodes` — but through the low-level client, whose middleware chain
 * is built once per command class (`cacheMiddleware`).
 *
 * Why: the document client builds a fresh low-level command and resolves two
 * middleware chains on every call, and refuses `cacheMiddleware`. Resolving
 * chains was a tenth of what the SDK cost the handlers in serverless-offline's
 * profile; the other clients already reuse theirs, and a task makes eight
 * DynamoDB calls (ADR 10). lib-dynamodb does not export its key-node walk,
 * so `translate` below follows it: a key-node tree is `null` (the value
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
  /** The low-level command it wraps; its class is the one sent. */
  readonly clientCommand: { readonly constructor: new (input: object) => object };
}

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
  readonly #client: DynamoDBClient;
  readonly #marshall: (value: unknown) => unknown;
  readonly #unmarshall: (value: unknown) => unknown;

  /** `client` must have been built with `cacheMiddleware: true`. */
  constructor(client: DynamoDBClient, options: TranslateConfig = {}) {
    this.#client = client;
    // The document client's own defaults for its commands.
    const marshallOptions = { convertTopLevelContainer: true, ...options.marshallOptions };
    const unmarshallOptions = { convertWithoutMapWrapper: true, ...options.unmarshallOptions };
    this.#marshall = (value) => marshall(value as never, marshallOptions);
    this.#unmarshall = (value) => unmarshall(value as never, unmarshallOptions);
  }

  /** As DynamoDBDocumentClient's `send`, for the document commands. */
  readonly send = (async (command: DocumentCommandShape) => {
    const input = translateMembers(command.input, command.inputKeyNodes, this.#marshall);
    const LowLevelCommand = command.clientCommand.constructor;
    const output = await this.#client.send(new LowLevelCommand(input as object) as never);
    return translateMembers(output as object, command.outputKeyNodes, this.#unmarshall);
  }) as unknown as DynamoDBDocumentClient['send'];

  destroy(): void {
    this.#client.destroy();
  }
}

export { DocumentCommandSender };
