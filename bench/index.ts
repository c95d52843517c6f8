import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { findDockerSocket } from '../agent/runtimes';
import { type StackProcess, startStackProcess } from '../local/harness';
import { benchColdStart } from './coldstart';
import { benchDynamoDb } from './dynamodb';
import { benchBurst, benchDocker, benchE2e } from './e2e';
import { benchFargate } from './fargate';
import { benchPlacement } from './placement';
import { benchService } from './service';
import { type BenchEndpoints, ecsClient, noter, percentile, print } from './shared';

/**
 * `npm run bench [-- part...]`: measures Berth and prints one figure per line
 * as `name: value unit`. Parts (all of them when none is named):
 *
 * - `placement`: the engine alone, no stack.
 * - `coldstart`: each packaged function's zipped size and the time to import
 *   its handler in a fresh Node process (no stack).
 * - `dynamodb`: DynamoDB Local's CPU per request, by kind (no stack).
 * - `api`: latency through `@aws-sdk/client-ecs`.
 * - `e2e`: RunTask → RUNNING on 10 real agents, process runtime.
 * - `burst`: 200 tasks asked for at once (20 RunTask calls of 10) on 10 agents.
 * - `service`: a service of 500 tasks on 25 agents, from 0 to steady, then a
 *   roll to a new revision (200 % / 50 %) with the bounds checked on every
 *   task event.
 * - `fargate`: RunTask (FARGATE) → RUNNING, hosts from the stack's capacity
 *   host: `fargate.process.*` on a stack started with
 *   BERTH_CONTAINER_RUNTIME=process, then `fargate.docker.*` on one started
 *   with BERTH_CONTAINER_RUNTIME=docker (skipped, said on stderr, without
 *   Podman or a Docker-API socket).
 * - `docker`: as `e2e`, the agents with `--runtime docker` (real containers)
 *   through BERTH_BENCH_DOCKER_SOCKET, else the socket of the Podman service
 *   the stack starts; bridge networking, or the host's with
 *   BERTH_BENCH_DOCKER_NETWORK=host (`docker.host.*`).
 *
 * Each part starts a stack of its own (on free ports, with a fresh data
 * folder, exactly as `npm start` does) and stops it before the next. With
 * BERTH_BENCH_URL set it measures a stack already running there instead
 * (`e2e`, `docker` and `fargate` then also need BERTH_BENCH_WS_URL, the
 * agents' WebSocket endpoint, and BERTH_BENCH_EVENTS_URL, the events stream
 * such as `http://127.0.0.1:8084/events`; `docker` needs
 * BERTH_BENCH_DOCKER_SOCKET; `fargate` prints `fargate.*` for whatever
 * runtime that stack gives FARGATE hosts).
 */

/** Sequential timings of one call, after a warm-up that is not counted. */
const measure = async (
  warmup: number,
  samples: number,
  call: (i: number) => Promise<unknown>,
): Promise<number[]> => {
  for (let i = 0; i < warmup; i += 1) await call(-1 - i);
  const timings: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const start = performance.now();
    await call(i);
    timings.push(performance.now() - start);
  }
  return timings.sort((a, b) => a - b);
};

const benchApi = async (url: string) => {
  const ecs = ecsClient(url);
  const clusterName = `bench-${Date.now()}`;
  await ecs.send(new CreateClusterCommand({ clusterName }));
  const describe = await measure(3000, 2000, () =>
    ecs.send(new DescribeClustersCommand({ clusters: [clusterName] })),
  );
  print('api.describe_clusters_p50_ms', percentile(describe, 50), 'ms');
  print('api.describe_clusters_p99_ms', percentile(describe, 99), 'ms');
  const family = `bench-${Date.now()}`;
  const register = await measure(1500, 1000, () =>
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          { name: 'web', image: 'nginx', memory: 256, portMappings: [{ containerPort: 80 }] },
        ],
      }),
    ),
  );
  print('api.register_task_definition_p50_ms', percentile(register, 50), 'ms');
  print('api.register_task_definition_p99_ms', percentile(register, 99), 'ms');
  ecs.destroy();
};

/** Where the stack under measurement answers. */
interface Target {
  readonly url: string;
  readonly wsUrl?: string | undefined;
  readonly eventsUrl?: string | undefined;
  /** Set when the bench started the stack itself. */
  readonly stack?: StackProcess;
}

const note = noter('bench');

/**
 * Runs `use` on a stack of its own, started with `environment` and stopped
 * (its data folder removed) afterwards; or on the one BERTH_BENCH_URL names.
 */
const withStack = async (
  label: string,
  environment: Record<string, string>,
  use: (target: Target) => Promise<void>,
): Promise<void> => {
  if (process.env.BERTH_BENCH_URL) {
    await use({
      url: process.env.BERTH_BENCH_URL,
      wsUrl: process.env.BERTH_BENCH_WS_URL,
      eventsUrl: process.env.BERTH_BENCH_EVENTS_URL,
    });
    return;
  }
  const started = performance.now();
  const stack = await startStackProcess({ verbose: false, environment });
  note(`${label}: stack started in ${(performance.now() - started).toFixed(0)} ms`);
  try {
    await use({
      url: stack.url,
      wsUrl: `ws://127.0.0.1:${stack.ports.websocket}`,
      eventsUrl: `http://127.0.0.1:${stack.ports.events}/events`,
      stack,
    });
  } finally {
    const code = await stack.stop();
    if (code !== 0) note(`${label}: the stack exited with ${code}:\n${stack.output()}`);
    // A part that died and was restarted mid-run makes the figures a different measurement: say so.
    const restarts = stack.output().split('\n');
    const from = restarts.findIndex((line) =>
      / exited \(| did not start: |^Restarting /.test(line),
    );
    if (code === 0 && from >= 0) {
      note(
        `${label}: a part of the stack died during the run:\n${restarts.slice(from).join('\n')}`,
      );
    }
    rmSync(stack.dataDir, { recursive: true, force: true });
    note(`${label}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
};

const endpointsOf = (target: Target): BenchEndpoints => {
  if (!target.wsUrl || !target.eventsUrl) {
    throw new Error(
      'The e2e, docker and fargate parts on a stack given by BERTH_BENCH_URL also need BERTH_BENCH_WS_URL (e.g. ws://127.0.0.1:3001) and BERTH_BENCH_EVENTS_URL (e.g. http://127.0.0.1:8084/events).',
    );
  }
  return {
    url: target.url,
    wsUrl: target.wsUrl,
    eventsUrl: target.eventsUrl,
    stackPid: target.stack?.child.pid,
    stepFunctionsUrl: target.stack
      ? `http://127.0.0.1:${target.stack.ports.stepFunctions}`
      : process.env.BERTH_BENCH_SFN_URL,
  };
};

/** The FARGATE hosts of these parts' stacks need nothing but host processes. */
const PROCESS_STACK = { BERTH_CONTAINER_RUNTIME: 'process' };

/**
 * A stack whose FARGATE hosts run real containers, and the Docker-API socket
 * it uses: BERTH_BENCH_DOCKER_SOCKET, else one found on this host, else the
 * Podman service the stack starts in its data folder. Undefined (said on
 * stderr) when there is none and Podman is not installed.
 */
const dockerStack = (
  part: string,
): { environment: Record<string, string>; socket: (target: Target) => string } | undefined => {
  const given = process.env.BERTH_BENCH_DOCKER_SOCKET || findDockerSocket(process.env);
  if (given !== undefined) {
    return {
      environment: { BERTH_CONTAINER_RUNTIME: 'docker', BERTH_DOCKER_SOCKET: given },
      socket: () => given,
    };
  }
  const podman = spawnSync('podman', ['--version'], { stdio: 'ignore' });
  if (podman.error !== undefined || podman.status !== 0) {
    note(
      `${part}: skipped, podman is not installed and there is no Docker-API socket (set BERTH_BENCH_DOCKER_SOCKET)`,
    );
    return undefined;
  }
  return {
    environment: { BERTH_CONTAINER_RUNTIME: 'docker' },
    socket: (target) => {
      if (!target.stack) {
        throw new Error(
          'The docker part on a stack given by BERTH_BENCH_URL needs BERTH_BENCH_DOCKER_SOCKET.',
        );
      }
      return join(target.stack.dataDir, 'podman', 'podman.sock');
    },
  };
};

const benchFargateParts = async () => {
  if (process.env.BERTH_BENCH_URL) {
    // One stack, whatever runtime it gives FARGATE hosts.
    await withStack('fargate', {}, (target) => benchFargate('fargate', endpointsOf(target)));
    return;
  }
  await withStack('fargate.process', PROCESS_STACK, (target) =>
    benchFargate('fargate.process', endpointsOf(target)),
  );
  const docker = dockerStack('fargate.docker');
  if (!docker) return;
  await withStack('fargate.docker', docker.environment, (target) =>
    benchFargate('fargate.docker', endpointsOf(target), docker.socket(target)),
  );
};

const benchDockerPart = async () => {
  const docker = dockerStack('docker');
  if (!docker) return;
  await withStack('docker', docker.environment, (target) =>
    benchDocker(endpointsOf(target), docker.socket(target)),
  );
};

/** Each part; those that need a stack start (and stop) their own. */
const PARTS: Record<string, () => Promise<void>> = {
  placement: () => benchPlacement(),
  dynamodb: benchDynamoDb,
  api: () => withStack('api', PROCESS_STACK, ({ url }) => benchApi(url)),
  e2e: () => withStack('e2e', PROCESS_STACK, (target) => benchE2e(endpointsOf(target))),
  burst: () => withStack('burst', PROCESS_STACK, (target) => benchBurst(endpointsOf(target))),
  service: () => withStack('service', PROCESS_STACK, (target) => benchService(endpointsOf(target))),
  fargate: benchFargateParts,
  docker: benchDockerPart,
  coldstart: benchColdStart,
};

/**
 * The same fixed work (JSON and hashing, as handlers do) timed on an idle
 * machine before each part. This machine's speed wanders by a third over
 * minutes (a shared host); this figure says how fast it was for the part's
 * figures, so that runs can be compared.
 */
const calibrate = (part: string): void => {
  const item = {
    containers: Array.from({ length: 8 }, (_, index) => ({
      name: `c${index}`,
      command: ['sh', '-c', 'sleep 600'],
      environment: [{ name: 'K', value: 'v'.repeat(64) }],
    })),
    attributes: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`ecs.a${i}`, 'x'])),
  };
  const started = performance.now();
  for (let round = 0; round < 10_000; round += 1) {
    const text = JSON.stringify({ ...item, round });
    createHash('sha256')
      .update(JSON.stringify(JSON.parse(text)))
      .digest('hex');
  }
  print(`${part}.calibration_ms`, performance.now() - started, 'ms');
};

const main = async () => {
  const requested = process.argv.slice(2);
  const parts = requested.length === 0 ? Object.keys(PARTS) : requested;
  for (const part of parts) {
    if (!PARTS[part]) {
      console.error(`Unknown benchmark part ${part}; known: ${Object.keys(PARTS).join(', ')}`);
      process.exit(2);
    }
  }
  // A part that fails is said on stderr; the others still run, and the exit status is 1.
  let failed = 0;
  for (const part of parts) {
    try {
      calibrate(part);
      await PARTS[part]?.();
    } catch (error) {
      failed += 1;
      console.error(`Benchmark part ${part} failed:`, error);
    }
  }
  if (failed > 0) process.exit(1);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
