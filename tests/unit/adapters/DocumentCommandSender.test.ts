import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { DocumentCommandSender } from '../../../functions/adapters/dynamodb/DocumentCommandSender';

/**
 * A differential test: every command goes once through lib-dynamodb's own
 * DynamoDBDocumentClient and once through DocumentCommandSender, to a
 * stand-in DynamoDB that records each request body and answers with the
 * same canned output; both must send the same request and return the same
 * values.
 */

let answer: unknown = {};
const bodies: unknown[] = [];
let server: Server;
let endpoint = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      // An idempotency token the SDK makes up per call (TransactWriteItems) cannot match.
      const { ClientRequestToken: token, ...body } = JSON.parse(text) as Record<string, unknown>;
      bodies.push(token === undefined ? body : { ...body, ClientRequestToken: typeof token });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((done) => server.close(done)));

const translateConfig = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
};
const lowLevel = (cacheMiddleware: boolean) =>
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
    cacheMiddleware,
  });

const both = async (command: () => object, output: unknown) => {
  const reference = DynamoDBDocumentClient.from(lowLevel(false), translateConfig);
  const sender = new DocumentCommandSender(lowLevel(true), translateConfig);
  answer = output;
  bodies.length = 0;
  // Twice through the sender: its cached chain must take each call's own input.
  const expected = await reference.send(command() as never);
  const got = await sender.send(command() as never);
  const again = await sender.send(command() as never);
  reference.destroy();
  sender.destroy();
  return { expected, got, again, bodies: [...bodies] };
};

/** Values a Berth item holds: strings, numbers, booleans, nulls, lists, maps, undefined. */
const attributeValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;
const item = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).filter((name) => name !== 'pk' && name !== 'sk'),
  fc.option(attributeValue, { nil: undefined }),
  { maxKeys: 5 },
);

describe('Class: DocumentCommandSender', () => {
  it('sends what the document client sends and returns what it returns, for any item', async () => {
    await fc.assert(
      fc.asyncProperty(item, item, async (stored, answered) => {
        // Prepare
        const put = () =>
          new PutCommand({
            TableName: 't',
            Item: { pk: 'CLUSTER#a', sk: 'TASK#1', ...stored },
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': 3 },
          });
        const output = {
          Attributes: marshall({ pk: 'x', ...answered }, { removeUndefinedValues: true }),
        };

        // Act
        const result = await both(put, output);

        // Assert
        expect(result.bodies[1]).toEqual(result.bodies[0]);
        expect(result.bodies[2]).toEqual(result.bodies[0]);
        expect(result.got).toEqual(result.expected);
        expect(result.again).toEqual(result.expected);
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    [
      'GetCommand',
      () => new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' }, ConsistentRead: true }),
      { Item: marshall({ pk: 'a', sk: 'b', counts: { running: 2 }, tags: ['x'] }) },
    ],
    [
      'QueryCommand',
      () =>
        new QueryCommand({
          TableName: 't',
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': 'CLUSTER#a', ':p': 'TASK#' },
          ExclusiveStartKey: { pk: 'CLUSTER#a', sk: 'TASK#0' },
        }),
      {
        Items: [marshall({ pk: 'a', sk: '1', n: 1 }), marshall({ pk: 'a', sk: '2', l: [1, 'x'] })],
        LastEvaluatedKey: marshall({ pk: 'a', sk: '2' }),
        Count: 2,
      },
    ],
    [
      'UpdateCommand',
      () =>
        new UpdateCommand({
          TableName: 't',
          Key: { pk: 'a', sk: 'b' },
          UpdateExpression: 'SET remainingCpu = remainingCpu - :cpu ADD usedPorts :ports',
          ExpressionAttributeValues: { ':cpu': 256, ':ports': new Set([80, 443]) },
          ReturnValues: 'ALL_NEW',
        }),
      { Attributes: marshall({ pk: 'a', sk: 'b', remainingCpu: 768 }) },
    ],
    ['DeleteCommand', () => new DeleteCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }), {}],
    [
      'TransactWriteCommand',
      () =>
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 't', Item: { pk: 'a', sk: 'b', m: { x: [1] } } } },
            {
              Update: {
                TableName: 't',
                Key: { pk: 'a', sk: 'c' },
                UpdateExpression: 'SET n = n + :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
            {
              ConditionCheck: {
                TableName: 't',
                Key: { pk: 'a', sk: 'd' },
                ConditionExpression: '#s = :active',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':active': 'ACTIVE' },
              },
            },
            { Delete: { TableName: 't', Key: { pk: 'a', sk: 'e' } } },
          ],
        }),
      {},
    ],
    [
      'BatchGetCommand',
      () =>
        new BatchGetCommand({
          RequestItems: { t: { Keys: [{ pk: 'a', sk: 'b' }], ConsistentRead: true } },
        }),
      {
        Responses: { t: [marshall({ pk: 'a', sk: 'b', v: 1 })] },
        UnprocessedKeys: { t: { Keys: [marshall({ pk: 'a', sk: 'z' })] } },
      },
    ],
  ])('sends a %s as the document client does', async (_name, command, output) => {
    // Act
    const result = await both(command, output);

    // Assert
    expect(result.bodies).toHaveLength(3);
    expect(result.bodies[1]).toEqual(result.bodies[0]);
    expect(result.bodies[2]).toEqual(result.bodies[0]);
    expect(result.got).toEqual(result.expected);
  });
});
