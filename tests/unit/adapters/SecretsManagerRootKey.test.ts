import { readRootKeyFromSecretsManager } from '../../../functions/adapters/iam/SecretsManagerRootKey';
import { outwardAddress, StandInService, verifiedClaim } from '../../helpers/standInService';

/** A stand-in for Secrets Manager's GetSecretValue. */
let secretsManager: StandInService;

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:berth-prod-root-key-AbCdEf';

describe('readRootKeyFromSecretsManager', () => {
  const saved = { ...process.env };
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFUNCTION';
    process.env.AWS_SECRET_ACCESS_KEY = 'function-secret';
    secretsManager = await StandInService.start();
  });
  beforeEach(() => secretsManager.reset());
  afterAll(async () => {
    process.env = saved;
    await secretsManager.close();
  });

  it('reads the key pair with one GetSecretValue, signed with the function’s credentials', async () => {
    secretsManager.answer = () => ({
      status: 200,
      body: {
        ARN: SECRET,
        SecretString: JSON.stringify({
          accessKeyId: 'AKIABERTHROOTKEY0001',
          secretAccessKey: 'root-secret',
        }),
      },
    });
    const host = outwardAddress();

    const key = await readRootKeyFromSecretsManager({
      region: 'eu-west-1',
      secretArn: SECRET,
      endpoint: secretsManager.outwardEndpoint,
    });

    expect(key).toEqual({ accessKeyId: 'AKIABERTHROOTKEY0001', secretAccessKey: 'root-secret' });
    expect(secretsManager.requests).toHaveLength(1);
    const got = secretsManager.requests[0]?.raw;
    expect(got?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(JSON.parse(got?.body ?? '')).toEqual({ SecretId: SECRET });
    // Berth's own verifier accepts what the SDK's signer made of it.
    if (host !== '127.0.0.1' && got) {
      const claim = verifiedClaim(got, 'function-secret', {
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
    secretsManager.answer = () =>
      secretsManager.requests.length === 1
        ? { status: 503, body: { __type: 'ServiceUnavailable' } }
        : {
            status: 200,
            body: { SecretString: JSON.stringify({ accessKeyId: 'A', secretAccessKey: 'S' }) },
          };

    const key = await readRootKeyFromSecretsManager({
      region: 'eu-west-1',
      secretArn: SECRET,
      endpoint: secretsManager.endpoint,
    });

    expect(key).toEqual({ accessKeyId: 'A', secretAccessKey: 'S' });
    expect(secretsManager.requests).toHaveLength(2);
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
    secretsManager.answer = () => ({ status, body });
    await expect(
      readRootKeyFromSecretsManager({
        region: 'eu-west-1',
        secretArn: SECRET,
        endpoint: secretsManager.endpoint,
      }),
    ).rejects.toThrow(message);
  });
});
