import { readFileSync } from 'node:fs';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent } from './Agent';
import { EcsControlPlane } from './ControlPlane';
import { HelpShown, parseCommandLine, UsageError } from './cli';
import { createRuntime, findDockerSocket } from './runtimes';
import { StateFile } from './StateFile';
import { type AgentCredentials, credentialsFromEnvironment, readCredentialsFile } from './signing';

/**
 * `berth-agent` (`npm run agent -- --endpoint URL …`): parses the command
 * line, wires the agent to the real ECS client, runtime and state file, and
 * turns SIGINT/SIGTERM into a clean shutdown. `--help` lists every option.
 */

// The SDK warns about Node 20's end of support on every client; the agent runs on Node 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const log = (line: string): void => {
  process.stderr.write(`berth-agent: ${line}\n`);
};

const agentVersion = (): string => {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
};

const main = async (): Promise<number> => {
  let options: ReturnType<typeof parseCommandLine>;
  try {
    options = parseCommandLine(process.argv.slice(2), {
      cpuCount: availableParallelism(),
      totalMemoryBytes: totalmem(),
      hostname: hostname(),
      arch: process.arch,
      platform: process.platform,
      cwd: process.cwd(),
      dockerSocket: () => findDockerSocket(process.env),
    });
  } catch (error) {
    if (error instanceof HelpShown) return 0;
    if (error instanceof UsageError) {
      process.stderr.write(`berth-agent: ${error.message}\n(see berth-agent --help)\n`);
      return 2;
    }
    throw error;
  }

  let credentials: AgentCredentials;
  try {
    credentials =
      options.credentialsFile === undefined
        ? credentialsFromEnvironment()
        : readCredentialsFile(options.credentialsFile);
  } catch (error) {
    process.stderr.write(`berth-agent: --credentials-file: ${(error as Error).message}\n`);
    return 2;
  }
  const controlPlane = new EcsControlPlane({
    endpoint: options.endpoint,
    region: options.region,
    credentials,
  });
  const runtime = createRuntime({
    runtime: options.runtime,
    dockerSocket: options.dockerSocket,
    log,
  });
  const stateFile = new StateFile(options.stateDir);
  const agent = new Agent({
    options,
    credentials,
    controlPlane,
    runtime,
    stateFile,
    agentVersion: agentVersion(),
    log,
    print: (line) => process.stdout.write(`${line}\n`),
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    // A second Ctrl-C means now: containers keep running either way.
    if (signals > 1) process.exit(130);
    log(`${signal}: shutting down${options.stopTasksOnExit ? ', stopping every task first' : ''}`);
    agent
      .shutdown()
      .then(() => {
        controlPlane.close();
        process.exit(0);
      })
      .catch((error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await agent.start();
  } catch (error) {
    log((error as Error).message);
    stateFile.unlock();
    return 1;
  }
  // Runs until a signal: the socket and timers keep the process alive.
  return await new Promise<number>(() => {});
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`fatal: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
