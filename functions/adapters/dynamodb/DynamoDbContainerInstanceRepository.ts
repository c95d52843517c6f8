import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CLUSTER_STATUS,
  CONTAINER_INSTANCE_STATUS,
  type ContainerInstanceRecord,
  type Page,
  type PageRequest,
} from '../../domain/model';
import type {
  ContainerInstanceRepository,
  RegisterInstanceResult,
} from '../../domain/ports/ContainerInstanceRepository';
import { isManagedInstanceId } from '../../domain/tasks/identifiers';
import { type DynamoDbTable, type Item, withoutKeys } from './DynamoDbTable';

/**
 * Container instances live in their cluster's partition:
 *
 * | pk               | sk                 | gsi1pk (while a socket is held) | gsi1sk         |
 * |------------------|--------------------|---------------------------------|----------------|
 * | `CLUSTER#<name>` | `INSTANCE#<id>`    | `AGENTS#CONNECTED`              | `<name>#<id>`  |
 * | `CLUSTER#<name>` | `HOST#<id>`        | `AGENTS#CONNECTED`              | `<name>#<id>`  |
 *
 * A managed instance (`managedFor`, a FARGATE task's own host) lives here too,
 * under `HOST#<id>` (its id says it is one: `isManagedInstanceId`), outside
 * the `INSTANCE#` range that placement and the listings read: a cluster of
 * many FARGATE tasks does not make every EC2 placement read their hosts.
 * Hosts made before that change sit under `INSTANCE#`; the listings' filter
 * on `managedFor` still leaves them out.
 *
 * The index lists every instance holding an agent socket, across clusters, so
 * that the sweeper finds agents that fell silent without closing it.
 *
 * `usedPorts` is a DynamoDB string set (absent when empty, as DynamoDB has no
 * empty sets), so that reservations can test and add ports atomically.
 *
 * `taskIds` (a string set, absent when empty) names the tasks that hold a
 * reservation on the instance: added by the transaction that reserves, taken
 * out by the one that gives the room back (at STOPPED). An agent's sync,
 * heartbeat and usage report read its tasks through it, in a read of the
 * instance and of its own tasks, instead of a read of every task of the
 * cluster (stopped ones included). `tasksListed` marks an instance registered
 * since: one registered before keeps being read the old way. Both ride
 * through the records unseen by the domain, so that a re-registration's put
 * keeps them.
 */

const instanceKey = (cluster: string, id: string) => ({
  pk: `CLUSTER#${cluster}`,
  sk: isManagedInstanceId(id) ? `HOST#${id}` : `INSTANCE#${id}`,
});
const clusterKey = (cluster: string) => ({ pk: `CLUSTER#${cluster}`, sk: 'CLUSTER' });
const CONNECTED_AGENTS = 'AGENTS#CONNECTED';
const connectedListing = (cluster: string, id: string) => ({
  gsi1pk: CONNECTED_AGENTS,
  gsi1sk: `${cluster}#${id}`,
});

/** The instance's set of the tasks holding its room (see above). */
const TASK_IDS = 'taskIds';
/** Set on instances whose `taskIds` is kept (registered since it was). */
const TASKS_LISTED = 'tasksListed';

const toRecord = (item: Item): ContainerInstanceRecord => {
  const { type: _type, usedPorts, ...rest } = withoutKeys<Item>(item);
  return {
    ...(rest as ContainerInstanceRecord),
    usedPorts: usedPorts instanceof Set ? [...usedPorts].map(String) : [],
  };
};

const toItem = (record: ContainerInstanceRecord): Item => {
  const { usedPorts, ...rest } = record;
  return {
    ...rest,
    ...instanceKey(record.cluster, record.id),
    type: 'instance',
    ...(record.connectionId === undefined ? {} : connectedListing(record.cluster, record.id)),
    ...(usedPorts.length > 0 ? { usedPorts: new Set(usedPorts) } : {}),
  };
};

class DynamoDbContainerInstanceRepository implements ContainerInstanceRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async register(
    instance: ContainerInstanceRecord,
    limit: number,
  ): Promise<RegisterInstanceResult> {
    const outcome = await this.table.transact([
      {
        Put: {
          TableName: this.table.tableName,
          Item: { ...toItem(instance), [TASKS_LISTED]: true },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.table.tableName,
          Key: clusterKey(instance.cluster),
          // The quota is held by the same write that counts the instance.
          ConditionExpression: '#status = :active AND registeredContainerInstancesCount < :limit',
          UpdateExpression:
            'SET registeredContainerInstancesCount = registeredContainerInstancesCount + :one',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':active': CLUSTER_STATUS.active,
            ':one': 1,
            ':limit': limit,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
    if (outcome.outcome === 'committed') return { outcome: 'registered', instance };
    if (outcome.outcome === 'condition-failed' && outcome.failedIndexes.includes(1)) {
      return outcome.items[1]?.status === CLUSTER_STATUS.active
        ? { outcome: 'quota-reached' }
        : { outcome: 'cluster-not-active' };
    }
    throw new Error(`Could not register container instance ${instance.id}`);
  }

  async reRegister(
    cluster: string,
    id: string,
    update: Pick<
      ContainerInstanceRecord,
      'totalCpu' | 'totalMemory' | 'hostPorts' | 'attributes' | 'versionInfo'
    >,
    at: number,
  ): Promise<ContainerInstanceRecord | undefined> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await this.get(cluster, id);
      if (!current || current.status === CONTAINER_INSTANCE_STATUS.inactive) return undefined;
      // What tasks hold stays held: remaining = new total − (old total − old remaining).
      const heldCpu = current.totalCpu - current.remainingCpu;
      const heldMemory = current.totalMemory - current.remainingMemory;
      const reservedPorts = current.usedPorts.filter((port) => !current.hostPorts.includes(port));
      const next: ContainerInstanceRecord = {
        ...current,
        ...update,
        remainingCpu: update.totalCpu - heldCpu,
        remainingMemory: update.totalMemory - heldMemory,
        usedPorts: [...new Set([...update.hostPorts, ...reservedPorts])],
        lastSeenAt: at,
        version: current.version + 1,
      };
      const written = await this.table.conditional(() =>
        this.table.client.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: toItem(next),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': current.version },
          }),
        ),
      );
      if (!written.failed) return next;
    }
    throw new Error(`Container instance ${id} stayed contended`);
  }

  async get(cluster: string, id: string): Promise<ContainerInstanceRecord | undefined> {
    const item = await this.table.get(instanceKey(cluster, id));
    return item ? toRecord(item) : undefined;
  }

  async getMany(cluster: string, ids: readonly string[]): Promise<ContainerInstanceRecord[]> {
    const items = await this.table.getMany(ids.map((id) => instanceKey(cluster, id)));
    return items.map(toRecord);
  }

  async listLive(cluster: string): Promise<ContainerInstanceRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      // Managed (FARGATE) hosts belong to their task alone: never placed on.
      FilterExpression: '#status <> :inactive AND attribute_not_exists(managedFor)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': `CLUSTER#${cluster}`,
        ':prefix': 'INSTANCE#',
        ':inactive': CONTAINER_INSTANCE_STATUS.inactive,
      },
      ConsistentRead: true,
    });
    return items.map(toRecord);
  }

  list(cluster: string, page: PageRequest): Promise<Page<ContainerInstanceRecord>> {
    return this.table.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'attribute_not_exists(managedFor)',
        ExpressionAttributeValues: { ':pk': `CLUSTER#${cluster}`, ':prefix': 'INSTANCE#' },
      },
      page,
      toRecord,
    );
  }

  async deleteManaged(cluster: string, id: string): Promise<void> {
    await this.table.conditional(() =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: instanceKey(cluster, id),
          ConditionExpression: 'attribute_exists(managedFor)',
        }),
      ),
    );
  }

  setStatus(
    cluster: string,
    id: string,
    status: 'ACTIVE' | 'DRAINING',
  ): Promise<ContainerInstanceRecord | undefined> {
    return this.#updateInstance(cluster, id, {
      // A managed (FARGATE) host is Berth's: a user cannot drain it.
      condition:
        'attribute_exists(pk) AND #status <> :inactive AND attribute_not_exists(managedFor)',
      set: ['#status = :status'],
      names: { '#status': 'status' },
      values: { ':status': status, ':inactive': CONTAINER_INSTANCE_STATUS.inactive },
    });
  }

  async deregister(
    cluster: string,
    id: string,
    force: boolean,
  ): Promise<
    | { outcome: 'deregistered'; instance: ContainerInstanceRecord }
    | { outcome: 'busy' }
    | { outcome: 'not-found' }
  > {
    const current = await this.get(cluster, id);
    // A managed (FARGATE) host is Berth's: it goes with its task, never by a user's call.
    if (
      !current ||
      current.status === CONTAINER_INSTANCE_STATUS.inactive ||
      current.managedFor !== undefined
    ) {
      return { outcome: 'not-found' };
    }
    const outcome = await this.table.transact([
      {
        Update: {
          TableName: this.table.tableName,
          Key: instanceKey(cluster, id),
          ConditionExpression: force
            ? '#status <> :inactive'
            : '#status <> :inactive AND runningTasksCount = :zero AND pendingTasksCount = :zero',
          UpdateExpression:
            'SET #status = :inactive, #version = #version + :one REMOVE connectionId, gsi1pk, gsi1sk',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':inactive': CONTAINER_INSTANCE_STATUS.inactive,
            ':one': 1,
            ...(force ? {} : { ':zero': 0 }),
          },
        },
      },
      {
        Update: {
          TableName: this.table.tableName,
          Key: clusterKey(cluster),
          UpdateExpression:
            'SET registeredContainerInstancesCount = registeredContainerInstancesCount - :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ]);
    if (outcome.outcome === 'committed') {
      return {
        outcome: 'deregistered',
        instance: {
          ...current,
          status: CONTAINER_INSTANCE_STATUS.inactive,
          connectionId: undefined,
          version: current.version + 1,
        },
      };
    }
    if (outcome.outcome === 'condition-failed') {
      const now = await this.get(cluster, id);
      return now?.status === CONTAINER_INSTANCE_STATUS.inactive
        ? { outcome: 'not-found' }
        : { outcome: 'busy' };
    }
    throw new Error(`Container instance ${id} stayed contended`);
  }

  saveAttributes(
    cluster: string,
    id: string,
    attributes: Record<string, string | null>,
    expectedVersion: number,
  ): Promise<boolean> {
    return this.table.setIfVersion(instanceKey(cluster, id), { attributes }, expectedVersion);
  }

  connect(
    cluster: string,
    id: string,
    connectionId: string,
    at: number,
  ): Promise<ContainerInstanceRecord | undefined> {
    return this.#updateInstance(cluster, id, {
      condition: 'attribute_exists(pk) AND #status <> :inactive',
      set: [
        'lastSeenAt = :at',
        'connectionId = :connection',
        'gsi1pk = :listing',
        'gsi1sk = :sortKey',
      ],
      names: { '#status': 'status' },
      values: {
        ':at': at,
        ':connection': connectionId,
        ':listing': CONNECTED_AGENTS,
        ':sortKey': connectedListing(cluster, id).gsi1sk,
        ':inactive': CONTAINER_INSTANCE_STATUS.inactive,
      },
    });
  }

  disconnect(
    cluster: string,
    id: string,
    connectionId: string,
    silentBefore?: number,
  ): Promise<ContainerInstanceRecord | undefined> {
    return this.#updateInstance(cluster, id, {
      condition:
        silentBefore === undefined
          ? 'connectionId = :connection'
          : 'connectionId = :connection AND lastSeenAt < :before',
      remove: ['connectionId', 'gsi1pk', 'gsi1sk'],
      values: {
        ':connection': connectionId,
        ...(silentBefore === undefined ? {} : { ':before': silentBefore }),
      },
    });
  }

  async listSilentAgents(before: number): Promise<ContainerInstanceRecord[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :listing',
      FilterExpression: 'lastSeenAt < :before',
      ExpressionAttributeValues: { ':listing': CONNECTED_AGENTS, ':before': before },
    });
    return items.map(toRecord);
  }

  async recordHeartbeat(
    cluster: string,
    id: string,
    connectionId: string,
    at: number,
  ): Promise<boolean> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: instanceKey(cluster, id),
          ConditionExpression: 'connectionId = :connection',
          UpdateExpression: 'SET lastSeenAt = :at',
          ExpressionAttributeValues: { ':at': at, ':connection': connectionId },
        }),
      ),
    );
    return !outcome.failed;
  }

  async saveConnection(
    connectionId: string,
    cluster: string,
    id: string,
    at: number,
  ): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: `CONNECTION#${connectionId}`,
          sk: 'CONNECTION',
          cluster,
          id,
          // API Gateway closes a WebSocket after two hours at most.
          expiresAt: Math.floor(at / 1000) + 3 * 3600,
        },
      }),
    );
  }

  async findConnection(connectionId: string): Promise<{ cluster: string; id: string } | undefined> {
    const item = await this.table.get({ pk: `CONNECTION#${connectionId}`, sk: 'CONNECTION' });
    return item ? { cluster: String(item.cluster), id: String(item.id) } : undefined;
  }

  /**
   * One conditional update of an instance that is a new version of it:
   * the instance as it now stands, or undefined when the condition failed.
   */
  async #updateInstance(
    cluster: string,
    id: string,
    update: {
      condition: string;
      set?: string[];
      remove?: string[];
      names?: Record<string, string>;
      values: Record<string, unknown>;
    },
  ): Promise<ContainerInstanceRecord | undefined> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: instanceKey(cluster, id),
          ConditionExpression: update.condition,
          UpdateExpression: [
            `SET ${['#version = #version + :one', ...(update.set ?? [])].join(', ')}`,
            ...(update.remove ? [`REMOVE ${update.remove.join(', ')}`] : []),
          ].join(' '),
          ExpressionAttributeNames: { ...update.names, '#version': 'version' },
          ExpressionAttributeValues: { ...update.values, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return outcome.failed ? undefined : toRecord(outcome.result.Attributes ?? {});
  }
}

export {
  DynamoDbContainerInstanceRepository,
  instanceKey,
  TASK_IDS,
  TASKS_LISTED,
  toItem as instanceItem,
};
