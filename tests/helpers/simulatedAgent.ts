import {
  type ECSClient,
  RegisterContainerInstanceCommand,
  SubmitTaskStateChangeCommand,
} from '@aws-sdk/client-ecs';
import WebSocket from 'ws';
import { type AgentCredentials, presignSocketUrl } from '../../agent/signing';
import { credentials } from './clients';

/**
 * A stand-in for berth-agent that speaks docs/agent-protocol.md from inside
 * a test, so that control-plane behaviour can be checked without real
 * processes: it registers, connects, and answers pushed tasks as told.
 */

interface PushedTask {
  taskArn: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  lastStatus: string;
  containers: { name: string; image?: string }[];
}

/**
 * How the agent answers a task: run it (report RUNNING, and STOPPED when told
 * to stop), ignore it, or fail it (report it STOPPED before it ever ran, as a
 * failed image pull does); a function decides per task.
 */
type Answer = 'run' | 'ignore' | 'fail';
type Behaviour = Answer | ((task: PushedTask) => Answer);

interface SimulatedAgent {
  readonly containerInstanceArn: string;
  readonly seen: PushedTask[];
  /** How to answer tasks from now on. */
  behave(behaviour: Behaviour): void;
  /** Sends one `heartbeat` on the socket (the simulated agent sends none on its own). */
  heartbeat(): void;
  /** Sends one `metrics` message: each task's CPU units and MiB in use (docs/agent-protocol.md §2). */
  sendMetrics(tasks: { taskArn: string; cpu: number; memory: number }[]): void;
  close(): Promise<void>;
}

const startSimulatedAgent = async (options: {
  ecs: ECSClient;
  wsUrl: string;
  cluster: string;
  cpu?: number;
  memory?: number;
  ports?: string[];
  attributes?: Record<string, string>;
  behaviour?: Behaviour;
  connect?: boolean;
  /** What its socket is presigned with: the root key unless said. */
  credentials?: AgentCredentials;
}): Promise<SimulatedAgent> => {
  const { containerInstance } = await options.ecs.send(
    new RegisterContainerInstanceCommand({
      cluster: options.cluster,
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: options.cpu ?? 1024 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: options.memory ?? 2048 },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: options.ports ?? ['22'] },
        { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
      ],
      attributes: Object.entries(options.attributes ?? {}).map(([name, value]) => ({
        name,
        value,
      })),
      versionInfo: { agentVersion: '1.0.0', agentHash: 'sim', dockerVersion: 'none' },
    }),
  );
  const arn = containerInstance?.containerInstanceArn ?? '';
  let behaviour: Behaviour = options.behaviour ?? 'run';
  const seen: PushedTask[] = [];
  const reported = new Map<string, string>();
  const report = async (task: PushedTask, status: 'RUNNING' | 'STOPPED', failed = false) => {
    if (reported.get(task.taskArn) === status || reported.get(task.taskArn) === 'STOPPED') return;
    reported.set(task.taskArn, status);
    await options.ecs.send(
      new SubmitTaskStateChangeCommand({
        cluster: options.cluster,
        task: task.taskArn,
        status,
        reason: failed
          ? 'CannotPullContainerError: pull access denied (simulated)'
          : status === 'STOPPED'
            ? 'Task stopped by the simulated agent'
            : undefined,
        containers: task.containers.map((container) => ({
          containerName: container.name,
          status,
          ...(status === 'STOPPED' && !failed ? { exitCode: 0 } : {}),
        })),
      }),
    );
  };
  let socket: WebSocket | undefined;
  if (options.connect !== false) {
    const url = await presignSocketUrl(
      `${options.wsUrl}?cluster=${encodeURIComponent(options.cluster)}&containerInstance=${encodeURIComponent(arn)}`,
      options.credentials ?? credentials,
      'us-east-1',
    );
    socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket?.once('open', () => resolve());
      socket?.once('error', reject);
    });
    let synced: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      synced = resolve;
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; tasks: PushedTask[] };
      if (message.type !== 'tasks') return;
      synced();
      for (const task of message.tasks) {
        seen.push(task);
        const answer = typeof behaviour === 'function' ? behaviour(task) : behaviour;
        if (answer === 'ignore') continue;
        const next = task.desiredStatus === 'STOPPED' || answer === 'fail' ? 'STOPPED' : 'RUNNING';
        void report(task, next, answer === 'fail').catch(() => reported.delete(task.taskArn));
      }
    });
    socket.send(JSON.stringify({ action: 'sync' }));
    // The answer to the sync (the instance's task list) means the server has
    // recorded the agent as heard: a test that then changes the instance
    // (e.g. makes it look silent) is not overwritten by the sync landing late.
    await answered;
  }
  return {
    containerInstanceArn: arn,
    seen,
    behave: (next) => {
      behaviour = next;
    },
    heartbeat: () => socket?.send(JSON.stringify({ action: 'heartbeat' })),
    sendMetrics: (tasks) =>
      socket?.send(
        JSON.stringify({
          action: 'metrics',
          timestamp: Date.now(),
          tasks: tasks.map((task) => ({ ...task, containers: [] })),
        }),
      ),
    close: async () => {
      if (!socket) return;
      const closed = new Promise((resolve) => socket?.once('close', resolve));
      socket.close();
      await closed;
    },
  };
};

export type { PushedTask, SimulatedAgent };
export { startSimulatedAgent };
