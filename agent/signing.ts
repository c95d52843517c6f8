import { readFileSync } from 'node:fs';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The agent's identity: the access key it signs everything with, as the ECS
 * agent signs its calls and its control channel with the instance's role.
 * The API calls are signed by the SDK; the WebSocket's `$connect` carries a
 * SigV4-presigned query (re-signed on every connection, valid one minute).
 */

interface AgentCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** From the environment, as the SDKs read it; the letters-only stand-in when unset (a local stack that checks nothing). */
const credentialsFromEnvironment = (env: NodeJS.ProcessEnv = process.env): AgentCredentials => ({
  accessKeyId: env.AWS_ACCESS_KEY_ID || 'berth',
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY || 'berth',
  ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
});

/**
 * A credentials file (`--credentials-file`): the JSON that `aws iam
 * create-access-key` prints (`{"AccessKey": {...}}`), or its `AccessKey` alone.
 */
const readCredentialsFile = (path: string): AgentCredentials => {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const key = (parsed.AccessKey ?? parsed) as Record<string, unknown>;
  if (typeof key.AccessKeyId !== 'string' || typeof key.SecretAccessKey !== 'string') {
    throw new Error(`${path} has no AccessKeyId and SecretAccessKey`);
  }
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
};

/** The socket's URL with a SigV4-presigned query (service `ecs`), valid `expiresIn` seconds. */
const presignSocketUrl = async (
  url: string,
  credentials: AgentCredentials,
  region: string,
  expiresIn = 60,
): Promise<string> => {
  const parsed = new URL(url);
  const signer = new SignatureV4({
    service: 'ecs',
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: parsed.protocol === 'wss:' ? 'https:' : 'http:',
      hostname: parsed.hostname,
      ...(parsed.port === '' ? {} : { port: Number(parsed.port) }),
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers: { host: parsed.host },
    }),
    { expiresIn },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}?${query}`;
};

export type { AgentCredentials };
export { credentialsFromEnvironment, presignSocketUrl, readCredentialsFile };
