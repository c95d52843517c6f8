import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * `fetch`, signed with SigV4 as the SDKs sign: for Berth's own operations
 * that no AWS SDK client knows (GetUsageReport, from `npm run usage` and the
 * console) and for tests that speak the wire raw. The SDK's JavaScript
 * SHA-256 runs in Node and in the browser alike.
 */

interface SigningOptions {
  /** The signing name: `ecs`, `berth`, `iam`, … */
  readonly service: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const signedFetch = async (
  url: string,
  init: { readonly headers: Record<string, string>; readonly body: string },
  options: SigningOptions,
): Promise<Response> => {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port === '' ? {} : { port: Number(target.port) }),
      path: target.pathname,
      // fetch sends the host it dials: the same that is signed here.
      headers: { ...init.headers, host: target.host },
      body: init.body,
    }),
  );
  const { host: _, ...headers } = signed.headers;
  return fetch(url, { method: 'POST', headers, body: init.body });
};

export type { SigningOptions };
export { signedFetch };
