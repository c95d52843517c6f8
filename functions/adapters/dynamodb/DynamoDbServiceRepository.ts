import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CLUSTER_STATUS, type Page } from '../../domain/model';
import type {
  CreateServiceResult,
  ListServicesQuery,
  ServiceRepository,
} from '../../domain/ports/ServiceRepository';
import type { ServiceRecord } from '../../domain/services/model';
import type { DynamoDbTable, Item } from './DynamoDbTable';

/**
 * Services live in their cluster's partition:
 *
 * | pk               | sk               | gsi1pk (ACTIVE, DRAINING) | gsi1sk          |
 * |------------------|------------------|---------------------------|-----------------|
 * | `CLUSTER#<name>` | `SERVICE#<name>` | `SERVICES#LIVE`           | `<cluster>#<name>` |
 *
 * The record is one JSON attribute (`record`) beside what conditions and
 * ListServices filter on (`version`, `status`, `launchType`,
 * `schedulingStrategy`), so that a save is one UpdateItem that sets those and
 * leaves the scheduler's lease (`leaseOwner`, `leaseUntil`, `wakeAgain`)
 * alone: a wake-up marked while the scheduler worked is never overwritten.
 */

const serviceKey = (cluster: string, name: string) => ({
  pk: `CLUSTER#${cluster}`,
  sk: `SERVICE#${name}`,
});
const clusterKey = (cluster: string) => ({ pk: `CLUSTER#${cluster}`, sk: 'CLUSTER' });
const LIVE = 'SERVICES#LIVE';
/** Retries of a transaction that lost to another one holding the same items. */
const MAX_CONFLICT_RETRIES = 5;

const toRecord = (item: Item): ServiceRecord => ({
  ...(JSON.parse(String(item.record)) as ServiceRecord),
  version: Number(item.version),
});

/** The attributes a save sets: the record and what is read without it. */
const attributesOf = (service: ServiceRecord) => {
  const { version: _version, ...record } = service;
  return {
    record: JSON.stringify(record),
    status: service.status,
    schedulingStrategy: service.schedulingStrategy,
    launchType: service.deployments[0]?.launchType ?? 'NONE',
  };
};

class DynamoDbServiceRepository implements ServiceRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async create(service: ServiceRecord, limit: number): Promise<CreateServiceResult> {
    // A transaction conflict (the cluster's counters are written by every task
    // transition) is retried a few times, as the other repositories do.
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt += 1) {
      const outcome = await this.#createOnce(service, limit);
      if (outcome !== 'conflict') return outcome;
      const existing = await this.get(service.cluster, service.name);
      if (existing && existing.status !== 'INACTIVE')
        return { outcome: 'exists', service: existing };
    }
    return { outcome: 'contended' };
  }

  async #createOnce(
    service: ServiceRecord,
    limit: number,
  ): Promise<CreateServiceResult | 'conflict'> {
    const outcome = await this.table.transact([
      {
        Put: {
          TableName: this.table.tableName,
          Item: {
            ...serviceKey(service.cluster, service.name),
            type: 'service',
            ...attributesOf(service),
            version: service.version,
            gsi1pk: LIVE,
            gsi1sk: `${service.cluster}#${service.name}`,
          },
          // A name is free again once its service is INACTIVE.
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :inactive',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inactive': 'INACTIVE' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Update: {
          TableName: this.table.tableName,
          Key: clusterKey(service.cluster),
          // The quota is held by the same write that counts the service.
          ConditionExpression: '#status = :active AND activeServicesCount < :limit',
          UpdateExpression: 'SET activeServicesCount = activeServicesCount + :one',
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
    if (outcome.outcome === 'committed') return { outcome: 'created' };
    if (outcome.outcome === 'conflict') return 'conflict';
    const stood = outcome.items[0];
    if (outcome.failedIndexes.includes(0) && stood) {
      return { outcome: 'exists', service: toRecord(stood) };
    }
    return outcome.items[1]?.status === CLUSTER_STATUS.active
      ? { outcome: 'quota-reached' }
      : { outcome: 'cluster-not-active' };
  }

  async get(cluster: string, name: string): Promise<ServiceRecord | undefined> {
    const item = await this.table.get(serviceKey(cluster, name));
    return item ? toRecord(item) : undefined;
  }

  async getMany(cluster: string, names: readonly string[]): Promise<ServiceRecord[]> {
    const items = await this.table.getMany(names.map((name) => serviceKey(cluster, name)));
    return items.map(toRecord);
  }

  list(cluster: string, query: ListServicesQuery): Promise<Page<string>> {
    const filters = ['#status = :active'];
    const values: Record<string, unknown> = {
      ':pk': `CLUSTER#${cluster}`,
      ':prefix': 'SERVICE#',
      ':active': 'ACTIVE',
    };
    if (query.launchType !== undefined) {
      filters.push('launchType = :launchType');
      values[':launchType'] = query.launchType;
    }
    if (query.schedulingStrategy !== undefined) {
      filters.push('schedulingStrategy = :strategy');
      values[':strategy'] = query.schedulingStrategy;
    }
    return this.table.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: filters.join(' AND '),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
      { maxResults: query.maxResults, nextToken: query.nextToken },
      (item) => String(item.sk).slice('SERVICE#'.length),
    );
  }

  async save(next: ServiceRecord, read: ServiceRecord): Promise<boolean> {
    const expectedVersion = read.version;
    const attributes = attributesOf(next);
    const live = next.status !== 'INACTIVE';
    const update = {
      TableName: this.table.tableName,
      Key: serviceKey(next.cluster, next.name),
      ConditionExpression: '#version = :expected',
      UpdateExpression: [
        `SET #record = :record, #status = :status, schedulingStrategy = :strategy, launchType = :launchType, #version = :next${
          live ? ', gsi1pk = :live, gsi1sk = :sortKey' : ''
        }`,
        live ? '' : 'REMOVE gsi1pk, gsi1sk',
      ]
        .join(' ')
        .trim(),
      ExpressionAttributeNames: { '#record': 'record', '#status': 'status', '#version': 'version' },
      ExpressionAttributeValues: {
        ':record': attributes.record,
        ':status': attributes.status,
        ':strategy': attributes.schedulingStrategy,
        ':launchType': attributes.launchType,
        ':expected': expectedVersion,
        ':next': next.version,
        ...(live ? { ':live': LIVE, ':sortKey': `${next.cluster}#${next.name}` } : {}),
      },
    };
    // DeleteService: the service leaves the cluster's ACTIVE count in the same write.
    if (!(read.status === 'ACTIVE' && next.status !== 'ACTIVE')) {
      const outcome = await this.table.conditional(() =>
        this.table.client.send(new UpdateCommand(update)),
      );
      return !outcome.failed;
    }
    const outcome = await this.table.transact([
      { Update: update },
      {
        Update: {
          TableName: this.table.tableName,
          Key: clusterKey(next.cluster),
          UpdateExpression: 'SET activeServicesCount = activeServicesCount - :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ]);
    return outcome.outcome === 'committed';
  }

  async listLive(cluster?: string): Promise<{ cluster: string; name: string }[]> {
    // gsi1sk is `<cluster>#<name>`, and `#` cannot be in a cluster's name.
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression:
        cluster === undefined
          ? 'gsi1pk = :live'
          : 'gsi1pk = :live AND begins_with(gsi1sk, :cluster)',
      ExpressionAttributeValues: {
        ':live': LIVE,
        ...(cluster === undefined ? {} : { ':cluster': `${cluster}#` }),
      },
    });
    return items.map((item) => {
      const [cluster = '', ...rest] = String(item.gsi1sk).split('#');
      return { cluster, name: rest.join('#') };
    });
  }

  async tryLease(
    cluster: string,
    name: string,
    owner: string,
    until: number,
    now: number,
  ): Promise<'acquired' | 'held' | 'missing'> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: serviceKey(cluster, name),
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until REMOVE wakeAgain',
          ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (!outcome.failed) return 'acquired';
    return outcome.old ? 'held' : 'missing';
  }

  async markWake(cluster: string, name: string, now: number): Promise<boolean> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: serviceKey(cluster, name),
          ConditionExpression: 'attribute_exists(leaseOwner) AND leaseUntil >= :now',
          UpdateExpression: 'SET wakeAgain = :yes',
          ExpressionAttributeValues: { ':now': now, ':yes': true },
        }),
      ),
    );
    return !outcome.failed;
  }

  async releaseLease(cluster: string, name: string, owner: string): Promise<'released' | 'again'> {
    const released = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: serviceKey(cluster, name),
          ConditionExpression: 'leaseOwner = :owner AND attribute_not_exists(wakeAgain)',
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
    if (!released.failed) return 'released';
    // A wake-up was marked (or the lease was lost): clear the mark and run once more.
    const cleared = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: serviceKey(cluster, name),
          ConditionExpression: 'leaseOwner = :owner',
          UpdateExpression: 'REMOVE wakeAgain',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
    return cleared.failed ? 'released' : 'again';
  }

  async renewLease(cluster: string, name: string, owner: string, until: number): Promise<boolean> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: serviceKey(cluster, name),
          ConditionExpression: 'leaseOwner = :owner',
          UpdateExpression: 'SET leaseUntil = :until',
          ExpressionAttributeValues: { ':owner': owner, ':until': until },
        }),
      ),
    );
    return !outcome.failed;
  }

  async dropLease(cluster: string, name: string, owner: string): Promise<void> {
    await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: serviceKey(cluster, name),
          ConditionExpression: 'leaseOwner = :owner',
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil, wakeAgain',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }
}

export { DynamoDbServiceRepository };
