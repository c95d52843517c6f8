import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A real berth-agent (`npm run agent`), started as a user would, for end-to-end tests. */
interface AgentProcess {
  readonly containerInstanceArn: string;
  readonly stateDir: string;
  readonly child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..');

const startAgentProcess = async (options: {
  endpoint: string;
  wsEndpoint: string;
  cluster: string;
  cpu?: number;
  memory?: number;
  attributes?: string[];
  stateDir?: string;
  extraArgs?: string[];
}): Promise<AgentProcess> => {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'berth-agent-'));
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'agent', 'main.ts'),
    '--endpoint',
    options.endpoint,
    '--ws-endpoint',
    options.wsEndpoint,
    '--cluster',
    options.cluster,
    '--cpu',
    String(options.cpu ?? 1024),
    '--memory',
    String(options.memory ?? 2048),
    '--state-dir',
    stateDir,
    ...(options.attributes ?? []).flatMap((attribute) => ['--attribute', attribute]),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const containerInstanceArn = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`agent did not register:\n${output}`)), 30_000);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        output += `${line}\n`;
        const registered = /berth-agent registered (\S+)/.exec(line);
        if (registered?.[1]) {
          clearTimeout(timer);
          done(registered[1]);
        }
      });
    }
    void exited.then(() => fail(new Error(`agent exited before registering:\n${output}`)));
  });
  return {
    containerInstanceArn,
    stateDir,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
};

export type { AgentProcess };
export { startAgentProcess };
