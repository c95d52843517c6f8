import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BUSYBOX_IMAGE } from '../local/podman';
import { type Agent, killLeftovers, startAgent, stopAgent } from './agents';
import { probeEngine, sweepClusterContainers } from './containers';
import { type BenchEndpoints, benchRunTask, noter } from './shared';

/**
 * End to end on the local stack (issue 3, "Measured"): RunTask → RUNNING
 * latency and sustained tasks/s on 10 real agents (`agent/main.ts`, started
 * as a user would) in one fresh cluster (EC2 launch type), measured as
 * bench/shared.ts says.
 *
 * - `e2e`: the process runtime (containers as host processes), 10 warm-up
 *   tasks then 200 measured.
 * - `burst`: as `e2e`, but the 200 measured tasks are asked for at once, by
 *   20 RunTask calls of 10 tasks each.
 * - `docker`: `--runtime docker --docker-socket <socket>` (real containers,
 *   bridge network, `localhost/berth-busybox:latest`), 10 warm-up then 100;
 *   afterwards no container of the bench cluster may still run.
 */

const AGENTS = 10;
/** The process runtime's measured tasks (200), or `BERTH_BENCH_E2E_TASKS` to look at a longer run. */
const PROCESS_TASKS = Number(process.env.BERTH_BENCH_E2E_TASKS) || 200;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
/**
 * docker: launching stops after this (warm-up included). Podman on 2 cores
 * starts under one container a second, so 110 tasks take about two minutes.
 */
const DOCKER_TIMEOUT_MS = 240_000;

type AgentRuntime =
  | { readonly name: 'process' }
  | { readonly name: 'docker'; socket: string; networkMode: 'bridge' | 'host' };

const benchAgents = async (
  part: string,
  endpoints: BenchEndpoints,
  runtime: AgentRuntime,
  burst?: { readonly callers: number },
): Promise<void> => {
  const note = noter(part);
  const baseDir = mkdtempSync(join(tmpdir(), `berth-bench-${part}-`));
  const agents: Agent[] = [];
  const docker = runtime.name === 'docker';
  try {
    await benchRunTask({
      part,
      endpoints,
      taskDefinition: docker
        ? {
            networkMode: runtime.networkMode,
            requiresCompatibilities: ['EC2'],
            containerDefinitions: [
              {
                name: 'main',
                image: BUSYBOX_IMAGE,
                cpu: 128,
                memory: 64,
                essential: true,
                command: ['sh', '-c', 'sleep 600'],
              },
            ],
          }
        : {
            containerDefinitions: [
              {
                name: 'main',
                image: 'process',
                cpu: 128,
                memory: 64,
                essential: true,
                command: ['sh', '-c', 'sleep 60'],
              },
            ],
          },
      runTask: docker ? { launchType: 'EC2' } : {},
      warmupTasks: 10,
      tasks: docker ? 100 : PROCESS_TASKS,
      ...(burst ? { burst } : {}),
      overallTimeoutMs: docker ? DOCKER_TIMEOUT_MS : 5 * 60_000,
      setUp: async (cluster) => {
        if (docker) await probeEngine(runtime.socket, note);
        const started = performance.now();
        const extraArgs = docker ? ['--runtime', 'docker', '--docker-socket', runtime.socket] : [];
        // Each kept as it starts, so that the tear-down stops them all even if one fails.
        const starts = await Promise.allSettled(
          Array.from({ length: AGENTS }, async (_, i) => {
            const agent = await startAgent(endpoints, {
              cluster,
              zone: ZONES[i % ZONES.length] ?? 'us-east-1a',
              stateDir: join(baseDir, `agent-${i}`),
              extraArgs,
            });
            agents.push(agent);
          }),
        );
        for (const start of starts) if (start.status === 'rejected') throw start.reason;
        note(`${AGENTS} agents registered in ${(performance.now() - started).toFixed(0)} ms`);
      },
      tearDown: async (cluster) => {
        const started = performance.now();
        await Promise.all(agents.map((agent) => stopAgent(agent, note)));
        note(`agents stopped in ${(performance.now() - started).toFixed(0)} ms`);
        if (docker) {
          await sweepClusterContainers(runtime.socket, cluster, note);
        } else {
          const leftovers = agents.reduce((sum, agent) => sum + killLeftovers(agent.stateDir), 0);
          if (leftovers > 0)
            note(`killed ${leftovers} container processes the agents left running`);
        }
      },
    });
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
};

const benchE2e = (endpoints: BenchEndpoints) => benchAgents('e2e', endpoints, { name: 'process' });

/** 200 tasks asked for at once (RunTask count 10 from 20 callers) on the 10 process agents. */
const benchBurst = (endpoints: BenchEndpoints) =>
  benchAgents('burst', endpoints, { name: 'process' }, { callers: 20 });

/**
 * BERTH_BENCH_DOCKER_NETWORK=host: the containers share the host's network
 * (`docker.host.*`), which leaves out the engine's per-container network
 * setup (Podman's CNI bridge here); default bridge, ECS's default on EC2.
 */
const benchDocker = (endpoints: BenchEndpoints, socket: string) => {
  const networkMode = process.env.BERTH_BENCH_DOCKER_NETWORK === 'host' ? 'host' : 'bridge';
  return benchAgents(networkMode === 'host' ? 'docker.host' : 'docker', endpoints, {
    name: 'docker',
    socket,
    networkMode,
  });
};

export { benchBurst, benchDocker, benchE2e };
