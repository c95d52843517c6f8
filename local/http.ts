import { Agent, type IncomingMessage, request } from 'node:http';

/** A request's whole body as text, for the local stack's small HTTP servers. */
const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/**
 * Invokes a function through serverless-offline's Lambda endpoint (Lambda's
 * own REST path, unsigned: it checks no signature) over keep-alive
 * connections: what the Step Functions server's Task states call. Its result
 * is the function's parsed output; a function error is thrown with the
 * function's `errorType` and `errorMessage`.
 *
 * Why not `@aws-sdk/client-lambda`: its per-call machinery and signing were
 * a fifth of the stack process's CPU under `npm run bench -- e2e` (ADR 13).
 */
const offlineInvoker = (endpoint: string) => {
  const agent = new Agent({ keepAlive: true });
  const url = new URL(endpoint);
  const invoke = (functionName: string, payload: unknown, asynchronous: boolean) =>
    new Promise<unknown>((resolve, reject) => {
      const body = JSON.stringify(payload ?? {});
      const call = request(
        {
          method: 'POST',
          hostname: url.hostname,
          port: url.port,
          path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-amz-invocation-type': asynchronous ? 'Event' : 'RequestResponse',
          },
        },
        (response) => {
          readBody(response).then((text) => {
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              reject(new Error(`Lambda endpoint answered ${status} for ${functionName}: ${text}`));
              return;
            }
            let result: unknown = null;
            try {
              result = text === '' ? null : JSON.parse(text);
            } catch {
              result = text;
            }
            if (response.headers['x-amz-function-error']) {
              const failure = (result ?? {}) as { errorType?: string; errorMessage?: string };
              const error = new Error(failure.errorMessage ?? 'Lambda function failed');
              error.name = failure.errorType ?? 'Error';
              reject(error);
              return;
            }
            resolve(result);
          }, reject);
        },
      );
      call.once('error', reject);
      call.end(body);
    });
  return { invoke, close: () => agent.destroy() };
};

export { offlineInvoker, readBody };
