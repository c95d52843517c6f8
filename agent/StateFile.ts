import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkBinding } from '@aws-sdk/client-ecs';
import type { AgentTask, DesiredStatus } from './protocol';
import type { ReporterSnapshot } from './Reporter';

/**
 * What the agent remembers across its own restarts, in `<stateDir>/agent.json`
 * (docs/agent-protocol.md §6): the container instance it registered, every
 * task it has started (and, for a while, stopped) with each container's pid,
 * and the reports Berth has not acknowledged yet.
 *
 * It is written before every step that would be wrong to repeat — before a
 * container is spawned, after it has a pid, when it exits — with a write to a
 * temporary file and a rename, so that a SIGKILL at any instant leaves either
 * the old or the new state, never half of one.
 */

/**
 * PENDING: not yet tried; STARTING: about to be spawned (it may or may not
 * exist if the agent died here: the runtime finds out); RUNNING; STOPPED.
 */
type ContainerStatus = 'PENDING' | 'STARTING' | 'RUNNING' | 'STOPPED';

interface ContainerState {
  readonly name: string;
  readonly essential: boolean;
  readonly stopTimeout: number;
  status: ContainerStatus;
  runtimeId?: string;
  exitCode?: number;
  reason?: string;
  /** Epoch ms. */
  startedAt?: number;
  stoppedAt?: number;
  /** The ports the runtime published (docker runtime). */
  networkBindings?: NetworkBinding[];
  /** Epoch ms around getting the image, when the runtime pulls (docker runtime). */
  pullStartedAt?: number;
  pullStoppedAt?: number;
}

/**
 * STARTING: containers are being started (the RUNNING report is not sent yet);
 * RUNNING; STOPPING: containers are being stopped; STOPPED: final report
 * submitted, the record stays as a tombstone so that a repeated message never
 * starts the task again.
 */
type TaskStatus = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

interface TaskState {
  readonly taskArn: string;
  readonly cluster: string;
  /** The task's folder name under `<stateDir>/tasks`. */
  readonly taskId: string;
  version?: number;
  desiredStatus: DesiredStatus;
  status: TaskStatus;
  /** The task's stoppedReason as the agent reports it. */
  reason?: string;
  containers: ContainerState[];
  /** Kept only while starting, so that a restarted agent can finish what it began. */
  definition?: AgentTask;
  /** Epoch ms. */
  pullStartedAt?: number;
  stoppedAt?: number;
}

interface AgentState {
  readonly format: 1;
  readonly cluster: string;
  containerInstanceArn?: string;
  tasks: TaskState[];
  reports: ReporterSnapshot;
}

const emptyState = (cluster: string): AgentState => ({
  format: 1,
  cluster,
  tasks: [],
  reports: { pending: [], submitted: {} },
});

class StateFile {
  readonly path: string;
  private readonly lockPath: string;

  constructor(readonly directory: string) {
    this.path = join(directory, 'agent.json');
    this.lockPath = join(directory, 'agent.lock');
  }

  /** The saved state, or undefined on a first start. A corrupt file is an error, never a reset. */
  load(): AgentState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const state = JSON.parse(text) as AgentState;
    if (state.format !== 1 || !Array.isArray(state.tasks)) {
      throw new Error(`${this.path} is not a berth-agent state file this version can read`);
    }
    state.reports ??= { pending: [], submitted: {} };
    return state;
  }

  save(state: AgentState): void {
    mkdirSync(this.directory, { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state));
    renameSync(temporary, this.path);
  }

  /**
   * Takes the directory for this process. Two agents sharing one state
   * directory would adopt and report each other's containers; a lock left by
   * an agent that was killed is taken over.
   */
  lock(): void {
    mkdirSync(this.directory, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        writeFileSync(this.lockPath, `${process.pid}\n`, { flag: 'wx' });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number(readFileSync(this.lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `another berth-agent (pid ${owner}) uses the state directory ${this.directory}; give this one its own --state-dir`,
        );
      }
      rmSync(this.lockPath, { force: true });
    }
    throw new Error(`cannot lock the state directory ${this.directory}`);
  }

  unlock(): void {
    try {
      const owner = Number(readFileSync(this.lockPath, 'utf8').trim());
      if (owner === process.pid) rmSync(this.lockPath, { force: true });
    } catch {
      // Already gone.
    }
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export type { AgentState, ContainerState, ContainerStatus, TaskState, TaskStatus };
export { emptyState, StateFile };
