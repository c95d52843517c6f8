import type { CapacityProviderStrategyItem, Tag } from '@aws-sdk/client-ecs';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CLUSTER_STATUS,
  type ClusterRecord,
  type Page,
  type PageRequest,
} from '../../domain/model';
import type {
  ClusterRepository,
  DeactivateClusterResult,
} from '../../domain/ports/ClusterRepository';
import { type DynamoDbTable, withoutKeys } from './DynamoDbTable';

/**
 * Clusters in the table:
 *
 * | pk               | sk        | gsi1pk (ACTIVE only) | gsi1sk |
 * |------------------|-----------|----------------------|--------|
 * | `CLUSTER#<name>` | `CLUSTER` | `CLUSTERS`           | name   |
 *
 * The counts that block deletion are attributes of the same item, so that
 * DeleteCluster can check them and deactivate in one conditional write.
 */

const clusterKey = (name: string) => ({ pk: `CLUSTER#${name}`, sk: 'CLUSTER' });

const ACTIVE_LISTING = 'CLUSTERS';

class DynamoDbClusterRepository implements ClusterRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async create(cluster: ClusterRecord): Promise<ClusterRecord> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...cluster,
            ...clusterKey(cluster.name),
            gsi1pk: ACTIVE_LISTING,
            gsi1sk: cluster.name,
          },
          // Creating is idempotent by name: an ACTIVE cluster stays as it is.
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :inactive',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inactive': CLUSTER_STATUS.inactive },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (outcome.failed && outcome.old) return withoutKeys<ClusterRecord>(outcome.old);
    return cluster;
  }

  async get(name: string): Promise<ClusterRecord | undefined> {
    const item = await this.table.get(clusterKey(name));
    return item ? withoutKeys<ClusterRecord>(item) : undefined;
  }

  async getMany(names: readonly string[]): Promise<ClusterRecord[]> {
    const items = await this.table.getMany(names.map(clusterKey));
    return items.map((item) => withoutKeys<ClusterRecord>(item));
  }

  listActive(page: PageRequest): Promise<Page<string>> {
    return this.table.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :listing',
        ExpressionAttributeValues: { ':listing': ACTIVE_LISTING },
      },
      page,
      (item) => String(item.name),
    );
  }

  async deactivate(name: string): Promise<DeactivateClusterResult> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: clusterKey(name),
          // Checked in the same write that deactivates: nothing can be added in between.
          ConditionExpression: [
            'attribute_exists(pk)',
            '#status = :active',
            'registeredContainerInstancesCount = :zero',
            'activeServicesCount = :zero',
            'runningTasksCount = :zero',
            'pendingTasksCount = :zero',
          ].join(' AND '),
          UpdateExpression:
            'SET #status = :inactive, #version = #version + :one REMOVE gsi1pk, gsi1sk',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':active': CLUSTER_STATUS.active,
            ':inactive': CLUSTER_STATUS.inactive,
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (!outcome.failed) {
      return {
        outcome: 'deactivated',
        cluster: withoutKeys<ClusterRecord>(outcome.result.Attributes ?? {}),
      };
    }
    const old = outcome.old ? withoutKeys<ClusterRecord>(outcome.old) : undefined;
    if (old?.status !== CLUSTER_STATUS.active) return { outcome: 'not-found' };
    return { outcome: 'not-empty', cluster: old };
  }

  saveCapacityProviders(
    name: string,
    capacityProviders: string[],
    defaultCapacityProviderStrategy: CapacityProviderStrategyItem[],
    expectedVersion: number,
  ): Promise<boolean> {
    return this.table.setIfVersion(
      clusterKey(name),
      { capacityProviders, defaultCapacityProviderStrategy },
      expectedVersion,
    );
  }

  saveTags(name: string, tags: Tag[], expectedVersion: number): Promise<boolean> {
    return this.table.setIfVersion(clusterKey(name), { tags }, expectedVersion);
  }
}

export { DynamoDbClusterRepository };
