import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { type AgentContainer, type AgentTask, safeSegment } from '../protocol';
import {
  CannotStartContainerError,
  type ContainerExit,
  type ContainerHandle,
  type ContainerPaths,
  type ContainerRecord,
  type ContainerRuntime,
  type ContainerUsage,
  type ExitListener,
} from './ContainerRuntime';
import { readProcessGroupUsage } from './processUsage';

/**
 * The `process` runtime: each container is `entryPoint ++ command` run as a
 * host process (docs/agent-protocol.md §4, §6).
 *
 * Every container runs under a tiny `sh` wrapper, in a process group of its
 * own (`detached`), so that it outlives the agent and the agent can signal
 * the whole group. The wrapper
 * - writes its pid to `<name>.pid` first, so that an agent that died between
 *   spawning and saving its state still finds the process;
 * - traps HUP/INT/TERM with a no-op, so that a group-wide SIGTERM reaches the
 *   command (which gets default dispositions back) while the wrapper lives on
 *   to record the outcome — POSIX shells run the trap only after the
 *   foreground command has finished;
 * - writes the command's exit status (128+n for signal n, as Docker reports)
 *   to `<name>.exit`, which is how a restarted agent learns how a container
 *   ended while it was away.
 * Only shell built-ins are used, so a container `PATH` cannot break it.
 */

const WRAPPER = [
  'trap : HUP INT TERM',
  'echo $$ > "$1"',
  'shift',
  '"$@"',
  'code=$?',
  'echo "$code" > "$0"',
  'exit "$code"',
].join('\n');

const SHELL = '/bin/sh';
const KILLED_EXIT_CODE = 128 + constants.signals.SIGKILL;

interface ContainerFiles {
  readonly exit: string;
  readonly pid: string;
  readonly stdout: string;
  readonly stderr: string;
}

const filesOf = (taskDir: string, containerName: string): ContainerFiles => {
  const base = join(taskDir, safeSegment(containerName));
  return {
    exit: `${base}.exit`,
    pid: `${base}.pid`,
    stdout: `${base}.stdout.log`,
    stderr: `${base}.stderr.log`,
  };
};

/** An integer from a small file, or undefined while it is missing or half written. */
const readInteger = (path: string): number | undefined => {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
};

const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already, which is what we wanted.
  }
};

/** The argument vector the container runs, ECS-style: entryPoint then command. */
const argvOf = (container: { entryPoint?: string[]; command?: string[] }): string[] => [
  ...(container.entryPoint ?? []),
  ...(container.command ?? []),
];

interface Watch {
  readonly handle: ContainerHandle;
  readonly pid: number;
  readonly files: ContainerFiles;
  readonly child?: ChildProcess;
  killed: boolean;
  settled: boolean;
  readonly exited: Promise<void>;
  resolveExited(): void;
  timer?: NodeJS.Timeout;
}

interface ProcessRuntimeOptions {
  /** How often an adopted process (no longer our child) is checked; ~250 ms. */
  readonly pollMs?: number;
  readonly log?: (line: string) => void;
}

class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process';
  private readonly listeners: ExitListener[] = [];
  private readonly watches = new Map<string, Watch>();
  private readonly pollMs: number;
  private readonly log: (line: string) => void;

  constructor(options: ProcessRuntimeOptions = {}) {
    this.pollMs = options.pollMs ?? 250;
    this.log = options.log ?? (() => {});
  }

  onExit(listener: ExitListener): void {
    this.listeners.push(listener);
  }

  async start(
    task: AgentTask,
    container: AgentContainer,
    paths: ContainerPaths,
  ): Promise<ContainerHandle> {
    const argv = argvOf(container);
    if (argv.length === 0) throw new CannotStartContainerError('no command');
    mkdirSync(paths.taskDir, { recursive: true });
    mkdirSync(paths.scratchDir, { recursive: true });
    const cwd = container.workingDirectory ?? paths.scratchDir;
    if (!isDirectory(cwd)) {
      throw new CannotStartContainerError(`working directory ${cwd} does not exist`);
    }
    const files = filesOf(paths.taskDir, container.name);
    // Files left by an earlier attempt would be read as this run's outcome.
    rmSync(files.exit, { force: true });
    rmSync(files.pid, { force: true });

    const environment: NodeJS.ProcessEnv = { ...process.env };
    for (const pair of container.environment ?? []) {
      if (pair.name) environment[pair.name] = pair.value ?? '';
    }
    const stdout = openSync(files.stdout, 'a');
    const stderr = openSync(files.stderr, 'a');
    let child: ChildProcess;
    try {
      child = spawn(SHELL, ['-c', WRAPPER, files.exit, files.pid, ...argv], {
        cwd,
        env: environment,
        detached: true,
        stdio: ['ignore', stdout, stderr],
      });
    } finally {
      // The child has its own copies; keeping ours would leak a descriptor per container.
      closeSync(stdout);
      closeSync(stderr);
    }
    const pid = child.pid;
    if (pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new CannotStartContainerError(error.message);
    }
    // The agent must be able to exit while its containers keep running.
    child.unref();
    const handle: ContainerHandle = {
      taskArn: task.taskArn,
      containerName: container.name,
      runtimeId: String(pid),
    };
    const watch = this.watch(handle, pid, files, child);
    child.once('exit', (_code, signal) => {
      // Like Docker when PID 1 dies: whatever the command left behind in its group goes too.
      signalGroup(pid, 'SIGKILL');
      this.settle(watch, signal ?? undefined);
    });
    return handle;
  }

  async stop(handle: ContainerHandle, timeoutSeconds: number): Promise<void> {
    const watch = this.watches.get(handle.runtimeId);
    if (!watch || watch.settled) return;
    signalGroup(watch.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      watch.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), Math.max(0, timeoutSeconds) * 1000);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut && !watch.settled) {
      watch.killed = true;
      signalGroup(watch.pid, 'SIGKILL');
      await watch.exited;
    }
  }

  async adopt(record: ContainerRecord): Promise<ContainerHandle | undefined> {
    const files = filesOf(record.paths.taskDir, record.containerName);
    const pid = record.runtimeId !== undefined ? Number(record.runtimeId) : readInteger(files.pid);
    if (pid === undefined || !Number.isInteger(pid) || pid <= 0) {
      // Neither the agent nor the wrapper recorded a pid: the wrapper never ran.
      return undefined;
    }
    const handle: ContainerHandle = {
      taskArn: record.taskArn,
      containerName: record.containerName,
      runtimeId: String(pid),
    };
    const existing = this.watches.get(handle.runtimeId);
    if (existing) return existing.handle;
    const watch = this.watch(handle, pid, files);
    const poll = (): void => {
      if (watch.settled) return;
      if (readInteger(files.exit) !== undefined || !isOurWrapper(pid, files.exit)) {
        this.settle(watch);
        return;
      }
      watch.timer = setTimeout(poll, this.pollMs);
      watch.timer.unref();
    };
    // Emitted after adopt() returns, so the agent has the handle before its exit arrives.
    setImmediate(poll);
    return handle;
  }

  close(): void {
    for (const watch of this.watches.values()) clearTimeout(watch.timer);
  }

  async usage(handles: readonly ContainerHandle[]): Promise<Map<string, ContainerUsage>> {
    // The wrapper is its group's leader (detached), so the group id is the runtime id.
    const groups = new Set(handles.map((handle) => Number(handle.runtimeId)));
    const byGroup = readProcessGroupUsage(groups);
    const usage = new Map<string, ContainerUsage>();
    for (const [group, reading] of byGroup) usage.set(String(group), reading);
    return usage;
  }

  private watch(
    handle: ContainerHandle,
    pid: number,
    files: ContainerFiles,
    child?: ChildProcess,
  ): Watch {
    let resolveExited: () => void = () => {};
    const exited = new Promise<void>((resolve) => {
      resolveExited = resolve;
    });
    const watch: Watch = {
      handle,
      pid,
      files,
      child,
      killed: false,
      settled: false,
      exited,
      resolveExited,
    };
    this.watches.set(handle.runtimeId, watch);
    return watch;
  }

  private settle(watch: Watch, signal?: NodeJS.Signals): void {
    if (watch.settled) return;
    watch.settled = true;
    clearTimeout(watch.timer);
    this.watches.delete(watch.handle.runtimeId);
    const exit = this.exitOf(watch, signal);
    if (exit.exitCode !== undefined && readInteger(watch.files.exit) === undefined) {
      // The wrapper died with its command (SIGKILL): record what we know for a later agent.
      try {
        writeFileSync(watch.files.exit, `${exit.exitCode}\n`);
      } catch (error) {
        this.log(`cannot write ${watch.files.exit}: ${(error as Error).message}`);
      }
    }
    watch.resolveExited();
    for (const listener of this.listeners) listener(watch.handle, exit);
  }

  private exitOf(watch: Watch, signal?: NodeJS.Signals): ContainerExit {
    const recorded = readInteger(watch.files.exit);
    if (recorded !== undefined) return { exitCode: recorded };
    if (watch.killed) return { exitCode: KILLED_EXIT_CODE };
    if (signal !== undefined) return { exitCode: 128 + (constants.signals[signal] ?? 0) };
    return {
      reason: 'CannotInspectContainerError: the process ended without recording its exit code',
    };
  }
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const HAS_PROC = existsSync('/proc/self/cmdline');

/**
 * Whether `pid` is still the wrapper of this container. After a restart the
 * pid may have been reused by an unrelated process; on Linux the wrapper's
 * command line names its exit file, which settles it. A zombie (a parent that
 * does not reap) has an empty command line and counts as gone.
 */
const isOurWrapper = (pid: number, exitFile: string): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: another user's process, so not our wrapper.
    return false;
  }
  if (!HAS_PROC) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(exitFile);
  } catch {
    return false;
  }
};

export type { ProcessRuntimeOptions };
export { argvOf, ProcessRuntime, WRAPPER };
