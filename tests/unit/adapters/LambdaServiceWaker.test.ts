import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { LOCAL_AUTHORIZATION } from '../../../functions/adapters/connections';
import { LambdaServiceWaker } from '../../../functions/adapters/lambda/LambdaServiceWaker';
import { outwardAddress, StandInService } from '../../helpers/standInService';

/** A stand-in for Lambda's Invoke endpoint: what it got, and what it answers (202 unless told). */
let lambda: StandInService;
const ACCEPTED = { status: 202, body: {} };

describe('Class: LambdaServiceWaker', () => {
  const saved = { ...process.env };
  beforeAll(async () => {
    lambda = await StandInService.start();
  });
  beforeEach(() => {
    lambda.reset();
    lambda.answer = () => ACCEPTED;
  });
  afterAll(async () => {
    process.env = saved;
    await lambda.close();
  });

  it('invokes the scheduler asynchronously on the local invoke endpoint, unsigned', async () => {
    // Prepare
    const waker = new LambdaServiceWaker(
      { region: 'us-east-1', endpoint: lambda.endpoint },
      'berth-local-reconcileServices',
    );

    // Act
    await waker.wake('prod', 'web');

    // Assert
    expect(lambda.requests.map((got) => got.raw)).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/2015-03-31/functions/berth-local-reconcileServices/invocations',
        body: JSON.stringify({ cluster: 'prod', service: 'web' }),
      }),
    ]);
    expect(lambda.requests[0]?.raw.headers['x-amz-invocation-type']).toBe('Event');
    expect(lambda.requests[0]?.raw.headers.authorization).toBe(LOCAL_AUTHORIZATION);
  });

  it('signs its request with the environment credentials elsewhere, as Lambda verifies it', async () => {
    // Prepare
    const address = outwardAddress();
    if (address === '127.0.0.1') throw new Error('This test needs a non-loopback IPv4 address');
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    delete process.env.AWS_SESSION_TOKEN;
    const waker = new LambdaServiceWaker(
      { region: 'eu-west-1', endpoint: lambda.outwardEndpoint },
      'berth-prod-reconcileServices',
    );

    // Act
    await waker.wake('prod', 'web');

    // Assert: the signature over the request as it arrived is the one it carries.
    const got = lambda.requests[0]?.raw;
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
        port: Number(new URL(lambda.outwardEndpoint).port),
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
    lambda.answer = () => (lambda.requests.length === 1 ? 'hang up' : ACCEPTED);
    const waker = new LambdaServiceWaker(
      { region: 'us-east-1', endpoint: lambda.endpoint },
      'berth-local-reconcileServices',
    );

    // Act
    await waker.wake('prod', 'web');

    // Assert: asked again, with the same wake-up
    expect(lambda.requests.map((got) => got.raw.body)).toEqual([
      JSON.stringify({ cluster: 'prod', service: 'web' }),
      JSON.stringify({ cluster: 'prod', service: 'web' }),
    ]);
  });

  it('only logs a refused wake-up, after three tries: the scheduler sweep repairs it', async () => {
    // Prepare
    lambda.answer = () => ({ status: 500, body: {} });
    const waker = new LambdaServiceWaker(
      { region: 'us-east-1', endpoint: lambda.endpoint },
      'berth-local-reconcileServices',
    );

    // Act, Assert
    await expect(waker.wake('prod', 'web')).resolves.toBeUndefined();
    expect(lambda.requests).toHaveLength(3);
  });
});
