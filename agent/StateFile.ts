import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
 * container is spawned, after it has a pid, when it exits — as one line
 * appended to `agent.journal`, each state numbered (`seq`): a SIGKILL at any
 * instant leaves the last whole line, and a torn last line is skipped. Once
 * the journal outgrows JOURNAL_MAX_BYTES it is folded into `agent.json` (a
 * temporary file renamed over it) and begun again; loading takes the newest
 * state of the two. Replacing `agent.json` by a rename on every change made
 * ext4 write the file out each time (its replace-by-rename safeguard): 5 ms
 * of kernel time per save, a fifth of a FARGATE host's CPU (ADR 7).
 */

const JOURNAL_MAX_BYTES = 256 * 1024;

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
  /** Counts the saves: the newest of `agent.json` and the journal's lines wins. */
  seq?: number;
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

const readIfThere = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

class StateFile {
  readonly path: string;
  readonly journalPath: string;
  private readonly lockPath: string;
  /** The last `seq` saved or loaded; undefined until the folder was read. */
  private seq: number | undefined;
  private journalBytes: number | undefined;

  constructor(readonly directory: string) {
    this.path = join(directory, 'agent.json');
    this.journalPath = join(directory, 'agent.journal');
    this.lockPath = join(directory, 'agent.lock');
  }

  /** The saved state, or undefined on a first start. A corrupt `agent.json` is an error, never a reset. */
  load(): AgentState | undefined {
    const snapshotText = readIfThere(this.path);
    const snapshot =
      snapshotText === undefined ? undefined : (JSON.parse(snapshotText) as AgentState);
    // The journal's last whole line; one cut short by a SIGKILL was never relied on.
    let journaled: AgentState | undefined;
    for (const line of (readIfThere(this.journalPath) ?? '').split('\n')) {
      if (line.trim() === '') continue;
      try {
        journaled = JSON.parse(line) as AgentState;
      } catch {
        // A torn line.
      }
    }
    const state =
      journaled && (snapshot === undefined || (journaled.seq ?? 0) > (snapshot.seq ?? 0))
        ? journaled
        : snapshot;
    if (state === undefined) return undefined;
    if (state.format !== 1 || !Array.isArray(state.tasks)) {
      throw new Error(`${this.path} is not a berth-agent state file this version can read`);
    }
    state.reports ??= { pending: [], submitted: {} };
    this.seq = state.seq ?? 0;
    return state;
  }

  save(state: AgentState): void {
    // Numbered after what the folder holds, even if this instance never loaded it.
    if (this.seq === undefined) this.load();
    this.seq = (this.seq ?? 0) + 1;
    state.seq = this.seq;
    const line = `${JSON.stringify(state)}\n`;
    this.journalBytes ??= this.sizeOfJournal();
    if (this.journalBytes + line.length > JOURNAL_MAX_BYTES) {
      this.compact(line);
      return;
    }
    try {
      appendFileSync(this.journalPath, line);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(this.directory, { recursive: true });
      appendFileSync(this.journalPath, line);
    }
    this.journalBytes += line.length;
  }

  /** `agent.json` becomes this state, and the journal begins again. */
  private compact(line: string): void {
    mkdirSync(this.directory, { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, line);
    renameSync(temporary, this.path);
    // A crash before this leaves older journal lines, which `seq` ranks below agent.json.
    rmSync(this.journalPath, { force: true });
    this.journalBytes = 0;
  }

  private sizeOfJournal(): number {
    try {
      return statSync(this.journalPath).size;
    } catch {
      return 0;
    }
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
