import {
  DeleteCommand,
  PutCommand,
  type PutCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  CLUSTER_STATUS,
  CONTAINER_INSTANCE_STATUS,
  type ContainerInstanceRecord,
  type Page,
} from '../../domain/model';
import type {
  AddressLease,
  AttachAddressResult,
  CreateTasksResult,
  InstanceReservation,
  ListTasksQuery,
  TaskChange,
  TaskRepository,
} from '../../domain/ports/TaskRepository';
import { serviceNameOfGroup } from '../../domain/services/model';
import { countedAs, type TaskRecord } from '../../domain/tasks/model';
import {
  instanceItem,
  instanceKey,
  TASK_IDS,
  TASKS_LISTED,
} from './DynamoDbContainerInstanceRepository';
import { type DynamoDbTable, type Item, withoutKeys } from './DynamoDbTable';

/**
 * Tasks and clientTokens live in their cluster's partition:
 *
 * | item   | pk               | sk              | gsi1pk (until STOPPED) | gsi1sk         |
 * |--------|------------------|-----------------|------------------------|----------------|
 * | task   | `CLUSTER#<name>` | `TASK#<id>`     | `TASKS#UNSETTLED`      | `<cluster>#<id>` |
 * | token  | `CLUSTER#<name>` | `TOKEN#<token>` |                        |                |
 *
 * Subnet addresses held by tasks (awsvpc network interfaces), one item each,
 * so that "nobody holds it" is a condition on a single item:
 *
 * | item    | pk              | sk              | owner                 |
 * |---------|-----------------|-----------------|-----------------------|
 * | address | `SUBNET#<id>`   | `ADDRESS#<ip>`  | `<cluster>/<taskId>`  |
 *
 * A STOPPED task gets `expiresAt` (TTL), so DynamoDB removes it after the
 * hour ECS keeps stopped tasks describable.
 *
 * A service's tasks (group `service:<name>`) are also listed by the second
 * index, stopped ones included (the scheduler counts those that failed to
 * start), until TTL removes them:
 *
 * | gsi2pk                       | gsi2sk |
 * |------------------------------|--------|
 * | `SERVICE#<cluster>#<name>`   | `<id>` |
 */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const taskKey = (cluster: string, id: string) => ({ pk: `CLUSTER#${cluster}`, sk: `TASK#${id}` });
const clusterKey = (cluster: string) => ({ pk: `CLUSTER#${cluster}`, sk: 'CLUSTER' });
const UNSETTLED = 'TASKS#UNSETTLED';

const serviceListing = (cluster: string, serviceName: string) =>
  `SERVICE#${cluster}#${serviceName}`;

const toItem = (task: TaskRecord, expiresAt?: number): Item => {
  const service = serviceNameOfGroup(task.group);
  return {
    ...task,
    ...taskKey(task.cluster, task.id),
    type: 'task',
    ...(service === undefined
      ? {}
      : { gsi2pk: serviceListing(task.cluster, service), gsi2sk: task.id }),
    ...(task.lastStatus === 'STOPPED'
      ? expiresAt === undefined
        ? {}
        : { expiresAt: Math.floor(expiresAt / 1000) }
      : { gsi1pk: UNSETTLED, gsi1sk: `${task.cluster}#${task.id}` }),
  };
};

const toRecord = (item: Item): TaskRecord => {
  const { type: _type, ...rest } = withoutKeys<Item>(item);
  return rest as TaskRecord;
};

/** Builds `SET a = a + :x` clauses for the non-zero deltas. */
const counterClauses = (
  deltas: Record<string, number>,
  values: Record<string, number>,
  prefix: string,
): string[] =>
  Object.entries(deltas)
    .filter(([, delta]) => delta !== 0)
    .map(([attribute, delta], index) => {
      values[`:${prefix}${index}`] = delta;
      return `${attribute} = ${attribute} + :${prefix}${index}`;
    });

class DynamoDbTaskRepository implements TaskRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async create(
    cluster: string,
    tasks: TaskRecord[],
    reservations: InstanceReservation[],
    clientToken?: { token: string; fingerprint: string; expiresAt: number },
    pendingLimit?: number,
  ): Promise<CreateTasksResult> {
    const instanceUpdates: TransactItem[] = reservations.map((reservation) => {
      const names: Record<string, string> = {
        '#status': 'status',
        '#version': 'version',
        '#taskIds': TASK_IDS,
      };
      const values: Record<string, unknown> = {
        ':taskIds': new Set(
          tasks
            .filter((task) => task.containerInstanceId === reservation.instanceId)
            .map((task) => task.id),
        ),
        ':active': CONTAINER_INSTANCE_STATUS.active,
        ':cpu': reservation.cpu,
        ':memory': reservation.memory,
        ':tasks': reservation.tasks,
        ':zero': 0,
        ':one': 1,
      };
      const sets = [
        'remainingCpu = remainingCpu - :cpu',
        'remainingMemory = remainingMemory - :memory',
        'pendingTasksCount = pendingTasksCount + :tasks',
        '#version = #version + :one',
      ];
      Object.entries(reservation.groups).forEach(([group, count], index) => {
        names[`#g${index}`] = group;
        values[`:g${index}`] = count;
        sets.push(
          `taskGroups.#g${index} = if_not_exists(taskGroups.#g${index}, :zero) + :g${index}`,
        );
      });
      const conditions = [
        '#status = :active',
        'remainingCpu >= :cpu',
        'remainingMemory >= :memory',
        ...reservation.ports.map((port, index) => {
          values[`:p${index}`] = port;
          return `NOT contains(usedPorts, :p${index})`;
        }),
      ];
      if (reservation.ports.length > 0) values[':ports'] = new Set(reservation.ports);
      return {
        Update: {
          TableName: this.table.tableName,
          Key: instanceKey(cluster, reservation.instanceId),
          ConditionExpression: conditions.join(' AND '),
          UpdateExpression: `SET ${sets.join(', ')} ADD #taskIds :taskIds${reservation.ports.length > 0 ? ', usedPorts :ports' : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
    const items: TransactItem[] = [
      ...instanceUpdates,
      ...tasks.map((task) => ({
        Put: {
          TableName: this.table.tableName,
          Item: toItem(task),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      {
        Update: {
          TableName: this.table.tableName,
          Key: clusterKey(cluster),
          UpdateExpression: 'SET pendingTasksCount = pendingTasksCount + :tasks',
          ExpressionAttributeNames: { '#status': 'status' },
          // The quota is held by the same write that counts the tasks.
          ...(pendingLimit === undefined
            ? {
                ConditionExpression: '#status = :active',
                ExpressionAttributeValues: {
                  ':active': CLUSTER_STATUS.active,
                  ':tasks': tasks.length,
                },
              }
            : {
                ConditionExpression: '#status = :active AND pendingTasksCount <= :room',
                ExpressionAttributeValues: {
                  ':active': CLUSTER_STATUS.active,
                  ':tasks': tasks.length,
                  ':room': pendingLimit - tasks.length,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
              }),
        },
      },
      ...(clientToken
        ? [
            {
              Put: {
                TableName: this.table.tableName,
                Item: {
                  pk: `CLUSTER#${cluster}`,
                  sk: `TOKEN#${clientToken.token}`,
                  fingerprint: clientToken.fingerprint,
                  taskIds: tasks.map((task) => task.id),
                  expiresAt: Math.floor(clientToken.expiresAt / 1000),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
    ];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const outcome = await this.table.transact(items);
      if (outcome.outcome === 'committed') return { outcome: 'created' };
      if (outcome.outcome === 'conflict') continue;
      const failed = new Set(outcome.failedIndexes);
      const clusterIndex = reservations.length + tasks.length;
      if (failed.has(clusterIndex)) {
        return pendingLimit !== undefined &&
          outcome.items[clusterIndex]?.status === CLUSTER_STATUS.active
          ? { outcome: 'pending-quota' }
          : { outcome: 'cluster-not-active' };
      }
      if (clientToken && failed.has(clusterIndex + 1)) return { outcome: 'token-taken' };
      return {
        outcome: 'instances-changed',
        instanceIds: reservations.filter((_, index) => failed.has(index)).map((r) => r.instanceId),
      };
    }
    return { outcome: 'instances-changed', instanceIds: reservations.map((r) => r.instanceId) };
  }

  async getClientToken(
    cluster: string,
    token: string,
  ): Promise<{ fingerprint: string; taskIds: string[] } | undefined> {
    const item = await this.table.get({ pk: `CLUSTER#${cluster}`, sk: `TOKEN#${token}` });
    return item
      ? { fingerprint: String(item.fingerprint), taskIds: (item.taskIds as string[]) ?? [] }
      : undefined;
  }

  async get(cluster: string, id: string): Promise<TaskRecord | undefined> {
    const item = await this.table.get(taskKey(cluster, id));
    return item ? toRecord(item) : undefined;
  }

  async getMany(cluster: string, ids: readonly string[]): Promise<TaskRecord[]> {
    const items = await this.table.getMany(ids.map((id) => taskKey(cluster, id)));
    return items.map(toRecord);
  }

  list(cluster: string, query: ListTasksQuery): Promise<Page<string>> {
    const filters = ['desiredStatus = :desired'];
    const values: Record<string, unknown> = {
      ':pk': `CLUSTER#${cluster}`,
      ':prefix': 'TASK#',
      ':desired': query.desiredStatus,
    };
    if (query.containerInstanceId !== undefined) {
      filters.push('containerInstanceId = :instance');
      values[':instance'] = query.containerInstanceId;
    }
    if (query.family !== undefined) {
      filters.push('#family = :family');
      values[':family'] = query.family;
    }
    if (query.startedBy !== undefined) {
      filters.push('startedBy = :startedBy');
      values[':startedBy'] = query.startedBy;
    }
    return this.table.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: filters.join(' AND '),
        ...(query.family !== undefined
          ? { ExpressionAttributeNames: { '#family': 'family' } }
          : {}),
        ExpressionAttributeValues: values,
      },
      { maxResults: query.maxResults, nextToken: query.nextToken },
      (item) => String(item.id),
    );
  }

  async listForInstance(cluster: string, instanceId: string): Promise<TaskRecord[]> {
    // The instance names its tasks (DynamoDbContainerInstanceRepository): a
    // read of it and of them, however many tasks the cluster has or had.
    const instance = await this.table.get(instanceKey(cluster, instanceId));
    if (instance === undefined) return [];
    if (instance[TASKS_LISTED] === true) {
      const ids = instance[TASK_IDS] instanceof Set ? [...instance[TASK_IDS]].map(String) : [];
      const tasks = ids.length === 0 ? [] : await this.getMany(cluster, ids);
      // A task can have stopped between the two reads; a batch read keeps no order.
      return tasks
        .filter((task) => task.containerInstanceId === instanceId && task.lastStatus !== 'STOPPED')
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    // Registered before instances named their tasks: every task of the cluster, filtered.
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'containerInstanceId = :instance AND lastStatus <> :stopped',
      ExpressionAttributeValues: {
        ':pk': `CLUSTER#${cluster}`,
        ':prefix': 'TASK#',
        ':instance': instanceId,
        ':stopped': 'STOPPED',
      },
      ConsistentRead: true,
    });
    return items.map(toRecord);
  }

  async listForService(cluster: string, serviceName: string): Promise<TaskRecord[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :service',
      ExpressionAttributeValues: { ':service': serviceListing(cluster, serviceName) },
    });
    return items.map(toRecord);
  }

  async listUnsettled(): Promise<TaskRecord[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :unsettled',
      ExpressionAttributeValues: { ':unsettled': UNSETTLED },
    });
    return items.map(toRecord);
  }

  async apply(change: TaskChange, expiresAt?: number): Promise<boolean> {
    const { task, next } = change;
    const before = countedAs(task.lastStatus);
    const after = countedAs(next.lastStatus);
    const deltas = {
      pendingTasksCount: (after === 'pending' ? 1 : 0) - (before === 'pending' ? 1 : 0),
      runningTasksCount: (after === 'running' ? 1 : 0) - (before === 'running' ? 1 : 0),
    };
    const releasing = task.reservationHeld && !next.reservationHeld;
    // Conditional on the version and the wait token read: a write that parks a
    // workflow step keeps the version (users see no change), so the token is checked too.
    const put = this.#taskPut(change, expiresAt);
    const items: TransactItem[] = [put];
    const clusterValues: Record<string, number> = {};
    const clusterSets = counterClauses(deltas, clusterValues, 'c');
    if (clusterSets.length > 0) {
      items.push({
        Update: {
          TableName: this.table.tableName,
          Key: clusterKey(task.cluster),
          UpdateExpression: `SET ${clusterSets.join(', ')}`,
          ExpressionAttributeValues: clusterValues,
        },
      });
    }
    if (task.containerInstanceId !== undefined && (clusterSets.length > 0 || releasing)) {
      const values: Record<string, unknown> = {};
      const names: Record<string, string> = {};
      // Every change of an instance is a new version (ECS: detail.version of its events).
      const sets = [...counterClauses(deltas, values as Record<string, number>, 'i')];
      names['#version'] = 'version';
      values[':one'] = 1;
      sets.push('#version = #version + :one');
      let portsClause = '';
      if (releasing) {
        values[':cpu'] = task.reservation.cpu;
        values[':memory'] = task.reservation.memory;
        values[':taskIds'] = new Set([task.id]);
        names['#group'] = task.group;
        names['#taskIds'] = TASK_IDS;
        sets.push(
          'remainingCpu = remainingCpu + :cpu',
          'remainingMemory = remainingMemory + :memory',
          'taskGroups.#group = taskGroups.#group - :one',
        );
        portsClause = ' DELETE #taskIds :taskIds';
        if (task.reservation.ports.length > 0) {
          values[':ports'] = new Set(task.reservation.ports);
          portsClause += ', usedPorts :ports';
        }
      }
      items.push({
        Update: {
          TableName: this.table.tableName,
          Key: instanceKey(task.cluster, task.containerInstanceId),
          UpdateExpression: `SET ${sets.join(', ')}${portsClause}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    }
    if (items.length === 1) {
      // Only the task changes: one conditional put, not a transaction (which
      // costs DynamoDB twice the write capacity and DynamoDB Local far more).
      const outcome = await this.table.conditional(() =>
        this.table.client.send(new PutCommand(put.Put as PutCommandInput)),
      );
      return !outcome.failed;
    }
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const outcome = await this.table.transact(items);
      if (outcome.outcome === 'committed') return true;
      if (outcome.outcome === 'condition-failed') return false;
    }
    return false;
  }

  async attachAddress(change: TaskChange, lease: AddressLease): Promise<AttachAddressResult> {
    const outcome = await this.#putWithTask(
      {
        TableName: this.table.tableName,
        Item: { ...addressKey(lease), type: 'address', owner: lease.owner },
        // Free, or already ours (a retried step finds the address it took).
        ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': lease.owner },
      },
      change,
    );
    if (outcome === 'committed') return 'attached';
    return outcome === 'put-refused' ? 'address-taken' : 'task-changed';
  }

  async releaseAddress(lease: AddressLease): Promise<void> {
    await this.table.conditional(() =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: addressKey(lease),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': lease.owner },
        }),
      ),
    );
  }

  async heldAddresses(subnetId: string): Promise<string[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `SUBNET#${subnetId}`, ':prefix': 'ADDRESS#' },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    });
    return items.map((item) => String(item.sk).slice('ADDRESS#'.length));
  }

  async bindManagedInstance(
    change: TaskChange,
    instance: ContainerInstanceRecord,
  ): Promise<boolean> {
    const outcome = await this.#putWithTask(
      {
        TableName: this.table.tableName,
        // Created holding its one task's room, so it names that task.
        Item: {
          ...instanceItem(instance),
          [TASKS_LISTED]: true,
          [TASK_IDS]: new Set([change.task.id]),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      change,
    );
    return outcome === 'committed';
  }

  /**
   * One conditional put and a task change in one transaction, retried on
   * transaction conflicts: `put-refused` when the put's condition failed,
   * `task-changed` when the task's did.
   */
  async #putWithTask(
    put: NonNullable<TransactItem['Put']>,
    change: TaskChange,
  ): Promise<'committed' | 'put-refused' | 'task-changed'> {
    const items: TransactItem[] = [{ Put: put }, this.#taskPut(change)];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const outcome = await this.table.transact(items);
      if (outcome.outcome === 'committed') return 'committed';
      if (outcome.outcome === 'condition-failed') {
        return outcome.failedIndexes.includes(0) ? 'put-refused' : 'task-changed';
      }
    }
    return 'task-changed';
  }

  /** The task's new state, conditional on the version and wait token read. */
  #taskPut({ task, next }: TaskChange, expiresAt?: number): TransactItem {
    return {
      Put: {
        TableName: this.table.tableName,
        Item: toItem(next, expiresAt),
        ConditionExpression:
          task.wait === undefined
            ? '#version = :expected AND attribute_not_exists(#wait)'
            : '#version = :expected AND #wait.#token = :token',
        ExpressionAttributeNames: {
          '#version': 'version',
          '#wait': 'wait',
          ...(task.wait === undefined ? {} : { '#token': 'token' }),
        },
        ExpressionAttributeValues: {
          ':expected': task.version,
          ...(task.wait === undefined ? {} : { ':token': task.wait.token }),
        },
      },
    };
  }
}

const addressKey = (lease: Pick<AddressLease, 'subnetId' | 'address'>) => ({
  pk: `SUBNET#${lease.subnetId}`,
  sk: `ADDRESS#${lease.address}`,
});

export { DynamoDbTaskRepository };
