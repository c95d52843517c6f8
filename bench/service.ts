import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { type Agent, killLeftovers, startAgent, stopAgent } from './agents';
import { type BenchEndpoints, ecsClient, followEvents, noter, print, stackCpuMs } from './shared';

/**
 * `service` (issue 8, "Scale"): a service of 500 tasks on 25 process-runtime
 * agents converges from 0 to 500, then rolls to a new task definition under
 * maximumPercent 200 / minimumHealthyPercent 50. Every task event of the
 * service is replayed as it arrives, and the bounds are checked after each:
 * running + pending ≤ floor(500 × 200 %) = 1,000 and, during the roll,
 * RUNNING ≥ ceil(500 × 50 %) = 250. Prints the time to steady state, the
 * time to complete the roll, the peak of running + pending, the fewest
 * healthy, the violations of either bound (0 expected), and the stack's CPU
 * per task launched.
 */

/** BERTH_BENCH_SERVICE_AGENTS / _TASKS try other sizes (the figures are named for 500). */
const AGENTS = Number(process.env.BERTH_BENCH_SERVICE_AGENTS) || 25;
const DESIRED = Number(process.env.BERTH_BENCH_SERVICE_TASKS) || 500;
const MAXIMUM_PERCENT = 200;
const MINIMUM_HEALTHY_PERCENT = 50;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const STEADY_TIMEOUT_MS = 6 * 60_000;

interface Envelope {
  readonly 'detail-type': string;
  readonly resources?: string[];
  readonly detail: {
    readonly taskArn?: string;
    readonly group?: string;
    readonly lastStatus?: string;
    readonly desiredStatus?: string;
    readonly eventName?: string;
  };
}

/** The service's task events and steady-state actions, as they arrive, with the bounds checked. */
const watchService = async (eventsUrl: string, serviceName: string) => {
  const tasks = new Map<string, { last: string; desired: string }>();
  const state = {
    rolling: false,
    peak: 0,
    fewestHealthy: Number.POSITIVE_INFINITY,
    violations: 0,
    steadyAt: [] as number[],
    events: 0,
  };
  const steadyWaiters: (() => void)[] = [];
  const onEvent = (event: Envelope) => {
    if (event['detail-type'] === 'ECS Service Action') {
      const ours = event.resources?.some((arn) => arn.endsWith(`/${serviceName}`));
      if (ours && event.detail.eventName === 'SERVICE_STEADY_STATE') {
        state.steadyAt.push(performance.now());
        for (const waiter of steadyWaiters.splice(0)) waiter();
      }
      return;
    }
    if (event.detail.group !== `service:${serviceName}` || !event.detail.taskArn) return;
    state.events += 1;
    tasks.set(event.detail.taskArn, {
      last: event.detail.lastStatus ?? '',
      desired: event.detail.desiredStatus ?? '',
    });
    let occupying = 0;
    let healthy = 0;
    for (const task of tasks.values()) {
      if (task.last !== 'STOPPED') occupying += 1;
      if (task.last === 'RUNNING' && task.desired === 'RUNNING') healthy += 1;
    }
    state.peak = Math.max(state.peak, occupying);
    if (occupying > Math.floor((DESIRED * MAXIMUM_PERCENT) / 100)) state.violations += 1;
    if (state.rolling) {
      state.fewestHealthy = Math.min(state.fewestHealthy, healthy);
      if (healthy < Math.ceil((DESIRED * MINIMUM_HEALTHY_PERCENT) / 100)) state.violations += 1;
    }
  };
  const stream = await followEvents(
    eventsUrl,
    ['ECS Task State Change', 'ECS Service Action'],
    (event) => onEvent(event as Envelope),
  );
  return {
    state,
    /** Resolves at the next SERVICE_STEADY_STATE of the service (false on timeout). */
    nextSteady: (timeoutMs: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        steadyWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
    close: stream.close,
  };
};

const benchService = async (endpoints: BenchEndpoints) => {
  const cpuOfStack = () =>
    endpoints.stackPid === undefined ? undefined : stackCpuMs(endpoints.stackPid);
  const note = noter('service');
  const ecs = ecsClient(endpoints.url);
  const cluster = `bench-service-${Date.now()}`;
  const serviceName = 'web';
  const baseDir = mkdtempSync(join(tmpdir(), 'berth-bench-service-'));
  const agents: Agent[] = [];
  const register = (sleep: number) =>
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family: cluster,
        containerDefinitions: [
          {
            name: 'main',
            image: 'process',
            cpu: 64,
            memory: 32,
            essential: true,
            command: ['sh', '-c', `sleep ${sleep}`],
          },
        ],
      }),
    );
  let watch: Awaited<ReturnType<typeof watchService>> | undefined;
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await register(3600);
    const started = performance.now();
    const starts = await Promise.allSettled(
      Array.from({ length: AGENTS }, async (_, i) => {
        agents.push(
          await startAgent(endpoints, {
            cluster,
            zone: ZONES[i % ZONES.length] ?? 'us-east-1a',
            stateDir: join(baseDir, `agent-${i}`),
          }),
        );
      }),
    );
    for (const start of starts) if (start.status === 'rejected') throw start.reason;
    note(`${AGENTS} agents registered in ${(performance.now() - started).toFixed(0)} ms`);
    watch = await watchService(endpoints.eventsUrl, serviceName);

    // 0 → 500
    const cpuBefore = cpuOfStack();
    const createdAt = performance.now();
    const steady = watch.nextSteady(STEADY_TIMEOUT_MS);
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName,
        taskDefinition: cluster,
        desiredCount: DESIRED,
        deploymentConfiguration: {
          maximumPercent: MAXIMUM_PERCENT,
          minimumHealthyPercent: MINIMUM_HEALTHY_PERCENT,
        },
      }),
    );
    if (!(await steady)) throw new Error(`not steady at ${DESIRED} in time`);
    const scaleSeconds = ((watch.state.steadyAt.at(-1) ?? 0) - createdAt) / 1000;
    const scalePeak = watch.state.peak;

    // The roll to a new revision
    const revision2 = (await register(3599)).taskDefinition?.taskDefinitionArn;
    watch.state.rolling = true;
    watch.state.peak = 0;
    const rolled = watch.nextSteady(STEADY_TIMEOUT_MS);
    const updatedAt = performance.now();
    await ecs.send(
      new UpdateServiceCommand({ cluster, service: serviceName, taskDefinition: revision2 }),
    );
    if (!(await rolled)) throw new Error('the roll did not complete in time');
    const rollSeconds = ((watch.state.steadyAt.at(-1) ?? 0) - updatedAt) / 1000;
    const cpuAfter = cpuOfStack();
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster, services: [serviceName] }),
    );
    const described = services?.[0];
    note(
      `after the roll: ${described?.runningCount} running, deployments ${JSON.stringify(described?.deployments?.map((d) => [d.status, d.rolloutState, d.runningCount]))}, ${watch.state.events} task events`,
    );
    for (const event of (described?.events ?? []).slice(0, 12).reverse()) {
      note(`  ${event.createdAt?.toISOString()} ${event.message?.slice(0, 160)}`);
    }

    print('service.scale_to_500_s', scaleSeconds, 's');
    print('service.scale_peak_tasks', scalePeak, 'tasks');
    print('service.roll_500_s', rollSeconds, 's');
    print('service.roll_peak_tasks', watch.state.peak, 'tasks');
    print('service.roll_fewest_healthy', watch.state.fewestHealthy, 'tasks');
    print('service.bound_violations', watch.state.violations, 'events');
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      // 500 launched to scale, 500 launched and 500 stopped to roll.
      print('service.stack_cpu_ms_per_task', (cpuAfter - cpuBefore) / (2 * DESIRED), 'ms');
    }
  } finally {
    await watch?.close();
    // Scale to 0, delete, then the agents (which stop whatever is left).
    try {
      await ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 }));
      await ecs.send(new DeleteServiceCommand({ cluster, service: serviceName, force: true }));
    } catch (error) {
      note(`clean-up: ${(error as Error).message}`);
    }
    await Promise.all(agents.map((agent) => stopAgent(agent, note)));
    const leftovers = agents.reduce((sum, agent) => sum + killLeftovers(agent.stateDir), 0);
    if (leftovers > 0) note(`killed ${leftovers} container processes the agents left running`);
    rmSync(baseDir, { recursive: true, force: true });
    ecs.destroy();
  }
};

export { benchService };
