import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { StateFile } from '../../agent/StateFile';

/**
 * berth-agent with the process runtime, against a fake control plane that
 * lives in this test: an HTTP server answering the ECS JSON 1.1 calls the
 * agent makes, and a WebSocket server that records `sync`/`heartbeat` and
 * pushes `tasks` messages (docs/agent-protocol.md). It stands alone on
 * purpose: the real server side of the protocol is not needed to test the
 * agent, and the agent runs as users run it, a child process of its own.
 */

const ROOT = resolve(__dirname, '..', '..');
const CLUSTER = 'agenttest';

interface Call {
  readonly action: string;
  readonly body: Record<string, unknown>;
}

interface ContainerChange {
  containerName?: string;
  runtimeId?: string;
  status?: string;
  exitCode?: number;
  reason?: string;
}

interface SocketMessage {
  readonly action: string;
  readonly url: string;
}

type TaskMessage = Record<string, unknown> & { taskArn: string };

const waitFor = async <T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

class FakeControlPlane {
  readonly calls: Call[] = [];
  readonly messages: SocketMessage[] = [];
  readonly connections: string[] = [];
  /** What a `sync` is answered with, like Berth's full resync. */
  readonly tasks = new Map<string, TaskMessage>();
  /** Submit* calls to answer with a 500 before accepting again. */
  failSubmits = 0;
  private readonly sockets = new Set<WebSocket>();
  private wss!: WebSocketServer;
  wsPort = 0;

  private constructor(private readonly http: Server) {}

  static async start(): Promise<FakeControlPlane> {
    const http = createServer();
    const plane = new FakeControlPlane(http);
    http.on('request', (request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const action = target.slice(target.indexOf('.') + 1);
        const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        const answer = (status: number, payload: unknown) => {
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify(payload));
        };
        if (action.startsWith('Submit') && plane.failSubmits > 0) {
          plane.failSubmits -= 1;
          answer(500, { __type: 'ServerException', message: 'injected failure' });
          return;
        }
        plane.calls.push({ action, body });
        if (action === 'RegisterContainerInstance') {
          const arn =
            (body.containerInstanceArn as string | undefined) ??
            `arn:aws:ecs:us-east-1:000000000000:container-instance/${CLUSTER}/${randomUUID()}`;
          answer(200, { containerInstance: { containerInstanceArn: arn, status: 'ACTIVE' } });
          return;
        }
        if (action === 'SubmitTaskStateChange' || action === 'SubmitContainerStateChange') {
          answer(200, { acknowledgment: 'ACK' });
          return;
        }
        answer(400, { __type: 'InvalidParameterException', message: `unexpected ${action}` });
      });
    });
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    await plane.openSocketServer(0);
    return plane;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  async openSocketServer(port: number): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((done) => wss.once('listening', done));
    this.wss = wss;
    this.wsPort = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket, request) => {
      const url = request.url ?? '';
      this.connections.push(url);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('message', (data) => {
        const { action } = JSON.parse(data.toString()) as { action: string };
        this.messages.push({ action, url });
        if (action === 'sync') {
          socket.send(JSON.stringify({ type: 'tasks', tasks: [...this.tasks.values()] }));
        }
      });
    });
  }

  /** The control plane going away: every socket dropped, the port closed. */
  async closeSocketServer(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((done) => this.wss.close(() => done()));
  }

  /** Records the tasks (for later syncs) and pushes them to every connected agent. */
  push(...tasks: TaskMessage[]): void {
    for (const task of tasks) this.tasks.set(task.taskArn, task);
    const text = JSON.stringify({ type: 'tasks', tasks });
    for (const socket of this.sockets) socket.send(text);
  }

  reports(taskArn: string): Call[] {
    return this.calls.filter(
      (call) => call.action.startsWith('Submit') && call.body.task === taskArn,
    );
  }

  taskReport(taskArn: string, status: string): Call | undefined {
    return this.reports(taskArn).find(
      (call) => call.action === 'SubmitTaskStateChange' && call.body.status === status,
    );
  }

  registrations(): Call[] {
    return this.calls.filter((call) => call.action === 'RegisterContainerInstance');
  }

  async close(): Promise<void> {
    await this.closeSocketServer();
    this.http.closeAllConnections();
    await new Promise<void>((done) => this.http.close(() => done()));
  }
}

interface AgentProcess {
  readonly child: ChildProcess;
  readonly arn: string;
  output(): string;
  exited(): Promise<number | null>;
}

const agents: AgentProcess[] = [];
const pids = new Set<number>();

const startAgent = async (
  plane: FakeControlPlane,
  stateDir: string,
  extra: string[] = [],
): Promise<AgentProcess> => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'agent/main.ts',
      '--endpoint',
      plane.url,
      '--ws-endpoint',
      plane.wsUrl,
      '--cluster',
      CLUSTER,
      '--cpu',
      '2048',
      '--memory',
      '1024',
      '--attribute',
      'stack=test',
      '--state-dir',
      stateDir,
      '--heartbeat-seconds',
      '0.2',
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const arn = await waitFor(
    'the agent to register and connect',
    () => /berth-agent registered (\S+) in cluster/.exec(output)?.[1],
    20_000,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${output}`);
  });
  const agent = { child, arn, output: () => output, exited: () => exit };
  agents.push(agent);
  return agent;
};

const taskArnOf = (name: string): string =>
  `arn:aws:ecs:us-east-1:000000000000:task/${CLUSTER}/${name}-${randomUUID().slice(0, 8)}`;

const taskMessage = (
  taskArn: string,
  containers: Record<string, unknown>[],
  desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING',
  version = 1,
): TaskMessage => ({
  taskArn,
  cluster: CLUSTER,
  desiredStatus,
  lastStatus: desiredStatus === 'RUNNING' ? 'PENDING' : 'STOPPING',
  version,
  containers,
});

const containersOf = (call: Call | undefined): ContainerChange[] =>
  (call?.body.containers as ContainerChange[] | undefined) ?? [];

/** Remembers every pid the agent reported, so that nothing outlives the suite. */
const remember = (call: Call | undefined): void => {
  for (const container of containersOf(call)) {
    if (container.runtimeId) pids.add(Number(container.runtimeId));
  }
};

/** Alive and not a zombie: an adopted container's parent is init, which may reap it a little later. */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    // No /proc (not Linux): kill(pid, 0) is all there is.
    return !existsSync('/proc/self');
  }
};

const temporaryDirs: string[] = [];
const newStateDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-agent-test-'));
  temporaryDirs.push(dir);
  return dir;
};

describe('berth-agent, process runtime', () => {
  let plane: FakeControlPlane;
  let agent: AgentProcess;
  let stateDir: string;

  beforeAll(async () => {
    plane = await FakeControlPlane.start();
    stateDir = newStateDir();
    agent = await startAgent(plane, stateDir);
  });

  afterAll(async () => {
    for (const each of agents) each.child.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await plane.close();
    for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('registers its resources and attributes, connects, syncs and sends heartbeats', async () => {
    const [registration] = plane.registrations();
    expect(registration?.body).toMatchObject({
      cluster: CLUSTER,
      totalResources: expect.arrayContaining([
        expect.objectContaining({ name: 'CPU', type: 'INTEGER', integerValue: 2048 }),
        expect.objectContaining({ name: 'MEMORY', type: 'INTEGER', integerValue: 1024 }),
        expect.objectContaining({ name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22'] }),
      ]),
      attributes: expect.arrayContaining([
        { name: 'ecs.availability-zone', value: 'us-east-1a' },
        { name: 'ecs.instance-type', value: 'external' },
        { name: 'stack', value: 'test' },
      ]),
      versionInfo: expect.objectContaining({ agentHash: 'berth', dockerVersion: 'process' }),
    });
    expect(registration?.body.containerInstanceArn).toBeUndefined();

    const url = new URL(plane.connections[0]!, plane.wsUrl);
    expect(url.searchParams.get('cluster')).toBe(CLUSTER);
    expect(url.searchParams.get('containerInstance')).toBe(agent.arn);
    expect(plane.messages[0]?.action).toBe('sync');
    await waitFor('a heartbeat', () => plane.messages.some((m) => m.action === 'heartbeat'));
  });

  it('reports RUNNING then STOPPED with the exit code when an essential container exits', async () => {
    // Prepare
    const taskArn = taskArnOf('exit3');

    // Act
    plane.push(taskMessage(taskArn, [{ name: 'main', command: ['sh', '-c', 'exit 3'] }]));

    // Assess
    const stopped = await waitFor('STOPPED', () => plane.taskReport(taskArn, 'STOPPED'));
    const running = plane.taskReport(taskArn, 'RUNNING');
    remember(running);
    const reports = plane.reports(taskArn);
    expect(reports.indexOf(running!)).toBeLessThan(reports.indexOf(stopped));
    expect(containersOf(running)).toEqual([
      expect.objectContaining({ containerName: 'main', status: 'RUNNING' }),
    ]);
    expect(stopped.body.reason).toBe('Essential container in task exited');
    expect(containersOf(stopped)).toEqual([
      expect.objectContaining({ containerName: 'main', status: 'STOPPED', exitCode: 3 }),
    ]);
    const containerChange = reports.find((call) => call.action === 'SubmitContainerStateChange');
    expect(containerChange?.body).toMatchObject({
      containerName: 'main',
      status: 'STOPPED',
      exitCode: 3,
    });
    expect(reports.indexOf(containerChange!)).toBeLessThan(reports.indexOf(stopped));
  });

  it('stops a task desired STOPPED with SIGTERM (exit 143), well before its stopTimeout', async () => {
    // Prepare
    const taskArn = taskArnOf('sleep');
    const containers = [{ name: 'sleeper', command: ['sleep', '30'], stopTimeout: 5 }];
    plane.push(taskMessage(taskArn, containers));
    const running = await waitFor('RUNNING', () => plane.taskReport(taskArn, 'RUNNING'));
    remember(running);
    const pid = Number(containersOf(running)[0]?.runtimeId);
    expect(isAlive(pid)).toBe(true);

    // Act
    const started = Date.now();
    plane.push(taskMessage(taskArn, containers, 'STOPPED', 2));

    // Assess
    const stopped = await waitFor('STOPPED', () => plane.taskReport(taskArn, 'STOPPED'));
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(containersOf(stopped)).toEqual([
      expect.objectContaining({ containerName: 'sleeper', status: 'STOPPED', exitCode: 143 }),
    ]);
    expect(stopped.body.reason).toBeUndefined();
    expect(isAlive(pid)).toBe(false);
  });

  it('kills a container that ignores SIGTERM after its stopTimeout (exit 137)', async () => {
    // Prepare
    const taskArn = taskArnOf('stubborn');
    const containers = [
      { name: 'stubborn', command: ['sh', '-c', "trap '' TERM; sleep 30"], stopTimeout: 1 },
    ];
    plane.push(taskMessage(taskArn, containers));
    remember(await waitFor('RUNNING', () => plane.taskReport(taskArn, 'RUNNING')));

    // Act
    const started = Date.now();
    plane.push(taskMessage(taskArn, containers, 'STOPPED', 2));

    // Assess
    const stopped = await waitFor('STOPPED', () => plane.taskReport(taskArn, 'STOPPED'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(containersOf(stopped)[0]).toMatchObject({ status: 'STOPPED', exitCode: 137 });
  });

  it('keeps the task RUNNING when a non-essential container exits', async () => {
    // Prepare
    const taskArn = taskArnOf('sidecar');
    const containers = [
      { name: 'app', command: ['sleep', '30'], stopTimeout: 1 },
      { name: 'init', command: ['sh', '-c', 'exit 0'], essential: false },
    ];

    // Act
    plane.push(taskMessage(taskArn, containers));

    // Assess
    const change = await waitFor('the sidecar STOPPED', () =>
      plane
        .reports(taskArn)
        .find(
          (call) => call.action === 'SubmitContainerStateChange' && call.body.status === 'STOPPED',
        ),
    );
    remember(plane.taskReport(taskArn, 'RUNNING'));
    expect(change.body).toMatchObject({ containerName: 'init', exitCode: 0 });
    await sleep(500);
    expect(plane.taskReport(taskArn, 'STOPPED')).toBeUndefined();

    // Clean up, and the final report carries both containers.
    plane.push(taskMessage(taskArn, containers, 'STOPPED', 2));
    const stopped = await waitFor('STOPPED', () => plane.taskReport(taskArn, 'STOPPED'));
    expect(containersOf(stopped)).toEqual([
      expect.objectContaining({ containerName: 'app', exitCode: 143 }),
      expect.objectContaining({ containerName: 'init', exitCode: 0 }),
    ]);
  });

  it('stops a task whose essential container has no command, never reporting it RUNNING', async () => {
    // Prepare
    const taskArn = taskArnOf('nocommand');

    // Act
    plane.push(taskMessage(taskArn, [{ name: 'empty', command: [] }]));

    // Assess
    const stopped = await waitFor('STOPPED', () => plane.taskReport(taskArn, 'STOPPED'));
    expect(stopped.body.reason).toBe('CannotStartContainerError: no command');
    expect(containersOf(stopped)[0]).toMatchObject({
      status: 'STOPPED',
      exitCode: 1,
      reason: 'CannotStartContainerError: no command',
    });
    expect(plane.taskReport(taskArn, 'RUNNING')).toBeUndefined();
  });

  it('never starts a container twice when a tasks message repeats', async () => {
    // Prepare
    const taskArn = taskArnOf('repeat');
    const marker = join(stateDir, `marker-${randomUUID()}`);
    const message = taskMessage(taskArn, [
      {
        name: 'once',
        command: ['sh', '-c', 'echo started >> "$MARKER"; sleep 30'],
        environment: [{ name: 'MARKER', value: marker }],
        stopTimeout: 1,
      },
    ]);

    // Act
    plane.push(message, message);
    plane.push(message);
    remember(await waitFor('RUNNING', () => plane.taskReport(taskArn, 'RUNNING')));
    plane.push(message);
    await sleep(500);

    // Assess
    expect(readFileSync(marker, 'utf8')).toBe('started\n');
    expect(
      plane.reports(taskArn).filter((call) => call.action === 'SubmitTaskStateChange'),
    ).toHaveLength(1);
    plane.push({ ...message, desiredStatus: 'STOPPED', version: 2 });
    await waitFor('STOPPED', () => plane.taskReport(taskArn, 'STOPPED'));
  });

  it('retries reports Berth fails to answer, keeping them in order', async () => {
    // Prepare
    const taskArn = taskArnOf('retry');
    plane.failSubmits = 3;

    // Act
    plane.push(taskMessage(taskArn, [{ name: 'main', command: ['sh', '-c', 'exit 0'] }]));

    // Assess
    await waitFor('STOPPED', () => plane.taskReport(taskArn, 'STOPPED'));
    remember(plane.taskReport(taskArn, 'RUNNING'));
    expect(plane.reports(taskArn).map((call) => `${call.action}:${call.body.status}`)).toEqual([
      'SubmitTaskStateChange:RUNNING',
      'SubmitContainerStateChange:STOPPED',
      'SubmitTaskStateChange:STOPPED',
    ]);
  });

  it('after SIGKILL and a restart: same instance, containers adopted not restarted, exits reported', async () => {
    // Prepare: its own control plane and agent, with two tasks that wait for a file to exit.
    const own = await FakeControlPlane.start();
    try {
      const dir = newStateDir();
      const first = await startAgent(own, dir);
      const starts = join(dir, 'starts');
      const waitThenExit = (go: string, code: number) => ({
        name: 'main',
        command: [
          'sh',
          '-c',
          `echo "$$" >> "${starts}"; while [ ! -e "${go}" ]; do sleep 0.05; done; exit ${code}`,
        ],
      });
      const later = taskArnOf('later');
      const away = taskArnOf('away');
      const goLater = join(dir, 'go-later');
      const goAway = join(dir, 'go-away');
      own.push(taskMessage(later, [waitThenExit(goLater, 7)]));
      own.push(taskMessage(away, [waitThenExit(goAway, 5)]));
      const runningLater = await waitFor('RUNNING', () => own.taskReport(later, 'RUNNING'));
      const runningAway = await waitFor('RUNNING', () => own.taskReport(away, 'RUNNING'));
      remember(runningLater);
      remember(runningAway);
      // Reports are delivered at least once: one whose acknowledgement the
      // agent has not recorded when it is killed is sent again after the
      // restart. Kill it once both RUNNING reports are recorded as acknowledged.
      await waitFor('the acknowledgements recorded', () => {
        const state = new StateFile(dir).load();
        return state !== undefined && state.reports.pending.length === 0 ? true : undefined;
      });

      // Act: kill the agent; one task ends while it is away; start it again.
      first.child.kill('SIGKILL');
      await first.exited();
      writeFileSync(goAway, '');
      const awayTaskDir = join(dir, 'tasks', away.slice(away.lastIndexOf('/') + 1));
      await waitFor('the exit file', () => existsSync(join(awayTaskDir, 'main.exit')));
      const registrations = own.registrations().length;
      const second = await startAgent(own, dir);

      // Assess: re-registered as the same instance.
      expect(own.registrations()).toHaveLength(registrations + 1);
      expect(own.registrations().at(-1)?.body.containerInstanceArn).toBe(first.arn);
      expect(second.arn).toBe(first.arn);

      // What ended while away is reported with its real exit code.
      const stoppedAway = await waitFor('STOPPED', () => own.taskReport(away, 'STOPPED'));
      expect(containersOf(stoppedAway)[0]).toMatchObject({ exitCode: 5 });

      // The survivor is adopted: the sync repeats it, nothing starts again.
      await waitFor('a sync', () =>
        own.messages.some((m) => m.action === 'sync' && m.url.includes('containerInstance')),
      );
      await sleep(500);
      expect(own.taskReport(later, 'STOPPED')).toBeUndefined();
      writeFileSync(goLater, '');
      const stoppedLater = await waitFor('STOPPED', () => own.taskReport(later, 'STOPPED'));
      expect(containersOf(stoppedLater)[0]).toMatchObject({
        exitCode: 7,
        runtimeId: containersOf(runningLater)[0]?.runtimeId,
      });
      expect(stoppedLater.body.reason).toBe('Essential container in task exited');
      expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(2);
      expect(own.reports(later).filter((call) => call.body.status === 'RUNNING')).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  it('reconnects and syncs when the control plane goes away and comes back', async () => {
    // Prepare: its own control plane and agent.
    const own = await FakeControlPlane.start();
    try {
      await startAgent(own, newStateDir());
      const connections = own.connections.length;

      // Act: the socket server goes away; a task is placed meanwhile; it comes back.
      await own.closeSocketServer();
      const taskArn = taskArnOf('meanwhile');
      own.tasks.set(
        taskArn,
        taskMessage(taskArn, [{ name: 'main', command: ['sleep', '30'], stopTimeout: 1 }]),
      );
      await sleep(300);
      await own.openSocketServer(own.wsPort);

      // Assess: a new connection, a sync, and the task from the resync runs.
      await waitFor('a reconnect', () => own.connections.length > connections);
      await waitFor('a sync', () => own.messages.filter((m) => m.action === 'sync').length >= 2);
      remember(await waitFor('RUNNING', () => own.taskReport(taskArn, 'RUNNING')));
      own.push(
        taskMessage(
          taskArn,
          [{ name: 'main', command: ['sleep', '30'], stopTimeout: 1 }],
          'STOPPED',
          2,
        ),
      );
      await waitFor('STOPPED', () => own.taskReport(taskArn, 'STOPPED'));
    } finally {
      await own.close();
    }
  });

  it('a clean shutdown leaves containers running; --stop-tasks-on-exit stops and reports them', async () => {
    const own = await FakeControlPlane.start();
    try {
      // Prepare
      const dir = newStateDir();
      const first = await startAgent(own, dir);
      const taskArn = taskArnOf('survivor');
      own.push(taskMessage(taskArn, [{ name: 'main', command: ['sleep', '30'], stopTimeout: 1 }]));
      const running = await waitFor('RUNNING', () => own.taskReport(taskArn, 'RUNNING'));
      remember(running);
      const pid = Number(containersOf(running)[0]?.runtimeId);

      // Act: SIGTERM, as Ctrl-C or a service manager does.
      first.child.kill('SIGTERM');

      // Assess: the agent is gone, its container is not, nothing was deregistered or stopped.
      expect(await first.exited()).toBe(0);
      expect(isAlive(pid)).toBe(true);
      expect(own.calls.map((call) => call.action)).toEqual([
        'RegisterContainerInstance',
        'SubmitTaskStateChange',
      ]);

      // Act: again, with --stop-tasks-on-exit.
      const second = await startAgent(own, dir, ['--stop-tasks-on-exit']);
      expect(second.arn).toBe(first.arn);
      second.child.kill('SIGTERM');

      // Assess: the task is stopped and reported before the agent exits.
      expect(await second.exited()).toBe(0);
      const stopped = own.taskReport(taskArn, 'STOPPED');
      expect(containersOf(stopped)[0]).toMatchObject({ status: 'STOPPED', exitCode: 143 });
      expect(isAlive(pid)).toBe(false);
    } finally {
      await own.close();
    }
  });

  it('refuses a runtime it does not have, with a clear message', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'agent/main.ts',
        '--endpoint',
        'http://127.0.0.1:1',
        '--runtime',
        'kubernetes',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(2);
    expect(stderr).toContain('--runtime kubernetes is not supported');
  });
});
