import { createServer } from 'node:net';
import { AwsJsonClient, AwsJsonError } from '../../../functions/adapters/AwsJsonClient';
import { requestCounts } from '../../../functions/adapters/requestCounts';
import { StandInService } from '../../helpers/standInService';

/** The JSON-protocol client against a stand-in service, and against nothing at all. */

let service: StandInService;
beforeAll(async () => {
  service = await StandInService.start();
});
afterAll(() => service.close());
beforeEach(() => service.reset());

const client = (endpoint: string, maxAttempts = 3) =>
  new AwsJsonClient({
    protocol: { service: 'states', targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0' },
    region: 'us-east-1',
    endpoint,
    maxAttempts,
    requestTimeout: 2_000,
    countAs: 'Test',
  });

/** A port that refuses connections: one just given up by a listener. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
};

describe('Class: AwsJsonClient', () => {
  it('posts the operation’s input as JSON with its target, and returns the parsed output', async () => {
    service.answer = () => ({ status: 200, body: { executionArn: 'arn:x' } });
    const states = client(service.endpoint);
    const before = requestCounts()['Test.StartExecution'] ?? 0;

    await expect(states.call('StartExecution', { name: 'n' })).resolves.toEqual({
      executionArn: 'arn:x',
    });
    states.destroy();

    expect(service.requests).toMatchObject([
      {
        target: 'AWSStepFunctions.StartExecution',
        contentType: 'application/x-amz-json-1.0',
        body: { name: 'n' },
      },
    ]);
    expect(requestCounts()['Test.StartExecution']).toBe(before + 1);
  });

  it.each([
    ['a throttling error', 400, 'ThrottlingException', 3],
    ['a 500', 500, 'InternalFailure', 3],
    ['a client error', 400, 'ValidationException', 1],
  ])(
    'after %s (HTTP %i, %s) tries %i time(s) in all, then throws it by name',
    async (_case, status, type, tries) => {
      service.answer = () => ({ status, body: { __type: `ns#${type}`, Message: 'no' } });
      const states = client(service.endpoint);

      const error = await states.call('StartExecution', {}).catch((caught: unknown) => caught);
      states.destroy();

      expect(error).toBeInstanceOf(AwsJsonError);
      expect(error).toMatchObject({ name: type, type, status, message: 'no' });
      expect(service.requests).toHaveLength(tries);
    },
  );

  it('retries a refused connection as the SDK does, and then throws it with its code', async () => {
    const states = client(`http://127.0.0.1:${await closedPort()}`, 2);

    await expect(states.call('StartExecution', {})).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    states.destroy();
  });
});
