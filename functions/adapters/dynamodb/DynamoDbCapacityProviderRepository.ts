import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CapacityProviderRecord } from '../../domain/capacity/model';
import type { CapacityProviderRepository } from '../../domain/ports/CapacityProviderRepository';
import type { DynamoDbTable } from './DynamoDbTable';

/**
 * Capacity providers belong to the account, not to a cluster: one
 * partition (`CAPACITY_PROVIDERS`), an item per provider (`sk` its name),
 * the record as JSON. A name is never reused, as on ECS: creating a
 * provider whose name exists, even INACTIVE, fails its condition.
 */

const PARTITION = 'CAPACITY_PROVIDERS';

class DynamoDbCapacityProviderRepository implements CapacityProviderRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async create(record: CapacityProviderRecord): Promise<boolean> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { pk: PARTITION, sk: record.name, record: JSON.stringify(record) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return !outcome.failed;
  }

  async get(name: string): Promise<CapacityProviderRecord | undefined> {
    const item = await this.table.get({ pk: PARTITION, sk: name });
    return item ? (JSON.parse(String(item.record)) as CapacityProviderRecord) : undefined;
  }

  async list(): Promise<CapacityProviderRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTITION },
      ConsistentRead: true,
    });
    return items.map((item) => JSON.parse(String(item.record)) as CapacityProviderRecord);
  }

  async save(record: CapacityProviderRecord): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { pk: PARTITION, sk: record.name, record: JSON.stringify(record) },
      }),
    );
  }
}

export { DynamoDbCapacityProviderRepository };
