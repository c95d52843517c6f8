import type {
  Compatibility,
  ContainerCondition,
  ContainerDefinition,
  ContainerDependency,
  ContainerRestartPolicy,
  CPUArchitecture,
  Device,
  DeviceCgroupPermission,
  DockerVolumeConfiguration,
  EFSAuthorizationConfig,
  EFSAuthorizationConfigIAM,
  EFSTransitEncryption,
  EFSVolumeConfiguration,
  EnvironmentFile,
  EnvironmentFileType,
  EphemeralStorage,
  FirelensConfiguration,
  FirelensConfigurationType,
  FSxWindowsFileServerAuthorizationConfig,
  FSxWindowsFileServerVolumeConfiguration,
  HealthCheck,
  HostEntry,
  HostVolumeProperties,
  InferenceAccelerator,
  IpcMode,
  KernelCapabilities,
  KeyValuePair,
  LinuxParameters,
  LogConfiguration,
  LogDriver,
  MountPoint,
  NetworkMode,
  OSFamily,
  PidMode,
  PortMapping,
  ProxyConfiguration,
  RepositoryCredentials,
  ResourceRequirement,
  ResourceType,
  RuntimePlatform,
  S3FilesVolumeConfiguration,
  Scope,
  Secret,
  SystemControl,
  Tag,
  TaskDefinition,
  TaskDefinitionPlacementConstraint,
  Tmpfs,
  TransportProtocol,
  Ulimit,
  UlimitName,
  VersionConsistency,
  Volume,
  VolumeFrom,
} from '@aws-sdk/client-ecs';
import { ClientException, InvalidParameterException } from '../errors';
import {
  type JsonObject,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
  optionalStringMap,
} from '../validation/shape';

/**
 * Validation and normalisation of a RegisterTaskDefinition request.
 *
 * The request goes through two phases so that each rule reads typed data:
 *
 * 1. **Read** – every member Berth keeps is read with the `shape` readers
 *    (directly or through the small combinators below), so a member of the
 *    wrong JSON type becomes an `InvalidParameterException` naming its path
 *    and never a `TypeError`. Members Berth does not know are dropped.
 * 2. **Rules** – ECS's rules run on the typed request, cheapest and most
 *    fundamental first (identity, then sizes, then cross-references, then
 *    launch-type compatibility), each in its own small function that throws
 *    the `ClientException` ECS would answer, with ECS's wording where it is
 *    known.
 *
 * The result is what DescribeTaskDefinition echoes back, defaults included,
 * as AWS does: a task definition is immutable once registered, so every
 * default is applied here, once.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 */

// ---------------------------------------------------------------------------
// Limits and closed sets
// ---------------------------------------------------------------------------

/** ECS quota: containers per task definition. */
const MAX_CONTAINERS = 10;
/** ECS quota: size of a task definition (the request body), 64 KiB. */
const MAX_REQUEST_BYTES = 64 * 1024;
/** Family, container and volume names: 1–255 letters, digits, hyphens, underscores. */
const MAX_NAME_LENGTH = 255;
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Task-level CPU range for EC2/EXTERNAL in the 2026 model (192 vCPU). */
const MIN_TASK_CPU = 128;
const MAX_TASK_CPU = 196_608;
/** Docker refuses memory limits and reservations under 6 MiB (Docker ≥ 20.10). */
const MIN_CONTAINER_MEMORY = 6;
const MAX_PORT = 65_535;
const MAX_PLACEMENT_CONSTRAINTS = 10;
const MAX_CONSTRAINT_EXPRESSION_LENGTH = 2000;
const MIN_EPHEMERAL_STORAGE_GIB = 21;
const MAX_EPHEMERAL_STORAGE_GIB = 200;
/** ECS quota: tags per resource. Exported for TagResource, which merges new tags into old. */
const MAX_TAGS = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
/** Letters, digits, whitespace and `_ . : / = + - @`, as the ECS model's Tag pattern. */
const TAG_TEXT_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_TAG_PREFIX = 'aws:';
/** The smallest Fargate Windows task is 1 vCPU, the largest 4 vCPU. */
const FARGATE_WINDOWS_CPU = { min: 1024, max: 4096 } as const;

const NETWORK_MODES = [
  'bridge',
  'host',
  'awsvpc',
  'none',
] as const satisfies readonly NetworkMode[];
const COMPATIBILITIES = [
  'EC2',
  'FARGATE',
  'EXTERNAL',
  'MANAGED_INSTANCES',
] as const satisfies readonly Compatibility[];
const PID_MODES = ['host', 'task'] as const satisfies readonly PidMode[];
const IPC_MODES = ['host', 'task', 'none'] as const satisfies readonly IpcMode[];
const PROTOCOLS = ['tcp', 'udp'] as const satisfies readonly TransportProtocol[];
const APP_PROTOCOLS = ['http', 'http2', 'grpc'] as const;
const CONTAINER_CONDITIONS = [
  'START',
  'COMPLETE',
  'SUCCESS',
  'HEALTHY',
] as const satisfies readonly ContainerCondition[];
const LOG_DRIVERS = [
  'json-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'awsfirelens',
] as const satisfies readonly LogDriver[];
const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const satisfies readonly UlimitName[];
const OS_FAMILIES = [
  'LINUX',
  'WINDOWS_SERVER_2004_CORE',
  'WINDOWS_SERVER_2016_FULL',
  'WINDOWS_SERVER_2019_CORE',
  'WINDOWS_SERVER_2019_FULL',
  'WINDOWS_SERVER_2022_CORE',
  'WINDOWS_SERVER_2022_FULL',
  'WINDOWS_SERVER_2025_CORE',
  'WINDOWS_SERVER_2025_FULL',
  'WINDOWS_SERVER_20H2_CORE',
] as const satisfies readonly OSFamily[];
const CPU_ARCHITECTURES = ['X86_64', 'ARM64'] as const satisfies readonly CPUArchitecture[];
const RESOURCE_TYPES = [
  'GPU',
  'InferenceAccelerator',
  'NeuronDevice',
] as const satisfies readonly ResourceType[];
const ENABLED_DISABLED = [
  'ENABLED',
  'DISABLED',
] as const satisfies readonly EFSTransitEncryption[] & readonly EFSAuthorizationConfigIAM[];

/**
 * Fargate task sizes: task CPU units → the task memory values (MiB) allowed
 * with it. 8 and 16 vCPU need Linux platform version 1.4.0 or later.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
const FARGATE_CONFIGURATIONS: Readonly<Record<number, readonly number[]>> = Object.freeze({
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16_384, 1024),
  4096: steps(8192, 30_720, 1024),
  8192: steps(16_384, 61_440, 4096),
  16384: steps(32_768, 122_880, 8192),
});

function steps(from: number, to: number, step: number): readonly number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, index) => from + index * step);
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/** Members ECS sets when it stores a revision, never taken from the request. */
type RegistrationFields =
  | 'taskDefinitionArn'
  | 'revision'
  | 'status'
  | 'registeredAt'
  | 'registeredBy'
  | 'deregisteredAt'
  | 'deleteRequestedAt';

/**
 * A task definition as DescribeTaskDefinition returns it, minus what ECS adds
 * at registration. The members ECS always echoes are non-optional here.
 */
type TaskDefinitionContent = Omit<TaskDefinition, RegistrationFields> & {
  family: string;
  containerDefinitions: ContainerDefinition[];
  networkMode: NetworkMode;
  volumes: Volume[];
  placementConstraints: TaskDefinitionPlacementConstraint[];
  compatibilities: Compatibility[];
};

/** A valid RegisterTaskDefinition request, split into what is stored as the revision and its tags. */
interface ValidatedTaskDefinition {
  definition: TaskDefinitionContent;
  tags: Tag[];
}

/** CPU units and MiB of memory a container or a task takes from a container instance. */
interface Reservation {
  cpu: number;
  memory: number;
}

/** The request after the read phase: every member has its API type, nothing is checked yet. */
interface RegisterRequest {
  family?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  networkMode?: NetworkMode;
  containerDefinitions?: ContainerDefinition[];
  volumes?: Volume[];
  placementConstraints?: TaskDefinitionPlacementConstraint[];
  requiresCompatibilities?: Compatibility[];
  cpu?: string;
  memory?: string;
  pidMode?: PidMode;
  ipcMode?: IpcMode;
  proxyConfiguration?: ProxyConfiguration;
  inferenceAccelerators?: InferenceAccelerator[];
  ephemeralStorage?: EphemeralStorage;
  runtimePlatform?: RuntimePlatform;
  enableFaultInjection?: boolean;
}

/** Task-level facts the container rules need. */
interface TaskContext {
  networkMode: NetworkMode;
  cpu?: number;
  memory?: number;
}

// ---------------------------------------------------------------------------
// Read phase: combinators over the shape readers
// ---------------------------------------------------------------------------

/** Reads one member: its typed value, or `undefined` when absent; throws on a wrong type. */
type Reader<T> = (value: unknown, path: string) => T | undefined;

/**
 * Reads a structure member by member. Only members with a reader are kept,
 * so unknown members (and anything Berth does not model) are dropped rather
 * than echoed unchecked.
 */
function structOf<T extends object>(
  readers: { [K in keyof T]?: Reader<NonNullable<T[K]>> },
): Reader<T> {
  return (value, path) => {
    const object = optionalObject(value, path);
    if (object === undefined) return undefined;
    const result: Record<string, unknown> = {};
    for (const [key, read] of Object.entries(readers) as [string, Reader<unknown>][]) {
      const memberPath = path === '' ? key : `${path}.${key}`;
      const member = read(Object.hasOwn(object, key) ? object[key] : undefined, memberPath);
      if (member !== undefined) result[key] = member;
    }
    return result as T;
  };
}

/** Reads a list whose items all go through `read`; a null item is a type error. */
function listOf<T>(read: Reader<T>): Reader<T[]> {
  return (value, path) =>
    optionalList(value, path)?.map((item, index) => {
      const itemPath = `${path}[${index}]`;
      const result = read(item, itemPath);
      if (result === undefined) {
        throw new InvalidParameterException(
          `Invalid type for parameter ${itemPath}: expected a value, got null.`,
        );
      }
      return result;
    });
}

function enumOf<T extends string>(allowed: readonly T[]): Reader<T> {
  return (value, path) => optionalEnum(value, path, allowed);
}

/** Makes a member required inside a structure (ECS models these as required shape members). */
function required<T>(read: Reader<T>): Reader<T> {
  return (value, path) => {
    const result = read(value, path);
    if (result === undefined) {
      throw new InvalidParameterException(`Missing required parameter ${path}.`);
    }
    return result;
  };
}

/** An integer that must lie in `[min, max]`, as ECS's ranged members (health-check timings, …). */
function integerBetween(min: number, max: number): Reader<number> {
  return (value, path) => {
    const result = optionalInteger(value, path);
    if (result !== undefined && (result < min || result > max)) {
      throw new InvalidParameterException(
        `Invalid value for parameter ${path}: ${result}. It must be between ${min} and ${max}.`,
      );
    }
    return result;
  };
}

const integerList: Reader<number[]> = listOf(optionalInteger);

const readKeyValuePair = structOf<KeyValuePair>({ name: optionalString, value: optionalString });

const readSecret = structOf<Secret>({
  name: required(optionalString),
  valueFrom: required(optionalString),
});

const readPortMapping = structOf<PortMapping>({
  containerPort: optionalInteger,
  hostPort: optionalInteger,
  protocol: enumOf(PROTOCOLS),
  name: optionalString,
  appProtocol: enumOf(APP_PROTOCOLS),
  containerPortRange: optionalString,
});

const readLinuxParameters = structOf<LinuxParameters>({
  capabilities: structOf<KernelCapabilities>({ add: optionalStringList, drop: optionalStringList }),
  devices: listOf(
    structOf<Device>({
      hostPath: required(optionalString),
      containerPath: optionalString,
      permissions: listOf(
        enumOf(['read', 'write', 'mknod'] as const satisfies readonly DeviceCgroupPermission[]),
      ),
    }),
  ),
  initProcessEnabled: optionalBoolean,
  sharedMemorySize: optionalInteger,
  tmpfs: listOf(
    structOf<Tmpfs>({
      containerPath: required(optionalString),
      size: required(optionalInteger),
      mountOptions: optionalStringList,
    }),
  ),
  maxSwap: optionalInteger,
  swappiness: integerBetween(0, 100),
});

const readHealthCheck = structOf<HealthCheck>({
  command: required(optionalStringList),
  interval: integerBetween(5, 300),
  timeout: integerBetween(2, 120),
  retries: integerBetween(1, 10),
  startPeriod: integerBetween(0, 300),
});

/** Every container member of the 2026 model except `resourceRequirements[].sharingStrategy`. */
const readContainerDefinition = structOf<ContainerDefinition>({
  name: optionalString,
  image: optionalString,
  repositoryCredentials: structOf<RepositoryCredentials>({
    credentialsParameter: required(optionalString),
  }),
  cpu: optionalInteger,
  memory: optionalInteger,
  memoryReservation: optionalInteger,
  links: optionalStringList,
  portMappings: listOf(readPortMapping),
  essential: optionalBoolean,
  restartPolicy: structOf<ContainerRestartPolicy>({
    enabled: required(optionalBoolean),
    ignoredExitCodes: integerList,
    restartAttemptPeriod: optionalInteger,
  }),
  entryPoint: optionalStringList,
  command: optionalStringList,
  environment: listOf(readKeyValuePair),
  environmentFiles: listOf(
    structOf<EnvironmentFile>({
      value: required(optionalString),
      type: required(enumOf(['s3'] as const satisfies readonly EnvironmentFileType[])),
    }),
  ),
  mountPoints: listOf(
    structOf<MountPoint>({
      sourceVolume: optionalString,
      containerPath: optionalString,
      readOnly: optionalBoolean,
    }),
  ),
  volumesFrom: listOf(
    structOf<VolumeFrom>({ sourceContainer: optionalString, readOnly: optionalBoolean }),
  ),
  linuxParameters: readLinuxParameters,
  secrets: listOf(readSecret),
  dependsOn: listOf(
    structOf<ContainerDependency>({
      containerName: required(optionalString),
      condition: required(enumOf(CONTAINER_CONDITIONS)),
    }),
  ),
  startTimeout: optionalInteger,
  stopTimeout: optionalInteger,
  versionConsistency: enumOf([
    'enabled',
    'disabled',
  ] as const satisfies readonly VersionConsistency[]),
  hostname: optionalString,
  user: optionalString,
  workingDirectory: optionalString,
  disableNetworking: optionalBoolean,
  privileged: optionalBoolean,
  readonlyRootFilesystem: optionalBoolean,
  dnsServers: optionalStringList,
  dnsSearchDomains: optionalStringList,
  extraHosts: listOf(
    structOf<HostEntry>({
      hostname: required(optionalString),
      ipAddress: required(optionalString),
    }),
  ),
  dockerSecurityOptions: optionalStringList,
  interactive: optionalBoolean,
  pseudoTerminal: optionalBoolean,
  dockerLabels: optionalStringMap,
  ulimits: listOf(
    structOf<Ulimit>({
      name: required(enumOf(ULIMIT_NAMES)),
      softLimit: required(optionalInteger),
      hardLimit: required(optionalInteger),
    }),
  ),
  logConfiguration: structOf<LogConfiguration>({
    logDriver: required(enumOf(LOG_DRIVERS)),
    options: optionalStringMap,
    secretOptions: listOf(readSecret),
  }),
  healthCheck: readHealthCheck,
  systemControls: listOf(
    structOf<SystemControl>({ namespace: optionalString, value: optionalString }),
  ),
  resourceRequirements: listOf(
    structOf<ResourceRequirement>({
      value: required(optionalString),
      type: required(enumOf(RESOURCE_TYPES)),
    }),
  ),
  firelensConfiguration: structOf<FirelensConfiguration>({
    type: required(
      enumOf(['fluentd', 'fluentbit'] as const satisfies readonly FirelensConfigurationType[]),
    ),
    options: optionalStringMap,
  }),
  credentialSpecs: optionalStringList,
});

const readVolume = structOf<Volume>({
  name: optionalString,
  host: structOf<HostVolumeProperties>({ sourcePath: optionalString }),
  dockerVolumeConfiguration: structOf<DockerVolumeConfiguration>({
    scope: enumOf(['task', 'shared'] as const satisfies readonly Scope[]),
    autoprovision: optionalBoolean,
    driver: optionalString,
    driverOpts: optionalStringMap,
    labels: optionalStringMap,
  }),
  efsVolumeConfiguration: structOf<EFSVolumeConfiguration>({
    fileSystemId: required(optionalString),
    rootDirectory: optionalString,
    transitEncryption: enumOf(ENABLED_DISABLED),
    transitEncryptionPort: integerBetween(0, MAX_PORT),
    authorizationConfig: structOf<EFSAuthorizationConfig>({
      accessPointId: optionalString,
      iam: enumOf(ENABLED_DISABLED),
    }),
  }),
  s3filesVolumeConfiguration: structOf<S3FilesVolumeConfiguration>({
    fileSystemArn: required(optionalString),
    rootDirectory: optionalString,
    transitEncryptionPort: integerBetween(0, MAX_PORT),
    accessPointArn: optionalString,
  }),
  fsxWindowsFileServerVolumeConfiguration: structOf<FSxWindowsFileServerVolumeConfiguration>({
    fileSystemId: required(optionalString),
    rootDirectory: required(optionalString),
    authorizationConfig: required(
      structOf<FSxWindowsFileServerAuthorizationConfig>({
        credentialsParameter: required(optionalString),
        domain: required(optionalString),
      }),
    ),
  }),
  configuredAtLaunch: optionalBoolean,
});

/** Reads the whole request into API types (phase 1). Member paths start at the top level. */
const readRegisterRequest = structOf<RegisterRequest>({
  family: optionalString,
  taskRoleArn: optionalString,
  executionRoleArn: optionalString,
  networkMode: enumOf(NETWORK_MODES),
  containerDefinitions: listOf(readContainerDefinition),
  volumes: listOf(readVolume),
  placementConstraints: listOf(
    structOf<TaskDefinitionPlacementConstraint>({
      type: required(enumOf(['memberOf'] as const)),
      expression: optionalString,
    }),
  ),
  requiresCompatibilities: listOf(enumOf(COMPATIBILITIES)),
  cpu: optionalString,
  memory: optionalString,
  pidMode: enumOf(PID_MODES),
  ipcMode: enumOf(IPC_MODES),
  proxyConfiguration: structOf<ProxyConfiguration>({
    type: enumOf(['APPMESH'] as const),
    containerName: required(optionalString),
    properties: listOf(readKeyValuePair),
  }),
  inferenceAccelerators: listOf(
    structOf<InferenceAccelerator>({
      deviceName: required(optionalString),
      deviceType: required(optionalString),
    }),
  ),
  ephemeralStorage: structOf<EphemeralStorage>({ sizeInGiB: required(optionalInteger) }),
  runtimePlatform: structOf<RuntimePlatform>({
    cpuArchitecture: enumOf(CPU_ARCHITECTURES),
    operatingSystemFamily: enumOf(OS_FAMILIES),
  }),
  enableFaultInjection: optionalBoolean,
});

// ---------------------------------------------------------------------------
// Task size: cpu and memory strings
// ---------------------------------------------------------------------------

const DECIMAL = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const CPU_UNITS_PATTERN = /^\d+$/;
const VCPU_PATTERN = new RegExp(String.raw`^${DECIMAL}\s*vcpu$`, 'i');
const MIB_PATTERN = new RegExp(String.raw`^${DECIMAL}\s*(?:mib|mb)$`, 'i');
const GIB_PATTERN = new RegExp(String.raw`^${DECIMAL}\s*(?:gib|gb)$`, 'i');

/** Converts `amount × factor` to an integer, or `undefined` when it is not a whole number. */
function wholeAmount(amount: string, factor: number): number | undefined {
  const result = Number(amount) * factor;
  return Number.isSafeInteger(result) ? result : undefined;
}

/**
 * Parses a task-level `cpu` string into CPU units (1 vCPU = 1024 units).
 * ECS accepts units (`"1024"`) or vCPUs (`"1 vCPU"`, `"0.25 vcpu"`, `".5 vCPU"`)
 * and stores units, so DescribeTaskDefinition always shows `"1024"`.
 * The range is not checked here: it depends on the launch type.
 *
 * @example
 * parseTaskCpu('1 vCPU'); // 1024
 * parseTaskCpu('256'); // 256
 * @throws ClientException when the text is neither form, or is not a whole number of units.
 */
function parseTaskCpu(text: string): number {
  const trimmed = text.trim();
  const vcpu = VCPU_PATTERN.exec(trimmed);
  const units = CPU_UNITS_PATTERN.test(trimmed)
    ? wholeAmount(trimmed, 1)
    : vcpu?.[1] !== undefined
      ? wholeAmount(vcpu[1], 1024)
      : undefined;
  if (units === undefined) {
    throw new ClientException(
      `Invalid 'cpu' setting for task. Expected CPU units (e.g. '1024') or vCPUs (e.g. '1 vCPU'), got '${text}'.`,
    );
  }
  return units;
}

/**
 * Parses a task-level `memory` string into MiB. ECS accepts MiB (`"2048"`) or
 * GB (`"2 GB"`, `"0.5GB"`; 1 GB = 1024 MiB) and stores MiB; Berth also accepts
 * explicit `MiB`/`MB` and `GiB` suffixes. The range is not checked here.
 *
 * @example
 * parseTaskMemory('2 GB'); // 2048
 * parseTaskMemory('512'); // 512
 * @throws ClientException when the text is neither form, or is not a whole number of MiB.
 */
function parseTaskMemory(text: string): number {
  const trimmed = text.trim();
  const mib = MIB_PATTERN.exec(trimmed);
  const gib = GIB_PATTERN.exec(trimmed);
  const megabytes = CPU_UNITS_PATTERN.test(trimmed)
    ? wholeAmount(trimmed, 1)
    : mib?.[1] !== undefined
      ? wholeAmount(mib[1], 1)
      : gib?.[1] !== undefined
        ? wholeAmount(gib[1], 1024)
        : undefined;
  if (megabytes === undefined) {
    throw new ClientException(
      `Invalid 'memory' setting for task. Expected MiB (e.g. '2048') or GB (e.g. '2 GB'), got '${text}'.`,
    );
  }
  return megabytes;
}

function checkTaskCpuRange(cpu: number): void {
  if (cpu < MIN_TASK_CPU || cpu > MAX_TASK_CPU) {
    throw new ClientException(
      `Invalid 'cpu' setting for task. The task 'cpu' must be between ${MIN_TASK_CPU} and ${MAX_TASK_CPU} CPU units, got ${cpu}.`,
    );
  }
}

function checkTaskMemoryRange(memory: number): void {
  if (memory < MIN_CONTAINER_MEMORY) {
    throw new ClientException(
      `Invalid 'memory' setting for task. The task 'memory' must be at least ${MIN_CONTAINER_MEMORY} MiB, got ${memory}.`,
    );
  }
}

// ---------------------------------------------------------------------------
// Fargate
// ---------------------------------------------------------------------------

const isWindows = (family: OSFamily | undefined): boolean => family?.startsWith('WINDOWS') ?? false;

/**
 * Whether Fargate offers a task of this size: the pair must be in
 * {@link FARGATE_CONFIGURATIONS}, and Windows tasks must have 1 to 4 vCPU
 * (Fargate runs Windows from 1 vCPU and only Linux at 8 and 16 vCPU).
 *
 * @example
 * isValidFargateSize(256, 512); // true
 * isValidFargateSize(1024, 1024); // false
 * isValidFargateSize(512, 1024, 'WINDOWS_SERVER_2022_CORE'); // false
 */
function isValidFargateSize(
  cpu: number,
  memory: number,
  operatingSystemFamily?: OSFamily,
): boolean {
  const memories = Object.hasOwn(FARGATE_CONFIGURATIONS, cpu)
    ? FARGATE_CONFIGURATIONS[cpu]
    : undefined;
  if (memories === undefined || !memories.includes(memory)) return false;
  if (isWindows(operatingSystemFamily)) {
    return cpu >= FARGATE_WINDOWS_CPU.min && cpu <= FARGATE_WINDOWS_CPU.max;
  }
  return true;
}

interface FargateFacts {
  networkMode: NetworkMode;
  cpu?: number;
  memory?: number;
  pidMode?: PidMode;
  ipcMode?: IpcMode;
  operatingSystemFamily?: OSFamily;
}

/**
 * The first reason this task definition cannot run on Fargate, in ECS's
 * words, or `undefined` when it can. One list serves two purposes: refusing
 * a definition that requires FARGATE, and deciding whether `compatibilities`
 * includes FARGATE.
 */
function fargateIncompatibility(facts: FargateFacts): string | undefined {
  const { cpu, memory } = facts;
  if (cpu === undefined) return "Fargate requires that 'cpu' be defined at the task level.";
  if (memory === undefined) return "Fargate requires that 'memory' be defined at the task level.";
  if (facts.networkMode !== 'awsvpc') return 'Fargate only supports network mode ‘awsvpc’.';
  if (!isValidFargateSize(cpu, memory, facts.operatingSystemFamily)) {
    return `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`;
  }
  if (facts.pidMode !== undefined && facts.pidMode !== 'task') {
    return `Tasks using the Fargate launch type do not support pidMode '${facts.pidMode}'. The supported value for pidMode is 'task'.`;
  }
  if (facts.ipcMode !== undefined) {
    return 'Tasks using the Fargate launch type do not support ipcMode.';
  }
  return undefined;
}

/** MANAGED_INSTANCES runs awsvpc, host and none tasks, not bridge ones. */
function managedInstancesIncompatibility(networkMode: NetworkMode): string | undefined {
  return networkMode === 'bridge'
    ? "Task definitions requiring MANAGED_INSTANCES must use network mode 'awsvpc', 'host' or 'none', not 'bridge'."
    : undefined;
}

/**
 * `compatibilities` as ECS computes it: EC2 and EXTERNAL always, FARGATE when
 * every Fargate rule holds, MANAGED_INSTANCES when it was asked for (and the
 * request is refused if anything it asked for is impossible).
 */
function resolveCompatibilities(
  requested: readonly Compatibility[] | undefined,
  facts: FargateFacts,
): Compatibility[] {
  const fargateProblem = fargateIncompatibility(facts);
  if (requested?.includes('FARGATE') && fargateProblem !== undefined) {
    throw new ClientException(fargateProblem);
  }
  const managedProblem = managedInstancesIncompatibility(facts.networkMode);
  if (requested?.includes('MANAGED_INSTANCES') && managedProblem !== undefined) {
    throw new ClientException(managedProblem);
  }
  const compatibilities: Compatibility[] = ['EC2', 'EXTERNAL'];
  if (fargateProblem === undefined) compatibilities.push('FARGATE');
  if (requested?.includes('MANAGED_INSTANCES')) compatibilities.push('MANAGED_INSTANCES');
  return compatibilities;
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

function checkFamily(family: string | undefined): string {
  if (family === undefined || family === '') throw new ClientException('Family can not be blank.');
  if (family.length > MAX_NAME_LENGTH) {
    throw new ClientException(
      `Family must be at most ${MAX_NAME_LENGTH} characters long, got ${family.length}.`,
    );
  }
  if (!NAME_PATTERN.test(family)) throw new ClientException('Family contains invalid characters.');
  return family;
}

/** Checks a container or volume name; `subject` is ECS's prefix (`Container.name`, `Volume.name`). */
function checkName(name: string | undefined, subject: string): string {
  if (name === undefined || name === '') {
    throw new ClientException(`${subject} should not be null or empty.`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new ClientException(
      `${subject} must be at most ${MAX_NAME_LENGTH} characters long, got ${name.length}.`,
    );
  }
  if (!NAME_PATTERN.test(name))
    throw new ClientException(`${subject} contains invalid characters.`);
  return name;
}

function checkUniqueNames(names: readonly string[], message: string): void {
  if (new Set(names).size !== names.length) throw new ClientException(message);
}

// ---------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------

function checkContainerList(
  containers: readonly ContainerDefinition[] | undefined,
): ContainerDefinition[] {
  if (containers === undefined || containers.length === 0) {
    throw new ClientException('Container list cannot be empty.');
  }
  if (containers.length > MAX_CONTAINERS) {
    throw new ClientException(
      `Too many containers. A task definition can have at most ${MAX_CONTAINERS} containers, got ${containers.length}.`,
    );
  }
  return [...containers];
}

function checkContainerIdentity(container: ContainerDefinition): void {
  checkName(container.name, 'Container.name');
  if (container.image === undefined || container.image.trim() === '') {
    throw new ClientException('Container.image should not be null or empty.');
  }
}

function checkContainerCpu(name: string, cpu: number | undefined): void {
  if (cpu !== undefined && (cpu < 0 || cpu > MAX_TASK_CPU)) {
    throw new ClientException(
      `Invalid 'cpu' setting for container '${name}'. It must be between 0 and ${MAX_TASK_CPU} CPU units, got ${cpu}.`,
    );
  }
}

function checkContainerMemory(container: ContainerDefinition, task: TaskContext): void {
  const { name, memory, memoryReservation } = container;
  if (memory === undefined && memoryReservation === undefined && task.memory === undefined) {
    throw new ClientException(
      `Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
    );
  }
  for (const [member, value] of [
    ['memory', memory],
    ['memoryReservation', memoryReservation],
  ] as const) {
    if (value !== undefined && value < MIN_CONTAINER_MEMORY) {
      throw new ClientException(
        `Invalid '${member}' setting for container '${name}'. It must be at least ${MIN_CONTAINER_MEMORY} MiB, got ${value}.`,
      );
    }
  }
  if (memory !== undefined && memoryReservation !== undefined && memory < memoryReservation) {
    throw new ClientException(
      `Invalid setting for container '${name}'. 'memory' (${memory} MiB) must be greater than or equal to 'memoryReservation' (${memoryReservation} MiB).`,
    );
  }
}

function checkHostname(container: ContainerDefinition, networkMode: NetworkMode): void {
  if (networkMode === 'awsvpc' && container.hostname !== undefined) {
    throw new ClientException('hostname is not supported on container when networkMode=awsvpc.');
  }
}

// ---------------------------------------------------------------------------
// Port mappings
// ---------------------------------------------------------------------------

const PORT_RANGE_PATTERN = /^(\d{1,5})-(\d{1,5})$/;

const isPort = (port: number): boolean => port >= 0 && port <= MAX_PORT;

function checkPortRange(containerName: string, range: string): void {
  const match = PORT_RANGE_PATTERN.exec(range);
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (match === null || from < 1 || to > MAX_PORT || from >= to) {
    throw new ClientException(
      `Invalid 'containerPortRange' setting for container '${containerName}'. Expected 'start-end' with 1 <= start < end <= ${MAX_PORT}, got '${range}'.`,
    );
  }
}

/**
 * Checks one mapping and applies ECS's defaults: protocol `tcp`, and in
 * awsvpc/host mode the host port *is* the container port, so it is filled in.
 */
function normalizePortMapping(
  mapping: PortMapping,
  containerName: string,
  networkMode: NetworkMode,
): PortMapping {
  const { containerPort, hostPort, containerPortRange } = mapping;
  if (containerPortRange !== undefined) {
    checkPortRange(containerName, containerPortRange);
  } else if (containerPort === undefined || !isPort(containerPort)) {
    throw new ClientException(`Invalid 'containerPort' setting for container '${containerName}'.`);
  }
  if (containerPort !== undefined && containerPortRange !== undefined) {
    throw new ClientException(
      `Invalid setting for container '${containerName}'. A port mapping can have 'containerPort' or 'containerPortRange', not both.`,
    );
  }
  if (hostPort !== undefined && !isPort(hostPort)) {
    throw new ClientException(`Invalid 'hostPort' setting for container '${containerName}'.`);
  }
  const sharesHostPorts = networkMode === 'awsvpc' || networkMode === 'host';
  if (sharesHostPorts && hostPort !== undefined && hostPort !== containerPort) {
    throw new ClientException(
      `When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`,
    );
  }
  return {
    ...mapping,
    ...(sharesHostPorts && containerPort !== undefined ? { hostPort: containerPort } : {}),
    protocol: mapping.protocol ?? 'tcp',
  };
}

function normalizePortMappings(
  container: ContainerDefinition,
  networkMode: NetworkMode,
): PortMapping[] {
  const name = container.name ?? '';
  const mappings = container.portMappings ?? [];
  if (networkMode === 'none' && mappings.length > 0) {
    throw new ClientException(
      `Invalid setting for container '${name}'. Port mappings are not supported when networkMode=none.`,
    );
  }
  const normalized = mappings.map((mapping) => normalizePortMapping(mapping, name, networkMode));
  checkContainerPortsUnique(name, normalized);
  return normalized;
}

/** ECS: "You can't expose the same container port for multiple protocols." */
function checkContainerPortsUnique(containerName: string, mappings: readonly PortMapping[]): void {
  const seen = new Set<number>();
  for (const { containerPort } of mappings) {
    if (containerPort === undefined) continue;
    if (seen.has(containerPort)) {
      throw new InvalidParameterException(
        `Container port ${containerPort} is used in more than one port mapping for container ${containerName}`,
      );
    }
    seen.add(containerPort);
  }
}

/** A fixed host port can be bound once per protocol per task; 0 and absent mean "dynamic". */
function checkHostPortsUnique(containers: readonly ContainerDefinition[]): void {
  const seen = new Set<string>();
  for (const container of containers) {
    for (const { hostPort, protocol = 'tcp' } of container.portMappings ?? []) {
      if (hostPort === undefined || hostPort === 0) continue;
      const key = `${protocol}/${hostPort}`;
      if (seen.has(key)) {
        throw new ClientException(
          `${protocol.toUpperCase()} host port '${hostPort}' is mapped multiple times in task.`,
        );
      }
      seen.add(key);
    }
  }
}

// ---------------------------------------------------------------------------
// Containers together
// ---------------------------------------------------------------------------

/** Applies the defaults AWS echoes for every container. */
function normalizeContainer(
  container: ContainerDefinition,
  task: TaskContext,
): ContainerDefinition {
  const name = container.name ?? '';
  checkContainerCpu(name, container.cpu);
  checkContainerMemory(container, task);
  checkHostname(container, task.networkMode);
  return {
    ...container,
    cpu: container.cpu ?? 0,
    essential: container.essential ?? true,
    portMappings: normalizePortMappings(container, task.networkMode),
    environment: container.environment ?? [],
    mountPoints: container.mountPoints ?? [],
    volumesFrom: container.volumesFrom ?? [],
  };
}

function checkEssentialContainer(containers: readonly ContainerDefinition[]): void {
  if (!containers.some((container) => container.essential !== false)) {
    throw new ClientException('A task definition must have at least one essential container.');
  }
}

function checkContainerCpuTotal(
  containers: readonly ContainerDefinition[],
  taskCpu?: number,
): void {
  if (taskCpu === undefined) return;
  const total = containers.reduce((sum, container) => sum + (container.cpu ?? 0), 0);
  if (total > taskCpu) {
    throw new ClientException(
      "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.",
    );
  }
}

/**
 * Containers must fit in the task's memory: first the soft reservations
 * (ECS's own message), then each container's hard limit, or its reservation
 * when it has no hard limit.
 */
function checkContainerMemoryTotal(
  containers: readonly ContainerDefinition[],
  taskMemory?: number,
): void {
  if (taskMemory === undefined) return;
  const reserved = containers.reduce((sum, c) => sum + (c.memoryReservation ?? 0), 0);
  if (reserved > taskMemory) {
    throw new ClientException(
      "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.",
    );
  }
  const limited = containers.reduce((sum, c) => sum + (c.memory ?? c.memoryReservation ?? 0), 0);
  if (limited > taskMemory) {
    throw new ClientException(
      "The sum of all container 'memory' values cannot be greater than the value of the task 'memory'.",
    );
  }
}

/** mountPoints, volumesFrom, dependsOn and the proxy must name things that exist in this definition. */
function checkReferences(
  containers: readonly ContainerDefinition[],
  volumes: readonly Volume[],
  proxy: ProxyConfiguration | undefined,
): void {
  const containerNames = new Set(containers.map((container) => container.name));
  const volumeNames = new Set(volumes.map((volume) => volume.name));
  const missing = (container: ContainerDefinition, member: string, what: string, name?: string) =>
    new ClientException(
      `Invalid '${member}' setting for container '${container.name}'. ${what} '${name ?? ''}' is not defined in the task definition.`,
    );
  for (const container of containers) {
    for (const { sourceVolume } of container.mountPoints ?? []) {
      if (!volumeNames.has(sourceVolume))
        throw missing(container, 'mountPoints', 'Volume', sourceVolume);
    }
    for (const { sourceContainer } of container.volumesFrom ?? []) {
      if (!containerNames.has(sourceContainer)) {
        throw missing(container, 'volumesFrom', 'Container', sourceContainer);
      }
    }
    for (const { containerName } of container.dependsOn ?? []) {
      if (!containerNames.has(containerName)) {
        throw missing(container, 'dependsOn', 'Container', containerName);
      }
    }
  }
  if (proxy !== undefined && !containerNames.has(proxy.containerName)) {
    throw new ClientException(
      `Invalid 'proxyConfiguration' setting. Container '${proxy.containerName}' is not defined in the task definition.`,
    );
  }
}

// ---------------------------------------------------------------------------
// Other task-level members
// ---------------------------------------------------------------------------

function checkVolumes(volumes: readonly Volume[]): void {
  const names = volumes.map((volume) => checkName(volume.name, 'Volume.name'));
  checkUniqueNames(names, 'Volume names must be unique within a Task Definition.');
}

function checkPlacementConstraints(
  constraints: readonly TaskDefinitionPlacementConstraint[],
): void {
  if (constraints.length > MAX_PLACEMENT_CONSTRAINTS) {
    throw new ClientException(
      `Too many placement constraints. A task definition can have at most ${MAX_PLACEMENT_CONSTRAINTS}, got ${constraints.length}.`,
    );
  }
  for (const { expression } of constraints) {
    if (expression === undefined || expression.trim() === '') {
      throw new ClientException(
        "A placement constraint of type 'memberOf' requires an expression.",
      );
    }
    if (expression.length > MAX_CONSTRAINT_EXPRESSION_LENGTH) {
      throw new ClientException(
        `Placement constraint expressions can be at most ${MAX_CONSTRAINT_EXPRESSION_LENGTH} characters long, got ${expression.length}.`,
      );
    }
  }
}

function checkEphemeralStorage(storage: EphemeralStorage | undefined): void {
  const size = storage?.sizeInGiB;
  if (
    size !== undefined &&
    (size < MIN_EPHEMERAL_STORAGE_GIB || size > MAX_EPHEMERAL_STORAGE_GIB)
  ) {
    throw new ClientException(
      `Invalid 'ephemeralStorage' setting. 'sizeInGiB' must be between ${MIN_EPHEMERAL_STORAGE_GIB} and ${MAX_EPHEMERAL_STORAGE_GIB}, got ${size}.`,
    );
  }
}

function checkRequestSize(body: JsonObject): void {
  const bytes = new TextEncoder().encode(JSON.stringify(body)).length;
  if (bytes > MAX_REQUEST_BYTES) {
    throw new ClientException(
      `The task definition is too large: ${bytes} bytes. The maximum size of a task definition is 64 KiB (${MAX_REQUEST_BYTES} bytes).`,
    );
  }
}

// ---------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------

/** Length in Unicode characters, as AWS counts tag lengths. */
const characterCount = (text: string): number => [...text].length;

function readTag(item: JsonObject, path: string): Tag & { key: string; value: string } {
  const key = optionalString(item.key, `${path}.key`);
  const value = optionalString(item.value, `${path}.value`) ?? '';
  if (key === undefined || characterCount(key) < 1 || characterCount(key) > MAX_TAG_KEY_LENGTH) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}.key: a tag key must be 1 to ${MAX_TAG_KEY_LENGTH} characters long.`,
    );
  }
  if (characterCount(value) > MAX_TAG_VALUE_LENGTH) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}.value: a tag value can be at most ${MAX_TAG_VALUE_LENGTH} characters long.`,
    );
  }
  if (!TAG_TEXT_PATTERN.test(key) || !TAG_TEXT_PATTERN.test(value)) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}: tag keys and values may contain only letters, digits, spaces and _ . : / = + - @.`,
    );
  }
  if (key.toLowerCase().startsWith(RESERVED_TAG_PREFIX)) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}.key: '${key}'. Tag keys beginning with '${RESERVED_TAG_PREFIX}' are reserved for AWS use.`,
    );
  }
  return { key, value };
}

/**
 * Reads and checks a `tags` member: at most 50 tags, keys of 1–128 and
 * values of 0–256 characters, unique keys, and no `aws:` prefix (reserved
 * for AWS in any letter case). Absent tags are an empty list; a missing
 * value is stored as `''`. Shared by RegisterTaskDefinition, TagResource
 * and every Create* that takes tags, so the rules cannot drift apart.
 *
 * @example
 * const tags = validateTags(body.tags, 'tags');
 * @throws InvalidParameterException on any violation, naming the member path.
 */
function validateTags(value: unknown, path: string): Tag[] {
  const items = optionalObjectList(value, path) ?? [];
  if (items.length > MAX_TAGS) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}: a resource can have at most ${MAX_TAGS} tags, got ${items.length}.`,
    );
  }
  const tags = items.map((item, index) => readTag(item, `${path}[${index}]`));
  const keys = new Set<string>();
  for (const { key } of tags) {
    if (keys.has(key)) {
      throw new InvalidParameterException(
        `Invalid value for parameter ${path}: duplicate tag key '${key}'.`,
      );
    }
    keys.add(key);
  }
  return tags;
}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

/** Parses and range-checks task-level cpu/memory; returns numbers for the rules and strings for the echo. */
function resolveTaskSize(request: RegisterRequest): { cpu?: number; memory?: number } {
  const cpu = request.cpu === undefined ? undefined : parseTaskCpu(request.cpu);
  const memory = request.memory === undefined ? undefined : parseTaskMemory(request.memory);
  if (cpu !== undefined) checkTaskCpuRange(cpu);
  if (memory !== undefined) checkTaskMemoryRange(memory);
  return { cpu, memory };
}

/**
 * Validates a RegisterTaskDefinition request body and returns the revision to
 * store (exactly what DescribeTaskDefinition will echo, with ECS's defaults:
 * `networkMode` `bridge`, empty `volumes` and `placementConstraints`, the
 * computed `compatibilities`, cpu/memory as number strings, and per container
 * `cpu` 0, `essential` true, empty `portMappings`/`environment`/`mountPoints`/
 * `volumesFrom`) plus the request's tags. Registration-time members (ARN,
 * revision, status, timestamps) are the caller's to add.
 *
 * Any JSON value in any member ends in either a result or an `EcsError`:
 * `InvalidParameterException` for a wrong type or a bad tag, `ClientException`
 * for a broken ECS rule.
 *
 * @example
 * const { definition, tags } = validateTaskDefinitionRequest({
 *   family: 'web',
 *   containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512 }],
 * });
 * definition.compatibilities; // ['EC2', 'EXTERNAL']
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 */
function validateTaskDefinitionRequest(body: JsonObject): ValidatedTaskDefinition {
  checkRequestSize(body);
  const request = readRegisterRequest(body, '') ?? {};
  const tags = validateTags(body.tags, 'tags');

  const family = checkFamily(request.family);
  const rawContainers = checkContainerList(request.containerDefinitions);
  for (const container of rawContainers) checkContainerIdentity(container);
  checkUniqueNames(
    rawContainers.map((container) => container.name ?? ''),
    'Container names must be unique within a Task Definition.',
  );
  checkEssentialContainer(rawContainers);

  const networkMode = request.networkMode ?? 'bridge';
  const { cpu, memory } = resolveTaskSize(request);
  const containers = rawContainers.map((container) =>
    normalizeContainer(container, { networkMode, cpu, memory }),
  );
  checkHostPortsUnique(containers);
  checkContainerCpuTotal(containers, cpu);
  checkContainerMemoryTotal(containers, memory);

  const volumes = request.volumes ?? [];
  checkVolumes(volumes);
  checkReferences(containers, volumes, request.proxyConfiguration);
  const placementConstraints = request.placementConstraints ?? [];
  checkPlacementConstraints(placementConstraints);
  checkEphemeralStorage(request.ephemeralStorage);

  const compatibilities = resolveCompatibilities(request.requiresCompatibilities, {
    networkMode,
    cpu,
    memory,
    pidMode: request.pidMode,
    ipcMode: request.ipcMode,
    operatingSystemFamily: request.runtimePlatform?.operatingSystemFamily,
  });

  const definition: TaskDefinitionContent = {
    family,
    ...request,
    networkMode,
    containerDefinitions: containers,
    volumes,
    placementConstraints,
    compatibilities,
    ...(cpu === undefined ? {} : { cpu: String(cpu) }),
    ...(memory === undefined ? {} : { memory: String(memory) }),
  };
  return { definition, tags };
}

// ---------------------------------------------------------------------------
// Reservations
// ---------------------------------------------------------------------------

/**
 * What one container takes from a container instance when placed: its `cpu`
 * (0 when unset) and its soft `memoryReservation` when set, else its hard
 * `memory` limit — ECS charges the reservation, because a container may burst
 * above it only into memory nobody reserved.
 *
 * @example
 * containerReservation({ cpu: 256, memory: 1024, memoryReservation: 512 }); // { cpu: 256, memory: 512 }
 */
function containerReservation(container: ContainerDefinition): Reservation {
  return {
    cpu: container.cpu ?? 0,
    memory: container.memoryReservation ?? container.memory ?? 0,
  };
}

/**
 * What a whole task takes from a container instance: the task-level `cpu` and
 * `memory` when the definition sets them (the task is then sized as a whole),
 * otherwise the sum over its containers, each dimension on its own.
 *
 * @example
 * taskReservation({ cpu: '1024', containerDefinitions: [{ cpu: 128, memory: 256 }] }); // { cpu: 1024, memory: 256 }
 */
function taskReservation(
  definition: Pick<TaskDefinition, 'cpu' | 'memory' | 'containerDefinitions'>,
): Reservation {
  const containers = (definition.containerDefinitions ?? []).map(containerReservation);
  const sum = (pick: (reservation: Reservation) => number): number =>
    containers.reduce((total, reservation) => total + pick(reservation), 0);
  return {
    cpu: definition.cpu === undefined ? sum((r) => r.cpu) : parseTaskCpu(definition.cpu),
    memory:
      definition.memory === undefined ? sum((r) => r.memory) : parseTaskMemory(definition.memory),
  };
}

export {
  containerReservation,
  FARGATE_CONFIGURATIONS,
  isValidFargateSize,
  MAX_TAGS,
  parseTaskCpu,
  parseTaskMemory,
  type Reservation,
  type TaskDefinitionContent,
  taskReservation,
  type ValidatedTaskDefinition,
  validateTags,
  validateTaskDefinitionRequest,
};
