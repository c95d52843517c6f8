import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import {
  CreateClusterCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';

/**
 * End to end on the local stack (issue 3, "Measured"): RunTask → RUNNING
 * latency with the process runtime, and sustained tasks/s, on 10 real agents
 * (`agent/main.ts`, started as a user would) in one fresh cluster.
 *
 * RUNNING is observed without polling: the bench subscribes to the events
 * stream (Server-Sent Events of `ECS Task State Change`) before launching and
 * records when each task's first RUNNING event arrives. A task's latency is
 * that moment minus the moment just before its RunTask call was sent.
 *
 * Load: CONCURRENCY workers each launch one task (RunTask, count 1), wait for
 * its RUNNING event, then launch the next — so at most CONCURRENCY tasks are
 * in flight (between RunTask and RUNNING) at any time. tasks/s is the tasks
 * that reached RUNNING divided by the time from the first counted RunTask to
 * the last RUNNING event.
 *
 * Diagnostics (where the time goes) are printed on stderr.
 */

interface E2eEndpoints {
  /** The ECS API endpoint. */
  readonly url: string;
  /** The agents' WebSocket endpoint. */
  readonly wsUrl: string;
  /** The events stream, e.g. `http://127.0.0.1:8084/events`. */
  readonly eventsUrl: string;
}

const AGENTS = 10;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const WARMUP_TASKS = 10;
const TASKS = 210;
/**
 * Tasks in flight (RunTask sent, RUNNING not yet seen) at any time: 8, or
 * BERTH_BENCH_E2E_CONCURRENCY to see how latency depends on load.
 */
const CONCURRENCY = Number(process.env.BERTH_BENCH_E2E_CONCURRENCY) || 8;
/** A task not RUNNING by then is given up (counted as never RUNNING). */
const TASK_TIMEOUT_MS = 60_000;
/** The whole measurement (warm-up included); launching stops after it. */
const OVERALL_TIMEOUT_MS = 5 * 60_000;
const AGENT_START_TIMEOUT_MS = 60_000;

const ROOT = resolve(__dirname, '..');

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const print = (name: string, value: number, unit: string) =>
  console.log(`${name}: ${value.toFixed(2)} ${unit}`);

const note = (line: string) => process.stderr.write(`[e2e] ${line}\n`);

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

// ── The events stream ───────────────────────────────────────────────────────

interface TaskEvent {
  readonly resources?: string[];
  readonly detail?: {
    readonly taskArn?: string;
    readonly lastStatus?: string;
    readonly createdAt?: string;
    readonly startedAt?: string;
  };
}

interface TaskTimes {
  /** performance.now() of the first event with each lastStatus. */
  readonly arrivals: Map<string, number>;
  /** The RUNNING event's detail, for server-side timestamps. */
  runningDetail?: TaskEvent['detail'];
}

/**
 * Subscribes to the task events and records, per task ARN, when the first
 * event of each lastStatus arrived; `whenRunning` resolves on RUNNING.
 */
const subscribeTaskEvents = async (eventsUrl: string) => {
  const times = new Map<string, TaskTimes>();
  const waiters = new Map<string, () => void>();
  const timesOf = (arn: string): TaskTimes => {
    let entry = times.get(arn);
    if (!entry) {
      entry = { arrivals: new Map() };
      times.set(arn, entry);
    }
    return entry;
  };
  const controller = new AbortController();
  const response = await fetch(
    `${eventsUrl}?detail-type=${encodeURIComponent('ECS Task State Change')}`,
    { signal: controller.signal },
  );
  if (!response.ok || !response.body) {
    throw new Error(`The events stream ${eventsUrl} answered ${response.status}`);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((done) => {
    subscribed = done;
  });
  const onFrame = (frame: string, at: number) => {
    if (frame.startsWith(': subscribed')) subscribed();
    if (!frame.startsWith('data: ')) return;
    const event = JSON.parse(frame.slice(6)) as TaskEvent;
    const arn = event.detail?.taskArn ?? event.resources?.[0];
    const status = event.detail?.lastStatus;
    if (!arn || !status) return;
    const entry = timesOf(arn);
    if (entry.arrivals.has(status)) return;
    entry.arrivals.set(status, at);
    if (status === 'RUNNING') {
      entry.runningDetail = event.detail;
      waiters.get(arn)?.();
    }
  };
  const pump = (async () => {
    let buffer = '';
    for (;;) {
      const chunk = await reader.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      const at = performance.now();
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        onFrame(buffer.slice(0, end), at);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  await ready;
  return {
    times,
    /** Resolves with the arrival time of the task's RUNNING event, or undefined after timeoutMs. */
    whenRunning: (arn: string, timeoutMs: number): Promise<number | undefined> => {
      const seen = times.get(arn)?.arrivals.get('RUNNING');
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((done) => {
        const timer = setTimeout(() => {
          waiters.delete(arn);
          done(undefined);
        }, timeoutMs);
        waiters.set(arn, () => {
          clearTimeout(timer);
          waiters.delete(arn);
          done(times.get(arn)?.arrivals.get('RUNNING'));
        });
      });
    },
    close: async () => {
      controller.abort();
      await pump;
    },
  };
};

// ── Agents ──────────────────────────────────────────────────────────────────

interface Agent {
  readonly child: ChildProcess;
  readonly stateDir: string;
  readonly exited: Promise<void>;
  output(): string;
}

const startAgent = async (
  endpoints: E2eEndpoints,
  cluster: string,
  zone: string,
  stateDir: string,
): Promise<Agent> => {
  mkdirSync(stateDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'agent', 'main.ts'),
      '--endpoint',
      endpoints.url,
      '--ws-endpoint',
      endpoints.wsUrl,
      '--cluster',
      cluster,
      '--cpu',
      '4096',
      '--memory',
      '8192',
      '--state-dir',
      stateDir,
      '--attribute',
      `ecs.availability-zone=${zone}`,
      '--stop-tasks-on-exit',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The last lines only, for diagnosing a failure; the pipes are always drained.
  const lines: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const agent: Agent = { child, stateDir, exited, output: () => lines.join('\n') };
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`An agent did not register in time:\n${agent.output()}`)),
      AGENT_START_TIMEOUT_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        if (/berth-agent registered \S+/.test(line)) {
          clearTimeout(timer);
          done();
        }
      });
    }
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`An agent exited before registering:\n${agent.output()}`));
    });
  });
  return agent;
};

const stopAgent = async (agent: Agent): Promise<void> => {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  agent.child.kill('SIGTERM');
  const stopped = await Promise.race([agent.exited.then(() => true), sleep(45_000)]);
  if (!stopped) {
    note(`an agent did not exit 45 s after SIGTERM; killing it:\n${agent.output()}`);
    agent.child.kill('SIGKILL');
    await agent.exited;
  }
};

/**
 * Kills every container process an agent left behind: each container's `sh`
 * wrapper leads a process group of its own and writes `<name>.pid`, then
 * `<name>.exit` once its command has ended. Returns how many were alive.
 */
const killLeftovers = (stateDir: string): number => {
  const tasksDir = join(stateDir, 'tasks');
  if (!existsSync(tasksDir)) return 0;
  let killed = 0;
  for (const task of readdirSync(tasksDir)) {
    const taskDir = join(tasksDir, task);
    for (const file of readdirSync(taskDir)) {
      if (!file.endsWith('.pid')) continue;
      if (existsSync(join(taskDir, `${file.slice(0, -4)}.exit`))) continue;
      const pid = Number(readFileSync(join(taskDir, file), 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) continue;
      try {
        process.kill(-pid, 'SIGKILL');
        killed += 1;
      } catch {
        // Already gone.
      }
    }
  }
  return killed;
};

// ── The bench ───────────────────────────────────────────────────────────────

interface Launch {
  readonly arn?: string;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly runningAt?: number;
}

const summary = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${(sorted[sorted.length - 1] ?? Number.NaN).toFixed(0)} ms (n=${sorted.length})`;
};

const benchE2e = async (endpoints: E2eEndpoints): Promise<void> => {
  const ecs = new ECSClient({
    endpoint: endpoints.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const cluster = `bench-e2e-${Date.now()}`;
  const family = `bench-e2e-${Date.now()}`;
  const baseDir = mkdtempSync(join(tmpdir(), 'berth-bench-e2e-'));
  const agents: Agent[] = [];
  const launched: string[] = [];
  let events: Awaited<ReturnType<typeof subscribeTaskEvents>> | undefined;
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
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
      }),
    );
    const agentsStarted = performance.now();
    agents.push(
      ...(await Promise.all(
        Array.from({ length: AGENTS }, (_, i) =>
          startAgent(
            endpoints,
            cluster,
            ZONES[i % ZONES.length] ?? 'us-east-1a',
            join(baseDir, `agent-${i}`),
          ),
        ),
      )),
    );
    note(`${AGENTS} agents registered in ${(performance.now() - agentsStarted).toFixed(0)} ms`);
    const subscription = await subscribeTaskEvents(endpoints.eventsUrl);
    events = subscription;

    const deadline = performance.now() + OVERALL_TIMEOUT_MS;
    const launch = async (): Promise<Launch> => {
      const sentAt = performance.now();
      const response = await ecs.send(
        new RunTaskCommand({ cluster, taskDefinition: family, count: 1 }),
      );
      const answeredAt = performance.now();
      const arn = response.tasks?.[0]?.taskArn;
      if (!arn) {
        note(`RunTask placed nothing: ${JSON.stringify(response.failures)}`);
        return { sentAt, answeredAt };
      }
      launched.push(arn);
      const runningAt = await subscription.whenRunning(
        arn,
        Math.min(TASK_TIMEOUT_MS, Math.max(0, deadline - performance.now())),
      );
      return { arn, sentAt, answeredAt, runningAt };
    };
    /** CONCURRENCY workers, each launching its next task once its last one is RUNNING. */
    const run = async (total: number): Promise<Launch[]> => {
      const results: Launch[] = [];
      let next = 0;
      const worker = async () => {
        while (next < total && performance.now() < deadline) {
          next += 1;
          try {
            results.push(await launch());
          } catch (error) {
            note(`RunTask failed: ${(error as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return results;
    };

    await run(WARMUP_TASKS);
    const measured = await run(TASKS);

    const arrived = measured.filter(
      (entry): entry is Launch & { runningAt: number } => entry.runningAt !== undefined,
    );
    if (arrived.length === 0) {
      throw new Error(`None of the ${TASKS} tasks reached RUNNING within the time allowed.`);
    }
    const latencies = arrived.map((entry) => entry.runningAt - entry.sentAt).sort((a, b) => a - b);
    const firstSent = Math.min(...measured.map((entry) => entry.sentAt));
    const lastRunning = Math.max(...arrived.map((entry) => entry.runningAt));
    print('e2e.running_p50_ms', percentile(latencies, 50), 'ms');
    print('e2e.running_p99_ms', percentile(latencies, 99), 'ms');
    print('e2e.tasks_per_s', arrived.length / ((lastRunning - firstSent) / 1000), 'tasks/s');

    // The tail over time: the worst latency of each tenth of the run, in launch order.
    const bySend = [...arrived].sort((a, b) => a.sentAt - b.sentAt);
    const tenth = Math.ceil(bySend.length / 10);
    note(
      `max latency per tenth of the run: ${Array.from({ length: 10 }, (_, i) =>
        Math.max(
          ...bySend
            .slice(i * tenth, (i + 1) * tenth)
            .map((entry) => entry.runningAt - entry.sentAt),
        ).toFixed(0),
      ).join(', ')} ms`,
    );
    const missing = TASKS - arrived.length;
    if (missing > 0) {
      note(
        `${missing} of ${TASKS} tasks never reached RUNNING (not launched, refused or timed out)`,
      );
    }
    // Where the time goes: each step's share of RunTask → RUNNING.
    const step = (from: (entry: Launch, times: TaskTimes) => number | undefined, to: typeof from) =>
      arrived.flatMap((entry) => {
        const times = entry.arn ? subscription.times.get(entry.arn) : undefined;
        const a = times && from(entry, times);
        const b = times && to(entry, times);
        return a === undefined || b === undefined ? [] : [b - a];
      });
    const arrival = (status: string) => (_: Launch, times: TaskTimes) => times.arrivals.get(status);
    const iso = (value?: string) => (value ? Date.parse(value) : undefined);
    note(`concurrency ${CONCURRENCY}, ${arrived.length}/${TASKS} RUNNING`);
    note(
      `RunTask call                         ${summary(
        step(
          (e) => e.sentAt,
          (e) => e.answeredAt,
        ),
      )}`,
    );
    note(
      `RunTask sent → PROVISIONING event    ${summary(step((e) => e.sentAt, arrival('PROVISIONING')))}`,
    );
    note(
      `PROVISIONING → PENDING event         ${summary(step(arrival('PROVISIONING'), arrival('PENDING')))}`,
    );
    note(
      `PENDING → RUNNING event              ${summary(step(arrival('PENDING'), arrival('RUNNING')))}`,
    );
    note(
      `server createdAt → startedAt         ${summary(
        step(
          (_, times) => iso(times.runningDetail?.createdAt),
          (_, times) => iso(times.runningDetail?.startedAt),
        ),
      )}`,
    );
  } finally {
    await events?.close();
    // Stop every task, then the agents (which stop what is left), then sweep.
    const cleanupStarted = performance.now();
    const queue = [...launched];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let arn = queue.shift(); arn; arn = queue.shift()) {
          await ecs
            .send(new StopTaskCommand({ cluster, task: arn, reason: 'bench done' }))
            .catch((error: unknown) => note(`StopTask failed: ${(error as Error).message}`));
        }
      }),
    );
    const tasksStopped = performance.now();
    await Promise.all(agents.map(stopAgent));
    note(
      `clean-up: StopTask × ${launched.length} in ${(tasksStopped - cleanupStarted).toFixed(0)} ms, agents stopped in ${(performance.now() - tasksStopped).toFixed(0)} ms`,
    );
    const leftovers = agents.reduce((sum, agent) => sum + killLeftovers(agent.stateDir), 0);
    if (leftovers > 0) note(`killed ${leftovers} container processes the agents left running`);
    rmSync(baseDir, { recursive: true, force: true });
    ecs.destroy();
  }
};

export type { E2eEndpoints };
export { benchE2e };
