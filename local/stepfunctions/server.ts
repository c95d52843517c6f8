import './polyfill';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StepFunctionsApi } from './api';
import { SfnError } from './errors';
import { Executor } from './executor';
import { isJsonObject, parseJson } from './json';
import { defaultLogger, type Logger } from './logger';
import { loadStateMachines, type StateMachineConfig } from './machines';
import { ExecutionStore } from './store';
import { TaskTokens } from './tokens';

/**
 * A Step Functions endpoint for one machine: the AWS JSON 1.0 protocol
 * (`POST /`, `X-Amz-Target: AWSStepFunctions.<Operation>`) in front of
 * `aws-local-stepfunctions`, running the repo's ASL files and calling their
 * Lambdas through serverless-offline. Point `@aws-sdk/client-sfn` at `url`.
 *
 * `npm start` starts it next to serverless-offline; the handlers reach it
 * through the SDK like the real service, so the same code runs on AWS.
 */

interface StepFunctionsServerOptions {
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  port: number;
  stateMachines: StateMachineConfig[];
  /** Calls a function and resolves with its result (or its error payload). */
  invokeLambda: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Hands a payload to a function without waiting (`InvocationType: Event`). */
  invokeLambdaAsync?: (functionName: string, payload: unknown) => Promise<void>;
  /** The serverless-offline function name for a logical name, e.g. `berth-local-purgeTaskDefinition`. */
  resolveFunctionName: (logicalName: string) => string;
  /** Executions are kept under `${dataDir}/stepfunctions/`. */
  dataDir: string;
  logger?: Logger;
}

interface StepFunctionsServer {
  url: string;
  port: number;
  /** Stops listening and running; RUNNING executions stay RUNNING and resume on the next start. */
  close: () => Promise<void>;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Reads the whole body even when it is too large, so that a keep-alive
 * connection stays usable for the next request.
 */
const readBody = (request: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }),
    );
    request.on('error', reject);
  });

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  errorType?: string,
): void => {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(errorType !== undefined ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
};

const parseRequest = (
  request: IncomingMessage,
  body: { text: string; tooLarge: boolean },
): { operation: string; input: Record<string, unknown> } => {
  const path = (request.url ?? '/').split('?')[0];
  const target = request.headers['x-amz-target'];
  if (request.method !== 'POST' || path !== '/' || typeof target !== 'string') {
    throw new SfnError(
      'UnknownOperationException',
      'Expected POST / with an X-Amz-Target header naming an operation',
    );
  }
  if (!target.startsWith(TARGET_PREFIX)) {
    throw new SfnError('UnknownOperationException', `Unknown operation: ${target}`);
  }
  if (body.tooLarge) {
    throw new SfnError(
      'SerializationException',
      `The request body exceeds ${MAX_BODY_BYTES} bytes`,
    );
  }
  const parsed = body.text.trim() === '' ? { value: {} } : parseJson(body.text);
  if (!parsed || !isJsonObject(parsed.value)) {
    throw new SfnError('SerializationException', 'The request body is not a JSON object');
  }
  return { operation: target.slice(TARGET_PREFIX.length), input: parsed.value };
};

const handleRequest = async (
  api: StepFunctionsApi,
  stats: () => unknown,
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> => {
  const requestId = randomUUID();
  try {
    const body = await readBody(request);
    if (request.method === 'GET' && request.url === '/health') {
      send(response, 200, { status: 'ok' }, requestId);
      return;
    }
    // What the bench reads for its per-task budget: history events by type, invocations by function.
    if (request.method === 'GET' && request.url === '/stats') {
      send(response, 200, stats(), requestId);
      return;
    }
    const { operation, input } = parseRequest(request, body);
    send(response, 200, await api.handle(operation, input), requestId);
  } catch (error) {
    if (error instanceof SfnError) {
      send(response, error.statusCode, error.toJSON(), requestId, error.errorType);
      return;
    }
    logger.error('Request failed', {
      requestId,
      target: request.headers['x-amz-target'],
      error: error instanceof Error ? error.stack : String(error),
    });
    send(
      response,
      500,
      { __type: 'InternalFailure', message: 'An internal error occurred.' },
      requestId,
      'InternalFailure',
    );
  }
};

const listen = (server: Server, port: number, host: string): Promise<AddressInfo> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });

/**
 * Starts the server: prepares every state machine (rejecting on a definition
 * that cannot run locally), loads the executions kept under `dataDir`, starts
 * listening, then runs again the executions that were RUNNING when the last
 * server stopped.
 */
async function startStepFunctionsServer(
  options: StepFunctionsServerOptions,
): Promise<StepFunctionsServer> {
  const logger = options.logger ?? defaultLogger;
  const host = options.host ?? '127.0.0.1';
  const machines = loadStateMachines(options.stateMachines, options.resolveFunctionName);
  const store = await ExecutionStore.open(options.dataDir, logger);
  const tokens = new TaskTokens((executionArn) => store.get(executionArn) !== undefined);
  const invocations = new Map<string, number>();
  const counted =
    <Args extends [string, unknown], Result>(invoke: (...args: Args) => Promise<Result>) =>
    (...args: Args): Promise<Result> => {
      invocations.set(args[0], (invocations.get(args[0]) ?? 0) + 1);
      return invoke(...args);
    };
  const { invokeLambdaAsync } = options;
  const executor = new Executor({
    store,
    tokens,
    machines,
    invokeLambda: counted(options.invokeLambda),
    ...(invokeLambdaAsync ? { invokeLambdaAsync: counted(invokeLambdaAsync) } : {}),
    logger,
  });
  const stats = () => ({
    historyEvents: Object.fromEntries(store.eventCounts),
    invocations: Object.fromEntries(invocations),
  });
  const api = new StepFunctionsApi({ machines, store, executor, tokens });

  const server = createServer((request, response) => {
    void handleRequest(api, stats, logger, request, response);
  });
  // Longer than the SDK's idle sockets are kept, so a client never writes to a
  // socket the server has just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let address: AddressInfo;
  try {
    address = await listen(server, options.port, host);
  } catch (error) {
    await store.close();
    throw error;
  }

  const interrupted = store.all().filter((record) => record.status === 'RUNNING');
  for (const record of interrupted) {
    logger.info('Resuming an execution interrupted by a restart', {
      executionArn: record.executionArn,
    });
    executor.run(record, { resumed: true });
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stop taking requests, let the ones in flight finish, then stop running.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await executor.close();
      await store.close();
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  };

  logger.info('Step Functions server listening', {
    url: `http://${urlHost}:${address.port}`,
    stateMachines: [...machines.keys()],
    resumed: interrupted.length,
  });
  return { url: `http://${urlHost}:${address.port}`, port: address.port, close };
}

export {
  type StateMachineConfig,
  type StepFunctionsServer,
  type StepFunctionsServerOptions,
  startStepFunctionsServer,
};
