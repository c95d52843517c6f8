import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';

/**
 * What the RunTask → RUNNING parts (`e2e`, `docker`, `fargate`) share: the
 * events stream, the load (CONCURRENCY tasks in flight), the figures and
 * where the time goes, the stack's CPU, and the clean-up (StopTask every
 * task, then wait for each one's STOPPED event).
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

/** Where the stack under measurement answers. */
interface BenchEndpoints {
  /** The ECS API endpoint. */
  readonly url: string;
  /** The agents' WebSocket endpoint. */
  readonly wsUrl: string;
  /** The events stream, e.g. `http://127.0.0.1:8084/events`. */
  readonly eventsUrl: string;
  /** The stack's process, when the bench started it (for its CPU time). */
  readonly stackPid?: number | undefined;
  /** The local Step Functions server, when known (its `GET /stats`, for the per-task budget). */
  readonly stepFunctionsUrl?: string | undefined;
}

/**
 * Tasks in flight (RunTask sent, RUNNING not yet seen) at any time: 8, or
 * BERTH_BENCH_E2E_CONCURRENCY to see how latency depends on load.
 */
const CONCURRENCY = Number(process.env.BERTH_BENCH_E2E_CONCURRENCY) || 8;
/** A task not RUNNING by then is given up (counted as never RUNNING). */
const TASK_TIMEOUT_MS = 60_000;
/** How long the clean-up waits for every task's STOPPED event. */
const STOPPED_TIMEOUT_MS = 90_000;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const print = (name: string, value: number, unit: string) =>
  console.log(`${name}: ${value.toFixed(2)} ${unit}`);

/** A diagnostic line on stderr, `[part] line`. */
const noter =
  (part: string) =>
  (line: string): void => {
    process.stderr.write(`[${part}] ${line}\n`);
  };

const ecsClient = (url: string): ECSClient =>
  new ECSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });

const summary = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${(sorted[sorted.length - 1] ?? Number.NaN).toFixed(0)} ms (n=${sorted.length})`;
};

// ── The events stream ───────────────────────────────────────────────────────

interface TaskDetail {
  readonly taskArn?: string;
  readonly lastStatus?: string;
  readonly createdAt?: string;
  readonly startedAt?: string;
  readonly stoppedReason?: string;
  readonly stopCode?: string;
  readonly containers?: readonly { readonly name?: string; readonly reason?: string }[];
}

interface TaskEvent {
  readonly resources?: string[];
  readonly detail?: TaskDetail;
}

interface TaskTimes {
  /** performance.now() of the first event with each lastStatus. */
  readonly arrivals: Map<string, number>;
  /** The first event's detail of each lastStatus, for server-side timestamps and reasons. */
  readonly details: Map<string, TaskDetail>;
}

type TaskEvents = Awaited<ReturnType<typeof subscribeTaskEvents>>;

/**
 * Follows the events stream (Server-Sent Events) for the given detail types:
 * `onEvent` gets each envelope with `performance.now()` of its arrival.
 * Resolves once the server says the subscription is in place, so that no
 * event published after that is missed.
 */
const followEvents = async (
  eventsUrl: string,
  detailTypes: readonly string[],
  onEvent: (event: unknown, at: number) => void,
): Promise<{ close(): Promise<void> }> => {
  const controller = new AbortController();
  const query = detailTypes.map((type) => `detail-type=${encodeURIComponent(type)}`).join('&');
  const response = await fetch(`${eventsUrl}?${query}`, { signal: controller.signal });
  if (!response.ok || !response.body) {
    throw new Error(`The events stream ${eventsUrl} answered ${response.status}`);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((done) => {
    subscribed = done;
  });
  const pump = (async () => {
    let buffer = '';
    for (;;) {
      const chunk = await reader.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      const at = performance.now();
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith(': subscribed')) subscribed();
        if (frame.startsWith('data: ')) onEvent(JSON.parse(frame.slice(6)), at);
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  await ready;
  return {
    close: async () => {
      controller.abort();
      await pump;
    },
  };
};

/**
 * Subscribes to the task events and records, per task ARN, when the first
 * event of each lastStatus arrived; `whenStatus` resolves on one of them.
 */
const subscribeTaskEvents = async (eventsUrl: string) => {
  const times = new Map<string, TaskTimes>();
  /** Called on every new status of the task. */
  const watchers = new Map<string, Set<() => void>>();
  const timesOf = (arn: string): TaskTimes => {
    let entry = times.get(arn);
    if (!entry) {
      entry = { arrivals: new Map(), details: new Map() };
      times.set(arn, entry);
    }
    return entry;
  };
  const stream = await followEvents(eventsUrl, ['ECS Task State Change'], (data, at) => {
    const event = data as TaskEvent;
    const arn = event.detail?.taskArn ?? event.resources?.[0];
    const status = event.detail?.lastStatus;
    if (!arn || !status || !event.detail) return;
    const entry = timesOf(arn);
    if (entry.arrivals.has(status)) return;
    entry.arrivals.set(status, at);
    entry.details.set(status, event.detail);
    for (const watcher of watchers.get(arn) ?? []) watcher();
  });
  /**
   * Resolves with the arrival time of the task's `status` event; undefined
   * after timeoutMs, or at once when the task is STOPPED without it.
   */
  const whenStatus = (arn: string, status: string, timeoutMs: number) =>
    new Promise<number | undefined>((done) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): boolean => {
        const arrivals = times.get(arn)?.arrivals;
        const seen = arrivals?.get(status);
        if (seen === undefined && !arrivals?.has('STOPPED')) return false;
        clearTimeout(timer);
        watchers.get(arn)?.delete(check);
        done(seen);
        return true;
      };
      if (check()) return;
      let set = watchers.get(arn);
      if (!set) {
        set = new Set();
        watchers.set(arn, set);
      }
      set.add(check);
      timer = setTimeout(() => {
        watchers.get(arn)?.delete(check);
        done(undefined);
      }, timeoutMs);
    });
  return { times, whenStatus, close: stream.close };
};

// ── The stack's CPU ─────────────────────────────────────────────────────────

const CLOCK_TICKS_PER_S = 100;

/** What a process of the stack is, from its command line, for the CPU breakdown. */
const roleOf = (commandLine: string): string => {
  if (commandLine.includes('DynamoDBLocal')) return 'dynamodb';
  if (commandLine.includes('osls')) return 'offline';
  if (commandLine.includes('esbuild')) return 'esbuild';
  if (commandLine.includes('scripts/start.ts')) return 'stack';
  if (commandLine.includes('podman') || commandLine.includes('conmon')) return 'podman';
  if (commandLine.startsWith('sh\0')) return 'guards';
  return 'other';
};

/**
 * CPU time (ms) of a process and all its descendants, from /proc/<pid>/stat,
 * per role (`dynamodb`, `offline`, `stack`, …): utime + stime of each, plus
 * cutime + cstime (descendants that ended and were waited for), so that a
 * child ending within a window still counts. Processes that left the tree
 * (Podman's conmon, the containers) are not counted.
 */
const treeCpuMs = (rootPid: number): Map<string, number> => {
  const stats = new Map<number, { ppid: number; ticks: number; role: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces): state ppid … utime(14) stime cutime cstime.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
      const role = roleOf(readFileSync(`/proc/${name}/cmdline`, 'utf8'));
      stats.set(Number(name), { ppid: Number(fields[1]), ticks, role });
    } catch {
      // Gone meanwhile.
    }
  }
  const inTree = new Set<number>([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, stat] of stats) {
      if (!inTree.has(pid) && inTree.has(stat.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  const byRole = new Map<string, number>();
  for (const pid of inTree) {
    const stat = stats.get(pid);
    if (!stat) continue;
    byRole.set(stat.role, (byRole.get(stat.role) ?? 0) + (stat.ticks * 1000) / CLOCK_TICKS_PER_S);
  }
  return byRole;
};

/**
 * CPU time (ms) the whole machine has spent, all cores, from /proc/stat:
 * every state but idle, iowait and steal. With the stack's share it says what the
 * rest (the agents, their tasks, this bench's clients) costs per task.
 */
const machineCpuMs = (): number => {
  const [line = ''] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = ticks.reduce(
    // idle, iowait and steal (time the hypervisor gave to other machines) are not work done here.
    (sum, value, index) => (index === 3 || index === 4 || index === 7 ? sum : sum + value),
    0,
  );
  return (busy * 1000) / CLOCK_TICKS_PER_S;
};

const sumOf = (byRole: Map<string, number>): number =>
  [...byRole.values()].reduce((sum, ms) => sum + ms, 0);

/** Whether `pid`'s parent is `parentPid` (the bench may or may not have started the stack). */
const isChildOf = (pid: number, parentPid: number): boolean => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]) === parentPid;
  } catch {
    return false;
  }
};

/** CPU time (ms) of the stack's whole process tree (every role together). */
const stackCpuMs = (rootPid: number): number => sumOf(treeCpuMs(rootPid));

/** The CPU spent between two `treeCpuMs` readings, per role. */
const cpuSpent = (before: Map<string, number>, after: Map<string, number>): Map<string, number> =>
  new Map([...after].map(([role, ms]) => [role, ms - (before.get(role) ?? 0)]));

// ── The budget per task: requests, transitions, invocations ─────────────────

type Counts = Map<string, number>;

/** What the handlers sent (`GET /health`'s `requests`) and what the Step Functions server ran. */
const readCounts = async (endpoints: BenchEndpoints): Promise<Counts> => {
  const counts: Counts = new Map();
  const add = (prefix: string, values: unknown) => {
    for (const [name, value] of Object.entries((values ?? {}) as Record<string, number>)) {
      counts.set(`${prefix}${name}`, value);
    }
  };
  const health = (await (await fetch(`${endpoints.url}/health`)).json()) as { requests?: unknown };
  add('', health.requests);
  if (endpoints.stepFunctionsUrl) {
    const stats = (await (await fetch(`${endpoints.stepFunctionsUrl}/stats`)).json()) as {
      historyEvents?: unknown;
      invocations?: unknown;
    };
    add('history.', stats.historyEvents);
    add('invoke.', stats.invocations);
  }
  return counts;
};

/** Prints the requests per task by service and operation, the transitions and invocations. */
const reportBudget = (part: string, before: Counts, after: Counts, tasks: number): void => {
  const note = noter(part);
  const spent = [...after]
    .map(([name, value]) => [name, (value - (before.get(name) ?? 0)) / tasks] as const)
    .filter(([, value]) => value > 0);
  const sum = (prefix: string) =>
    spent
      .filter(([name]) => name.startsWith(prefix))
      .reduce((total, [, value]) => total + value, 0);
  const list = (prefix: string) =>
    spent
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => `${name.slice(prefix.length)} ${value.toFixed(2)}`)
      .join(', ');
  print(`${part}.dynamodb_requests_per_task`, sum('DynamoDB.'), 'requests');
  note(`DynamoDB requests per task: ${list('DynamoDB.')}`);
  for (const service of ['api.', 'SFN.', 'EventBridge.', 'ApiGatewayManagementApi.']) {
    if (sum(service) > 0) note(`${service.slice(0, -1)} requests per task: ${list(service)}`);
  }
  const entered = spent
    .filter(([name]) => name.startsWith('history.') && name.endsWith('StateEntered'))
    .reduce((total, [, value]) => total + value, 0);
  note(
    `Step Functions per task: ${entered.toFixed(2)} states entered, ${sum('invoke.').toFixed(2)} Lambda invocations (${list('invoke.')})`,
  );
};

// ── Running tasks under load ────────────────────────────────────────────────

interface Launch {
  readonly arn?: string;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly runningAt?: number;
}

interface RunTaskBenchOptions {
  /** The figures' prefix, e.g. `e2e` or `fargate.process`. */
  readonly part: string;
  readonly endpoints: BenchEndpoints;
  /** What the tasks run (family set here). */
  readonly taskDefinition: Omit<RegisterTaskDefinitionCommandInput, 'family'>;
  /** RunTask's other members (launchType, networkConfiguration, …). */
  readonly runTask?: Omit<RunTaskCommandInput, 'cluster' | 'taskDefinition' | 'count'>;
  readonly warmupTasks: number;
  /** Measured tasks. */
  readonly tasks: number;
  /**
   * Instead of CONCURRENCY tasks in flight: the measured tasks are asked for
   * all at once, by `callers` RunTask calls of `tasks / callers` tasks each.
   */
  readonly burst?: { readonly callers: number };
  /** The whole measurement (warm-up included); launching stops after it. */
  readonly overallTimeoutMs: number;
  /** After the cluster exists, before the events subscription (e.g. start agents). */
  readonly setUp?: (cluster: string) => Promise<void>;
  /** After every task is STOPPED (or given up on): stop agents, look for leftovers. */
  readonly tearDown?: (cluster: string) => Promise<void>;
}

/**
 * One fresh cluster; `warmupTasks` then `tasks` RunTask → RUNNING under
 * CONCURRENCY in flight; prints `<part>.running_p50_ms`, `_p99_ms`,
 * `tasks_per_s` (and `stack_cpu_ms_per_task` when the stack's pid is known);
 * then stops every task and waits until each is STOPPED.
 */
const benchRunTask = async (options: RunTaskBenchOptions): Promise<void> => {
  const { part, endpoints } = options;
  const note = noter(part);
  const ecs = ecsClient(endpoints.url);
  const stamp = Date.now();
  const cluster = `bench-${part.replace(/\W/g, '-')}-${stamp}`;
  const family = cluster;
  const launched: string[] = [];
  let events: TaskEvents | undefined;
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(new RegisterTaskDefinitionCommand({ ...options.taskDefinition, family }));
    await options.setUp?.(cluster);
    const subscription = await subscribeTaskEvents(endpoints.eventsUrl);
    events = subscription;

    const deadline = performance.now() + options.overallTimeoutMs;
    /** One RunTask of `count` tasks, then each task's RUNNING event. */
    const launchMany = async (count: number): Promise<Launch[]> => {
      const sentAt = performance.now();
      const response = await ecs.send(
        new RunTaskCommand({ ...options.runTask, cluster, taskDefinition: family, count }),
      );
      const answeredAt = performance.now();
      const arns = (response.tasks ?? []).flatMap((task) => (task.taskArn ? [task.taskArn] : []));
      if (arns.length < count) {
        note(`RunTask placed ${arns.length} of ${count}: ${JSON.stringify(response.failures)}`);
      }
      if (arns.length === 0) return [{ sentAt, answeredAt }];
      launched.push(...arns);
      return Promise.all(arns.map((arn) => awaitRunning(arn, sentAt, answeredAt)));
    };
    const launch = async (): Promise<Launch> => (await launchMany(1))[0] as Launch;
    const awaitRunning = async (
      arn: string,
      sentAt: number,
      answeredAt: number,
    ): Promise<Launch> => {
      const cutOff = deadline - performance.now() < TASK_TIMEOUT_MS;
      const runningAt = await subscription.whenStatus(
        arn,
        'RUNNING',
        Math.min(TASK_TIMEOUT_MS, Math.max(0, deadline - performance.now())),
      );
      if (runningAt === undefined) {
        const stopped = subscription.times.get(arn)?.details.get('STOPPED');
        const seen = [...(subscription.times.get(arn)?.arrivals.keys() ?? [])];
        note(
          stopped
            ? `${arn} STOPPED before RUNNING: ${stopped.stopCode ?? ''} ${stopped.stoppedReason ?? ''} ${JSON.stringify(stopped.containers?.map((container) => container.reason))}`
            : `${arn} not RUNNING ${cutOff ? 'by the end of the measurement' : `within ${TASK_TIMEOUT_MS / 1000} s`} (last seen: ${seen.join(' → ') || 'no event'})`,
        );
      }
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

    /** Every measured task asked for at once: `callers` RunTask calls in parallel. */
    const burst = async (callers: number): Promise<Launch[]> => {
      const each = Math.ceil(options.tasks / callers);
      const results = await Promise.all(
        Array.from({ length: callers }, () =>
          launchMany(each).catch((error: unknown): Launch[] => {
            note(`RunTask failed: ${(error as Error).message}`);
            return [];
          }),
        ),
      );
      return results.flat();
    };

    await run(options.warmupTasks);
    const { stackPid } = endpoints;
    const countsBefore = await readCounts(endpoints);
    const cpuBefore = stackPid === undefined ? undefined : treeCpuMs(stackPid);
    const machineBefore = {
      all: machineCpuMs(),
      bench: process.cpuUsage(),
      benchTree: stackCpuMs(process.pid),
    };
    const measured = options.burst ? await burst(options.burst.callers) : await run(options.tasks);
    const cpuMs =
      stackPid === undefined || cpuBefore === undefined
        ? undefined
        : cpuSpent(cpuBefore, treeCpuMs(stackPid));
    const benchCpu = process.cpuUsage(machineBefore.bench);
    const bench = (benchCpu.user + benchCpu.system) / 1000;
    const stackSpent = cpuMs === undefined ? 0 : sumOf(cpuMs);
    const machine = {
      all: machineCpuMs() - machineBefore.all,
      bench,
      // The bench's children: the agents and their tasks (and the stack, when the bench started it).
      agents:
        stackCpuMs(process.pid) -
        machineBefore.benchTree -
        bench -
        (stackPid !== undefined && isChildOf(stackPid, process.pid) ? stackSpent : 0),
    };
    report(
      part,
      options.tasks,
      measured,
      subscription,
      cpuMs,
      machine,
      options.burst !== undefined,
    );
    reportBudget(part, countsBefore, await readCounts(endpoints), measured.length);
  } finally {
    if (events) await stopTasks(ecs, cluster, launched, events, note);
    await events?.close();
    await options.tearDown?.(cluster);
    ecs.destroy();
  }
};

/** The figures on stdout, where the time goes on stderr. */
const report = (
  part: string,
  tasks: number,
  measured: Launch[],
  events: TaskEvents,
  cpuMs: Map<string, number> | undefined,
  machine: { readonly all: number; readonly bench: number; readonly agents: number },
  burst = false,
): void => {
  const note = noter(part);
  const arrived = measured.filter(
    (entry): entry is Launch & { runningAt: number } => entry.runningAt !== undefined,
  );
  if (arrived.length === 0) {
    throw new Error(`None of the ${tasks} ${part} tasks reached RUNNING within the time allowed.`);
  }
  const latencies = arrived.map((entry) => entry.runningAt - entry.sentAt).sort((a, b) => a - b);
  const firstSent = Math.min(...measured.map((entry) => entry.sentAt));
  const lastRunning = Math.max(...arrived.map((entry) => entry.runningAt));
  print(`${part}.running_p50_ms`, percentile(latencies, 50), 'ms');
  print(`${part}.running_p99_ms`, percentile(latencies, 99), 'ms');
  print(`${part}.tasks_per_s`, arrived.length / ((lastRunning - firstSent) / 1000), 'tasks/s');
  const stackTotal = cpuMs === undefined ? 0 : sumOf(cpuMs);
  if (cpuMs !== undefined) {
    print(`${part}.stack_cpu_ms_per_task`, stackTotal / arrived.length, 'ms');
    note(
      `stack CPU per task by process: ${[...cpuMs]
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([role, ms]) => `${role} ${(ms / arrived.length).toFixed(1)} ms`)
        .join(', ')}`,
    );
  }
  // The stack shares the machine with what it serves; all of it bounds tasks per second.
  print(`${part}.machine_cpu_ms_per_task`, machine.all / arrived.length, 'ms');
  const perTask = (ms: number) => `${(ms / arrived.length).toFixed(1)} ms`;
  note(
    `machine CPU per task: stack ${perTask(stackTotal)}, this bench's process ${perTask(machine.bench)}, the agents and their tasks ${perTask(machine.agents)}, the rest (the kernel's own work, other processes) ${perTask(machine.all - stackTotal - machine.bench - machine.agents)}`,
  );

  // The tail over time: the worst latency of each tenth of the run, in launch order.
  const bySend = [...arrived].sort((a, b) => a.sentAt - b.sentAt);
  const tenth = Math.ceil(bySend.length / 10);
  const tenths = Array.from({ length: 10 }, (_, i) =>
    bySend.slice(i * tenth, (i + 1) * tenth).map((entry) => entry.runningAt - entry.sentAt),
  ).filter((slice) => slice.length > 0);
  note(
    `max latency per tenth of the run: ${tenths.map((slice) => Math.max(...slice).toFixed(0)).join(', ')} ms`,
  );
  const missing = tasks - arrived.length;
  if (missing > 0) {
    note(`${missing} of ${tasks} tasks never reached RUNNING (not launched, refused or timed out)`);
  }
  // Where the time goes: each step's share of RunTask → RUNNING.
  const step = (from: (entry: Launch, times: TaskTimes) => number | undefined, to: typeof from) =>
    arrived.flatMap((entry) => {
      const times = entry.arn ? events.times.get(entry.arn) : undefined;
      const a = times && from(entry, times);
      const b = times && to(entry, times);
      return a === undefined || b === undefined ? [] : [b - a];
    });
  const arrival = (status: string) => (_: Launch, times: TaskTimes) => times.arrivals.get(status);
  const iso = (value?: string) => (value ? Date.parse(value) : undefined);
  const rows: [string, number[]][] = [
    [
      'RunTask call',
      step(
        (e) => e.sentAt,
        (e) => e.answeredAt,
      ),
    ],
    ['RunTask sent → PROVISIONING event', step((e) => e.sentAt, arrival('PROVISIONING'))],
    ['PROVISIONING → PENDING event', step(arrival('PROVISIONING'), arrival('PENDING'))],
    ['PENDING → RUNNING event', step(arrival('PENDING'), arrival('RUNNING'))],
    [
      'server createdAt → startedAt',
      step(
        (_, times) => iso(times.details.get('RUNNING')?.createdAt),
        (_, times) => iso(times.details.get('RUNNING')?.startedAt),
      ),
    ],
  ];
  note(
    `${burst ? 'all at once' : `concurrency ${CONCURRENCY}`}, ${arrived.length}/${tasks} RUNNING`,
  );
  for (const [name, values] of rows) note(`${name.padEnd(37)}${summary(values)}`);
};

/**
 * StopTask on every task (CONCURRENCY at a time), then waits for each one's
 * STOPPED event; what is not seen STOPPED is looked up with DescribeTasks and
 * said on stderr.
 */
const stopTasks = async (
  ecs: ECSClient,
  cluster: string,
  arns: readonly string[],
  events: TaskEvents,
  note: (line: string) => void,
): Promise<void> => {
  const started = performance.now();
  const queue = [...arns];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let arn = queue.shift(); arn; arn = queue.shift()) {
        if (events.times.get(arn)?.arrivals.has('STOPPED')) continue;
        await ecs
          .send(new StopTaskCommand({ cluster, task: arn, reason: 'bench done' }))
          .catch((error: unknown) => note(`StopTask failed: ${(error as Error).message}`));
      }
    }),
  );
  const stopCalls = performance.now();
  const deadline = stopCalls + STOPPED_TIMEOUT_MS;
  const seen = await Promise.all(
    arns.map((arn) => events.whenStatus(arn, 'STOPPED', Math.max(0, deadline - performance.now()))),
  );
  const notSeen = arns.filter((_, index) => seen[index] === undefined);
  note(
    `clean-up: StopTask × ${arns.length} in ${(stopCalls - started).toFixed(0)} ms, all STOPPED ${(performance.now() - stopCalls).toFixed(0)} ms later`,
  );
  if (notSeen.length === 0) return;
  const left: string[] = [];
  for (let i = 0; i < notSeen.length; i += 100) {
    const described = await ecs
      .send(new DescribeTasksCommand({ cluster, tasks: notSeen.slice(i, i + 100) }))
      .catch(() => undefined);
    for (const task of described?.tasks ?? []) {
      if (task.lastStatus !== 'STOPPED') left.push(`${task.taskArn} ${task.lastStatus}`);
    }
  }
  if (left.length > 0) {
    note(
      `${left.length} tasks not STOPPED ${STOPPED_TIMEOUT_MS / 1000} s after StopTask:\n${left.join('\n')}`,
    );
  }
};

export type { BenchEndpoints, RunTaskBenchOptions };
export { benchRunTask, CONCURRENCY, ecsClient, followEvents, noter, percentile, print, stackCpuMs };
