import { performance } from 'node:perf_hooks';
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { type StackProcess, startStackProcess } from '../local/harness';
import { benchE2e } from './e2e';
import { benchPlacement } from './placement';

/**
 * `npm run bench [-- part...]`: measures Berth and prints one figure per line
 * as `name: value unit`. Parts: `placement` (the engine alone, no stack), `api`,
 * `e2e` (RunTask → RUNNING on 10 real agents). With BERTH_BENCH_URL set it
 * measures a stack already running there (`e2e` then also needs
 * BERTH_BENCH_WS_URL, the agents' WebSocket endpoint, and
 * BERTH_BENCH_EVENTS_URL, the events stream such as
 * `http://127.0.0.1:8084/events`); otherwise it starts its own (on free
 * ports, with a fresh data folder) exactly as `npm start` does.
 */

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const print = (name: string, value: number, unit: string) =>
  console.log(`${name}: ${value.toFixed(2)} ${unit}`);

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
  const ecs = new ECSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
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
  /** Set when the bench started the stack itself. */
  readonly stack?: StackProcess;
}

const benchE2eOn = async ({ url, stack }: Target) => {
  const wsUrl = stack ? `ws://127.0.0.1:${stack.ports.websocket}` : process.env.BERTH_BENCH_WS_URL;
  const eventsUrl = stack
    ? `http://127.0.0.1:${stack.ports.events}/events`
    : process.env.BERTH_BENCH_EVENTS_URL;
  if (!wsUrl || !eventsUrl) {
    throw new Error(
      'The e2e part on a stack given by BERTH_BENCH_URL also needs BERTH_BENCH_WS_URL (e.g. ws://127.0.0.1:3001) and BERTH_BENCH_EVENTS_URL (e.g. http://127.0.0.1:8084/events).',
    );
  }
  await benchE2e({ url, wsUrl, eventsUrl });
};

/** Each part, and whether it needs a running stack. */
const PARTS: Record<string, { run: (target: Target) => Promise<void>; needsStack: boolean }> = {
  placement: { run: () => benchPlacement(), needsStack: false },
  api: { run: ({ url }) => benchApi(url), needsStack: true },
  e2e: { run: benchE2eOn, needsStack: true },
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
  const needsStack = parts.some((part) => PARTS[part]?.needsStack);
  const stack: StackProcess | undefined =
    process.env.BERTH_BENCH_URL || !needsStack
      ? undefined
      : await startStackProcess({ verbose: false });
  const url = process.env.BERTH_BENCH_URL ?? stack?.url ?? '';
  try {
    for (const part of parts) await PARTS[part]?.run({ url, stack });
  } finally {
    await stack?.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
