import { type ChildProcess, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findDockerSocket } from '../agent/runtimes';
import type { AgentCredentials } from '../agent/signing';
import { readAuth } from '../functions/config/environment';
import { claimBuildFolder, removeAbandonedBuildFolders } from './buildFolders';
import { startCapacityServer } from './capacity/server';
import { ensureTables, type LocalDynamoDb, startDynamoDbLocal } from './dynamodb';
import { startEventsServer } from './events/server';
import { offlineInvoker } from './http';
import { preparePodman } from './podman';
import { spawnTied } from './processes';
import { loadServerlessConfig } from './serverlessConfig';
import { startStepFunctionsServer } from './stepfunctions/server';
import { outputTail, type RunningPart, supervise } from './supervisor';

/**
 * The whole of Berth on one machine, in one process tree:
 *
 *   DynamoDB Local (java)  ←  handlers  ←  serverless-offline (osls)  ←  clients
 *          ↑                      ↑  ↓
 *          └── tables from        │  StartExecution
 *              serverless.yml     │  ↓
 *                        Step Functions server (in this process, ASL from
 *                        statemachines/, Tasks → the Lambda invoke endpoint)
 *   handlers → PutEvents → events server (in this process) → subscribers (SSE)
 *   lifecycle steps → capacity host (in this process): one agent per FARGATE task
 *
 * Started in dependency order; `stop()` ends every child so that no orphan
 * keeps a port.
 */

interface StackOptions {
  readonly rootDir: string;
  readonly dataDir: string;
  readonly stage?: string;
  readonly ports: {
    readonly http: number;
    readonly lambda: number;
    readonly websocket: number;
    readonly dynamodb: number;
    readonly stepFunctions: number;
    readonly events: number;
    readonly capacity: number;
  };
  /**
   * How FARGATE tasks' hosts run containers: `docker` through a Docker-API
   * socket, `process` as host processes, `auto` (the default) docker when a
   * socket is found or Podman is installed (its service is then started).
   */
  readonly containerRuntime?: 'auto' | 'docker' | 'process';
  /** The Docker-API socket to use (else `$DOCKER_HOST`, Docker's, Podman's, or Podman started here). */
  readonly dockerSocket?: string | undefined;
  /** Extra environment for the handlers (e.g. shorter workflow intervals in tests). */
  readonly environment?: Record<string, string>;
  readonly log?: (line: string) => void;
  /** What the user must hear (a part died and is restarted); stderr when not given. */
  readonly warn?: (line: string) => void;
}

interface RunningStack {
  readonly url: string;
  readonly lambdaEndpoint: string;
  readonly stepFunctionsEndpoint: string;
  readonly dynamoDbEndpoint: string;
  /** Where subscribers read events: `GET <eventsEndpoint>/events` (Server-Sent Events). */
  readonly eventsEndpoint: string;
  /** How FARGATE tasks run here, said once at start. */
  readonly fargateRuntime: {
    readonly runtime: 'docker' | 'process';
    readonly dockerSocket?: string;
  };
  /** `sigv4` with the root key's id when requests are verified; `none` when any key works. */
  readonly auth:
    | { readonly mode: 'none' }
    | { readonly mode: 'sigv4'; readonly rootAccessKeyId: string };
  /** Resolves when any part dies on its own. */
  readonly died: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Whether the stack verifies signatures (BERTH_AUTH=sigv4) and with which
 * root key, read as the handlers will read it; refused at once, before any
 * part starts, when the key is missing.
 */
const stackAuth = (
  environment: Record<string, string | undefined>,
): { mode: 'none' } | { mode: 'sigv4'; root: AgentCredentials } => {
  const { auth, rootKey } = readAuth(true, environment);
  return auth === 'sigv4' && rootKey?.kind === 'environment'
    ? { mode: 'sigv4', root: rootKey }
    : { mode: 'none' };
};

class MissingJavaError extends Error {
  constructor() {
    super(
      'Berth needs a Java runtime (17 or newer) for DynamoDB Local, and `java` was not found. ' +
        'Install one, e.g. `sudo apt-get install -y default-jre-headless` on Debian/Ubuntu, then run `npm start` again.',
    );
    this.name = 'MissingJavaError';
  }
}

const hasJava = (): boolean => {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
};

const sleep = (milliseconds: number) => new Promise((done) => setTimeout(done, milliseconds));

const waitForHealth = async (
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`serverless-offline exited early (${child.exitCode})`);
    try {
      const response = await fetch(`${url}/health`);
      last = await response.text();
      if (response.status === 200) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(150);
  }
  throw new Error(`Berth did not become healthy within ${timeoutMs} ms: ${last}`);
};

/** Refuses to start on a port something else holds, rather than talk to a stranger. */
const assertPortFree = (name: string, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    if (port === 0) return resolve();
    const server = createServer();
    server.once('error', () =>
      reject(
        new Error(`Port ${port} (${name}) is in use; stop what holds it or choose another port.`),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });

/**
 * How FARGATE tasks run on this machine: as containers when there is a
 * Docker-API socket (given, found, or Podman's service started here), else as
 * host processes.
 */
const chooseContainerRuntime = async (
  options: StackOptions,
  log: (line: string) => void,
): Promise<{
  runtime: 'docker' | 'process';
  dockerSocket?: string;
  stop?: () => Promise<void>;
}> => {
  const wanted = options.containerRuntime ?? 'auto';
  if (wanted === 'process') return { runtime: 'process' };
  const socket = options.dockerSocket ?? findDockerSocket(process.env);
  if (socket !== undefined) return { runtime: 'docker', dockerSocket: socket };
  const podman = await preparePodman({ dataDir: join(options.dataDir, 'podman'), log });
  if (podman) return { runtime: 'docker', dockerSocket: podman.socketPath, stop: podman.stop };
  if (wanted === 'docker') {
    throw new Error(
      'BERTH_CONTAINER_RUNTIME=docker, but there is no Docker-API socket (BERTH_DOCKER_SOCKET, DOCKER_HOST, /var/run/docker.sock) and Podman is not installed.',
    );
  }
  return { runtime: 'process' };
};

/**
 * How often the managed (FARGATE) hosts' agents send usage: 20 s, as ECS
 * samples, unless BERTH_AGENT_METRICS_SECONDS says otherwise (tests compress time).
 */
const agentMetricsSeconds = (environment: Record<string, string> | undefined): number => {
  const text = environment?.BERTH_AGENT_METRICS_SECONDS ?? process.env.BERTH_AGENT_METRICS_SECONDS;
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value >= 0 ? value : 20;
};

const startLocalStack = async (options: StackOptions): Promise<RunningStack> => {
  if (!hasJava()) throw new MissingJavaError();
  const auth = stackAuth({ ...process.env, ...options.environment });
  for (const [name, port] of Object.entries(options.ports)) await assertPortFree(name, port);
  const log = options.log ?? (() => {});
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stage = options.stage ?? 'local';
  const rootDir = resolve(options.rootDir);
  const config = loadServerlessConfig(rootDir, stage);
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopPart of stoppers.splice(0).reverse()) {
      await stopPart().catch((error: unknown) => log(`stop failed: ${String(error)}`));
    }
  };
  let reportDeath: (reason: string) => void = () => {};
  const died = new Promise<string>((resolveDeath) => {
    reportDeath = resolveDeath;
  });

  try {
    // Supervised: a DynamoDB Local that dies is restarted on its data (issue 10).
    const dynamoDb = await supervise<LocalDynamoDb>({
      name: 'DynamoDB Local',
      start: () =>
        startDynamoDbLocal({
          dataDir: join(options.dataDir, 'dynamodb'),
          port: options.ports.dynamodb,
        }),
      warn,
      giveUp: (reason) => reportDeath(reason),
    });
    const dynamo = dynamoDb.current();
    stoppers.push(() => dynamoDb.stop());
    await ensureTables(dynamo.client, config.tables, config.ttlAttributes);
    log(
      `DynamoDB Local at ${dynamo.endpoint}${dynamo.syncs ? ' (every write synced to disk; install eatmydata to skip that)' : ' (writes not fsynced: eatmydata)'}`,
    );

    const lambdaEndpoint = `http://127.0.0.1:${options.ports.lambda}`;
    const lambda = offlineInvoker(lambdaEndpoint);
    const invoke = lambda.invoke;
    const accountId =
      options.environment?.BERTH_ACCOUNT_ID ?? process.env.BERTH_ACCOUNT_ID ?? '000000000000';
    const region = options.environment?.BERTH_REGION ?? process.env.BERTH_REGION ?? 'us-east-1';
    const stateMachineArn = (name: string) =>
      `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
    const stepFunctions = await startStepFunctionsServer({
      port: options.ports.stepFunctions,
      dataDir: options.dataDir,
      stateMachines: config.stateMachines.map((machine) => ({
        name: machine.name,
        arn: stateMachineArn(machine.name),
        definition: machine.definition,
      })),
      resolveFunctionName: config.functionName,
      invokeLambda: (functionName, payload) => invoke(functionName, payload, false),
      invokeLambdaAsync: async (functionName, payload) => {
        await invoke(functionName, payload, true);
      },
      logger: { info: log, error: log },
    });
    stoppers.push(async () => {
      await stepFunctions.close();
      lambda.close();
    });
    log(`Step Functions at ${stepFunctions.url}`);

    const events = await startEventsServer({ port: options.ports.events, accountId, region });
    stoppers.push(() => events.close());
    log(`Events at ${events.url}/events`);

    const fargateRuntime = await chooseContainerRuntime(options, log);
    if (fargateRuntime.stop) stoppers.push(fargateRuntime.stop);
    const capacity = await startCapacityServer({
      port: options.ports.capacity,
      dataDir: options.dataDir,
      endpoint: `http://127.0.0.1:${options.ports.http}`,
      wsEndpoint: `ws://127.0.0.1:${options.ports.websocket}`,
      region,
      runtime: fargateRuntime.runtime,
      dockerSocket: fargateRuntime.dockerSocket,
      metricsSeconds: agentMetricsSeconds(options.environment),
      // The hosts' agents sign with the root key: they are the stack's own.
      ...(auth.mode === 'sigv4' ? { credentials: auth.root } : {}),
      log,
    });
    log(`Capacity host at ${capacity.url} (FARGATE tasks: ${fargateRuntime.runtime})`);

    const berthDir = join(rootDir, '.berth');
    const abandoned = removeAbandonedBuildFolders(berthDir);
    if (abandoned > 0) log(`Removed ${abandoned} build folders of stacks no longer running`);
    const buildFolder = claimBuildFolder(berthDir, options.ports.http);
    const osls = join(rootDir, 'node_modules', '.bin', 'osls');
    // BERTH_CPU_PROFILE_DIR: serverless-offline writes a V8 CPU profile there when it stops.
    const profileDir = process.env.BERTH_CPU_PROFILE_DIR;
    const url = `http://127.0.0.1:${options.ports.http}`;
    const startOffline = async (): Promise<RunningPart> => {
      const tied = spawnTied(
        profileDir ? process.execPath : osls,
        [
          ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, osls] : []),
          'offline',
          'start',
          '--stage',
          stage,
          ...(process.env.BERTH_OFFLINE_DEBUG ? ['--debug', '*'] : []),
        ],
        {
          cwd: rootDir,
          env: {
            ...process.env,
            ...options.environment,
            TZ: 'UTC',
            BERTH_ESBUILD_WORK_FOLDER: join('.berth', `esbuild-${options.ports.http}`),
            BERTH_HTTP_PORT: String(options.ports.http),
            BERTH_LAMBDA_PORT: String(options.ports.lambda),
            BERTH_WEBSOCKET_PORT: String(options.ports.websocket),
            BERTH_DYNAMODB_ENDPOINT: dynamo.endpoint,
            BERTH_SFN_ENDPOINT: stepFunctions.url,
            BERTH_EVENTS_ENDPOINT: events.url,
            BERTH_CAPACITY_PORT: String(options.ports.capacity),
            BERTH_ACCOUNT_ID: accountId,
            BERTH_REGION: region,
            AWS_ACCESS_KEY_ID: 'berth',
            AWS_SECRET_ACCESS_KEY: 'berth',
            AWS_REGION: region,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            // Lambda isolates invocations: one that fails (an asynchronous one's
            // rejection is never awaited by serverless-offline) must not take down
            // every other request and the agents' sockets, as Node's default
            // (throw on an unhandled rejection) did. It is written as a warning.
            NODE_OPTIONS: [process.env.NODE_OPTIONS, '--unhandled-rejections=warn']
              .filter(Boolean)
              .join(' '),
            SLS_TELEMETRY_DISABLED: '1',
            SLS_NOTIFICATIONS_MODE: 'off',
            // Two notice lines per request cost serverless-offline a tenth of its
            // CPU under load; unless someone reads them, only warnings are written.
            SLS_LOG_LEVEL: options.log ? 'notice' : 'warning',
          },
        },
      );
      const offline = tied.child;
      const output = outputTail();
      // serverless-offline writes two lines per request: read them only when someone listens.
      for (const stream of options.log ? [offline.stdout, offline.stderr] : [offline.stderr]) {
        if (stream) {
          createInterface({ input: stream }).on('line', (line) => {
            output.add(`${line}\n`);
            log(`[offline] ${line}`);
          });
        }
      }
      if (!options.log) offline.stdout?.resume();
      try {
        await waitForHealth(url, offline, 120_000);
      } catch (error) {
        await tied.stop();
        throw error;
      }
      return { exited: tied.exited, lastLines: output.lines, stop: () => tied.stop() };
    };
    // Supervised: a serverless-offline that dies is started again (its handlers keep no state).
    const offline = await supervise({
      name: 'serverless-offline',
      start: startOffline,
      warn,
      giveUp: (reason) => reportDeath(reason),
    });
    stoppers.push(async () => {
      await offline.stop();
      buildFolder.release();
    });
    // Before offline stops: the hosted agents close their sockets while it still answers.
    stoppers.push(() => capacity.close());
    // FARGATE hosts that ran before a restart come back and adopt their containers.
    capacity.host.resume();
    return {
      url,
      fargateRuntime: {
        runtime: fargateRuntime.runtime,
        ...(fargateRuntime.dockerSocket === undefined
          ? {}
          : { dockerSocket: fargateRuntime.dockerSocket }),
      },
      lambdaEndpoint,
      stepFunctionsEndpoint: stepFunctions.url,
      dynamoDbEndpoint: dynamo.endpoint,
      eventsEndpoint: events.url,
      auth:
        auth.mode === 'sigv4'
          ? { mode: 'sigv4', rootAccessKeyId: auth.root.accessKeyId }
          : { mode: 'none' },
      died,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

export type { RunningStack, StackOptions };
export { MissingJavaError, startLocalStack };
