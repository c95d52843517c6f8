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
  'set -m',
  '"$@" &',
  'child=$!',
  // Closing stdin (ours, or our death) ends the read; then the group goes.
  '{ read -r _; kill -TERM -- "-$child" 2>/dev/null; sleep 5; kill -KILL -- "-$child" 2>/dev/null; } &',
  'wait "$child"',
].join('\n');

interface TiedProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) when the command ends. */
  readonly exited: Promise<number | string | null>;
  /** Asks the group to stop (SIGTERM, SIGKILL after 5 s) and waits for it. */
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
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

export type { TiedProcess };
export { spawnTied };
