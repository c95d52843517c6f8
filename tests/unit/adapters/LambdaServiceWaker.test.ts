import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { LOCAL_AUTHORIZATION } from '../../../functions/adapters/connections';
import { LambdaServiceWaker } from '../../../functions/adapters/lambda/LambdaServiceWaker';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A stand-in for Lambda's Invoke endpoint that answers `status` (or, for the
 * n-th request, what `status(n)` says; `'hang up'` closes the connection
 * without an answer) and keeps what it got.
 */
const startLambda = async (status: number | ((call: number) => number | 'hang up')) => {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      });
      const answer = typeof status === 'number' ? status : status(received.length);
      if (answer === 'hang up') request.socket.destroy();
      else response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return { port: (server.address() as AddressInfo).port, received, server };
};

/** An address of this machine that is not loopback, so that the waker signs its request. */
const outwardAddress = (): string | undefined =>
  Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;

describe('Class: LambdaServiceWaker', () => {
  const servers: Server[] = [];
  const saved = { ...process.env };
  afterAll(async () => {
    process.env = saved;
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  });

  it('invokes the scheduler asynchronously on the local invoke endpoint, unsigned', async () => {
    // Prepare
    const lambda = await startLambda(202);
    servers.push(lambda.server);
    const waker = new LambdaServiceWaker(
      { region: 'us-east-1', endpoint: `http://127.0.0.1:${lambda.port}` },
      'berth-local-reconcileServices',
    );

    // Act
    await waker.wake('prod', 'web');

    // Assert
    expect(lambda.received).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/2015-03-31/functions/berth-local-reconcileServices/invocations',
        body: JSON.stringify({ cluster: 'prod', service: 'web' }),
      }),
    ]);
    expect(lambda.received[0]?.headers['x-amz-invocation-type']).toBe('Event');
    expect(lambda.received[0]?.headers.authorization).toBe(LOCAL_AUTHORIZATION);
  });

  it('signs its request with the environment credentials elsewhere, as Lambda verifies it', async () => {
    // Prepare
    const address = outwardAddress();
    if (address === undefined) throw new Error('This test needs a non-loopback IPv4 address');
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    delete process.env.AWS_SESSION_TOKEN;
    const lambda = await startLambda(202);
    servers.push(lambda.server);
    const waker = new LambdaServiceWaker(
      { region: 'eu-west-1', endpoint: `http://${address}:${lambda.port}` },
      'berth-prod-reconcileServices',
    );

    // Act
    await waker.wake('prod', 'web');

    // Assert: the signature over the request as it arrived is the one it carries.
    const got = lambda.received[0];
    expect(got).toBeDefined();
    const authorization = String(got?.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    const amzDate = String(got?.headers['x-amz-date']);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const verifier = new SignatureV4({
      service: 'lambda',
      region: 'eu-west-1',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
      sha256: Hash.bind(null, 'sha256'),
    });
    const resigned = await verifier.sign(
      {
        method: got?.method ?? '',
        protocol: 'http:',
        hostname: address,
        port: lambda.port,
        path: got?.url ?? '',
        query: {},
        headers: Object.fromEntries(
          signedNames
            .filter((name) => name !== 'x-amz-date')
            .map((name) => [name, String(got?.headers[name])]),
        ),
        body: got?.body,
      },
      { signingDate },
    );
    expect(resigned.headers.authorization).toBe(authorization);
  });

  it('tries again when a wake-up gets no answer (a kept-alive connection closed under it)', async () => {
    // Prepare: the first request's connection is closed without an answer
    const lambda = await startLambda((call) => (call === 1 ? 'hang up' : 202));
    servers.push(lambda.server);
    const waker = new LambdaServiceWaker(
      { region: 'us-east-1', endpoint: `http://127.0.0.1:${lambda.port}` },
      'berth-local-reconcileServices',
    );

    // Act
    await waker.wake('prod', 'web');

    // Assert: asked again, with the same wake-up
    expect(lambda.received.map((got) => got.body)).toEqual([
      JSON.stringify({ cluster: 'prod', service: 'web' }),
      JSON.stringify({ cluster: 'prod', service: 'web' }),
    ]);
  });

  it('only logs a refused wake-up, after three tries: the scheduler sweep repairs it', async () => {
    // Prepare
    const lambda = await startLambda(500);
    servers.push(lambda.server);
    const waker = new LambdaServiceWaker(
      { region: 'us-east-1', endpoint: `http://127.0.0.1:${lambda.port}` },
      'berth-local-reconcileServices',
    );

    // Act, Assert
    await expect(waker.wake('prod', 'web')).resolves.toBeUndefined();
    expect(lambda.received).toHaveLength(3);
  });
});
