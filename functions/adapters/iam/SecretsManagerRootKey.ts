import type { RootKey } from '../../domain/iam/IdentityService';
import { SignedHttpClient } from '../SignedHttpClient';
import { sendRetried } from '../transientFailures';

const READ_ATTEMPTS = 3;

/**
 * The root key pair of a deployed Berth, from the Secrets Manager secret
 * that the deployment created (`BERTH_ROOT_SECRET_ARN`; JSON with
 * `accessKeyId` and `secretAccessKey`, encrypted with the stack's KMS key).
 * Read once per process; never logged, never in the template.
 */
const readRootKeyFromSecretsManager = async (options: {
  region: string;
  secretArn: string;
  endpoint?: string | undefined;
}): Promise<RootKey> => {
  const client = new SignedHttpClient({
    service: 'secretsmanager',
    region: options.region,
    endpoint: options.endpoint,
    requestTimeout: 5_000,
  });
  // A read: tried again on no answer, throttling or a 5xx, as the SDK's client would.
  const { status, body } = await sendRetried(
    () =>
      client.post(
        '/',
        {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.GetSecretValue',
        },
        JSON.stringify({ SecretId: options.secretArn }),
        true,
      ),
    READ_ATTEMPTS,
  );
  if (status !== 200) {
    throw new Error(`Secrets Manager answered ${status} for the root key's secret`);
  }
  const secret = JSON.parse(String((JSON.parse(body) as { SecretString?: unknown }).SecretString));
  if (typeof secret?.accessKeyId !== 'string' || typeof secret?.secretAccessKey !== 'string') {
    throw new Error("The root key's secret lacks accessKeyId or secretAccessKey");
  }
  return { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey };
};

export { readRootKeyFromSecretsManager };
