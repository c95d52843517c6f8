import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  type NativeAttributeValue,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { InvalidParameterException } from '../../domain/errors';
import type { Page, PageRequest } from '../../domain/model';
import { AwsJsonClient } from '../AwsJsonClient';
import { DocumentCommandSender } from './DocumentCommandSender';

/**
 * The one DynamoDB table of Berth, and the primitives every repository is
 * built from: keyed reads, paginated queries with opaque tokens, and
 * conditional writes whose failures come back as data, not exceptions.
 *
 * Key schema (single-table design): `pk`/`sk` strings, one global secondary
 * index `gsi1` on `gsi1pk`/`gsi1sk` for listings, TTL on `expiresAt`.
 */

type Item = Record<string, NativeAttributeValue>;
type Key = Record<string, string>;

const TABLE_KEY_ATTRIBUTES = ['pk', 'sk'] as const;
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

/**
 * Builds the client of the document commands once per process: DynamoDB's
 * JSON over keep-alive connections (`DocumentCommandSender`), retried as the
 * SDK would with up to five attempts.
 */
const createDocumentClient = (options: { region: string; endpoint?: string | undefined }) =>
  new DocumentCommandSender(
    new AwsJsonClient({
      protocol: { service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0' },
      region: options.region,
      endpoint: options.endpoint,
      maxAttempts: 5,
      maxSockets: 64,
      connectionTimeout: 2_000,
      requestTimeout: 10_000,
      countAs: 'DynamoDB',
    }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } },
  );

/**
 * A page token is the key to start after, bound to the query it came from: a
 * token replayed against another listing is refused as invalid instead of
 * reaching DynamoDB as a start key that does not belong there.
 */
const queryScope = (input: Omit<QueryCommandInput, 'TableName'>): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        input.IndexName ?? '',
        input.KeyConditionExpression ?? '',
        input.ExpressionAttributeValues ?? {},
        input.ScanIndexForward ?? true,
      ]),
    )
    .digest('base64url')
    .slice(0, 16);

const encodeToken = (key: Key, scope: string): string =>
  Buffer.from(JSON.stringify({ s: scope, k: key })).toString('base64url');

const decodeToken = (token: string | undefined, scope: string): Key | undefined => {
  if (token === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const { s, k } = (parsed ?? {}) as { s?: unknown; k?: unknown };
    if (
      s === scope &&
      typeof k === 'object' &&
      k !== null &&
      Object.values(k).every((value) => typeof value === 'string')
    ) {
      return k as Key;
    }
  } catch {
    // Falls through to the error below: a token we did not mint.
  }
  throw new InvalidParameterException('The nextToken is invalid.');
};

/** The attributes DynamoDB wants in a start key: the table's key, plus the index's on an index query. */
const keyOf = (item: Item, onIndex: boolean): Key => {
  const key: Key = {};
  for (const attribute of onIndex ? KEY_ATTRIBUTES : TABLE_KEY_ATTRIBUTES) {
    if (typeof item[attribute] === 'string') key[attribute] = item[attribute];
  }
  return key;
};

/** Drops the storage keys so that what remains is the domain record. */
const withoutKeys = <T>(item: Item): T => {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _gsi1pk,
    gsi1sk: _gsi1sk,
    gsi2pk: _gsi2pk,
    gsi2sk: _gsi2sk,
    expiresAt: _ttl,
    ...rest
  } = item;
  return rest as T;
};

type TransactOutcome =
  | { readonly outcome: 'committed' }
  /** A condition failed; `items[i]` is the i-th item as it stood (when the write asked for it). */
  | {
      readonly outcome: 'condition-failed';
      readonly failedIndexes: number[];
      readonly items: (Item | undefined)[];
    }
  /** Another transaction held an item; the caller decides whether to retry. */
  | { readonly outcome: 'conflict' };

class DynamoDbTable {
  constructor(
    readonly client: DocumentCommandSender,
    readonly tableName: string,
  ) {}

  async get(key: Key): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** Reads up to any number of items by key, in batches of 100, retrying what DynamoDB leaves unprocessed. */
  async getMany(keys: Key[]): Promise<Item[]> {
    // One key is the common case (describe one cluster); GetItem is cheaper than a batch of one.
    if (keys.length === 1 && keys[0]) {
      const item = await this.get(keys[0]);
      return item ? [item] : [];
    }
    const items: Item[] = [];
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Key[] = keys.slice(start, start + 100);
      for (let attempt = 0; pending.length > 0 && attempt < 10; attempt += 1) {
        const out = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        items.push(...(out.Responses?.[this.tableName] ?? []));
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys as Key[] | undefined) ?? [];
      }
    }
    return items;
  }

  /**
   * Writes items unconditionally, 25 to a batch, retrying what DynamoDB
   * leaves unprocessed (with a short pause: that is throttling). For data
   * without invariants, such as metric samples.
   */
  async putMany(items: readonly Item[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let pending = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= 10) throw new Error(`${pending.length} writes left unprocessed by DynamoDB`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const out = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      }
    }
  }

  /**
   * One page of a query. DynamoDB applies `Limit` before a filter, so this
   * keeps reading until it has `maxResults` matches or the query ends; the
   * token is the key of the last item returned, so the next page starts right
   * after it.
   */
  async queryPage<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    page: PageRequest,
    map: (item: Item) => T,
  ): Promise<Page<T>> {
    const matches: Item[] = [];
    const scope = queryScope(input);
    let startKey: Key | undefined = decodeToken(page.nextToken, scope);
    const filtered = input.FilterExpression !== undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ExclusiveStartKey: startKey,
          Limit: filtered ? Math.max(page.maxResults * 2, 50) : page.maxResults - matches.length,
        }),
      );
      matches.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey as Key | undefined;
    } while (startKey !== undefined && matches.length < page.maxResults);
    const items = matches.slice(0, page.maxResults);
    const more = matches.length > page.maxResults || startKey !== undefined;
    const last = items.at(-1);
    return {
      items: items.map(map),
      ...(more && last
        ? { nextToken: encodeToken(keyOf(last, input.IndexName !== undefined), scope) }
        : {}),
    };
  }

  /** Every item a query matches, page after page (for bounded sets: one cluster's instances, a sweep). */
  async queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Key | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey as Key | undefined;
    } while (startKey);
    return items;
  }

  /**
   * Runs a transaction and reports a failed condition as data. Writes that
   * set `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` get the item as it
   * stood back in `items`.
   */
  async transact(items: TransactWriteCommandInput['TransactItems']): Promise<TransactOutcome> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { outcome: 'committed' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failedIndexes = reasons.flatMap((reason, index) =>
        reason.Code === 'ConditionalCheckFailed' ? [index] : [],
      );
      if (failedIndexes.length === 0) return { outcome: 'conflict' };
      return {
        outcome: 'condition-failed',
        failedIndexes,
        items: reasons.map((reason) =>
          reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined,
        ),
      };
    }
  }

  /**
   * Optimistic concurrency in one write: sets the attributes and bumps
   * `version`, only if the item is still at `expectedVersion`. False when
   * someone wrote first (read again and retry).
   */
  async setIfVersion(
    key: Key,
    attributes: Record<string, NativeAttributeValue>,
    expectedVersion: number,
  ): Promise<boolean> {
    const entries = Object.entries(attributes);
    const outcome = await this.conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#version = :expected',
          UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :v${i}`).join(', ')}, #version = :next`,
          ExpressionAttributeNames: {
            '#version': 'version',
            ...Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
          },
          ExpressionAttributeValues: {
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
            ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          },
        }),
      ),
    );
    return !outcome.failed;
  }

  /**
   * Runs a single conditional write; returns the item as it stood when the
   * condition failed (`{ failed: true, old }`), or the write's own output.
   */
  async conditional<T>(
    write: () => Promise<T>,
  ): Promise<{ failed: false; result: T } | { failed: true; old: Item | undefined }> {
    try {
      return { failed: false, result: await write() };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return {
          failed: true,
          old: error.Item ? unmarshall(error.Item as Record<string, AttributeValue>) : undefined,
        };
      }
      throw error;
    }
  }
}

export type { Item, Key, TransactOutcome };
export { createDocumentClient, DynamoDbTable, withoutKeys };
