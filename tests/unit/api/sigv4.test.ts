import { Readable } from 'node:stream';
import { DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  type ArrivedRequest,
  readSignatureClaim,
  verifySignature,
} from '../../../functions/api/auth/sigv4';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
} from '../../../functions/domain/iam/errors';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A request that the SDK sent, as the server would see it arrive. */
const arrived = (request: HttpRequest): ArrivedRequest => ({
  method: request.method,
  path: request.path,
  rawQuery: Object.entries(request.query ?? {})
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (item) => `${encodeURIComponent(name)}=${encodeURIComponent(item ?? '')}`,
      ),
    )
    .join('&'),
  headers: Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
  ),
  body: Buffer.from((request.body as string | Uint8Array | undefined) ?? ''),
});

/** Sends one command through the real client and captures the signed request. */
const captured = async (
  send: (handler: {
    handle: (request: HttpRequest) => Promise<{ response: HttpResponse }>;
  }) => Promise<unknown>,
): Promise<ArrivedRequest> => {
  let request: HttpRequest | undefined;
  await send({
    handle: async (signed) => {
      request = signed;
      return {
        response: new HttpResponse({
          statusCode: 200,
          headers: { 'content-type': 'text/xml' },
          body: Readable.from([Buffer.from('{}')]),
        }),
      };
    },
  }).catch(() => undefined);
  if (!request) throw new Error('nothing sent');
  return arrived(request);
};

const ecsRequest = (credentials = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET }) =>
  captured((requestHandler) =>
    new ECSClient({
      endpoint: 'http://127.0.0.1:3000',
      region: 'us-east-1',
      credentials,
      requestHandler,
      maxAttempts: 1,
    }).send(new DescribeClustersCommand({ clusters: ['prod'] })),
  );

const NOW = () => new Date();
const ecsContext = () => ({ region: 'us-east-1', service: 'ecs', now: NOW() });

const verify = (request: ArrivedRequest, secret = SECRET, context = ecsContext()) =>
  verifySignature(request, readSignatureClaim(request), secret, context);

describe('SigV4 verification of what the AWS SDK signs', () => {
  it('accepts an ECS request signed by @aws-sdk/client-ecs', async () => {
    const request = await ecsRequest();
    expect(readSignatureClaim(request)).toMatchObject({
      accessKeyId: ACCESS_KEY,
      scope: { region: 'us-east-1', service: 'ecs', terminator: 'aws4_request' },
    });
    expect(() => verify(request)).not.toThrow();
  });

  it('accepts a Query request signed by @aws-sdk/client-iam, with session credentials', async () => {
    const request = await captured((requestHandler) =>
      new IAMClient({
        endpoint: 'http://127.0.0.1:3000',
        region: 'eu-west-1',
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, sessionToken: 'token' },
        requestHandler,
        maxAttempts: 1,
      }).send(new GetUserCommand({ UserName: 'bob' })),
    );
    expect(readSignatureClaim(request).sessionToken).toBe('token');
    expect(() =>
      verify(request, SECRET, { region: 'eu-west-1', service: 'iam', now: NOW() }),
    ).not.toThrow();
  });

  it('accepts a request signed as boto3 signs it: few headers, no body-hash header', async () => {
    const now = NOW();
    const signer = new SignatureV4({
      service: 'ecs',
      region: 'us-east-1',
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
    const body = '{"clusters":["prod"]}';
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 3000,
        path: '/',
        headers: {
          host: '127.0.0.1:3000',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeClusters',
          'user-agent': 'Boto3/1.43.11',
        },
        body,
      }),
      { signingDate: now },
    );
    const request = arrived(signed as HttpRequest);
    expect(request.headers['x-amz-content-sha256']).toBeUndefined();
    expect(() => verify(request)).not.toThrow();
  });

  it('accepts a presigned URL with its query, as the agents connect', async () => {
    const signer = new SignatureV4({
      service: 'ecs',
      region: 'us-east-1',
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
      sha256: Hash.bind(null, 'sha256'),
    });
    const presigned = await signer.presign(
      new HttpRequest({
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 3001,
        path: '/',
        query: {
          cluster: 'prod',
          containerInstance: 'arn:aws:ecs:us-east-1:1:container-instance/prod/ab c',
        },
        headers: { host: '127.0.0.1:3001' },
      }),
      { expiresIn: 60 },
    );
    const request = arrived(presigned as HttpRequest);
    expect(readSignatureClaim(request).expiresSeconds).toBe(60);
    expect(() => verify(request)).not.toThrow();
    expect(() => verify({ ...request, rawQuery: request.rawQuery.replace('prod', 'dev') })).toThrow(
      new InvalidSignatureException(),
    );
  });
});

describe('SigV4 refusals, with ECS’s errors', () => {
  it('refuses a request without a signature', async () => {
    const request = await ecsRequest();
    const { authorization: _, ...headers } = request.headers;
    expect(() => readSignatureClaim({ ...request, headers })).toThrow(
      new MissingAuthenticationTokenException('Missing Authentication Token'),
    );
  });

  it.each([
    ['Credential', (h: string) => h.replace(/Credential=[^,]+, /, '')],
    ['SignedHeaders', (h: string) => h.replace(/SignedHeaders=[^,]+, /, '')],
    ['Signature', (h: string) => h.replace(/, Signature=.+$/, '')],
  ])('refuses an Authorization header without %s', async (part, strip) => {
    const request = await ecsRequest();
    const authorization = strip(request.headers.authorization ?? '');
    expect(() =>
      readSignatureClaim({ ...request, headers: { ...request.headers, authorization } }),
    ).toThrow(
      new IncompleteSignatureException(
        `Authorization header requires '${part}' parameter. Authorization=${authorization}`,
      ),
    );
  });

  it.each([
    [
      'a changed body',
      (r: ArrivedRequest) => ({ ...r, body: Buffer.from('{"clusters":["dev"]}') }),
    ],
    [
      'a changed signed header',
      (r: ArrivedRequest) => ({
        ...r,
        headers: {
          ...r.headers,
          'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DeleteCluster',
        },
      }),
    ],
    [
      'a changed host',
      (r: ArrivedRequest) => ({ ...r, headers: { ...r.headers, host: 'evil:3000' } }),
    ],
    ['an added query', (r: ArrivedRequest) => ({ ...r, rawQuery: 'x=1' })],
    ['another path', (r: ArrivedRequest) => ({ ...r, path: '/other' })],
  ])('refuses %s', async (_, change) => {
    const request = change(await ecsRequest());
    const attempt = () => verify(request);
    expect(attempt).toThrow(InvalidSignatureException);
  });

  it('refuses a signature made with another secret, in the words ECS uses', async () => {
    const request = await ecsRequest({ accessKeyId: ACCESS_KEY, secretAccessKey: 'other' });
    expect(() => verify(request)).toThrow(
      new InvalidSignatureException(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      ),
    );
  });

  it('refuses a signature older than 5 minutes and one more than 5 minutes ahead', async () => {
    const request = await ecsRequest();
    const signedAt = new Date(
      readSignatureClaim(request).amzDate.replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    const at = (offsetSeconds: number) => ({
      ...ecsContext(),
      now: new Date(signedAt.getTime() + offsetSeconds * 1000),
    });
    expect(() => verify(request, SECRET, at(299))).not.toThrow();
    expect(() => verify(request, SECRET, at(-299))).not.toThrow();
    expect(() => verify(request, SECRET, at(301))).toThrow(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    expect(() => verify(request, SECRET, at(-301))).toThrow(
      /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/,
    );
  });

  it('refuses a scope for another region or service', async () => {
    const request = await ecsRequest();
    expect(() => verify(request, SECRET, { ...ecsContext(), region: 'eu-west-1' })).toThrow(
      new InvalidSignatureException(
        "Credential should be scoped to a valid region, not 'us-east-1'. ",
      ),
    );
    expect(() => verify(request, SECRET, { ...ecsContext(), service: 'iam' })).toThrow(
      new InvalidSignatureException("Credential should be scoped to correct service: 'iam'. "),
    );
  });
});
