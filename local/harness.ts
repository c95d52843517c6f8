import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starts the local stack the way a user does — `scripts/start.ts`, what
 * `npm start` runs — as a child process on free ports with its own data
 * folder, and waits for its "ready" line.
 */

interface StackPorts {
  http: number;
  lambda: number;
  websocket: number;
  dynamodb: number;
  stepFunctions: number;
  events: number;
  capacity: number;
}

interface StackProcess {
  readonly url: string;
  readonly ports: StackPorts;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the stack printed, for diagnosing a failure. */
  output(): string;
  /** SIGTERM, then waits for the process to exit; resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = resolve(__dirname, '..');

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });

const freePorts = async (): Promise<StackPorts> => ({
  http: await freePort(),
  lambda: await freePort(),
  websocket: await freePort(),
  dynamodb: await freePort(),
  stepFunctions: await freePort(),
  events: await freePort(),
  capacity: await freePort(),
});

const startStackProcess = async (
  options: {
    dataDir?: string;
    ports?: StackPorts;
    environment?: Record<string, string>;
    timeoutMs?: number;
    /** Echo every part's output into `output()` (default); off for benchmarks. */
    verbose?: boolean;
  } = {},
): Promise<StackProcess> => {
  const ports = options.ports ?? (await freePorts());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-test-'));
  // BERTH_CPU_PROFILE_DIR: the stack's process writes a V8 CPU profile there when it stops.
  const profileDir = process.env.BERTH_CPU_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(ROOT, 'scripts', 'start.ts')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        BERTH_VERBOSE: options.verbose === false ? '0' : '1',
        BERTH_DATA_DIR: dataDir,
        BERTH_HTTP_PORT: String(ports.http),
        BERTH_LAMBDA_PORT: String(ports.lambda),
        BERTH_WEBSOCKET_PORT: String(ports.websocket),
        BERTH_DYNAMODB_PORT: String(ports.dynamodb),
        BERTH_SFN_PORT: String(ports.stepFunctions),
        BERTH_EVENTS_PORT: String(ports.events),
        BERTH_CAPACITY_PORT: String(ports.capacity),
        ...options.environment,
      },
    },
  );
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`The stack did not start in time:\n${output}`)),
      options.timeoutMs ?? 180_000,
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        output += `${line}\n`;
        const ready = /^Berth is ready at (\S+)$/.exec(line);
        if (ready?.[1]) {
          clearTimeout(timer);
          done(ready[1]);
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`The stack exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    ports,
    dataDir,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
};

export type { StackPorts, StackProcess };
export { freePort, freePorts, startStackProcess };
