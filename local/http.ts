import type { IncomingMessage } from 'node:http';
import { invocationPath } from '../functions/adapters/lambda/invocationPath';
import { SignedHttpClient } from '../functions/adapters/SignedHttpClient';

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
 * own REST path; toward this machine `SignedHttpClient` sends no real
 * signature, and offline checks none) over keep-alive connections: what the
 * Step Functions server's Task states call. Its result is the function's
 * parsed output; a function error is thrown with the function's `errorType`
 * and `errorMessage`. No timeout: a step takes as long as its function.
 *
 * Why not `@aws-sdk/client-lambda`: its per-call machinery and signing were
 * a fifth of the stack process's CPU under `npm run bench -- e2e` (ADR 13).
 */
const offlineInvoker = (endpoint: string) => {
  const lambda = new SignedHttpClient({
    service: 'lambda',
    region: 'us-east-1',
    endpoint,
    requestTimeout: 0,
  });
  const invoke = async (functionName: string, payload: unknown, asynchronous: boolean) => {
    const { status, headers, body } = await lambda.post(
      invocationPath(functionName),
      {
        'content-type': 'application/json',
        'x-amz-invocation-type': asynchronous ? 'Event' : 'RequestResponse',
      },
      JSON.stringify(payload ?? {}),
      true,
    );
    if (status < 200 || status >= 300) {
      throw new Error(`Lambda endpoint answered ${status} for ${functionName}: ${body}`);
    }
    let result: unknown = null;
    try {
      result = body === '' ? null : JSON.parse(body);
    } catch {
      result = body;
    }
    if (headers['x-amz-function-error']) {
      const failure = (result ?? {}) as { errorType?: string; errorMessage?: string };
      const error = new Error(failure.errorMessage ?? 'Lambda function failed');
      error.name = failure.errorType ?? 'Error';
      throw error;
    }
    return result;
  };
  return { invoke, close: () => lambda.destroy() };
};

export { offlineInvoker, readBody };
