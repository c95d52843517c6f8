import { resolve } from 'node:path';
import { parseSubnets } from '../functions/domain/network/subnets';
import { MissingJavaError, startLocalStack } from '../local/stack';

/**
 * `npm start`: the whole stack on this machine. Prints one line
 * `Berth is ready at <url>` when every part answers; Ctrl-C stops every part.
 *
 * Configuration (all optional): BERTH_HTTP_PORT (3000), BERTH_LAMBDA_PORT
 * (3002), BERTH_WEBSOCKET_PORT (3001), BERTH_DYNAMODB_PORT (8000),
 * BERTH_SFN_PORT (8083), BERTH_EVENTS_PORT (8084), BERTH_CAPACITY_PORT (8085),
 * BERTH_CONTAINER_RUNTIME (auto|docker|process), BERTH_DOCKER_SOCKET, BERTH_DATA_DIR (.berth/data), BERTH_ACCOUNT_ID,
 * BERTH_REGION, BERTH_VERBOSE=1 to echo every part's output.
 */

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, got ${process.env[name]}`);
    process.exit(1);
  }
  return value;
};

const containerRuntime = (): 'auto' | 'docker' | 'process' => {
  const value = process.env.BERTH_CONTAINER_RUNTIME ?? 'auto';
  if (value !== 'auto' && value !== 'docker' && value !== 'process') {
    throw new Error(`BERTH_CONTAINER_RUNTIME must be auto, docker or process, not ${value}`);
  }
  return value;
};

const main = async () => {
  // A typo in the subnets would otherwise fail every request of the handlers.
  parseSubnets(process.env.BERTH_SUBNETS);
  // Node 20 is supported here on purpose; the SDK's end-of-support notice is noise in a terminal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const rootDir = resolve(__dirname, '..');
  const verbose = process.env.BERTH_VERBOSE === '1';
  const stack = await startLocalStack({
    rootDir,
    dataDir: resolve(process.env.BERTH_DATA_DIR ?? resolve(rootDir, '.berth', 'data')),
    ports: {
      http: port('BERTH_HTTP_PORT', 3000),
      lambda: port('BERTH_LAMBDA_PORT', 3002),
      websocket: port('BERTH_WEBSOCKET_PORT', 3001),
      dynamodb: port('BERTH_DYNAMODB_PORT', 8000),
      stepFunctions: port('BERTH_SFN_PORT', 8083),
      events: port('BERTH_EVENTS_PORT', 8084),
      capacity: port('BERTH_CAPACITY_PORT', 8085),
    },
    containerRuntime: containerRuntime(),
    dockerSocket: process.env.BERTH_DOCKER_SOCKET || undefined,
    log: verbose ? (line) => console.log(line) : undefined,
  });
  console.log(`Berth is ready at ${stack.url}`);
  console.log(`Console at ${stack.url}/console`);
  console.log(`Events stream at ${stack.eventsEndpoint}/events`);
  console.log(
    stack.auth.mode === 'sigv4'
      ? `Requests are verified (SigV4 and IAM policies); the root key is ${stack.auth.rootAccessKeyId}`
      : 'Requests are not verified: any access key works (BERTH_AUTH=sigv4 turns verification on)',
  );
  console.log(
    stack.fargateRuntime.runtime === 'docker'
      ? `FARGATE tasks run as containers through ${stack.fargateRuntime.dockerSocket}`
      : 'FARGATE tasks run as host processes (no Docker-API socket found and Podman is not installed)',
  );
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // The process that started us (npm, a test harness) died without stopping
  // us: we are re-parented, and stop too, so that no orphaned stack keeps its
  // ports and a core (seen after a test runner was killed).
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(1);
  }, 1_000).unref();
  // Whoever read our output is gone (a closed terminal, a parent that died):
  // stop quietly. Left alone, every later write raised an error whose report
  // was another write, and an orphaned stack spun a core for good.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') void shutdown(1);
    });
  }
  // A bug in the in-process parts (the Step Functions server) must not leave the others running.
  const crash = (error: unknown) => {
    console.error('Berth hit an unexpected error and is stopping:', error);
    void shutdown(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  const reason = await stack.died;
  if (!stopping) {
    console.error(`Berth stopped: ${reason}`);
    await shutdown(1);
  }
};

main().catch((error: unknown) => {
  if (error instanceof MissingJavaError) {
    console.error(error.message);
  } else {
    console.error(
      `Berth could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exit(1);
});
