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
import { AwsJsonClient } from '../../../functions/adapters/AwsJsonClient';
import { DocumentCommandSender } from '../../../functions/adapters/dynamodb/DocumentCommandSender';
import { StandInService } from '../../helpers/standInService';

/**
 * A differential test: every command goes once through lib-dynamodb's own
 * DynamoDBDocumentClient and once through DocumentCommandSender, to a
 * stand-in DynamoDB that records each request body and answers with the
 * same canned output; both must send the same request and return the same
 * values.
 */

let dynamo: StandInService;
let endpoint = '';
let answer: unknown = {};
/** The status of the stand-in's answers, and how many first answers are a 503 instead. */
let status = 200;
let unavailable = 0;

beforeAll(async () => {
  dynamo = await StandInService.start();
  endpoint = dynamo.endpoint;
  dynamo.answer = () => {
    if (unavailable === 0) return { status, body: answer };
    unavailable -= 1;
    return {
      status: 503,
      body: { __type: 'com.amazon.coral.availability#ServiceUnavailableException' },
    };
  };
});
afterAll(() => dynamo.close());

/** The bodies received; an idempotency token made up per call (TransactWriteItems) cannot match. */
const receivedBodies = () =>
  dynamo.requests.map(({ body: { ClientRequestToken: token, ...body } }) =>
    token === undefined ? body : { ...body, ClientRequestToken: typeof token },
  );

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

const transport = (maxAttempts = 1) =>
  new AwsJsonClient({
    protocol: { service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0' },
    region: 'us-east-1',
    endpoint,
    maxAttempts,
    requestTimeout: 5_000,
    countAs: 'DynamoDB',
  });

const both = async (command: () => object, output: unknown, answerStatus = 200) => {
  const reference = DynamoDBDocumentClient.from(lowLevel(false), translateConfig);
  const sender = new DocumentCommandSender(transport(), translateConfig);
  answer = output;
  status = answerStatus;
  dynamo.requests.length = 0;
  // Twice through the sender: its cached chain must take each call's own input.
  // Outputs are compared without the SDK's `$metadata`, which the sender does not make up.
  const outcome = (call: Promise<unknown>) =>
    call.then(
      (value) => {
        const { $metadata: _metadata, ...rest } = value as Record<string, unknown>;
        return rest;
      },
      (error: Error & Record<string, unknown>) => ({
        error: error.constructor.name,
        name: error.name,
        message: error.message,
        fault: error.$fault,
        status: (error.$metadata as { httpStatusCode?: number }).httpStatusCode,
        Item: error.Item,
        CancellationReasons: error.CancellationReasons,
      }),
    );
  const expected = await outcome(reference.send(command() as never));
  const got = await outcome(sender.send(command() as never));
  const again = await outcome(sender.send(command() as never));
  reference.destroy();
  sender.destroy();
  return {
    expected,
    got,
    again,
    bodies: receivedBodies(),
    targets: dynamo.requests.map((request) => `${request.target} ${request.contentType}`),
  };
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
    expect(result.targets[1]).toBe(result.targets[0]);
    expect(result.got).toEqual(result.expected);
  });

  const conditionalPut = () =>
    new PutCommand({
      TableName: 't',
      Item: { pk: 'a', sk: 'b', version: 2 },
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': 1 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  it.each([
    [
      'a failed condition, with the item as it stood',
      conditionalPut,
      {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: marshall({ pk: 'a', sk: 'b', version: 7 }),
      },
      400,
    ],
    [
      'a cancelled transaction, with its reasons and items',
      () =>
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 't', Item: { pk: 'a', sk: 'b' } } },
            {
              ConditionCheck: {
                TableName: 't',
                Key: { pk: 'a', sk: 'c' },
                ConditionExpression: 'attribute_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message:
          'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
        CancellationReasons: [
          { Code: 'None' },
          {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            Item: marshall({ pk: 'a', sk: 'c', n: 1 }),
          },
        ],
      },
      400,
    ],
    [
      'any other error, by its name',
      conditionalPut,
      {
        __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
        message: 'Cannot do operations on a non-existent table',
      },
      400,
    ],
  ])('throws %s as the document client does', async (_case, command, output, answerStatus) => {
    // Act
    const result = await both(command, output, answerStatus);

    // Assert: the same error; of the SDK's own class for the two the repositories test for
    const { error: gotClass, ...got } = result.got as Record<string, unknown>;
    const { error: expectedClass, ...expected } = result.expected as Record<string, unknown>;
    expect(got).toEqual(expected);
    expect(got).toMatchObject({ status: answerStatus });
    expect(gotClass).toBe(
      expectedClass === 'ResourceNotFoundException' ? 'DynamoDBServiceException' : expectedClass,
    );
  });

  it('retries what the SDK retries (a 503), and gives up after its attempts', async () => {
    // Prepare
    answer = { Item: marshall({ pk: 'a', sk: 'b' }) };
    status = 200;
    const get = () => new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } });
    const patient = new DocumentCommandSender(transport(3), translateConfig);
    const hasty = new DocumentCommandSender(transport(1), translateConfig);

    // Act
    unavailable = 2;
    const got = await patient.send(get());
    unavailable = 1;
    const refused = await hasty.send(get()).catch((error: Error) => error);
    patient.destroy();
    hasty.destroy();

    // Assert
    expect(got).toMatchObject({ Item: { pk: 'a', sk: 'b' } });
    expect(refused).toMatchObject({ name: 'ServiceUnavailableException', $fault: 'server' });
  });

  it('sends and returns binary values as the document client does', async () => {
    const result = await both(
      () =>
        new PutCommand({
          TableName: 't',
          Item: { pk: 'a', sk: 'b', sealed: Uint8Array.from([0, 1, 254, 255]) },
          ReturnValues: 'ALL_OLD',
        }),
      {
        Attributes: {
          pk: { S: 'a' },
          sealed: { B: Buffer.from([9, 8, 7]).toString('base64') },
          B: { M: { B: { S: 'not binary' } } },
        },
      },
    );

    expect(result.bodies[1]).toEqual(result.bodies[0]);
    expect(result.got).toEqual(result.expected);
  });
});
