import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb';
import { noter, print, stackCpuMs } from './shared';

/**
 * `dynamodb`: what each kind of request costs DynamoDB Local in CPU, started
 * as the stack starts it (same JVM flags, eatmydata when installed), with
 * items shaped like Berth's (a task of ≈3 KB, instances of ≈3 KB). It prices
 * the budget per task that `e2e` counts: a request that is cut saves this
 * much of the machine. Four callers at once, as the handlers do under load.
 */

const TABLE = 'bench-dynamodb';
const CALLERS = 4;
const WARMUP = 600;
const SAMPLES = 1500;

/** A nested map of about 3 KB, as a task's containers and overrides are. */
const body = {
  M: Object.fromEntries(
    Array.from({ length: 40 }, (_, index) => [
      `field${index}`,
      { M: { name: { S: 'v'.repeat(30) }, value: { N: String(index) } } },
    ]),
  ),
};

const operations = (
  client: DynamoDBClient,
): Record<string, (sequence: number) => Promise<unknown>> => ({
  get_item: (n) =>
    client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: 'CLUSTER#bench' }, sk: { S: `TASK#${n % 500}` } },
        ConsistentRead: true,
      }),
    ),
  put_item: (n) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'CLUSTER#bench' }, sk: { S: `TASK#${n}` }, version: { N: '1' }, body },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  update_item: (n) =>
    client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: 'CLUSTER#bench' }, sk: { S: `INSTANCE#${n % 10}` } },
        UpdateExpression: 'SET version = version + :one',
        ConditionExpression: 'version >= :zero',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':zero': { N: '0' } },
      }),
    ),
  query_10_instances: () =>
    client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': { S: 'CLUSTER#bench' },
          ':prefix': { S: 'INSTANCE#' },
        },
      }),
    ),
  ...Object.fromEntries(
    [2, 3, 4].map((items) => [
      `transact_${items}_items`,
      (n: number) =>
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: TABLE,
                  Item: {
                    pk: { S: 'CLUSTER#bench' },
                    sk: { S: `TASK#${n % 500}` },
                    version: { N: '1' },
                    body,
                  },
                },
              },
              ...Array.from({ length: items - 1 }, (_, index) => ({
                Update: {
                  TableName: TABLE,
                  Key: {
                    pk: { S: 'CLUSTER#bench' },
                    sk: { S: index === 0 ? `INSTANCE#${n % 10}` : `COUNTER#${index}` },
                  },
                  UpdateExpression: 'SET version = version + :one',
                  ExpressionAttributeValues: { ':one': { N: '1' } },
                },
              })),
            ],
          }),
        ),
    ]),
  ),
});

const benchDynamoDb = async (): Promise<void> => {
  const note = noter('dynamodb');
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-dynamodb-'));
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const dynamo = await startDynamoDbLocal({ dataDir, port });
  try {
    const { client } = dynamo;
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    for (const sk of [
      ...Array.from({ length: 10 }, (_, i) => `INSTANCE#${i}`),
      'COUNTER#1',
      'COUNTER#2',
    ]) {
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'CLUSTER#bench' }, sk: { S: sk }, version: { N: '0' }, body },
        }),
      );
    }
    const pid = dynamo.pid;
    let sequence = 0;
    const run = async (call: (n: number) => Promise<unknown>, count: number) => {
      let left = count;
      await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          while (left > 0) {
            left -= 1;
            sequence += 1;
            await call(sequence);
          }
        }),
      );
    };
    const all = Object.entries(operations(client));
    // Warm the JIT on every kind first, so that no kind pays for the others' compilation.
    for (const [, call] of all) await run(call, WARMUP);
    for (const [name, call] of all) {
      const before = stackCpuMs(pid);
      await run(call, SAMPLES);
      print(`dynamodb.${name}_cpu_ms`, (stackCpuMs(pid) - before) / SAMPLES, 'ms');
    }
    note(
      `${SAMPLES} requests of each kind, ${CALLERS} callers, after ${WARMUP} of each to warm up`,
    );
  } finally {
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export { benchDynamoDb };
