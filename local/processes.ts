import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Child processes that cannot outlive the stack. Each runs in its own process
 * group under a small `sh` guard that reads its stdin, a pipe from this
 * process: when the pipe closes — because `stop()` closed it, or because this
 * process died, even by SIGKILL — the guard sends SIGTERM to the whole group
 * (the command and anything it started, such as esbuild under
 * serverless-offline). So no orphan keeps a port.
 */

const GUARD = [
  // Keep the pipe on fd 3: POSIX gives background jobs /dev/null as stdin.
  'exec 3<&0',
  '"$@" 3<&- &',
  'child=$!',
  // EOF on the pipe (our stop(), or our death) sends SIGTERM to the whole
  // process group: this guard, the command and everything it started.
  '{ read -r _ <&3; kill -TERM 0; } &',
  'watcher=$!',
  'wait "$child"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

const signalGroup = (group: number, signal: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
};

const groupAlive = (group: number): boolean => signalGroup(group, 0);

interface TiedProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) when the command ends. */
  readonly exited: Promise<number | string | null>;
  /** Asks the group to stop (SIGTERM, SIGKILL after 10 s) and waits until all of it is gone. */
  stop(): Promise<void>;
}

const spawnTied = (
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio' | 'detached'> = {},
): TiedProcess => {
  const child = spawn('sh', ['-c', GUARD, 'sh', command, ...args], {
    ...options,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return {
    child,
    exited,
    stop: async () => {
      const group = child.pid;
      if (group === undefined) return;
      child.stdin?.end();
      // The group outlives the guard by as long as the command takes to shut
      // down; wait for all of it, so that its ports are free when stop() ends.
      const deadline = Date.now() + 10_000;
      while (groupAlive(group)) {
        if (Date.now() > deadline) {
          signalGroup(group, 'SIGKILL');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await exited;
    },
  };
};

export type { TiedProcess };
export { spawnTied };
