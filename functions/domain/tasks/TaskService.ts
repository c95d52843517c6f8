import { createHash, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type {
  Attachment,
  ContainerOverride,
  Failure,
  NetworkBinding,
  Task,
  TaskDefinition,
  TaskOverride,
} from '@aws-sdk/client-ecs';
import {
  type ArnContext,
  clusterArn,
  clusterNameFrom,
  parseEcsArn,
  taskDefinitionArn,
} from '../arns';
import { requireActiveCluster } from '../clusters/requireActiveCluster';
import { instanceArn, instanceIdFrom } from '../containerInstances/ContainerInstanceService';
import {
  ClientException,
  ClusterNotFoundException,
  ConflictException,
  InvalidParameterException,
} from '../errors';
import {
  type ContainerInstanceRecord,
  type Page,
  type PageRequest,
  TASK_DEFINITION_STATUS,
  type TaskDefinitionRecord,
} from '../model';
import {
  candidateAddresses,
  gatewayOf,
  interfaceIdentity,
  privateDnsName,
  type Subnet,
  usableAddressCount,
} from '../network/subnets';
import { validateConstraints, validateStrategies } from '../placement/validation';
import type { AgentNotifier, AgentTask } from '../ports/AgentNotifier';
import { type CapacityProvisioner, CapacityUnavailableError } from '../ports/CapacityProvisioner';
import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import type { ContainerInstanceRepository } from '../ports/ContainerInstanceRepository';
import type { EcsEvent, EventPublisher } from '../ports/EventPublisher';
import type { InstanceReservation, TaskChange, TaskRepository } from '../ports/TaskRepository';
import type { WorkflowStarter } from '../ports/WorkflowStarter';
import { taskReservation, validateTags } from '../taskDefinitions/validation';
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
} from '../validation/shape';
import {
  type AwsvpcChoice,
  assignSubnets,
  DEFAULT_EPHEMERAL_STORAGE_GIB,
  type LaunchTarget,
  readAwsvpcConfiguration,
  resolveLaunchTarget,
} from './launchTarget';
import {
  statusRank,
  type TaskContainerRecord,
  type TaskNetworkInterface,
  type TaskRecord,
  type TaskStatus,
  type TaskWait,
  visibleState,
} from './model';

/**
 * Tasks: RunTask/StartTask place and reserve, the lifecycle workflow drives
 * each task, agents report, StopTask stops. Every change goes through
 * `#transition`, which writes conditionally on the task's version, so reports,
 * stops and workflow steps can interleave in any order.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
 */

/** What placement is asked, and what it answers (the placement engine behind it). */
interface PlacementAsk {
  readonly count: number;
  readonly cpu: number;
  readonly memory: number;
  readonly ports: string[];
  readonly group: string;
  readonly constraints: { type: string; expression?: string | undefined }[];
  readonly strategies: { type: string; field?: string | undefined }[];
}
type Placer = (
  instances: readonly ContainerInstanceRecord[],
  ask: PlacementAsk,
) => { placements: { instanceId: string }[]; failures: { instanceId?: string; reason: string }[] };

interface TaskServiceDependencies {
  readonly clusters: ClusterRepository;
  readonly instances: ContainerInstanceRepository;
  readonly tasks: TaskRepository;
  readonly resolveTaskDefinition: (reference: string) => Promise<TaskDefinitionRecord>;
  readonly place: Placer;
  readonly agents: AgentNotifier;
  readonly events: EventPublisher;
  /** The `ECS Container Instance State Change` events of instances as they now stand (none for hidden ones). */
  readonly instanceChangeEvents: (instances: readonly ContainerInstanceRecord[]) => EcsEvent[];
  /** A push found the agent's socket gone: the instance is disconnected (and says so). */
  readonly agentLost: (
    connectionId: string,
    owner: { cluster: string; id: string },
  ) => Promise<void>;
  readonly workflows: WorkflowStarter;
  /** Brings up and takes down FARGATE tasks' own hosts. */
  readonly capacity: CapacityProvisioner;
  /** The subnets awsvpc tasks take addresses from. */
  readonly subnets: readonly Subnet[];
  readonly clock: Clock;
  readonly arns: ArnContext;
  readonly settings: {
    /** A task that has not reached RUNNING this long after creation fails to start. */
    readonly startTimeoutSeconds: number;
    /** Kept describable this long after STOPPED (ECS: at least an hour). */
    readonly stoppedRetentionSeconds: number;
  };
}

/** RunTask/StartTask after reading: what to launch, where, and how. */
interface LaunchRequest {
  readonly cluster: string;
  readonly record: TaskDefinitionRecord;
  readonly definition: TaskDefinition;
  readonly overrides: TaskOverride;
  readonly group: string;
  readonly startedBy: string | undefined;
  readonly target: LaunchTarget;
  /** awsvpc tasks: the subnets their network interfaces may use. */
  readonly awsvpc: AwsvpcChoice | undefined;
  readonly tags: TaskRecord['tags'];
}

const MAX_COUNT = 10;
/** Addresses tried from a task's own starting point before looking at what the subnet holds. */
const ADDRESS_PROBES = 8;
const PLACEMENT_ATTEMPTS = 5;
const TRANSITION_ATTEMPTS = 10;
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/** Report statuses the agent APIs accept, and what each means for a task. */
const REPORTABLE = ['PENDING', 'RUNNING', 'STOPPED'] as const;

const taskArn = (arns: ArnContext, cluster: string, id: string) =>
  `arn:aws:ecs:${arns.region}:${arns.accountId}:task/${cluster}/${id}`;

const taskIdFrom = (reference: string): string => {
  if (!reference.startsWith('arn:')) return reference;
  const arn = parseEcsArn(reference);
  if (arn?.resourceType !== 'task')
    throw new InvalidParameterException(`Invalid task ARN: ${reference}`);
  return arn.resourceId.split('/').at(-1) ?? '';
};

const newId = () => randomUUID().replaceAll('-', '');

/** A FARGATE task's own host has an id derived from the task's, so a retried step finds it. */
const managedInstanceId = (taskId: string): string =>
  createHash('sha256').update(`managed-host/${taskId}`).digest('hex').slice(0, 32);

/** The host ports a task definition binds (`tcp:80`); 0 or absent host ports are dynamic and bind nothing fixed. */
const hostPortsOf = (definition: TaskDefinition): string[] =>
  (definition.containerDefinitions ?? []).flatMap((container) =>
    (container.portMappings ?? []).flatMap((mapping) => {
      const port =
        mapping.hostPort ??
        (definition.networkMode === 'host' || definition.networkMode === 'awsvpc'
          ? mapping.containerPort
          : undefined);
      return port === undefined || port === 0 ? [] : [`${mapping.protocol ?? 'tcp'}:${port}`];
    }),
  );

const readOverrides = (value: unknown): TaskOverride => {
  const overrides = optionalObject(value, 'overrides') ?? {};
  const containerOverrides = (
    optionalObjectList(overrides.containerOverrides, 'overrides.containerOverrides') ?? []
  ).map((item, index): ContainerOverride => {
    const path = `overrides.containerOverrides[${index}]`;
    return {
      name: optionalString(item.name, `${path}.name`),
      command: optionalStringList(item.command, `${path}.command`),
      environment: (optionalObjectList(item.environment, `${path}.environment`) ?? []).map(
        (pair, i) => ({
          name: optionalString(pair.name, `${path}.environment[${i}].name`),
          value: optionalString(pair.value, `${path}.environment[${i}].value`),
        }),
      ),
      cpu: optionalInteger(item.cpu, `${path}.cpu`),
      memory: optionalInteger(item.memory, `${path}.memory`),
      memoryReservation: optionalInteger(item.memoryReservation, `${path}.memoryReservation`),
    };
  });
  return {
    containerOverrides,
    ...(overrides.cpu !== undefined ? { cpu: optionalString(overrides.cpu, 'overrides.cpu') } : {}),
    ...(overrides.memory !== undefined
      ? { memory: optionalString(overrides.memory, 'overrides.memory') }
      : {}),
    ...(overrides.taskRoleArn !== undefined
      ? { taskRoleArn: optionalString(overrides.taskRoleArn, 'overrides.taskRoleArn') }
      : {}),
  };
};

/** A task's network interface as ECS shows it: an `ElasticNetworkInterface` attachment. */
const attachmentOf = (nic: TaskNetworkInterface): Attachment => ({
  id: nic.attachmentId,
  type: 'ElasticNetworkInterface',
  status: nic.status,
  details: [
    { name: 'subnetId', value: nic.subnetId },
    ...(nic.networkInterfaceId === undefined
      ? []
      : [
          { name: 'networkInterfaceId', value: nic.networkInterfaceId },
          { name: 'macAddress', value: nic.macAddress ?? '' },
          { name: 'privateDnsName', value: nic.privateDnsName ?? '' },
          { name: 'privateIPv4Address', value: nic.privateIPv4Address ?? '' },
        ]),
  ],
});

/** `networkBindings` of an agent report: what Docker bound, host ports included. */
const readNetworkBindings = (value: unknown, path: string): NetworkBinding[] | undefined =>
  optionalObjectList(value, path)?.map((item, index) => ({
    bindIP: optionalString(item.bindIP, `${path}[${index}].bindIP`),
    containerPort: optionalInteger(item.containerPort, `${path}[${index}].containerPort`),
    hostPort: optionalInteger(item.hostPort, `${path}[${index}].hostPort`),
    protocol: optionalEnum(item.protocol, `${path}[${index}].protocol`, ['tcp', 'udp'] as const),
  }));

/** The containers of a new task: the definition's, with overrides applied. */
const buildContainers = (
  definition: TaskDefinition,
  overrides: TaskOverride,
): TaskContainerRecord[] => {
  const byName = new Map((overrides.containerOverrides ?? []).map((o) => [o.name, o]));
  for (const name of byName.keys()) {
    if (!(definition.containerDefinitions ?? []).some((c) => c.name === name)) {
      throw new InvalidParameterException(
        `Override for container named ${name} is not a container in the TaskDefinition.`,
      );
    }
  }
  return (definition.containerDefinitions ?? []).map((container) => {
    const override = byName.get(container.name);
    const environment = new Map(
      [...(container.environment ?? []), ...(override?.environment ?? [])].map((pair) => [
        pair.name,
        pair,
      ]),
    );
    return {
      name: container.name ?? '',
      id: newId(),
      image: container.image ?? '',
      lastStatus: 'PENDING' as TaskStatus,
      essential: container.essential ?? true,
      cpu: override?.cpu ?? container.cpu ?? 0,
      memory: override?.memory ?? container.memory,
      memoryReservation: override?.memoryReservation ?? container.memoryReservation,
      command:
        override?.command && override.command.length > 0 ? override.command : container.command,
      entryPoint: container.entryPoint,
      environment: [...environment.values()],
      workingDirectory: container.workingDirectory,
      stopTimeout: container.stopTimeout,
      portMappings: container.portMappings ?? [],
      user: container.user,
      dockerLabels: container.dockerLabels,
    };
  });
};

class TaskService {
  readonly #deps: TaskServiceDependencies;

  constructor(deps: TaskServiceDependencies) {
    this.#deps = deps;
  }

  /** RunTask: places `count` tasks on the cluster's instances. */
  async run(body: Record<string, unknown>): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const request = await this.#readLaunch(body, 'RunTask');
    const count = optionalInteger(body.count, 'count') ?? 1;
    if (count < 1 || count > MAX_COUNT) {
      throw new InvalidParameterException(`count must be between 1 and ${MAX_COUNT}.`);
    }
    const clientToken = optionalString(body.clientToken, 'clientToken');
    if (clientToken !== undefined && (clientToken.length < 1 || clientToken.length > 64)) {
      throw new InvalidParameterException('clientToken must be 1 to 64 characters.');
    }
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (clientToken !== undefined) {
      const previous = await this.#replay(request.cluster, clientToken, fingerprint);
      if (previous) return previous;
    }
    // ECS's limits (5 strategies; 10 constraints counting the task definition's) and fields.
    const strategies = validateStrategies(
      (optionalObjectList(body.placementStrategy, 'placementStrategy') ?? []).map(
        (item, index) => ({
          type: optionalString(item.type, `placementStrategy[${index}].type`),
          field: optionalString(item.field, `placementStrategy[${index}].field`),
        }),
      ),
      'placementStrategy',
    );
    const constraints = validateConstraints(
      (optionalObjectList(body.placementConstraints, 'placementConstraints') ?? []).map(
        (item, index) => ({
          type: optionalString(item.type, `placementConstraints[${index}].type`),
          expression: optionalString(item.expression, `placementConstraints[${index}].expression`),
        }),
      ),
      request.definition.placementConstraints,
      'placementConstraints',
    );
    return this.#placeAndCreate(request, {
      count,
      constraints,
      strategies,
      clientToken: clientToken === undefined ? undefined : { token: clientToken, fingerprint },
    });
  }

  /** StartTask: one task on each named instance, no strategies. */
  async start(body: Record<string, unknown>): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const request = await this.#readLaunch(body, 'StartTask');
    const references = optionalStringList(body.containerInstances, 'containerInstances') ?? [];
    if (references.length === 0) {
      throw new InvalidParameterException('containerInstances can not be blank.');
    }
    if (references.length > 10) {
      throw new InvalidParameterException('containerInstances can have at most 10 items.');
    }
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    for (const reference of references) {
      const id = instanceIdFrom(reference);
      const instance = await this.#deps.instances.get(request.cluster, id);
      if (!instance || instance.status === 'INACTIVE') {
        failures.push({
          arn: instanceArn(this.#deps.arns, request.cluster, id),
          reason: instance ? 'INACTIVE' : 'MISSING',
        });
        continue;
      }
      const result = await this.#placeAndCreate(request, {
        count: 1,
        constraints: [],
        strategies: [],
        only: instance.id,
      });
      tasks.push(...result.tasks);
      failures.push(...result.failures);
    }
    return { tasks, failures };
  }

  /** StopTask: the task is wanted STOPPED; the agent stops it and the workflow settles it. */
  async stop(body: Record<string, unknown>): Promise<Task> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const reference = optionalString(body.task, 'task');
    if (reference === undefined) throw new InvalidParameterException('task can not be blank.');
    const reason = optionalString(body.reason, 'reason') ?? 'Task stopped by user';
    const now = this.#deps.clock.now();
    const task = await this.#transition(cluster, taskIdFrom(reference), (current) => {
      if (current.desiredStatus === 'STOPPED') return undefined;
      const running = statusRank(current.lastStatus) >= statusRank('RUNNING');
      return {
        ...current,
        desiredStatus: 'STOPPED',
        ...(running && statusRank(current.lastStatus) < statusRank('STOPPING')
          ? { lastStatus: 'STOPPING' as TaskStatus, stoppingAt: now }
          : {}),
        stopCode: current.stopCode ?? 'UserInitiated',
        stoppedReason: current.stoppedReason ?? reason,
        // StopTask deletes the task's tags, as ECS does.
        tags: [],
      };
    });
    if (!task) throw new InvalidParameterException('The referenced task was not found.');
    await this.#notifyAgent(task);
    await this.#resumeIfWaiting(task, ['run'], 'STOP_REQUESTED');
    return this.toTask(task, false);
  }

  async describe(body: Record<string, unknown>): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const references = optionalStringList(body.tasks, 'tasks') ?? [];
    if (references.length === 0) throw new InvalidParameterException('Tasks cannot be empty.');
    if (references.length > 100) {
      throw new InvalidParameterException('tasks can have at most 100 items.');
    }
    const include = optionalStringList(body.include, 'include') ?? [];
    const wanted = references.map((reference) => ({ reference, id: taskIdFrom(reference) }));
    const found = await this.#deps.tasks.getMany(cluster, [...new Set(wanted.map((w) => w.id))]);
    const byId = new Map(found.map((task) => [task.id, task]));
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    for (const { reference, id } of wanted) {
      const task = byId.get(id);
      if (task) tasks.push(this.toTask(task, include.includes('TAGS')));
      else {
        failures.push({
          arn: reference.startsWith('arn:') ? reference : taskArn(this.#deps.arns, cluster, id),
          reason: 'MISSING',
        });
      }
    }
    return { tasks, failures };
  }

  async list(body: Record<string, unknown>, page: PageRequest): Promise<Page<string>> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const startedBy = optionalString(body.startedBy, 'startedBy');
    const family = optionalString(body.family, 'family');
    const instance = optionalString(body.containerInstance, 'containerInstance');
    const serviceName = optionalString(body.serviceName, 'serviceName');
    const desiredStatus =
      optionalEnum(body.desiredStatus, 'desiredStatus', [
        'RUNNING',
        'PENDING',
        'STOPPED',
      ] as const) ?? 'RUNNING';
    optionalEnum(body.launchType, 'launchType', [
      'EC2',
      'FARGATE',
      'EXTERNAL',
      'MANAGED_INSTANCES',
    ] as const);
    if (startedBy !== undefined && (family ?? instance ?? serviceName) !== undefined) {
      throw new InvalidParameterException(
        'startedBy cannot be combined with family, containerInstance or serviceName.',
      );
    }
    // ECS never sets desiredStatus PENDING, so asking for it finds nothing.
    if (desiredStatus === 'PENDING' || serviceName !== undefined) return { items: [] };
    const result = await this.#deps.tasks.list(cluster, {
      ...page,
      desiredStatus,
      family,
      startedBy,
      containerInstanceId: instance === undefined ? undefined : instanceIdFrom(instance),
    });
    return { ...result, items: result.items.map((id) => taskArn(this.#deps.arns, cluster, id)) };
  }

  /**
   * SubmitTaskStateChange: the agent says a task is RUNNING or STOPPED.
   * Idempotent and ordered: a report that would move the task backwards is
   * acknowledged and ignored.
   */
  async submitTaskStateChange(body: Record<string, unknown>): Promise<void> {
    const clusterReference = optionalString(body.cluster, 'cluster');
    // The task's own read finds the cluster: it is read only to say which one is missing.
    const cluster = clusterNameFrom(clusterReference);
    const reference = optionalString(body.task, 'task');
    if (reference === undefined) throw new InvalidParameterException('task can not be blank.');
    const status = optionalEnum(body.status, 'status', REPORTABLE);
    const reason = optionalString(body.reason, 'reason');
    const reports = (optionalObjectList(body.containers, 'containers') ?? []).map(
      (item, index) => ({
        containerName: optionalString(item.containerName, `containers[${index}].containerName`),
        runtimeId: optionalString(item.runtimeId, `containers[${index}].runtimeId`),
        status: optionalString(item.status, `containers[${index}].status`),
        exitCode: optionalInteger(item.exitCode, `containers[${index}].exitCode`),
        reason: optionalString(item.reason, `containers[${index}].reason`),
        networkBindings: readNetworkBindings(
          item.networkBindings,
          `containers[${index}].networkBindings`,
        ),
      }),
    );
    const at = (member: unknown, path: string) => {
      const value = member instanceof Date ? member.getTime() / 1000 : member;
      const seconds = typeof value === 'number' ? value : undefined;
      if (value !== undefined && value !== null && seconds === undefined) {
        throw new InvalidParameterException(`${path} must be a timestamp.`);
      }
      return seconds === undefined ? undefined : Math.round(seconds * 1000);
    };
    const pullStartedAt = at(body.pullStartedAt, 'pullStartedAt');
    const pullStoppedAt = at(body.pullStoppedAt, 'pullStoppedAt');
    const executionStoppedAt = at(body.executionStoppedAt, 'executionStoppedAt');
    const now = this.#deps.clock.now();
    const task = await this.#transition(cluster, taskIdFrom(reference), (current) => {
      const containers = current.containers.map((container) => {
        const report = reports.find((r) => r.containerName === container.name);
        if (!report) return container;
        const reported = (report.status ?? container.lastStatus) as TaskStatus;
        return statusRank(reported) < statusRank(container.lastStatus)
          ? container
          : {
              ...container,
              lastStatus: reported,
              runtimeId: report.runtimeId ?? container.runtimeId,
              exitCode: report.exitCode ?? container.exitCode,
              reason: report.reason ?? container.reason,
              networkBindings: report.networkBindings ?? container.networkBindings,
            };
      });
      if (status === 'RUNNING' && statusRank(current.lastStatus) < statusRank('RUNNING')) {
        return {
          ...current,
          lastStatus: 'RUNNING',
          startedAt: now,
          // A report can name a task still PROVISIONING (the agent API is open to
          // any caller); RUNNING implies it was handed over, so say when.
          connectivityAt: current.connectivityAt ?? now,
          pullStartedAt: pullStartedAt ?? current.pullStartedAt,
          pullStoppedAt: pullStoppedAt ?? current.pullStoppedAt,
          containers,
        };
      }
      if (status === 'STOPPED' && statusRank(current.lastStatus) < statusRank('DEPROVISIONING')) {
        const essentialExit = containers.some(
          (container) => container.essential && container.lastStatus === 'STOPPED',
        );
        return {
          ...current,
          lastStatus: 'DEPROVISIONING',
          desiredStatus: 'STOPPED',
          stoppingAt: current.stoppingAt ?? now,
          executionStoppedAt: executionStoppedAt ?? now,
          containers: containers.map((container) => ({ ...container, lastStatus: 'STOPPED' })),
          // A task that never ran failed to start (a pull or start error), whatever exited.
          stopCode:
            current.stopCode ??
            (essentialExit && statusRank(current.lastStatus) >= statusRank('RUNNING')
              ? 'EssentialContainerExited'
              : 'TaskFailedToStart'),
          stoppedReason: current.stoppedReason ?? reason ?? 'Essential container in task exited',
        };
      }
      const changed = containers.some(
        (container, index) => container !== current.containers[index],
      );
      return changed ? { ...current, containers } : undefined;
    });
    if (!task) {
      await this.#requireCluster(clusterReference);
      throw new InvalidParameterException('The referenced task was not found.');
    }
    // No liveness write here: the agent's WebSocket heartbeat keeps it connected.
    // RUNNING resumes nothing: the workflow waits from the hand-over until a stop.
    if (task.lastStatus === 'DEPROVISIONING') {
      await this.#resumeIfWaiting(task, ['run', 'stop'], 'STOPPED');
    }
  }

  /** SubmitContainerStateChange: one container's news, folded into the task. */
  submitContainerStateChange(body: Record<string, unknown>): Promise<void> {
    const containerName = optionalString(body.containerName, 'containerName');
    if (containerName === undefined) {
      throw new InvalidParameterException('containerName can not be blank.');
    }
    return this.submitTaskStateChange({
      cluster: body.cluster,
      task: body.task,
      containers: [
        {
          containerName,
          runtimeId: body.runtimeId,
          status: body.status,
          exitCode: body.exitCode,
          reason: body.reason,
          networkBindings: body.networkBindings,
        },
      ],
    });
  }

  // ── Lifecycle workflow steps (statemachines/task-lifecycle.asl.json) ──────────

  /**
   * PROVISIONING → PENDING and the task goes to its agent, with the workflow's
   * token parked on the task in the same write: the workflow then waits, with
   * no step of its own on the way to RUNNING, until a stop is asked for
   * (STOP_REQUESTED) or the task stops (STOPPED). Run again (a retried step),
   * it parks the new token and tells the agent again.
   */
  async provision(cluster: string, id: string, token: string): Promise<void> {
    let immediate: string | undefined;
    // Set by the attempt that wins: only the call that handed the task over announces it.
    let handedOver = false;
    const task = await this.#transition(
      cluster,
      id,
      (current) => {
        immediate = this.#phaseOutcome(current, 'run');
        if (immediate !== undefined) return undefined;
        const wait = { phase: 'run' as const, token };
        handedOver = current.lastStatus === 'PROVISIONING';
        return handedOver
          ? {
              ...current,
              lastStatus: 'PENDING',
              connectivityAt: this.#deps.clock.now(),
              ...(current.networkInterface
                ? { networkInterface: { ...current.networkInterface, status: 'ATTACHED' as const } }
                : {}),
              wait,
            }
          : { ...current, wait };
      },
      { publish: false },
    );
    if (!task || immediate !== undefined) {
      await this.#deps.workflows.resume(token, { status: immediate ?? 'STOPPED' });
      return;
    }
    const instance = await this.#instanceOf(task);
    // The news of the instance whose room the task took goes with PENDING, once
    // (a retried step only parks its new token and tells the agent again).
    if (handedOver) await this.#publishWithInstance(task, instance);
    await this.#notifyAgent(task, instance);
  }

  /**
   * awsvpc, while PROVISIONING: gives the task's network interface an address
   * of its subnet. The address is taken and recorded on the task in one
   * transaction, so two tasks never share one and a crash leaks none; a
   * retried step finds the address it took before. A full subnet fails the
   * task to start, as ECS does.
   */
  async provisionNetwork(cluster: string, id: string): Promise<{ status: TaskStatus }> {
    const task = await this.#deps.tasks.get(cluster, id);
    if (!task || statusRank(task.lastStatus) >= statusRank('DEPROVISIONING')) {
      return { status: 'STOPPED' };
    }
    const nic = task.networkInterface;
    if (!nic || nic.privateIPv4Address !== undefined) return { status: task.lastStatus };
    const subnet = this.#subnetOf(task);
    const owner = `${cluster}/${id}`;
    let latest: TaskRecord | undefined = task;
    const tryAddresses = async (addresses: readonly string[]) => {
      for (const address of addresses) {
        let outcome: 'attached' | 'address-taken' | 'task-changed' = 'task-changed';
        const identity = interfaceIdentity(owner);
        const updated = await this.#transition(
          cluster,
          id,
          (current) =>
            current.networkInterface && current.networkInterface.privateIPv4Address === undefined
              ? {
                  ...current,
                  networkInterface: {
                    ...current.networkInterface,
                    networkInterfaceId: identity.networkInterfaceId,
                    macAddress: identity.macAddress,
                    privateIPv4Address: address,
                    privateDnsName: privateDnsName(address, this.#deps.arns.region),
                  },
                }
              : undefined,
          {
            ...(latest ? { read: latest } : {}),
            write: async (change) => {
              outcome = await this.#deps.tasks.attachAddress(change, {
                subnetId: nic.subnetId,
                address,
                owner,
              });
              // Taken by another task: not a lost race on the task, so stop retrying this one.
              return outcome !== 'task-changed';
            },
          },
        );
        if ((outcome as string) !== 'address-taken') return updated;
        // Taken by another task: the next address starts from the task as it now stands.
        latest = undefined;
      }
      return 'full' as const;
    };
    if (subnet) {
      let result = await tryAddresses(candidateAddresses(subnet, owner, ADDRESS_PROBES));
      if (result === 'full' && usableAddressCount(subnet) > ADDRESS_PROBES) {
        // Crowded: look at what the subnet holds and try what is left.
        const held = new Set(await this.#deps.tasks.heldAddresses(subnet.subnetId));
        const free = candidateAddresses(subnet, owner, usableAddressCount(subnet)).filter(
          (address) => !held.has(address),
        );
        result = await tryAddresses(free.slice(0, ADDRESS_PROBES));
      }
      if (result !== 'full') {
        return { status: result?.lastStatus ?? 'STOPPED' };
      }
    }
    await this.failStart(
      cluster,
      id,
      subnet
        ? `ResourceInitializationError: unable to assign an address to the task's network interface: there are not enough free addresses in subnet '${nic.subnetId}' (InsufficientFreeAddressesInSubnet)`
        : `ResourceInitializationError: the subnet '${nic.subnetId}' is no longer configured`,
    );
    return { status: 'STOPPED' };
  }

  /**
   * FARGATE, while PROVISIONING: the task's own host. A hidden container
   * instance sized exactly to the task (and already holding its reservation)
   * is created and the task put on it in one transaction; then the capacity
   * provisioner brings up its agent. Both are idempotent, so a retried step
   * carries on where the last one stopped.
   */
  async provisionCapacity(cluster: string, id: string): Promise<{ status: TaskStatus }> {
    const now = this.#deps.clock.now();
    const task = await this.#transition(
      cluster,
      id,
      (current) =>
        current.containerInstanceId !== undefined ||
        statusRank(current.lastStatus) >= statusRank('DEPROVISIONING')
          ? undefined
          : {
              ...current,
              containerInstanceId: managedInstanceId(current.id),
              reservationHeld: true,
            },
      {
        write: (change) =>
          this.#deps.tasks.bindManagedInstance(change, this.#managedInstance(change.task, now)),
      },
    );
    if (!task || statusRank(task.lastStatus) >= statusRank('DEPROVISIONING')) {
      return { status: 'STOPPED' };
    }
    const record = this.#managedInstance(task, now);
    try {
      await this.#deps.capacity.provision({
        cluster,
        containerInstanceArn: instanceArn(this.#deps.arns, cluster, record.id),
        instanceId: record.id,
        cpu: record.totalCpu,
        memory: record.totalMemory,
        attributes: record.attributes,
      });
    } catch (error) {
      if (!(error instanceof CapacityUnavailableError)) throw error;
      await this.failStart(cluster, id, error.message);
      return { status: 'STOPPED' };
    }
    return { status: task.lastStatus };
  }

  /** The hidden container instance that is a FARGATE task's own host. */
  #managedInstance(task: TaskRecord, now: number): ContainerInstanceRecord {
    const subnet = this.#subnetOf(task);
    return {
      cluster: task.cluster,
      id: managedInstanceId(task.id),
      status: 'ACTIVE',
      registeredAt: now,
      // Sized exactly to its task, whose room it holds from the start.
      totalCpu: task.reservation.cpu,
      totalMemory: task.reservation.memory,
      hostPorts: [],
      remainingCpu: 0,
      remainingMemory: 0,
      usedPorts: [],
      taskGroups: { [task.group]: 1 },
      runningTasksCount: 0,
      pendingTasksCount: 1,
      attributes: {
        'ecs.availability-zone': task.availabilityZone ?? null,
        'ecs.os-type': 'linux',
        'ecs.instance-type': 'fargate',
        ...(subnet ? { 'ecs.subnet-id': subnet.subnetId } : {}),
      },
      versionInfo: {},
      tags: [],
      lastSeenAt: now,
      managedFor: task.id,
      version: 1,
    };
  }

  /**
   * DEPROVISIONING: the task's address goes back to its subnet (only if the
   * task still holds it), and its interface is DELETED.
   */
  async releaseNetwork(cluster: string, id: string): Promise<void> {
    const task = await this.#deps.tasks.get(cluster, id);
    const nic = task?.networkInterface;
    if (!task || !nic || nic.status === 'DELETED') return;
    if (nic.privateIPv4Address !== undefined) {
      await this.#deps.tasks.releaseAddress({
        subnetId: nic.subnetId,
        address: nic.privateIPv4Address,
        owner: `${cluster}/${id}`,
      });
    }
    await this.#transition(
      cluster,
      id,
      (current) =>
        current.networkInterface && current.networkInterface.status !== 'DELETED'
          ? { ...current, networkInterface: { ...current.networkInterface, status: 'DELETED' } }
          : undefined,
      { read: task },
    );
  }

  /**
   * After STOPPED: a FARGATE task's host is taken down (its agent stopped,
   * with whatever it still ran) and its hidden instance removed.
   */
  async releaseCapacity(cluster: string, id: string): Promise<void> {
    const task = await this.#deps.tasks.get(cluster, id);
    if (task?.launchType !== 'FARGATE' || task.containerInstanceId === undefined) return;
    await this.#deps.capacity.release(cluster, task.containerInstanceId);
    await this.#deps.instances.deleteManaged(cluster, task.containerInstanceId);
  }

  /**
   * Parks a workflow step on the task: stores its token, or resumes it at once
   * when what it waits for has already happened (a report can beat the step).
   */
  async awaitPhase(cluster: string, id: string, phase: 'stop', token: string): Promise<void> {
    let immediate: string | undefined;
    const task = await this.#transition(cluster, id, (current) => {
      immediate = this.#phaseOutcome(current, phase);
      return immediate === undefined ? { ...current, wait: { phase, token } } : undefined;
    });
    if (!task) immediate = 'STOPPED';
    if (immediate !== undefined) await this.#deps.workflows.resume(token, { status: immediate });
  }

  /**
   * The start deadline passed: the task fails with TaskFailedToStart, its
   * agent is told to drop it, and a workflow step waiting on it moves on.
   */
  async failStart(cluster: string, id: string, reason = 'Task failed to start'): Promise<void> {
    await this.#settleWithoutAgent(
      cluster,
      id,
      (current, now) => ({
        stoppingAt: current.stoppingAt ?? now,
        stopCode: 'TaskFailedToStart',
        stoppedReason: current.stoppedReason ?? reason,
      }),
      { tellAgent: true },
    );
  }

  /** The agent never confirmed the stop in time: the task is settled without it. */
  async forceStop(cluster: string, id: string): Promise<void> {
    await this.#settleWithoutAgent(cluster, id, (current, now) => ({
      executionStoppedAt: now,
      stoppedReason:
        current.stoppedReason ?? 'Task stopped: the agent did not confirm the stop in time',
    }));
  }

  /**
   * Moves a task that is not yet deprovisioning to DEPROVISIONING (wanted
   * STOPPED) with `fields`, tells its agent when asked, and resumes the
   * workflow step waiting on it.
   */
  async #settleWithoutAgent(
    cluster: string,
    id: string,
    fields: (current: TaskRecord, now: number) => Partial<TaskRecord>,
    options: { tellAgent: boolean } = { tellAgent: false },
  ): Promise<void> {
    const now = this.#deps.clock.now();
    let waiting: TaskRecord['wait'];
    const task = await this.#transition(cluster, id, (current) => {
      waiting = current.wait;
      return statusRank(current.lastStatus) >= statusRank('DEPROVISIONING')
        ? undefined
        : {
            ...current,
            lastStatus: 'DEPROVISIONING',
            desiredStatus: 'STOPPED',
            ...fields(current, now),
            wait: undefined,
          };
    });
    if (task && options.tellAgent) await this.#notifyAgent(task);
    if (waiting) await this.#deps.workflows.resume(waiting.token, { status: 'STOPPED' });
  }

  /** DEPROVISIONING → STOPPED: the reservation is given back, once. */
  async finalize(cluster: string, id: string): Promise<void> {
    const now = this.#deps.clock.now();
    // Set by the attempt that wins, so that only the call that stopped the task announces it.
    let stoppedHere = false;
    const task = await this.#transition(
      cluster,
      id,
      (current) => {
        stoppedHere = current.lastStatus !== 'STOPPED';
        if (!stoppedHere) return undefined;
        return {
          ...current,
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          stoppedAt: now,
          executionStoppedAt: current.executionStoppedAt ?? now,
          stoppingAt: current.stoppingAt ?? now,
          containers: current.containers.map((c) => ({
            ...c,
            lastStatus: 'STOPPED' as TaskStatus,
          })),
          stopCode: current.stopCode ?? 'TaskFailedToStart',
          stoppedReason: current.stoppedReason ?? 'Task stopped',
          reservationHeld: false,
          wait: undefined,
        };
      },
      { expiresAt: now + this.#deps.settings.stoppedRetentionSeconds * 1000, publish: false },
    );
    // The news of the instance that got its room back goes with STOPPED.
    if (stoppedHere && task) await this.#publishWithInstance(task, await this.#instanceOf(task));
  }

  /**
   * Enforces the start and stop deadlines (run every minute): a task not
   * RUNNING `graceMs` after its start deadline fails with TaskFailedToStart;
   * a task whose stop its agent has not confirmed within the containers'
   * stopTimeout (plus `graceMs`) is settled without it. Each is finalized
   * here too, so a task whose workflow was lost (or a stack that restarted)
   * still ends STOPPED with its reservation given back. Returns how many.
   */
  async sweepStuckTasks(graceMs: number): Promise<number> {
    const now = this.#deps.clock.now();
    let settled = 0;
    for (const task of await this.#deps.tasks.listUnsettled()) {
      const stuckStarting =
        statusRank(task.lastStatus) < statusRank('RUNNING') && now > task.startDeadline + graceMs;
      const stopSince = task.executionStoppedAt ?? task.stoppingAt;
      const longestStop = Math.max(
        ...task.containers.map((c) => c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS),
      );
      const stuckStopping =
        task.desiredStatus === 'STOPPED' &&
        stopSince !== undefined &&
        now > stopSince + longestStop * 1000 + graceMs;
      if (!stuckStarting && !stuckStopping) continue;
      if (stuckStarting) await this.failStart(task.cluster, task.id);
      else await this.forceStop(task.cluster, task.id);
      // The workflow's own order: deprovision, STOPPED, then the host goes.
      await this.releaseNetwork(task.cluster, task.id);
      await this.finalize(task.cluster, task.id);
      await this.releaseCapacity(task.cluster, task.id);
      settled += 1;
    }
    return settled;
  }

  /** The tasks an agent should know of: its whole resync on every connect. */
  async tasksForInstance(cluster: string, instanceId: string): Promise<AgentTask[]> {
    const tasks = await this.#deps.tasks.listForInstance(cluster, instanceId);
    // A PROVISIONING task is not the agent's yet: the workflow hands it over
    // (PENDING), so that a resync racing a RunTask cannot start it early.
    return tasks
      .filter((task) => task.lastStatus !== 'PROVISIONING')
      .map((task) => this.toAgentTask(task));
  }

  toAgentTask(task: TaskRecord): AgentTask {
    const nic = task.networkInterface;
    const subnet = this.#subnetOf(task);
    return {
      taskArn: taskArn(this.#deps.arns, task.cluster, task.id),
      cluster: task.cluster,
      desiredStatus: task.desiredStatus,
      lastStatus: task.lastStatus,
      version: task.version,
      family: task.family,
      revision: task.revision,
      networkMode: task.networkMode ?? 'bridge',
      ...(task.cpu === undefined ? {} : { cpu: task.cpu }),
      ...(task.memory === undefined ? {} : { memory: task.memory }),
      ...(nic?.privateIPv4Address !== undefined && subnet
        ? {
            awsvpc: {
              subnetId: subnet.subnetId,
              cidrBlock: subnet.cidrBlock,
              ipv4Address: nic.privateIPv4Address,
              macAddress: nic.macAddress ?? '',
              gateway: gatewayOf(subnet),
            },
          }
        : {}),
      containers: task.containers.map((container) => ({
        name: container.name,
        image: container.image,
        ...(container.user === undefined ? {} : { user: container.user }),
        ...(container.memoryReservation === undefined
          ? {}
          : { memoryReservation: container.memoryReservation }),
        ...(container.dockerLabels === undefined ? {} : { dockerLabels: container.dockerLabels }),
        command: container.command,
        entryPoint: container.entryPoint,
        environment: container.environment,
        essential: container.essential,
        workingDirectory: container.workingDirectory,
        stopTimeout: container.stopTimeout,
        cpu: container.cpu,
        memory: container.memory,
        portMappings: container.portMappings,
      })),
    };
  }

  /** `ECS Task State Change`: the task as DescribeTasks shows it, timestamps as ISO strings. */
  taskEvent(task: TaskRecord): EcsEvent {
    const shown = this.toTask(task, false);
    return {
      detailType: 'ECS Task State Change',
      resources: [shown.taskArn ?? ''],
      detail: {
        ...(JSON.parse(JSON.stringify(shown)) as Record<string, unknown>),
        updatedAt: new Date(this.#deps.clock.now()).toISOString(),
      },
    };
  }

  toTask(task: TaskRecord, withTags: boolean): Task {
    const arn = taskArn(this.#deps.arns, task.cluster, task.id);
    const timestamps = Object.fromEntries(
      (
        [
          ['createdAt', task.createdAt],
          ['connectivityAt', task.connectivityAt],
          ['pullStartedAt', task.pullStartedAt],
          ['pullStoppedAt', task.pullStoppedAt],
          ['startedAt', task.startedAt],
          ['stoppingAt', task.stoppingAt],
          ['executionStoppedAt', task.executionStoppedAt],
          ['stoppedAt', task.stoppedAt],
        ] as const
      )
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, new Date(value as number)]),
    );
    return {
      taskArn: arn,
      clusterArn: clusterArn(this.#deps.arns, task.cluster),
      taskDefinitionArn: taskDefinitionArn(this.#deps.arns, task.family, task.revision),
      // A FARGATE task's host is Berth's own: ECS shows no instance for it.
      ...(task.containerInstanceId === undefined || task.launchType === 'FARGATE'
        ? {}
        : {
            containerInstanceArn: instanceArn(
              this.#deps.arns,
              task.cluster,
              task.containerInstanceId,
            ),
          }),
      overrides: task.overrides,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      ...(task.cpu === undefined ? {} : { cpu: task.cpu }),
      ...(task.memory === undefined ? {} : { memory: task.memory }),
      containers: task.containers.map((container) => ({
        containerArn: `arn:aws:ecs:${this.#deps.arns.region}:${this.#deps.arns.accountId}:container/${task.cluster}/${task.id}/${container.id}`,
        taskArn: arn,
        name: container.name,
        image: container.image,
        lastStatus: container.lastStatus,
        healthStatus: 'UNKNOWN',
        ...(container.exitCode === undefined ? {} : { exitCode: container.exitCode }),
        ...(container.reason === undefined ? {} : { reason: container.reason }),
        ...(container.runtimeId === undefined ? {} : { runtimeId: container.runtimeId }),
        // What the agent bound (a dynamic host port included) once it says;
        // before that, the fixed host ports the definition asks for. awsvpc
        // tasks bind nothing on a host: they have their own address.
        networkBindings:
          task.networkMode === 'awsvpc'
            ? []
            : (container.networkBindings ??
              container.portMappings
                .filter((mapping) => mapping.hostPort !== undefined && mapping.hostPort !== 0)
                .map((mapping) => ({
                  bindIP: '0.0.0.0',
                  containerPort: mapping.containerPort,
                  hostPort: mapping.hostPort,
                  protocol: mapping.protocol ?? 'tcp',
                }))),
        ...(task.networkInterface?.privateIPv4Address === undefined
          ? {}
          : {
              networkInterfaces: [
                {
                  attachmentId: task.networkInterface.attachmentId,
                  privateIpv4Address: task.networkInterface.privateIPv4Address,
                },
              ],
            }),
        cpu: String(container.cpu),
        ...(container.memory === undefined ? {} : { memory: String(container.memory) }),
        ...(container.memoryReservation === undefined
          ? {}
          : { memoryReservation: String(container.memoryReservation) }),
      })),
      ...(task.startedBy === undefined ? {} : { startedBy: task.startedBy }),
      version: task.version,
      ...(task.stopCode === undefined ? {} : { stopCode: task.stopCode as Task['stopCode'] }),
      ...(task.stoppedReason === undefined ? {} : { stoppedReason: task.stoppedReason }),
      ...timestamps,
      group: task.group,
      launchType: task.launchType,
      ...(task.connectivityAt === undefined ? {} : { connectivity: 'CONNECTED' as const }),
      // Berth runs no container health checks (yet): ECS says UNKNOWN then.
      healthStatus: 'UNKNOWN',
      enableExecuteCommand: false,
      ...(task.availabilityZone === undefined ? {} : { availabilityZone: task.availabilityZone }),
      attachments: task.networkInterface ? [attachmentOf(task.networkInterface)] : [],
      ...(task.fargate === undefined
        ? {}
        : {
            platformVersion: task.fargate.platformVersion,
            platformFamily: task.fargate.platformFamily,
            ...(task.fargate.capacityProviderName === undefined
              ? {}
              : { capacityProviderName: task.fargate.capacityProviderName }),
            ephemeralStorage: { sizeInGiB: task.fargate.ephemeralStorageGiB },
          }),
      ...(withTags ? { tags: task.tags } : {}),
    };
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** The configured subnet of an awsvpc task's interface; undefined if none (or no longer configured). */
  #subnetOf(task: TaskRecord): Subnet | undefined {
    const subnetId = task.networkInterface?.subnetId;
    return subnetId === undefined
      ? undefined
      : this.#deps.subnets.find((subnet) => subnet.subnetId === subnetId);
  }

  /** What a step waiting in `phase` would be resumed with now; undefined: it has to wait. */
  #phaseOutcome(task: TaskRecord, phase: TaskWait['phase']): string | undefined {
    if (statusRank(task.lastStatus) >= statusRank('DEPROVISIONING')) return 'STOPPED';
    if (phase === 'stop') return undefined;
    if (task.desiredStatus === 'STOPPED') return 'STOP_REQUESTED';
    return undefined;
  }

  async #resumeIfWaiting(task: TaskRecord, phases: string[], status: string): Promise<void> {
    if (task.wait && phases.includes(task.wait.phase)) {
      await this.#deps.workflows.resume(task.wait.token, { status });
    }
  }

  /** The instance the task is on, if any. */
  async #instanceOf(task: TaskRecord): Promise<ContainerInstanceRecord | undefined> {
    return task.containerInstanceId === undefined
      ? undefined
      : this.#deps.instances.get(task.cluster, task.containerInstanceId);
  }

  /** The task's state-change event and its instance's, in one publish. */
  async #publishWithInstance(
    task: TaskRecord,
    instance: ContainerInstanceRecord | undefined,
  ): Promise<void> {
    await this.#deps.events.publish([
      this.taskEvent(task),
      ...this.#deps.instanceChangeEvents(instance ? [instance] : []),
    ]);
  }

  /** Pushes the task to its instance's agent (`known`: the instance, already read by the caller). */
  async #notifyAgent(task: TaskRecord, known?: ContainerInstanceRecord): Promise<void> {
    const instance = known ?? (await this.#instanceOf(task));
    if (instance?.connectionId === undefined) return;
    const delivered = await this.#deps.agents.push(instance.connectionId, [this.toAgentTask(task)]);
    if (!delivered) {
      await this.#deps.agentLost(instance.connectionId, { cluster: task.cluster, id: instance.id });
    }
  }

  /**
   * Reads a task, asks `change` for its next state (undefined: nothing to do),
   * and writes it conditionally on the version read; retries on a lost race.
   * Returns the task as it stands afterwards, or undefined if there is none.
   */
  async #transition(
    cluster: string,
    id: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
    options: {
      /** When a STOPPED task may be forgotten (epoch ms). */
      expiresAt?: number;
      /** Writes the change with more in the same transaction; false on a lost race. */
      write?: (change: TaskChange) => Promise<boolean>;
      /** False: the caller publishes the task's event (with others, in one batch). */
      publish?: boolean;
      /** The task as the caller just read it: the first attempt starts from it instead of reading again. */
      read?: TaskRecord;
    } = {},
  ): Promise<TaskRecord | undefined> {
    const write =
      options.write ?? ((change: TaskChange) => this.#deps.tasks.apply(change, options.expiresAt));
    for (let attempt = 0; attempt < TRANSITION_ATTEMPTS; attempt += 1) {
      // A stale first read only costs a lost race: the write is conditional on the version read.
      const current =
        attempt === 0 && options.read ? options.read : await this.#deps.tasks.get(cluster, id);
      if (!current) return undefined;
      const changed = change(current);
      if (!changed) return current;
      // ECS's `version` counts the changes a user can see; parking a workflow
      // step (`wait`) is bookkeeping, kept safe by the write's condition on
      // the wait token as well as the version.
      const visible = !isDeepStrictEqual(visibleState(current), visibleState(changed));
      const next = { ...changed, version: current.version + (visible ? 1 : 0) };
      if (await write({ task: current, next })) {
        if (
          options.publish !== false &&
          (next.lastStatus !== current.lastStatus || next.desiredStatus !== current.desiredStatus)
        ) {
          await this.#deps.events.publish([this.taskEvent(next)]);
        }
        return next;
      }
    }
    throw new ClientException('Too many concurrent changes to the task; try again.');
  }

  async #requireCluster(reference: string | undefined): Promise<string> {
    return (await requireActiveCluster(this.#deps.clusters, reference)).name;
  }

  async #replay(
    cluster: string,
    token: string,
    fingerprint: string,
  ): Promise<{ tasks: Task[]; failures: Failure[] } | undefined> {
    const previous = await this.#deps.tasks.getClientToken(cluster, token);
    if (!previous) return undefined;
    if (previous.fingerprint !== fingerprint) {
      throw new ConflictException(
        'The specified client token has already been used in a request with different parameters.',
        previous.taskIds.map((id) => taskArn(this.#deps.arns, cluster, id)),
      );
    }
    const tasks = await this.#deps.tasks.getMany(cluster, previous.taskIds);
    return { tasks: tasks.map((task) => this.toTask(task, false)), failures: [] };
  }

  async #readLaunch(
    body: Record<string, unknown>,
    operation: 'RunTask' | 'StartTask',
  ): Promise<LaunchRequest> {
    const taskDefinitionReference = optionalString(body.taskDefinition, 'taskDefinition');
    if (taskDefinitionReference === undefined) {
      throw new InvalidParameterException('taskDefinition can not be blank.');
    }
    const cluster = await requireActiveCluster(
      this.#deps.clusters,
      optionalString(body.cluster, 'cluster'),
    );
    let record: TaskDefinitionRecord;
    try {
      record = await this.#deps.resolveTaskDefinition(taskDefinitionReference);
    } catch {
      throw new ClientException('TaskDefinition not found.');
    }
    if (record.status !== TASK_DEFINITION_STATUS.active) {
      throw new ClientException('TaskDefinition is inactive.');
    }
    const definition = record.body as TaskDefinition;
    // StartTask names its instances: it is an EC2 (or EXTERNAL) launch by nature.
    const target =
      operation === 'StartTask'
        ? ({ launchType: 'EC2' } as const)
        : resolveLaunchTarget(body, definition, cluster);
    const awsvpc = readAwsvpcConfiguration(
      body.networkConfiguration,
      definition.networkMode,
      this.#deps.subnets,
    );
    const overrides = readOverrides(body.overrides);
    const group = optionalString(body.group, 'group') ?? `family:${record.family}`;
    const startedBy = optionalString(body.startedBy, 'startedBy');
    if (startedBy !== undefined && startedBy.length > 128) {
      throw new InvalidParameterException('startedBy can be at most 128 characters.');
    }
    optionalBoolean(body.enableECSManagedTags, 'enableECSManagedTags');
    return {
      cluster: cluster.name,
      record,
      definition,
      overrides,
      group,
      startedBy,
      target,
      awsvpc,
      tags: validateTags(body.tags, 'tags'),
    };
  }

  /** What each new task of a request holds, and the containers it runs. */
  #launchShape(request: LaunchRequest) {
    const containers = buildContainers(request.definition, request.overrides);
    const reservation = {
      ...taskReservation({
        cpu: request.overrides.cpu ?? request.definition.cpu,
        memory: request.overrides.memory ?? request.definition.memory,
        containerDefinitions: containers.map((container) => ({
          name: container.name,
          cpu: container.cpu,
          memory: container.memory,
          memoryReservation: container.memoryReservation,
        })),
      }),
      ports: hostPortsOf(request.definition),
    };
    return { containers, reservation };
  }

  /**
   * The records of `count` new tasks, PROVISIONING. `placedOn` gives each its
   * instance and zone (EC2); FARGATE tasks get theirs from their subnet, and
   * their host only when the workflow provisions it.
   */
  #newTasks(
    request: LaunchRequest,
    placedOn: readonly { instanceId?: string; availabilityZone?: string | undefined }[],
  ): TaskRecord[] {
    const { containers, reservation } = this.#launchShape(request);
    const now = this.#deps.clock.now();
    const subnets = request.awsvpc
      ? assignSubnets(
          request.awsvpc.subnets,
          placedOn.length,
          Math.floor(Math.random() * request.awsvpc.subnets.length),
        )
      : [];
    const fargate = request.target.launchType === 'FARGATE';
    return placedOn.map((placement, index): TaskRecord => {
      const id = newId();
      const subnet = subnets[index];
      const identity = subnet ? interfaceIdentity(`${request.cluster}/${id}`) : undefined;
      return {
        cluster: request.cluster,
        id,
        containerInstanceId: placement.instanceId,
        family: request.record.family,
        revision: request.record.revision,
        group: request.group,
        startedBy: request.startedBy,
        launchType: request.target.launchType,
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        createdAt: now,
        overrides: request.overrides,
        containers: containers.map((container) => ({ ...container, id: newId() })),
        cpu: request.overrides.cpu ?? request.definition.cpu,
        memory: request.overrides.memory ?? request.definition.memory,
        tags: request.tags,
        reservation: { cpu: reservation.cpu, memory: reservation.memory, ports: reservation.ports },
        // A FARGATE task holds nothing until its own host is provisioned.
        reservationHeld: !fargate,
        startDeadline: now + this.#deps.settings.startTimeoutSeconds * 1000,
        availabilityZone: fargate ? subnet?.availabilityZone : placement.availabilityZone,
        networkMode: (request.definition.networkMode ?? 'bridge') as TaskRecord['networkMode'],
        ...(subnet && identity
          ? {
              networkInterface: {
                attachmentId: identity.attachmentId,
                status: 'PRECREATED' as const,
                subnetId: subnet.subnetId,
              },
            }
          : {}),
        ...(fargate
          ? {
              fargate: {
                platformVersion: request.target.platformVersion ?? '1.4.0',
                platformFamily: 'Linux',
                capacityProviderName: request.target.capacityProviderName,
                ephemeralStorageGiB: DEFAULT_EPHEMERAL_STORAGE_GIB,
              },
            }
          : {}),
        version: 1,
      };
    });
  }

  /**
   * After the tasks are stored: their PROVISIONING events go out before their
   * workflows start (so that they precede PENDING). The news of the instances
   * whose room they took goes out from the workflow's Provision step, which
   * reads the instance anyway and cannot be lost once the workflow started.
   */
  async #launched(tasks: TaskRecord[]): Promise<void> {
    await this.#deps.events.publish(tasks.map((task) => this.taskEvent(task)));
    await Promise.all(
      tasks.map((task) =>
        this.#deps.workflows.startTaskLifecycle({
          cluster: task.cluster,
          taskId: task.id,
          network: task.networkInterface !== undefined,
          capacity: task.launchType === 'FARGATE',
        }),
      ),
    );
  }

  /**
   * FARGATE: no placement on the user's instances. Each task is created
   * PROVISIONING with its subnet; the workflow gives it an address and its
   * own host.
   */
  async #createServerless(
    request: LaunchRequest,
    count: number,
    clientToken: { token: string; fingerprint: string } | undefined,
  ): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const tasks = this.#newTasks(
      request,
      Array.from({ length: count }, () => ({})),
    );
    const now = this.#deps.clock.now();
    const created = await this.#deps.tasks.create(
      request.cluster,
      tasks,
      [],
      clientToken && { ...clientToken, expiresAt: now + 24 * 3600 * 1000 },
    );
    if (created.outcome === 'cluster-not-active') throw new ClusterNotFoundException();
    if (created.outcome === 'token-taken' && clientToken) {
      const replay = await this.#replay(
        request.cluster,
        clientToken.token,
        clientToken.fingerprint,
      );
      if (replay) return replay;
    }
    if (created.outcome !== 'created') {
      throw new ClientException('Too many concurrent requests for the cluster; try again.');
    }
    await this.#launched(tasks);
    return { tasks: tasks.map((task) => this.toTask(task, true)), failures: [] };
  }

  async #placeAndCreate(
    request: LaunchRequest,
    options: {
      count: number;
      constraints: PlacementAsk['constraints'];
      strategies: PlacementAsk['strategies'];
      only?: string;
      clientToken?: { token: string; fingerprint: string } | undefined;
    },
  ): Promise<{ tasks: Task[]; failures: Failure[] }> {
    if (request.target.launchType === 'FARGATE') {
      return this.#createServerless(request, options.count, options.clientToken);
    }
    const { reservation } = this.#launchShape(request);
    const ask: PlacementAsk = {
      count: options.count,
      cpu: reservation.cpu,
      memory: reservation.memory,
      ports: reservation.ports,
      group: request.group,
      constraints: options.constraints,
      strategies: options.strategies,
    };
    for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt += 1) {
      const live = await this.#deps.instances.listLive(request.cluster);
      const instances = options.only ? live.filter((i) => i.id === options.only) : live;
      if (live.length === 0) {
        throw new InvalidParameterException('No Container Instances were found in your cluster.');
      }
      const placed = this.#deps.place(instances, ask);
      const failures: Failure[] = placed.failures.map((failure) => ({
        arn:
          failure.instanceId === undefined
            ? clusterArn(this.#deps.arns, request.cluster)
            : instanceArn(this.#deps.arns, request.cluster, failure.instanceId),
        reason: failure.reason,
      }));
      if (placed.placements.length === 0) return { tasks: [], failures };
      const now = this.#deps.clock.now();
      const byInstance = new Map(instances.map((instance) => [instance.id, instance]));
      const tasks = this.#newTasks(
        request,
        placed.placements.map(({ instanceId }) => ({
          instanceId,
          availabilityZone:
            byInstance.get(instanceId)?.attributes['ecs.availability-zone'] ?? undefined,
        })),
      );
      const reservations = new Map<string, InstanceReservation>();
      for (const task of tasks) {
        const id = task.containerInstanceId ?? '';
        const current = reservations.get(id);
        reservations.set(id, {
          instanceId: id,
          cpu: (current?.cpu ?? 0) + reservation.cpu,
          memory: (current?.memory ?? 0) + reservation.memory,
          ports: [...(current?.ports ?? []), ...reservation.ports],
          groups: { [request.group]: (current?.groups[request.group] ?? 0) + 1 },
          tasks: (current?.tasks ?? 0) + 1,
        });
      }
      const created = await this.#deps.tasks.create(
        request.cluster,
        tasks,
        [...reservations.values()],
        options.clientToken && {
          ...options.clientToken,
          expiresAt: now + 24 * 3600 * 1000,
        },
      );
      if (created.outcome === 'cluster-not-active') throw new ClusterNotFoundException();
      if (created.outcome === 'token-taken' && options.clientToken) {
        const replay = await this.#replay(
          request.cluster,
          options.clientToken.token,
          options.clientToken.fingerprint,
        );
        if (replay) return replay;
      }
      if (created.outcome === 'created') {
        await this.#launched(tasks);
        return { tasks: tasks.map((task) => this.toTask(task, true)), failures };
      }
      // Another request took the room first: look again with fresh numbers.
    }
    return {
      tasks: [],
      failures: Array.from({ length: options.count }, () => ({
        arn: clusterArn(this.#deps.arns, request.cluster),
        reason: 'RESOURCE:CPU',
      })),
    };
  }
}

export type { PlacementAsk, Placer, TaskServiceDependencies };
export { TaskService, taskArn, taskIdFrom };
