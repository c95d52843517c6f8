import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageRepository } from '../../domain/ports/UsageRepository';
import type { UsageRecord } from '../../domain/usage/model';
import type { DynamoDbTable } from './DynamoDbTable';

/**
 * Usage records, one item per FARGATE task:
 *
 * | pk               | sk                        | gsi1pk  | gsi1sk                    |
 * |------------------|---------------------------|---------|---------------------------|
 * | `USAGE#<cluster>`| `<task created>#<taskId>` | `USAGE` | `<task created>#<taskId>` |
 *
 * A task is created before it is billed, so a report reads the records of
 * tasks created before its end (one Query by sort key, on the cluster's
 * partition or, for every cluster, the index) and keeps those billed in it. Records expire 400 days after they end,
 * past the longest report range (366 days).
 */

const RETENTION_MS = 400 * 24 * 3_600_000;
const startKey = (time: number) => String(Math.max(0, Math.floor(time))).padStart(13, '0');

class DynamoDbUsageRepository implements UsageRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async save(record: UsageRecord, createdAt: number): Promise<void> {
    const sortKey = `${startKey(createdAt)}#${record.taskId}`;
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: `USAGE#${record.cluster}`,
          sk: sortKey,
          gsi1pk: 'USAGE',
          gsi1sk: sortKey,
          record: JSON.stringify(record),
          ...(record.billingEnd === undefined
            ? {}
            : { expiresAt: Math.floor((record.billingEnd + RETENTION_MS) / 1000) }),
        },
      }),
    );
  }

  async overlapping(from: number, to: number, cluster?: string): Promise<UsageRecord[]> {
    const items = await this.table.queryAll(
      cluster === undefined
        ? {
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :to',
            ExpressionAttributeValues: { ':pk': 'USAGE', ':to': startKey(to) },
          }
        : {
            KeyConditionExpression: 'pk = :pk AND sk < :to',
            ExpressionAttributeValues: { ':pk': `USAGE#${cluster}`, ':to': startKey(to) },
          },
    );
    return items
      .map((item) => JSON.parse(String(item.record)) as UsageRecord)
      .filter(
        (record) =>
          record.billingStart < to &&
          (record.billingEnd === undefined || record.billingEnd >= from),
      );
  }
}

export { DynamoDbUsageRepository };
