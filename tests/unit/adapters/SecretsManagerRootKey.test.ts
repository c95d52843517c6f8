import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRootKeyFromSecretsManager } from '../../../functions/adapters/iam/SecretsManagerRootKey';
import { outwardAddress, verifiedClaim } from '../../helpers/standInService';

/**
 * A stand-in for Secrets Manager's GetSecretValue that answers `status` and
 * `body`; the first `failFirst` requests get a 503 instead.
 */
const startSecretsManager = async (status: number, body: unknown, failFirst = 0) => {
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body: text });
      const unavailable = received.length <= failFirst;
      response.writeHead(unavailable ? 503 : status, {
        'content-type': 'application/x-amz-json-1.1',
      });
      response.end(JSON.stringify(unavailable ? { __type: 'ServiceUnavailable' } : body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return { port: (server.address() as AddressInfo).port, received, server };
};

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:berth-prod-root-key-AbCdEf';

describe('readRootKeyFromSecretsManager', () => {
  const servers: Server[] = [];
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFUNCTION';
    process.env.AWS_SECRET_ACCESS_KEY = 'function-secret';
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  });

  it('reads the key pair with one GetSecretValue, signed with the function’s credentials', async () => {
    const secretsManager = await startSecretsManager(200, {
      ARN: SECRET,
      SecretString: JSON.stringify({
        accessKeyId: 'AKIABERTHROOTKEY0001',
        secretAccessKey: 'root-secret',
      }),
    });
    servers.push(secretsManager.server);
    const host = outwardAddress();

    const key = await readRootKeyFromSecretsManager({
      region: 'eu-west-1',
      secretArn: SECRET,
      endpoint: `http://${host}:${secretsManager.port}`,
    });

    expect(key).toEqual({ accessKeyId: 'AKIABERTHROOTKEY0001', secretAccessKey: 'root-secret' });
    const [got] = secretsManager.received;
    expect(got?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(JSON.parse(got?.body ?? '')).toEqual({ SecretId: SECRET });
    // Berth's own verifier accepts what the SDK's signer made of it.
    if (host !== '127.0.0.1' && got) {
      const claim = verifiedClaim({ method: 'POST', ...got }, 'function-secret', {
        region: 'eu-west-1',
        service: 'secretsmanager',
      });
      expect(claim).toMatchObject({
        accessKeyId: 'AKIDFUNCTION',
        scope: { service: 'secretsmanager' },
      });
    }
  });

  it('tries again after a 503, and reads the key pair', async () => {
    const secretsManager = await startSecretsManager(
      200,
      { SecretString: JSON.stringify({ accessKeyId: 'A', secretAccessKey: 'S' }) },
      1,
    );
    servers.push(secretsManager.server);

    const key = await readRootKeyFromSecretsManager({
      region: 'eu-west-1',
      secretArn: SECRET,
      endpoint: `http://127.0.0.1:${secretsManager.port}`,
    });

    expect(key).toEqual({ accessKeyId: 'A', secretAccessKey: 'S' });
    expect(secretsManager.received).toHaveLength(2);
  });

  it.each([
    ['an error answer', 400, { __type: 'ResourceNotFoundException' }, /answered 400/],
    [
      'a secret without the key pair',
      200,
      { SecretString: '{"accessKeyId":"A"}' },
      /lacks accessKeyId or secretAccessKey/,
    ],
  ])('fails on %s', async (_, status, body, message) => {
    const secretsManager = await startSecretsManager(status, body);
    servers.push(secretsManager.server);
    await expect(
      readRootKeyFromSecretsManager({
        region: 'eu-west-1',
        secretArn: SECRET,
        endpoint: `http://127.0.0.1:${secretsManager.port}`,
      }),
    ).rejects.toThrow(message);
  });
});
