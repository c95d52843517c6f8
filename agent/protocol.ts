import type { KeyValuePair, PortMapping } from '@aws-sdk/client-ecs';

/**
 * What Berth pushes to the agent over its WebSocket (docs/agent-protocol.md
 * §3). The control plane is trusted, but a message is still checked before
 * the agent acts on it: a malformed task is dropped with a warning rather
 * than crashing an agent that other tasks depend on.
 */

interface AgentContainer {
  readonly name: string;
  readonly command?: string[];
  readonly entryPoint?: string[];
  readonly environment?: KeyValuePair[];
  /** ECS's default is true. */
  readonly essential?: boolean;
  readonly workingDirectory?: string;
  /** Seconds between SIGTERM and SIGKILL; ECS's default is 30. */
  readonly stopTimeout?: number;
  readonly cpu?: number;
  readonly memory?: number;
  readonly portMappings?: PortMapping[];
  /** Ignored by the process runtime; the docker runtime runs it. */
  readonly image?: string;
  /** `user`, `uid`, `user:group`, … as Docker takes it (docker runtime). */
  readonly user?: string;
  /** Soft memory limit in MiB (docker runtime). */
  readonly memoryReservation?: number;
  readonly dockerLabels?: Record<string, string>;
}

type NetworkMode = 'bridge' | 'host' | 'awsvpc' | 'none';

/** Where an awsvpc task's network interface lives: Berth allocates the address. */
interface AwsvpcAttachment {
  readonly subnetId: string;
  readonly cidrBlock: string;
  readonly ipv4Address: string;
  readonly macAddress: string;
  readonly gateway?: string;
}

type DesiredStatus = 'RUNNING' | 'STOPPED';

interface AgentTask {
  readonly taskArn: string;
  readonly cluster: string;
  readonly desiredStatus: DesiredStatus;
  readonly lastStatus?: string;
  readonly version?: number;
  readonly containers: AgentContainer[];
  /** The task definition's family and revision (container names, labels). */
  readonly family?: string;
  readonly revision?: number;
  /** ECS's default on EC2 is bridge. */
  readonly networkMode?: NetworkMode;
  /** Task-level CPU units and memory MiB, as ECS writes them (`"256"`, `"512"`). */
  readonly cpu?: string;
  readonly memory?: string;
  /** Present for awsvpc tasks. */
  readonly awsvpc?: AwsvpcAttachment;
}

const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? (value as string[])
    : undefined;

const optionalNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const NETWORK_MODES: readonly string[] = ['bridge', 'host', 'awsvpc', 'none'];

/** String values only; anything else makes the whole map undefined. */
const stringMap = (value: unknown): Record<string, string> | undefined => {
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value);
  return entries.every(([, item]) => typeof item === 'string')
    ? Object.fromEntries(entries as [string, string][])
    : undefined;
};

/** A number as ECS writes task cpu/memory (`"512"`); numbers are accepted too. */
const numericString = (value: unknown): string | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return optionalString(value);
};

const readAwsvpc = (value: unknown): AwsvpcAttachment | undefined => {
  if (!isRecord(value)) return undefined;
  const subnetId = optionalString(value.subnetId);
  const cidrBlock = optionalString(value.cidrBlock);
  const ipv4Address = optionalString(value.ipv4Address);
  // Informational (Docker picks the address's MAC): an empty or missing one is no reason to drop it.
  const macAddress = typeof value.macAddress === 'string' ? value.macAddress : '';
  if (!subnetId || !cidrBlock || !ipv4Address) return undefined;
  const gateway = optionalString(value.gateway);
  return { subnetId, cidrBlock, ipv4Address, macAddress, ...(gateway ? { gateway } : {}) };
};

const readContainer = (value: unknown): AgentContainer | undefined => {
  if (!isRecord(value) || typeof value.name !== 'string' || value.name === '') return undefined;
  const environment = Array.isArray(value.environment)
    ? value.environment.filter(
        (pair): pair is KeyValuePair => isRecord(pair) && typeof pair.name === 'string',
      )
    : undefined;
  return {
    name: value.name,
    command: stringList(value.command),
    entryPoint: stringList(value.entryPoint),
    environment,
    essential: typeof value.essential === 'boolean' ? value.essential : undefined,
    workingDirectory:
      typeof value.workingDirectory === 'string' && value.workingDirectory !== ''
        ? value.workingDirectory
        : undefined,
    stopTimeout: optionalNumber(value.stopTimeout),
    cpu: optionalNumber(value.cpu),
    memory: optionalNumber(value.memory),
    portMappings: Array.isArray(value.portMappings)
      ? (value.portMappings.filter(isRecord) as PortMapping[])
      : undefined,
    image: optionalString(value.image),
    user: optionalString(value.user),
    memoryReservation: optionalNumber(value.memoryReservation),
    dockerLabels: stringMap(value.dockerLabels),
  };
};

const readTask = (value: unknown): AgentTask | undefined => {
  if (!isRecord(value) || typeof value.taskArn !== 'string' || value.taskArn === '') {
    return undefined;
  }
  if (value.desiredStatus !== 'RUNNING' && value.desiredStatus !== 'STOPPED') return undefined;
  if (!Array.isArray(value.containers)) return undefined;
  const containers = value.containers.map(readContainer);
  if (containers.some((container) => container === undefined)) return undefined;
  return {
    taskArn: value.taskArn,
    cluster: typeof value.cluster === 'string' ? value.cluster : '',
    desiredStatus: value.desiredStatus,
    lastStatus: typeof value.lastStatus === 'string' ? value.lastStatus : undefined,
    version: optionalNumber(value.version),
    containers: containers as AgentContainer[],
    family: optionalString(value.family),
    revision: optionalNumber(value.revision),
    networkMode:
      typeof value.networkMode === 'string' && NETWORK_MODES.includes(value.networkMode)
        ? (value.networkMode as NetworkMode)
        : undefined,
    cpu: numericString(value.cpu),
    memory: numericString(value.memory),
    awsvpc: readAwsvpc(value.awsvpc),
  };
};

type ServerMessage =
  | { readonly type: 'tasks'; readonly tasks: AgentTask[]; readonly rejected: number }
  | { readonly type: 'other'; readonly text: string };

/** Parses one WebSocket message; unknown message types are returned as `other` and ignored. */
const parseServerMessage = (text: string): ServerMessage => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: 'other', text };
  }
  if (!isRecord(value) || value.type !== 'tasks' || !Array.isArray(value.tasks)) {
    return { type: 'other', text };
  }
  const read = value.tasks.map(readTask);
  const tasks = read.filter((task): task is AgentTask => task !== undefined);
  return { type: 'tasks', tasks, rejected: read.length - tasks.length };
};

/**
 * A name safe to use as one path segment: task ids and container names become
 * file names under the state directory, and a hostile or odd name must not
 * escape it.
 */
const safeSegment = (text: string): string => {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]/g, '_');
  return cleaned === '' || /^\.+$/.test(cleaned) ? `_${cleaned}` : cleaned;
};

/** The last part of a task ARN (`arn:aws:ecs:r:a:task/cluster/ID` → `ID`), safe as a folder name. */
const taskIdOf = (taskArn: string): string =>
  safeSegment(taskArn.slice(taskArn.lastIndexOf('/') + 1));

export type {
  AgentContainer,
  AgentTask,
  AwsvpcAttachment,
  DesiredStatus,
  NetworkMode,
  ServerMessage,
};
export {
  DEFAULT_STOP_TIMEOUT_SECONDS,
  parseServerMessage,
  readContainer,
  readTask,
  safeSegment,
  taskIdOf,
};
