import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchEndpoints } from './shared';

/**
 * Real agents for the bench (`agent/main.ts`, started as a user would), each
 * a child process with its own state directory, and their clean-up.
 */

const AGENT_START_TIMEOUT_MS = 60_000;

const ROOT = resolve(__dirname, '..');

interface Agent {
  readonly child: ChildProcess;
  readonly stateDir: string;
  readonly exited: Promise<void>;
  output(): string;
}

interface AgentSpec {
  readonly cluster: string;
  readonly zone: string;
  readonly stateDir: string;
  /** More arguments, e.g. `--runtime docker --docker-socket <path>`. */
  readonly extraArgs?: readonly string[];
}

const startAgent = async (endpoints: BenchEndpoints, spec: AgentSpec): Promise<Agent> => {
  mkdirSync(spec.stateDir, { recursive: true });
  // BERTH_CPU_PROFILE_DIR: each agent writes a V8 CPU profile there when it stops, as the stack's processes do.
  const profileDir = process.env.BERTH_CPU_PROFILE_DIR;
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      '--import',
      'tsx',
      join(ROOT, 'agent', 'main.ts'),
      '--endpoint',
      endpoints.url,
      '--ws-endpoint',
      endpoints.wsUrl,
      '--cluster',
      spec.cluster,
      '--cpu',
      '4096',
      '--memory',
      '8192',
      '--state-dir',
      spec.stateDir,
      '--attribute',
      `ecs.availability-zone=${spec.zone}`,
      '--stop-tasks-on-exit',
      ...(spec.extraArgs ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The last lines only, for diagnosing a failure; the pipes are always drained.
  const lines: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const agent: Agent = {
    child,
    stateDir: spec.stateDir,
    exited,
    output: () => lines.join('\n'),
  };
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`An agent did not register in time:\n${agent.output()}`)),
      AGENT_START_TIMEOUT_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        if (/berth-agent registered \S+/.test(line)) {
          clearTimeout(timer);
          done();
        }
      });
    }
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`An agent exited before registering:\n${agent.output()}`));
    });
  });
  return agent;
};

/** SIGTERM (the agent stops its tasks: `--stop-tasks-on-exit`), SIGKILL 45 s later. */
const stopAgent = async (agent: Agent, note: (line: string) => void): Promise<void> => {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  agent.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    agent.exited.then(() => true),
    new Promise<false>((done) => {
      timer = setTimeout(() => done(false), 45_000);
    }),
  ]);
  // Not left pending: it would keep the bench alive 45 s after its last part.
  clearTimeout(timer);
  if (!stopped) {
    note(`an agent did not exit 45 s after SIGTERM; killing it:\n${agent.output()}`);
    agent.child.kill('SIGKILL');
    await agent.exited;
  }
};

/**
 * Process runtime: kills every container process an agent left behind: each
 * container's `sh` wrapper leads a process group of its own and writes
 * `<name>.pid`, then `<name>.exit` once its command has ended. Returns how
 * many were alive.
 */
const killLeftovers = (stateDir: string): number => {
  const tasksDir = join(stateDir, 'tasks');
  if (!existsSync(tasksDir)) return 0;
  let killed = 0;
  for (const task of readdirSync(tasksDir)) {
    const taskDir = join(tasksDir, task);
    for (const file of readdirSync(taskDir)) {
      if (!file.endsWith('.pid')) continue;
      if (existsSync(join(taskDir, `${file.slice(0, -4)}.exit`))) continue;
      const pid = Number(readFileSync(join(taskDir, file), 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) continue;
      try {
        process.kill(-pid, 'SIGKILL');
        killed += 1;
      } catch {
        // Already gone.
      }
    }
  }
  return killed;
};

export type { Agent, AgentSpec };
export { killLeftovers, startAgent, stopAgent };
