import type { NetworkBinding } from '@aws-sdk/client-ecs';
import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import type { AgentContainer, AgentTask, NetworkMode } from '../protocol';
import type { ContainerExit, ContainerUsage } from './ContainerRuntime';

/**
 * The `docker` runtime's decisions as pure functions (unit-tested as tables):
 * what Docker is asked to create for an ECS container, what an inspect
 * result means as network bindings, and how an exit reads in ECS's terms.
 * DockerRuntime.ts only carries them out against the Docker API.
 */

const LABELS = {
  taskArn: 'com.amazonaws.ecs.task-arn',
  containerName: 'com.amazonaws.ecs.container-name',
  cluster: 'com.amazonaws.ecs.cluster',
  family: 'com.amazonaws.ecs.task-definition-family',
  version: 'com.amazonaws.ecs.task-definition-version',
  /** Which agent (its state directory) owns the container: two agents on one host never adopt each other's. */
  agent: 'berth.agent-state-dir',
  /** On the container that holds an awsvpc task's network namespace. */
  networkOwner: 'berth.network-owner',
} as const;

const MIB = 1_048_576;
/** The least CpuShares Linux accepts; ECS's agent gives it to containers with cpu 0 or none. */
const MIN_CPU_SHARES = 2;
const OUT_OF_MEMORY = 'OutOfMemoryError: Container killed due to memory usage';
const OOM_EXIT_CODE = 137;

/** Task-level `cpu` as ECS writes it: `"256"`, or `"0.25 vCPU"`. Undefined when absent or unreadable. */
const taskCpuUnits = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]) * (match[2] ? 1024 : 1);
  return value > 0 ? Math.round(value) : undefined;
};

/** Task-level `memory` as ECS writes it: `"512"` (MiB), or `"1 GB"`. */
const taskMemoryMiB = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(gb|mb|mib|gib)?\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = match[2]?.toLowerCase();
  const value = Number(match[1]) * (unit === 'gb' || unit === 'gib' ? 1024 : 1);
  return value > 0 ? Math.round(value) : undefined;
};

const portKey = (containerPort: number, protocol: string | undefined): string =>
  `${containerPort}/${protocol === 'udp' ? 'udp' : 'tcp'}`;

/** A Docker container name from ECS's pattern, `ecs-<family>-<revision>-<container>-<suffix>`. */
const containerNameOf = (task: AgentTask, container: AgentContainer, suffix: string): string => {
  const clean = (text: string): string => text.replace(/[^A-Za-z0-9_.-]/g, '-');
  return `ecs-${clean(task.family ?? 'task')}-${task.revision ?? 0}-${clean(container.name)}-${suffix}`;
};

const networkModeOf = (task: AgentTask): NetworkMode => task.networkMode ?? 'bridge';

/** The network of an awsvpc task's subnet. */
const awsvpcNetworkName = (subnetId: string): string =>
  `berth-${subnetId.replace(/[^A-Za-z0-9_.-]/g, '-')}`;

interface CreateContext {
  /** The Docker container name (containerNameOf). */
  readonly name: string;
  /** The agent's label value (its state directory). */
  readonly agent: string;
  /**
   * awsvpc: the id of the task's container that holds the network namespace;
   * undefined for the first container, which is created on the subnet's network.
   */
  readonly networkOwnerId?: string;
}

/**
 * What Docker is asked to create for one container of a task.
 *
 * - cpu → CpuShares (at least 2, as ECS's agent does); a task-level cpu also
 *   caps each container at that many vCPUs (NanoCpus = cpu / 1024 × 1e9).
 * - memory → the hard limit; a container without one gets the task's
 *   memory as its hard limit when the task has one. memoryReservation → the
 *   soft limit.
 * - bridge: every port mapping is published; a hostPort of 0 or none lets
 *   Docker choose (HostPort ""). host: the host's network, no publishing.
 *   none: no network. awsvpc: the first container joins the subnet's network
 *   with the task's address; the others share its network namespace.
 */
const createOptionsOf = (
  task: AgentTask,
  container: AgentContainer,
  context: CreateContext,
): ContainerCreateOptions => {
  const mode = networkModeOf(task);
  const taskCpu = taskCpuUnits(task.cpu);
  const memoryMiB = container.memory ?? taskMemoryMiB(task.memory);
  const ports = container.portMappings ?? [];
  const labels: Record<string, string> = {
    ...container.dockerLabels,
    [LABELS.taskArn]: task.taskArn,
    [LABELS.containerName]: container.name,
    [LABELS.cluster]: task.cluster,
    [LABELS.family]: task.family ?? '',
    [LABELS.version]: task.revision === undefined ? '' : String(task.revision),
    [LABELS.agent]: context.agent,
  };
  const hostConfig: NonNullable<ContainerCreateOptions['HostConfig']> = {
    Init: true,
    CpuShares: Math.max(MIN_CPU_SHARES, Math.floor(container.cpu ?? 0)),
  };
  if (memoryMiB !== undefined && memoryMiB > 0) hostConfig.Memory = Math.round(memoryMiB * MIB);
  if (container.memoryReservation !== undefined && container.memoryReservation > 0) {
    hostConfig.MemoryReservation = Math.round(container.memoryReservation * MIB);
  }
  if (taskCpu !== undefined) hostConfig.NanoCpus = Math.round((taskCpu / 1024) * 1e9);

  const options: ContainerCreateOptions = {
    name: context.name,
    Image: container.image,
    Labels: labels,
    HostConfig: hostConfig,
  };
  if (container.entryPoint !== undefined) options.Entrypoint = container.entryPoint;
  if (container.command !== undefined) options.Cmd = container.command;
  if (container.environment !== undefined && container.environment.length > 0) {
    options.Env = container.environment
      .filter((pair) => pair.name)
      .map((pair) => `${pair.name}=${pair.value ?? ''}`);
  }
  if (container.workingDirectory !== undefined) options.WorkingDir = container.workingDirectory;
  if (container.user !== undefined) options.User = container.user;

  switch (mode) {
    case 'bridge':
      hostConfig.NetworkMode = 'bridge';
      if (ports.length > 0) {
        options.ExposedPorts = {};
        hostConfig.PortBindings = {};
        for (const mapping of ports) {
          if (mapping.containerPort === undefined) continue;
          const key = portKey(mapping.containerPort, mapping.protocol);
          options.ExposedPorts[key] = {};
          hostConfig.PortBindings[key] = [
            { HostIp: '', HostPort: mapping.hostPort ? String(mapping.hostPort) : '' },
          ];
        }
      }
      break;
    case 'host':
      hostConfig.NetworkMode = 'host';
      break;
    case 'none':
      hostConfig.NetworkMode = 'none';
      break;
    case 'awsvpc': {
      if (context.networkOwnerId !== undefined) {
        hostConfig.NetworkMode = `container:${context.networkOwnerId}`;
        break;
      }
      if (!task.awsvpc) break;
      const network = awsvpcNetworkName(task.awsvpc.subnetId);
      hostConfig.NetworkMode = network;
      labels[LABELS.networkOwner] = 'true';
      options.NetworkingConfig = {
        EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: task.awsvpc.ipv4Address } } },
      };
      break;
    }
  }
  return options;
};

/**
 * ECS's networkBindings of a started container. bridge: what Docker
 * published (the host port it chose when none was asked for); host: each
 * mapping on its own port; awsvpc and none: none (an awsvpc task is reached
 * at its own address).
 */
const networkBindingsOf = (
  mode: NetworkMode,
  container: AgentContainer,
  inspect: Pick<ContainerInspectInfo, 'NetworkSettings'>,
): NetworkBinding[] => {
  if (mode === 'host') {
    return (container.portMappings ?? [])
      .filter((mapping) => mapping.containerPort !== undefined)
      .map((mapping) => ({
        bindIP: '0.0.0.0',
        containerPort: mapping.containerPort,
        hostPort: mapping.containerPort,
        protocol: mapping.protocol === 'udp' ? 'udp' : 'tcp',
      }));
  }
  if (mode !== 'bridge') return [];
  const bindings: NetworkBinding[] = [];
  const ports = (inspect.NetworkSettings?.Ports ?? {}) as Record<
    string,
    { HostIp?: string; HostPort?: string }[] | null
  >;
  for (const [key, published] of Object.entries(ports)) {
    const [port, protocol] = key.split('/');
    for (const binding of published ?? []) {
      const hostPort = Number(binding.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      bindings.push({
        bindIP: binding.HostIp || '0.0.0.0',
        containerPort: Number(port),
        hostPort,
        protocol: protocol === 'udp' ? 'udp' : 'tcp',
      });
    }
  }
  return bindings.sort(
    (a, b) =>
      (a.containerPort ?? 0) - (b.containerPort ?? 0) || (a.hostPort ?? 0) - (b.hostPort ?? 0),
  );
};

interface ExitFacts {
  readonly exitCode: number;
  /** Docker's State.OOMKilled. */
  readonly oomKilled: boolean;
  /** The kernel log names an OOM kill in the container's memory cgroup (see kernelLogShowsOom). */
  readonly oomInKernelLog?: boolean;
}

/** How an exit reads in ECS: an OOM kill is 137 with OutOfMemoryError, anything else its exit code. */
const exitOf = (facts: ExitFacts): ContainerExit => {
  if (facts.oomKilled || (facts.oomInKernelLog === true && facts.exitCode === OOM_EXIT_CODE)) {
    return { exitCode: OOM_EXIT_CODE, reason: OUT_OF_MEMORY };
  }
  return { exitCode: facts.exitCode };
};

/**
 * Whether the kernel log holds an OOM kill inside the memory cgroup of this
 * container (`oom-kill:… oom_memcg=/libpod_parent/libpod-<id>`, or
 * `…/docker/<id>`). Podman 4.3 on cgroups v1 never sets State.OOMKilled
 * (conmon's OOM notification does not fire), so this is how such an exit is
 * recognised there.
 */
const kernelLogShowsOom = (log: string, containerId: string): boolean =>
  log
    .split('\n')
    .some(
      (line) =>
        line.includes('oom-kill:') &&
        /oom_memcg=([^,\s]*)/.exec(line)?.[1]?.includes(containerId) === true,
    );

export type { CreateContext, ExitFacts };

/**
 * A container's usage from the Engine's one-shot stats: the CPU counter as
 * is, and memory without the reclaimable page cache (`inactive_file` on
 * cgroup v2, `cache` on v1), as `docker stats` and ECS count it. Undefined
 * when the answer has no CPU counter (a container that is not running).
 */
const usageOfStats = (stats: unknown): ContainerUsage | undefined => {
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const root = record(stats);
  const cpuNanos = record(record(root.cpu_stats).cpu_usage).total_usage;
  if (typeof cpuNanos !== 'number' || !Number.isFinite(cpuNanos)) return undefined;
  const memory = record(root.memory_stats);
  const detail = record(memory.stats);
  const usage = typeof memory.usage === 'number' ? memory.usage : 0;
  const cacheValue = detail.inactive_file ?? detail.total_inactive_file ?? detail.cache;
  const cache = typeof cacheValue === 'number' ? cacheValue : 0;
  return { cpuNanos, memoryBytes: Math.max(0, usage - cache) };
};

export {
  awsvpcNetworkName,
  containerNameOf,
  createOptionsOf,
  exitOf,
  kernelLogShowsOom,
  LABELS,
  MIB,
  networkBindingsOf,
  networkModeOf,
  OUT_OF_MEMORY,
  taskCpuUnits,
  taskMemoryMiB,
  usageOfStats,
};
