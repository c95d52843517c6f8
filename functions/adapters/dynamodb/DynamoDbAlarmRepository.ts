import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlarmStatus } from '../../domain/metrics/alarms';
import type { AlarmRepository, StoredAlarm } from '../../domain/ports/AlarmRepository';
import type { DynamoDbTable } from './DynamoDbTable';

/**
 * The local stack's metric alarms: one partition, an item per alarm
 * (`pk` `ALARMS`, `sk` the name), the alarm as JSON in `record` and its
 * state beside it in `status`/`stateUpdatedAt`, so that recording a state
 * change is one conditional update that leaves the definition alone.
 */

const PARTITION = 'ALARMS';

class DynamoDbAlarmRepository implements AlarmRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async save(alarm: StoredAlarm): Promise<void> {
    const { status, stateUpdatedAt, ...definition } = alarm;
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: PARTITION,
          sk: alarm.alarmName,
          record: JSON.stringify(definition),
          status: JSON.stringify(status),
          stateUpdatedAt,
        },
      }),
    );
  }

  async list(): Promise<StoredAlarm[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTITION },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      ...(JSON.parse(String(item.record)) as Omit<StoredAlarm, 'status' | 'stateUpdatedAt'>),
      status: JSON.parse(String(item.status)) as AlarmStatus,
      stateUpdatedAt: Number(item.stateUpdatedAt),
    }));
  }

  async delete(names: readonly string[]): Promise<void> {
    for (const name of names) {
      await this.table.client.send(
        new DeleteCommand({ TableName: this.table.tableName, Key: { pk: PARTITION, sk: name } }),
      );
    }
  }

  async saveState(
    name: string,
    status: AlarmStatus,
    at: number,
    previousUpdatedAt: number,
  ): Promise<boolean> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: PARTITION, sk: name },
          ConditionExpression: 'stateUpdatedAt = :previous',
          UpdateExpression: 'SET #status = :status, stateUpdatedAt = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':previous': previousUpdatedAt,
            ':status': JSON.stringify(status),
            ':at': at,
          },
        }),
      ),
    );
    return !outcome.failed;
  }
}

export { DynamoDbAlarmRepository };
