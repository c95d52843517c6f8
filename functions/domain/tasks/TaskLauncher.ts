import { createHash } from 'node:crypto';
import type {
  ContainerOverride,
  Failure,
  Task,
  TaskDefinition,
  TaskOverride,
} from '@aws-sdk/client-ecs';
import { clusterArn } from '../arns';
import { requireActiveCluster } from '../clusters/requireActiveCluster';
import { instanceArn, instanceIdFrom } from '../containerInstances/ContainerInstanceService';
import {
  ClientException,
  ClusterNotFoundException,
  ConflictException,
  InvalidParameterException,
  LimitExceededException,
} from '../errors';
import { TASK_DEFINITION_STATUS, type TaskDefinitionRecord } from '../model';
import { interfaceIdentity } from '../network/subnets';
import { validateConstraints, validateStrategies } from '../placement/validation';
import type { InstanceReservation } from '../ports/TaskRepository';
import { serviceNameOfGroup } from '../services/model';
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
import type { PlacementAsk, TaskServiceDependencies } from './dependencies';
import { newId, taskArn } from './identifiers';
import {
  type AwsvpcChoice,
  assignSubnets,
  DEFAULT_EPHEMERAL_STORAGE_GIB,
  type LaunchTarget,
  readAwsvpcConfiguration,
  resolveLaunchTarget,
} from './launchTarget';
import type { TaskContainerRecord, TaskRecord, TaskStatus } from './model';
import type { TaskViews } from './TaskViews';

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

const PLACEMENT_ATTEMPTS = 5;

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
/**
 * RunTask and StartTask (and the service scheduler, through `launch`): read
 * the request, place, reserve the room and create the tasks in one
 * transaction, then start each task's workflow.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
 */
class TaskLauncher {
  readonly #deps: TaskServiceDependencies;
  readonly #views: TaskViews;

  constructor(deps: TaskServiceDependencies, views: TaskViews) {
    this.#deps = deps;
    this.#views = views;
  }

  /** RunTask: places `count` tasks on the cluster's instances. */
  async run(
    body: Record<string, unknown>,
    options: {
      /** A service keeps launching from a revision deregistered since it was deployed, as in ECS. */
      allowInactiveTaskDefinition?: boolean;
    } = {},
  ): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const request = await this.#readLaunch(body, 'RunTask', options.allowInactiveTaskDefinition);
    const count = optionalInteger(body.count, 'count') ?? 1;
    if (count < 1 || count > MAX_COUNT) {
      throw new InvalidParameterException(`count must be between 1 and ${MAX_COUNT}.`);
    }
    const clientToken = optionalString(body.clientToken, 'clientToken');
    if (clientToken !== undefined && (clientToken.length < 1 || clientToken.length > 64)) {
      throw new InvalidParameterException('clientToken must be 1 to 64 characters.');
    }
    // The token is not read up front: the create transaction claims it, and it
    // is read only when that says it is taken or when placement has nothing to
    // create (a retry of a call whose tasks now fill the cluster). A read fewer
    // per RunTask (ADR 10).
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
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
  async start(
    body: Record<string, unknown>,
    options: { allowInactiveTaskDefinition?: boolean } = {},
  ): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const request = await this.#readLaunch(body, 'StartTask', options.allowInactiveTaskDefinition);
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
    return { tasks: tasks.map((task) => this.#views.toTask(task, false)), failures: [] };
  }

  async #readLaunch(
    body: Record<string, unknown>,
    operation: 'RunTask' | 'StartTask',
    allowInactive = false,
  ): Promise<LaunchRequest> {
    const taskDefinitionReference = optionalString(body.taskDefinition, 'taskDefinition');
    if (taskDefinitionReference === undefined) {
      throw new InvalidParameterException('taskDefinition can not be blank.');
    }
    // The cluster and the task definition are read at once (neither needs the
    // other); a missing cluster is still the error reported first.
    const resolved = this.#deps.resolveTaskDefinition(taskDefinitionReference).then(
      (found) => ({ found }),
      () => ({ found: undefined }),
    );
    const cluster = await requireActiveCluster(
      this.#deps.clusters,
      optionalString(body.cluster, 'cluster'),
    );
    const record: TaskDefinitionRecord | undefined = (await resolved).found;
    if (!record) throw new ClientException('TaskDefinition not found.');
    if (record.status !== TASK_DEFINITION_STATUS.active && !allowInactive) {
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
    const managed = optionalBoolean(body.enableECSManagedTags, 'enableECSManagedTags') ?? false;
    const propagate = optionalEnum(body.propagateTags, 'propagateTags', [
      'TASK_DEFINITION',
      'SERVICE',
      'NONE',
    ] as const);
    if (propagate === 'SERVICE') {
      throw new InvalidParameterException(
        'The propagateTags value SERVICE is only valid for tasks that a service starts.',
      );
    }
    const own = validateTags(body.tags, 'tags');
    const ownKeys = new Set(own.map((tag) => tag.key));
    // The request's own tags win over the task definition's of the same key.
    const inherited =
      propagate === 'TASK_DEFINITION' ? record.tags.filter((tag) => !ownKeys.has(tag.key)) : [];
    const service = serviceNameOfGroup(group);
    return {
      cluster: cluster.name,
      record,
      definition,
      overrides,
      group,
      startedBy,
      target,
      awsvpc,
      tags: [
        ...own,
        ...inherited,
        // ECS's managed tags, which a user cannot set: aws: is reserved.
        ...(managed
          ? [
              { key: 'aws:ecs:clusterName', value: cluster.name },
              ...(service === undefined ? [] : [{ key: 'aws:ecs:serviceName', value: service }]),
            ]
          : []),
      ],
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
        ...(!fargate && request.target.capacityProviderName !== undefined
          ? { capacityProviderName: request.target.capacityProviderName }
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
    await this.#deps.events.publish(tasks.map((task) => this.#views.taskEvent(task)));
    await Promise.all(
      tasks.map((task) => {
        const network = task.networkInterface !== undefined;
        const capacity = task.launchType === 'FARGATE';
        return this.#deps.workflows.startTaskLifecycle({
          cluster: task.cluster,
          taskId: task.id,
          network,
          capacity,
          // Steps before Provision change the task: then it has to read it anyway.
          ...(network || capacity ? {} : { created: task }),
        });
      }),
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
    const pendingLimit = this.#deps.settings.provisioningTasksPerCluster ?? 300;
    const created = await this.#deps.tasks.create(
      request.cluster,
      tasks,
      [],
      clientToken && { ...clientToken, expiresAt: now + 24 * 3600 * 1000 },
      pendingLimit,
    );
    if (created.outcome === 'cluster-not-active') throw new ClusterNotFoundException();
    if (created.outcome === 'pending-quota') {
      throw new LimitExceededException(
        `The cluster ${request.cluster} has reached the limit of ${pendingLimit} tasks in PROVISIONING.`,
      );
    }
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
    return { tasks: tasks.map((task) => this.#views.toTask(task, true)), failures: [] };
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
    /** A retried call whose tasks exist returns them, whatever placement says now. */
    const replayed = () =>
      options.clientToken
        ? this.#replay(request.cluster, options.clientToken.token, options.clientToken.fingerprint)
        : Promise.resolve(undefined);
    for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt += 1) {
      const all = await this.#deps.instances.listLive(request.cluster);
      // A capacity provider of the user's own places on its pool only.
      const provider = request.target.capacityProviderName;
      const live =
        provider === undefined ? all : all.filter((i) => i.capacityProviderName === provider);
      const instances = options.only ? live.filter((i) => i.id === options.only) : live;
      if (all.length === 0 || live.length === 0) {
        const previous = await replayed();
        if (previous) return previous;
      }
      if (all.length === 0) {
        throw new InvalidParameterException('No Container Instances were found in your cluster.');
      }
      if (live.length === 0) {
        throw new InvalidParameterException(
          `No Container Instances were found in your capacity provider ${provider}.`,
        );
      }
      const placed = this.#deps.place(instances, ask);
      const failures: Failure[] = placed.failures.map((failure) => ({
        arn:
          failure.instanceId === undefined
            ? clusterArn(this.#deps.arns, request.cluster)
            : instanceArn(this.#deps.arns, request.cluster, failure.instanceId),
        reason: failure.reason,
      }));
      if (placed.placements.length === 0) return (await replayed()) ?? { tasks: [], failures };
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
      if (created.outcome === 'token-taken') {
        const replay = await replayed();
        if (replay) return replay;
      }
      if (created.outcome === 'created') {
        await this.#launched(tasks);
        return { tasks: tasks.map((task) => this.#views.toTask(task, true)), failures };
      }
      // Another request took the room first: look again with fresh numbers.
    }
    const previous = await replayed();
    if (previous) return previous;
    return {
      tasks: [],
      failures: Array.from({ length: options.count }, () => ({
        arn: clusterArn(this.#deps.arns, request.cluster),
        reason: 'RESOURCE:CPU',
      })),
    };
  }
}

export { TaskLauncher };
