import { randomUUID } from 'node:crypto';
import type { Attribute, ContainerInstance, Failure, Resource, Tag } from '@aws-sdk/client-ecs';
import { type ArnContext, clusterNameFrom, parseEcsArn } from '../arns';
import { requireActiveCluster } from '../clusters/requireActiveCluster';
import {
  AttributeLimitExceededException,
  ClientException,
  ClusterNotFoundException,
  InvalidParameterException,
  LimitExceededException,
  TargetNotFoundException,
} from '../errors';
import { AccessDeniedException } from '../iam/errors';
import {
  CONTAINER_INSTANCE_STATUS,
  type ContainerInstanceRecord,
  type Page,
  type PageRequest,
} from '../model';
import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import type { ContainerInstanceRepository } from '../ports/ContainerInstanceRepository';
import type { EcsEvent, EventPublisher } from '../ports/EventPublisher';
import { validateTags } from '../taskDefinitions/validation';
import {
  optionalEnum,
  optionalObjectList,
  optionalString,
  optionalStringList,
} from '../validation/shape';

/**
 * Container instances: the hosts that run tasks. Agents register them
 * (RegisterContainerInstance), keep them connected, and report on them;
 * users describe, list, drain and deregister them.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterContainerInstance.html
 */

/** Custom attributes per resource (built-in `ecs.*` ones do not count). */
const MAX_CUSTOM_ATTRIBUTES = 10;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_./\\-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[A-Za-z0-9_./\\@: -]{1,128}$/;

interface ContainerInstanceServiceDependencies {
  readonly clusters: ClusterRepository;
  readonly instances: ContainerInstanceRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly arns: ArnContext;
  /** An agent not heard from for this long counts as disconnected. */
  readonly disconnectAfterMs: number;
  /**
   * Tells the schedulers of the cluster's services that its instances
   * changed (one drained, deregistered or registered), so that they replace
   * or place tasks now rather than at their next sweep.
   */
  readonly wakeServices: (cluster: string) => Promise<void>;
  readonly newId?: () => string;
  /** The most registered instances a cluster may have (ECS's quota: 5,000). */
  readonly instancesPerCluster?: number;
}

const instanceArn = (arns: ArnContext, cluster: string, id: string): string =>
  `arn:aws:ecs:${arns.region}:${arns.accountId}:container-instance/${cluster}/${id}`;

/** The instance id from an id or a (long or short) container-instance ARN. */
const instanceIdFrom = (reference: string): string => {
  if (!reference.startsWith('arn:')) return reference;
  const arn = parseEcsArn(reference);
  if (arn?.resourceType !== 'container-instance') {
    throw new InvalidParameterException(`Invalid container instance ARN: ${reference}`);
  }
  return arn.resourceId.split('/').at(-1) ?? '';
};

const checkAttribute = (name: string, value: string | undefined, path: string): void => {
  if (!ATTRIBUTE_NAME.test(name)) {
    throw new InvalidParameterException(
      `${path}.name '${name}' is invalid: 1-128 letters, numbers, hyphens, underscores, slashes, back slashes or periods.`,
    );
  }
  if (value !== undefined && (!ATTRIBUTE_VALUE.test(value) || value.trim() !== value)) {
    throw new InvalidParameterException(
      `${path}.value '${value}' is invalid: 1-128 letters, numbers, hyphens, underscores, periods, at signs (@), forward slashes, back slashes, colons or spaces, with no leading or trailing space.`,
    );
  }
};

const readAttributes = (value: unknown, path: string): Attribute[] =>
  (optionalObjectList(value, path) ?? []).map((item, index) => {
    const name = optionalString(item.name, `${path}[${index}].name`);
    if (name === undefined) {
      throw new InvalidParameterException(`${path}[${index}].name can not be blank.`);
    }
    const attributeValue = optionalString(item.value, `${path}[${index}].value`);
    checkAttribute(name, attributeValue, `${path}[${index}]`);
    return {
      name,
      value: attributeValue,
      targetType: optionalEnum(item.targetType, `${path}[${index}].targetType`, [
        'container-instance',
      ] as const),
      targetId: optionalString(item.targetId, `${path}[${index}].targetId`),
    };
  });

const customCount = (attributes: Record<string, string | null>): number =>
  Object.keys(attributes).filter((name) => !name.startsWith('ecs.')).length;

const readResources = (value: unknown) => {
  const resources = optionalObjectList(value, 'totalResources') ?? [];
  const byName = new Map(resources.map((resource) => [resource.name, resource]));
  const integer = (name: string): number => {
    const resource = byName.get(name);
    const amount = resource?.integerValue;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
      throw new InvalidParameterException(
        `totalResources must include ${name} as a positive integerValue.`,
      );
    }
    return amount;
  };
  const ports = (name: string, protocol: string): string[] =>
    (optionalStringList(byName.get(name)?.stringSetValue, `totalResources.${name}`) ?? []).map(
      (port) => {
        const number = Number(port);
        if (!Number.isInteger(number) || number < 0 || number > 65535) {
          throw new InvalidParameterException(
            `totalResources.${name} has an invalid port: ${port}`,
          );
        }
        return `${protocol}:${number}`;
      },
    );
  return {
    totalCpu: integer('CPU'),
    totalMemory: integer('MEMORY'),
    hostPorts: [...ports('PORTS', 'tcp'), ...ports('PORTS_UDP', 'udp')],
  };
};

class ContainerInstanceService {
  readonly #deps: ContainerInstanceServiceDependencies;

  constructor(deps: ContainerInstanceServiceDependencies) {
    this.#deps = deps;
  }

  /**
   * RegisterContainerInstance; with `containerInstanceArn`, the same agent
   * registering again. `caller`: the IAM user whose key signed it (undefined
   * for the root or when requests are not verified), which alone may act for
   * the instance from then on.
   */
  async register(body: Record<string, unknown>, caller?: string): Promise<ContainerInstance> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const resources = readResources(body.totalResources);
    const attributes = this.#withBuiltIns(readAttributes(body.attributes, 'attributes'));
    if (customCount(attributes) > MAX_CUSTOM_ATTRIBUTES) {
      throw new AttributeLimitExceededException(
        `You can have up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes on a container instance.`,
      );
    }
    const versionInfo = (body.versionInfo ?? {}) as ContainerInstanceRecord['versionInfo'];
    const now = this.#deps.clock.now();
    const existing = optionalString(body.containerInstanceArn, 'containerInstanceArn');
    if (existing !== undefined) {
      if (caller !== undefined) {
        await this.assertActsFor(
          caller,
          cluster,
          instanceIdFrom(existing),
          'ecs:RegisterContainerInstance',
        );
      }
      const again = await this.#deps.instances.reRegister(
        cluster,
        instanceIdFrom(existing),
        { ...resources, attributes, versionInfo },
        now,
      );
      if (again) return this.#announce(again);
    }
    const id = (this.#deps.newId ?? (() => randomUUID().replaceAll('-', '')))();
    const record: ContainerInstanceRecord = {
      cluster,
      id,
      status: CONTAINER_INSTANCE_STATUS.active,
      registeredAt: now,
      ...resources,
      remainingCpu: resources.totalCpu,
      remainingMemory: resources.totalMemory,
      usedPorts: resources.hostPorts,
      taskGroups: {},
      runningTasksCount: 0,
      pendingTasksCount: 0,
      attributes,
      versionInfo,
      tags: validateTags(body.tags, 'tags'),
      lastSeenAt: now,
      ...(caller === undefined ? {} : { registeredBy: caller }),
      version: 1,
    };
    const limit = this.#deps.instancesPerCluster ?? 5000;
    const result = await this.#deps.instances.register(record, limit);
    if (result.outcome === 'cluster-not-active') throw new ClusterNotFoundException();
    if (result.outcome === 'quota-reached') {
      throw new LimitExceededException(
        `The cluster ${cluster} has reached the limit of ${limit} registered container instances.`,
      );
    }
    return this.#announce(result.instance);
  }

  /**
   * An agent acts only for the instance its own key registered: the caller
   * (an IAM user's ARN) must be the one that registered it. Instances
   * registered by the root, or before requests were verified, belong to no
   * user and only the root acts for them. An unknown instance passes: the
   * operation then answers as it does for one.
   */
  async assertActsFor(
    caller: string,
    cluster: string,
    instanceId: string,
    action: string,
  ): Promise<void> {
    const instance = await this.#deps.instances.get(cluster, instanceId);
    if (instance === undefined || instance.registeredBy === caller) return;
    throw new AccessDeniedException(
      `User: ${caller} is not authorized to perform: ${action} on resource: ${this.instanceArn(cluster, instanceId)} because the container instance was registered by another identity`,
    );
  }

  async deregister(body: Record<string, unknown>): Promise<ContainerInstance> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const reference = optionalString(body.containerInstance, 'containerInstance');
    if (reference === undefined) {
      throw new InvalidParameterException('containerInstance can not be blank.');
    }
    const force = body.force === true;
    const result = await this.#deps.instances.deregister(cluster, instanceIdFrom(reference), force);
    if (result.outcome === 'not-found') {
      throw new InvalidParameterException('The referenced container instance was not found.');
    }
    if (result.outcome === 'busy') {
      throw new InvalidParameterException('Found running tasks on the instance.');
    }
    await this.#deps.wakeServices(cluster);
    return this.#announce(result.instance);
  }

  async describe(
    body: Record<string, unknown>,
  ): Promise<{ containerInstances: ContainerInstance[]; failures: Failure[] }> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const references = optionalStringList(body.containerInstances, 'containerInstances') ?? [];
    if (references.length === 0) throw new ClientException('Container Instances cannot be empty.');
    if (references.length > 100) {
      throw new InvalidParameterException('containerInstances can have at most 100 items.');
    }
    const include = optionalStringList(body.include, 'include') ?? [];
    const wanted = references.map((reference) => ({ reference, id: instanceIdFrom(reference) }));
    const found = await this.#deps.instances.getMany(cluster, [
      ...new Set(wanted.map((w) => w.id)),
    ]);
    const byId = new Map(found.map((record) => [record.id, record]));
    const containerInstances: ContainerInstance[] = [];
    const failures: Failure[] = [];
    for (const { reference, id } of wanted) {
      const record = byId.get(id);
      // A managed (FARGATE) host is Berth's, never the user's.
      if (record && record.managedFor === undefined)
        containerInstances.push(this.toContainerInstance(record, include.includes('TAGS')));
      else {
        failures.push({
          arn: reference.startsWith('arn:') ? reference : instanceArn(this.#deps.arns, cluster, id),
          reason: 'MISSING',
        });
      }
    }
    return { containerInstances, failures };
  }

  /** ListContainerInstances: every status but INACTIVE unless one is asked for; `filter` in the query language. */
  async list(
    cluster: string,
    options: {
      status?: string | undefined;
      matches?: (record: ContainerInstanceRecord) => boolean;
      page: PageRequest;
    },
  ): Promise<Page<string>> {
    const page = await this.#deps.instances.list(cluster, options.page);
    const items = page.items
      .filter((record) =>
        options.status === undefined
          ? record.status !== CONTAINER_INSTANCE_STATUS.inactive
          : record.status === options.status,
      )
      .filter((record) => options.matches?.(record) ?? true)
      .map((record) => instanceArn(this.#deps.arns, cluster, record.id));
    return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async updateState(
    body: Record<string, unknown>,
  ): Promise<{ containerInstances: ContainerInstance[]; failures: Failure[] }> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const references = optionalStringList(body.containerInstances, 'containerInstances') ?? [];
    if (references.length === 0) throw new ClientException('Container Instances cannot be empty.');
    if (references.length > 10) {
      throw new InvalidParameterException('containerInstances can have at most 10 items.');
    }
    const status = optionalString(body.status, 'status');
    if (status !== 'ACTIVE' && status !== 'DRAINING') {
      throw new InvalidParameterException(
        `Container instances can only be set to ACTIVE or DRAINING, not ${status ?? 'nothing'}.`,
      );
    }
    const containerInstances: ContainerInstance[] = [];
    const failures: Failure[] = [];
    for (const reference of references) {
      const id = instanceIdFrom(reference);
      const updated = await this.#deps.instances.setStatus(cluster, id, status);
      if (updated) containerInstances.push(await this.#announce(updated));
      else failures.push({ arn: instanceArn(this.#deps.arns, cluster, id), reason: 'MISSING' });
    }
    if (containerInstances.length > 0) await this.#deps.wakeServices(cluster);
    return { containerInstances, failures };
  }

  async putAttributes(body: Record<string, unknown>): Promise<Attribute[]> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const attributes = readAttributes(body.attributes, 'attributes');
    if (attributes.length === 0)
      throw new InvalidParameterException('attributes can not be blank.');
    return this.#changeAttributes(cluster, attributes, (current, attribute) => {
      current[attribute.name ?? ''] = attribute.value ?? null;
    });
  }

  async deleteAttributes(body: Record<string, unknown>): Promise<Attribute[]> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const attributes = readAttributes(body.attributes, 'attributes');
    if (attributes.length === 0)
      throw new InvalidParameterException('attributes can not be blank.');
    return this.#changeAttributes(cluster, attributes, (current, attribute) => {
      delete current[attribute.name ?? ''];
    });
  }

  async listAttributes(body: Record<string, unknown>, page: PageRequest): Promise<Page<Attribute>> {
    const cluster = await this.#requireCluster(optionalString(body.cluster, 'cluster'));
    const targetType = optionalString(body.targetType, 'targetType');
    if (targetType !== 'container-instance') {
      throw new InvalidParameterException("targetType must be 'container-instance'.");
    }
    const name = optionalString(body.attributeName, 'attributeName');
    const value = optionalString(body.attributeValue, 'attributeValue');
    if (value !== undefined && name === undefined) {
      throw new InvalidParameterException('attributeValue can only be given with attributeName.');
    }
    const instances = await this.#deps.instances.list(cluster, page);
    const items = instances.items
      .filter((record) => record.status !== CONTAINER_INSTANCE_STATUS.inactive)
      .flatMap((record) => this.#attributesOf(record))
      .filter((attribute) => name === undefined || attribute.name === name)
      .filter((attribute) => value === undefined || attribute.value === value);
    return { items, ...(instances.nextToken ? { nextToken: instances.nextToken } : {}) };
  }

  // ── The agents' sockets (functions/websocket/agentSocket.ts) ────────────────
  // Connecting and losing the socket are state changes a user sees
  // (`agentConnected`), so each is a new version with its event; a heartbeat
  // only keeps the instance counted as connected.

  /**
   * `$connect`: ties the socket to its instance. Returns the instance's cluster
   * and id, or undefined when the instance is unknown or INACTIVE.
   */
  async connectAgent(
    clusterReference: string | undefined,
    instanceReference: string,
    connectionId: string,
  ): Promise<{ cluster: string; id: string } | undefined> {
    const cluster = clusterNameFrom(clusterReference);
    const id = instanceIdFrom(instanceReference);
    const now = this.#deps.clock.now();
    // The write itself refuses an unknown or INACTIVE instance; the socket is
    // remembered only once it belongs to one (its messages come after $connect).
    const connected = await this.#deps.instances.connect(cluster, id, connectionId, now);
    if (!connected) return undefined;
    await this.#deps.instances.saveConnection(connectionId, cluster, id, now);
    await this.publishChanges([connected]);
    return { cluster, id };
  }

  /** An agent (re)connected and synced: a DAEMON service may place on it, a REPLICA one may again. */
  async agentReady(cluster: string): Promise<void> {
    await this.#deps.wakeServices(cluster);
  }

  /**
   * The instance a socket belongs to, without counting the message as a
   * heartbeat (usage reports come every few seconds; a write for each would
   * cost more than the report).
   */
  ownerOf(connectionId: string): Promise<{ cluster: string; id: string } | undefined> {
    return this.#deps.instances.findConnection(connectionId);
  }

  /**
   * A `sync` or `heartbeat` on a socket: the agent is alive. A socket the
   * instance no longer holds (a push to it failed once) is taken back, since
   * a message just came through it. Undefined for an unknown socket.
   */
  async agentHeard(connectionId: string): Promise<{ cluster: string; id: string } | undefined> {
    const owner = await this.#deps.instances.findConnection(connectionId);
    if (!owner) return undefined;
    const now = this.#deps.clock.now();
    const { cluster, id } = owner;
    if (await this.#deps.instances.recordHeartbeat(cluster, id, connectionId, now)) return owner;
    const connected = await this.#deps.instances.connect(cluster, id, connectionId, now);
    if (!connected) return undefined;
    await this.publishChanges([connected]);
    return owner;
  }

  /** `$disconnect`, or a push that found the socket gone. */
  async agentLost(connectionId: string, owner?: { cluster: string; id: string }): Promise<void> {
    const instance = owner ?? (await this.#deps.instances.findConnection(connectionId));
    if (!instance) return;
    const disconnected = await this.#deps.instances.disconnect(
      instance.cluster,
      instance.id,
      connectionId,
    );
    // Undefined: a newer socket already replaced this one, so nothing changed.
    if (disconnected) await this.publishChanges([disconnected]);
  }

  /**
   * Scheduled: an agent silent for longer than the disconnect interval whose
   * socket never closed is disconnected for good, with its event (reads
   * already counted it disconnected). Returns how many.
   */
  async sweepSilentAgents(): Promise<number> {
    const before = this.#deps.clock.now() - this.#deps.disconnectAfterMs;
    let swept = 0;
    for (const record of await this.#deps.instances.listSilentAgents(before)) {
      if (record.connectionId === undefined) continue;
      const disconnected = await this.#deps.instances.disconnect(
        record.cluster,
        record.id,
        record.connectionId,
        before,
      );
      if (!disconnected) continue;
      await this.publishChanges([disconnected]);
      swept += 1;
    }
    return swept;
  }

  /** Whether the agent is connected and was heard from recently enough. */
  agentConnected(record: ContainerInstanceRecord): boolean {
    return (
      record.connectionId !== undefined &&
      this.#deps.clock.now() - record.lastSeenAt <= this.#deps.disconnectAfterMs
    );
  }

  toContainerInstance(record: ContainerInstanceRecord, withTags: boolean): ContainerInstance {
    const resources = (cpu: number, memory: number, ports: string[]): Resource[] => [
      { name: 'CPU', type: 'INTEGER', integerValue: cpu, doubleValue: 0, longValue: 0 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: memory, doubleValue: 0, longValue: 0 },
      {
        name: 'PORTS',
        type: 'STRINGSET',
        stringSetValue: ports.filter((p) => p.startsWith('tcp:')).map((p) => p.slice(4)),
        doubleValue: 0,
        longValue: 0,
        integerValue: 0,
      },
      {
        name: 'PORTS_UDP',
        type: 'STRINGSET',
        stringSetValue: ports.filter((p) => p.startsWith('udp:')).map((p) => p.slice(4)),
        doubleValue: 0,
        longValue: 0,
        integerValue: 0,
      },
    ];
    return {
      containerInstanceArn: instanceArn(this.#deps.arns, record.cluster, record.id),
      version: record.version,
      versionInfo: record.versionInfo,
      status: record.status,
      agentConnected: this.agentConnected(record),
      registeredResources: resources(record.totalCpu, record.totalMemory, record.hostPorts),
      remainingResources: resources(record.remainingCpu, record.remainingMemory, record.usedPorts),
      runningTasksCount: record.runningTasksCount,
      pendingTasksCount: record.pendingTasksCount,
      attributes: Object.entries(record.attributes).map(([name, value]) =>
        value === null ? { name } : { name, value },
      ),
      registeredAt: new Date(record.registeredAt),
      ...(record.capacityProviderName === undefined
        ? {}
        : { capacityProviderName: record.capacityProviderName }),
      ...(withTags ? { tags: record.tags as Tag[] } : {}),
    };
  }

  /**
   * Publishes each instance's `ECS Container Instance State Change`, except
   * for managed (FARGATE) hosts, which users never see.
   */
  async publishChanges(records: readonly ContainerInstanceRecord[]): Promise<void> {
    const events = this.changeEvents(records);
    if (events.length > 0) await this.#deps.events.publish(events);
  }

  /** The state-change events of these instances, leaving out FARGATE tasks' hidden hosts. */
  changeEvents(records: readonly ContainerInstanceRecord[]): EcsEvent[] {
    return records
      .filter((record) => record.managedFor === undefined)
      .map((record) => this.instanceEvent(record));
  }

  /** `ECS Container Instance State Change`: the instance as DescribeContainerInstances shows it. */
  instanceEvent(record: ContainerInstanceRecord): EcsEvent {
    const shown = this.toContainerInstance(record, false);
    return {
      detailType: 'ECS Container Instance State Change',
      resources: [shown.containerInstanceArn ?? ''],
      detail: {
        ...(JSON.parse(JSON.stringify(shown)) as Record<string, unknown>),
        clusterArn: `arn:aws:ecs:${this.#deps.arns.region}:${this.#deps.arns.accountId}:cluster/${record.cluster}`,
        updatedAt: new Date(this.#deps.clock.now()).toISOString(),
      },
    };
  }

  /** Publishes the instance's new state and returns it as the API shows it. */
  async #announce(record: ContainerInstanceRecord): Promise<ContainerInstance> {
    await this.publishChanges([record]);
    return this.toContainerInstance(record, true);
  }

  instanceArn(cluster: string, id: string): string {
    return instanceArn(this.#deps.arns, cluster, id);
  }

  async #requireCluster(reference: string | undefined): Promise<string> {
    return (await requireActiveCluster(this.#deps.clusters, reference)).name;
  }

  /** Built-in attributes from what the agent reported, with ECS's defaults for a host outside EC2. */
  #withBuiltIns(attributes: Attribute[]): Record<string, string | null> {
    const map: Record<string, string | null> = {
      'ecs.availability-zone': `${this.#deps.arns.region}a`,
      'ecs.instance-type': 'external',
      'ecs.os-type': 'linux',
      'ecs.cpu-architecture': 'x86_64',
      'ecs.capability.external': null,
    };
    for (const attribute of attributes) map[attribute.name ?? ''] = attribute.value ?? null;
    return map;
  }

  #attributesOf(record: ContainerInstanceRecord): Attribute[] {
    const targetId = instanceArn(this.#deps.arns, record.cluster, record.id);
    return Object.entries(record.attributes).map(([name, value]) => ({
      name,
      ...(value === null ? {} : { value }),
      targetType: 'container-instance',
      targetId,
    }));
  }

  async #changeAttributes(
    cluster: string,
    attributes: Attribute[],
    change: (current: Record<string, string | null>, attribute: Attribute) => void,
  ): Promise<Attribute[]> {
    const byTarget = new Map<string, Attribute[]>();
    for (const attribute of attributes) {
      if (attribute.targetId === undefined) {
        throw new InvalidParameterException('targetId can not be blank.');
      }
      const id = instanceIdFrom(attribute.targetId);
      byTarget.set(id, [...(byTarget.get(id) ?? []), attribute]);
    }
    for (const [id, list] of byTarget) {
      let saved = false;
      for (let attempt = 0; attempt < 10 && !saved; attempt += 1) {
        const record = await this.#deps.instances.get(cluster, id);
        if (
          !record ||
          record.status === CONTAINER_INSTANCE_STATUS.inactive ||
          record.managedFor !== undefined
        ) {
          throw new TargetNotFoundException(
            `Could not find ${list[0]?.targetId ?? id}. Specify a valid container instance and try again.`,
          );
        }
        const next = { ...record.attributes };
        for (const attribute of list) change(next, attribute);
        if (customCount(next) > MAX_CUSTOM_ATTRIBUTES) {
          throw new AttributeLimitExceededException(
            `You can have up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes on a container instance.`,
          );
        }
        saved = await this.#deps.instances.saveAttributes(cluster, id, next, record.version);
      }
      if (!saved) throw new ClientException('Too many concurrent attribute changes; try again.');
    }
    return attributes.map((attribute) => ({ ...attribute, targetType: 'container-instance' }));
  }
}

export type { ContainerInstanceServiceDependencies };
export { ContainerInstanceService, instanceArn, instanceIdFrom };
