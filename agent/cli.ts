import { join, resolve } from 'node:path';
import type { Attribute } from '@aws-sdk/client-ecs';
import { Command, CommanderError } from 'commander';
import { safeSegment } from './protocol';

/**
 * The command line of `berth-agent` (`npm run agent -- …`), parsed into
 * options by a pure function of the arguments and a few facts about the
 * host, so that every default can be tested without touching the machine.
 */

const RUNTIMES = ['process', 'docker'] as const;
type RuntimeName = (typeof RUNTIMES)[number];

interface HostFacts {
  readonly cpuCount: number;
  readonly totalMemoryBytes: number;
  readonly hostname: string;
  /** `process.arch`. */
  readonly arch: string;
  /** `process.platform`. */
  readonly platform: string;
  readonly cwd: string;
  /** The Docker API socket found on this host (runtimes/index.ts findDockerSocket), for `--runtime docker`. */
  readonly dockerSocket?: () => string | undefined;
}

interface AgentOptions {
  readonly endpoint: string;
  readonly wsEndpoint: string;
  readonly cluster: string;
  readonly cpu: number;
  readonly memory: number;
  /** Built-ins merged with `--attribute`s; what RegisterContainerInstance sends. */
  readonly attributes: Attribute[];
  readonly reservedPorts: string[];
  readonly reservedUdpPorts: string[];
  readonly runtime: RuntimeName;
  /** `--runtime docker`: the Docker API's unix socket (given, or found on the host). */
  readonly dockerSocket?: string;
  readonly stateDir: string;
  readonly region: string;
  readonly heartbeatSeconds: number;
  /** How often container usage is measured and sent (CloudWatch's utilization metrics); 0: never. */
  readonly metricsSeconds: number;
  readonly stopTasksOnExit: boolean;
  /** `--credentials-file`: where the agent's access key is (else the environment's AWS_ACCESS_KEY_ID). */
  readonly credentialsFile?: string;
}

/** A mistake on the command line: printed with the usage hint, exit status 2. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Help or version was asked for and has been printed. */
class HelpShown extends Error {}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_./\\-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[A-Za-z0-9_.@/\\: -]{1,128}$/;

/**
 * `key=value` → an attribute with a value; `key` alone → one without (like
 * ECS's `ecs.capability.*`). The character rules are ECS's, checked here so
 * that a typo fails at once with the attribute named.
 */
const parseAttribute = (text: string): Attribute => {
  const equals = text.indexOf('=');
  const name = equals < 0 ? text : text.slice(0, equals);
  const value = equals < 0 ? undefined : text.slice(equals + 1);
  if (!ATTRIBUTE_NAME.test(name)) {
    throw new UsageError(
      `--attribute ${JSON.stringify(text)}: the name must be 1-128 letters, digits, hyphens, underscores, periods or slashes`,
    );
  }
  if (value !== undefined && !ATTRIBUTE_VALUE.test(value)) {
    throw new UsageError(
      value === ''
        ? `--attribute ${JSON.stringify(text)}: the value is empty (write --attribute ${name} for an attribute without a value)`
        : `--attribute ${JSON.stringify(text)}: the value must be 1-128 letters, digits, spaces or any of _ . @ / \\ : -`,
    );
  }
  return value === undefined ? { name } : { name, value };
};

const cpuArchitecture = (arch: string): string => {
  if (arch === 'x64') return 'x86_64';
  if (arch === 'arm64') return 'arm64';
  return arch;
};

/** What the agent says about itself unless `--attribute` says otherwise (docs/agent-protocol.md §1). */
const builtInAttributes = (region: string, host: Pick<HostFacts, 'arch' | 'platform'>) => [
  { name: 'ecs.availability-zone', value: `${region}a` },
  { name: 'ecs.instance-type', value: 'external' },
  { name: 'ecs.os-type', value: host.platform === 'win32' ? 'windows' : 'linux' },
  { name: 'ecs.cpu-architecture', value: cpuArchitecture(host.arch) },
  { name: 'ecs.capability.external' },
];

/** Built-ins first, each replaced by a user attribute of the same name; a name given twice is a mistake. */
const mergeAttributes = (builtIns: Attribute[], given: Attribute[]): Attribute[] => {
  const seen = new Set<string>();
  for (const attribute of given) {
    if (seen.has(attribute.name!)) {
      throw new UsageError(`--attribute ${attribute.name} is given more than once`);
    }
    seen.add(attribute.name!);
  }
  return [...builtIns.filter((attribute) => !seen.has(attribute.name!)), ...given];
};

const positiveInteger = (flag: string, text: string): number => {
  if (!/^\d+$/.test(text) || Number(text) <= 0) {
    throw new UsageError(`${flag} must be a positive whole number, not ${JSON.stringify(text)}`);
  }
  return Number(text);
};

const positiveNumber = (flag: string, text: string): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} must be a positive number, not ${JSON.stringify(text)}`);
  }
  return value;
};

const nonNegativeNumber = (flag: string, text: string): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} must be a number of 0 or more, not ${JSON.stringify(text)}`);
  }
  return value;
};

const portList = (flag: string, text: string): string[] => {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const port = part.trim();
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535) {
      throw new UsageError(`${flag}: ${JSON.stringify(port)} is not a port (1-65535)`);
    }
    return String(Number(port));
  });
};

const parseUrl = (flag: string, text: string, protocols: string[]): URL => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} must be a URL, not ${JSON.stringify(text)}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new UsageError(`${flag} must be a ${protocols.join(' or ')} URL, not ${text}`);
  }
  return url;
};

/** The local stack serves WebSockets on port 3001 of the API's host (docs/agent-protocol.md §2). */
const defaultWsEndpoint = (endpoint: URL): string =>
  // URL.hostname keeps the brackets of an IPv6 address.
  `${endpoint.protocol === 'https:' ? 'wss' : 'ws'}://${endpoint.hostname}:3001`;

/**
 * `.berth/agent/<cluster>-<hostname>` under the working directory: stable
 * across restarts of the same agent (that is how it finds its container
 * instance again), and distinct per cluster. Two agents of one cluster on one
 * host need a `--state-dir` each; the lock in the directory says so.
 */
const defaultStateDir = (cwd: string, cluster: string, hostname: string): string =>
  join(cwd, '.berth', 'agent', `${safeSegment(cluster)}-${safeSegment(hostname || 'host')}`);

const HELP_AFTER = `
State directory (--state-dir): agent.json and agent.journal (the container
instance ARN, the tasks with their pids, unacknowledged reports), agent.lock, and
tasks/<taskId>/ with each container's <name>.exit, <name>.pid,
<name>.stdout.log and <name>.stderr.log and a scratch/ working folder.
Keep it to restart the agent as the same container instance with its
containers adopted; delete it to register a new one.

Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and
AWS_SESSION_TOKEN) when set, else the local dummies berth / berth.

SIGINT/SIGTERM: the agent disconnects and exits, leaving its containers
running and the instance registered, unless --stop-tasks-on-exit.`;

const buildProgram = (host: HostFacts): Command =>
  new Command('berth-agent')
    .description('Runs the tasks Berth places on this host and reports them.')
    .requiredOption('--endpoint <url>', 'the Berth HTTP endpoint, e.g. http://127.0.0.1:3000')
    .option(
      '--ws-endpoint <url>',
      "Berth's WebSocket endpoint (default: ws://<endpoint host>:3001)",
    )
    .option('--cluster <name>', 'the cluster to join', 'default')
    .option('--cpu <units>', `CPU units to offer, 1024 per core (default: ${host.cpuCount * 1024})`)
    .option(
      '--memory <mib>',
      `memory to offer in MiB (default: all, ${Math.floor(host.totalMemoryBytes / 1_048_576)})`,
    )
    .option(
      '--attribute <key=value>',
      'an attribute of the instance; repeatable; also overrides the built-in ecs.* attributes',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--reserved-ports <list>', 'TCP host ports the host itself uses (PORTS)', '22')
    .option('--reserved-udp-ports <list>', 'UDP host ports the host itself uses (PORTS_UDP)', '')
    .option(
      '--runtime <name>',
      'how containers run: process (host processes) or docker (Docker or Podman)',
      'process',
    )
    .option(
      '--docker-socket <path>',
      'with --runtime docker: the Docker API socket (default: $DOCKER_HOST unix://…, /var/run/docker.sock, /run/podman/podman.sock)',
    )
    .option(
      '--state-dir <dir>',
      'where the agent keeps its state (default: .berth/agent/<cluster>-<hostname>)',
    )
    .option(
      '--region <region>',
      'the region in ARNs and the default availability zone',
      'us-east-1',
    )
    .option('--heartbeat-seconds <seconds>', 'interval of socket heartbeats', '20')
    .option(
      '--metrics-seconds <seconds>',
      'interval of container CPU and memory measurements sent to Berth (0: none)',
      '20',
    )
    .option('--stop-tasks-on-exit', 'stop every container (and report it) before exiting', false)
    .option(
      '--credentials-file <path>',
      "the agent's access key, as `aws iam create-access-key` prints it (default: $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY)",
    )
    .addHelpText('after', HELP_AFTER)
    .allowExcessArguments(false);

interface RawOptions {
  endpoint: string;
  wsEndpoint?: string;
  cluster: string;
  cpu?: string;
  memory?: string;
  attribute?: string[];
  reservedPorts: string;
  reservedUdpPorts: string;
  runtime: string;
  dockerSocket?: string;
  stateDir?: string;
  region: string;
  heartbeatSeconds: string;
  metricsSeconds: string;
  stopTasksOnExit: boolean;
  credentialsFile?: string;
}

/**
 * Parses `argv` (without node and the script). Throws UsageError for a
 * mistake and HelpShown after printing help through `write`.
 */
const parseCommandLine = (
  argv: string[],
  host: HostFacts,
  write: (text: string) => void = (text) => process.stdout.write(text),
): AgentOptions => {
  const program = buildProgram(host)
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: () => {} });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        throw new HelpShown();
      }
      throw new UsageError(error.message.replace(/^error: /, ''));
    }
    throw error;
  }
  const raw = program.opts<RawOptions>();
  if (!(RUNTIMES as readonly string[]).includes(raw.runtime)) {
    throw new UsageError(
      `--runtime ${raw.runtime} is not supported; use --runtime process (host processes) or --runtime docker (Docker or Podman)`,
    );
  }
  if (raw.dockerSocket !== undefined && raw.runtime !== 'docker') {
    throw new UsageError('--docker-socket goes with --runtime docker');
  }
  let dockerSocket: string | undefined;
  if (raw.runtime === 'docker') {
    const given = raw.dockerSocket?.replace(/^unix:\/\//, '');
    if (given === '') throw new UsageError('--docker-socket needs a path');
    dockerSocket = given === undefined ? host.dockerSocket?.() : resolve(host.cwd, given);
    if (dockerSocket === undefined) {
      throw new UsageError(
        '--runtime docker: no Docker API socket found (not $DOCKER_HOST=unix://…, /var/run/docker.sock nor /run/podman/podman.sock); start Docker or `podman system service`, or give --docker-socket PATH',
      );
    }
  }
  if (raw.cluster === '' || !/^[A-Za-z0-9_-]{1,255}$/.test(raw.cluster)) {
    throw new UsageError(
      `--cluster ${JSON.stringify(raw.cluster)}: a cluster name is 1-255 letters, digits, hyphens or underscores`,
    );
  }
  const endpoint = parseUrl('--endpoint', raw.endpoint, ['http:', 'https:']);
  const wsEndpoint =
    raw.wsEndpoint === undefined
      ? defaultWsEndpoint(endpoint)
      : parseUrl('--ws-endpoint', raw.wsEndpoint, ['ws:', 'wss:']).toString();
  const region = raw.region;
  if (!/^[a-z0-9-]+$/.test(region)) throw new UsageError(`--region ${region} is not a region`);
  return {
    endpoint: raw.endpoint,
    wsEndpoint,
    cluster: raw.cluster,
    cpu:
      raw.cpu === undefined ? Math.max(1, host.cpuCount) * 1024 : positiveInteger('--cpu', raw.cpu),
    memory:
      raw.memory === undefined
        ? Math.max(1, Math.floor(host.totalMemoryBytes / 1_048_576))
        : positiveInteger('--memory', raw.memory),
    attributes: mergeAttributes(
      builtInAttributes(region, host),
      (raw.attribute ?? []).map(parseAttribute),
    ),
    reservedPorts: portList('--reserved-ports', raw.reservedPorts),
    reservedUdpPorts: portList('--reserved-udp-ports', raw.reservedUdpPorts),
    runtime: raw.runtime as RuntimeName,
    ...(dockerSocket === undefined ? {} : { dockerSocket }),
    stateDir:
      raw.stateDir === undefined
        ? defaultStateDir(host.cwd, raw.cluster, host.hostname)
        : resolve(host.cwd, raw.stateDir),
    region,
    heartbeatSeconds: positiveNumber('--heartbeat-seconds', raw.heartbeatSeconds),
    metricsSeconds: nonNegativeNumber('--metrics-seconds', raw.metricsSeconds),
    stopTasksOnExit: raw.stopTasksOnExit,
    ...(raw.credentialsFile === undefined
      ? {}
      : { credentialsFile: resolve(host.cwd, raw.credentialsFile) }),
  };
};

export type { AgentOptions, HostFacts, RuntimeName };
export {
  builtInAttributes,
  defaultStateDir,
  defaultWsEndpoint,
  HelpShown,
  mergeAttributes,
  parseAttribute,
  parseCommandLine,
  UsageError,
};
