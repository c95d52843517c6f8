import type { StoredAccessKey, UserRecord } from '../../domain/iam/model';
import type {
  AccessKeyChange,
  IdentityRepository,
  VersionedUser,
} from '../../domain/ports/IdentityRepository';
import type { DynamoDbTable } from './DynamoDbTable';

/**
 * IAM users in one partition (`IAM_USERS`, `sk` the user name, the record as
 * JSON with a `version`); each access key in its own item
 * (`ACCESS_KEY#<id>`), found in one read when a request is signed with it.
 * Secrets reach this adapter already sealed.
 */

const USERS = 'IAM_USERS';
const keyOf = (accessKeyId: string) => ({ pk: `ACCESS_KEY#${accessKeyId}`, sk: 'ACCESS_KEY' });

class DynamoDbIdentityRepository implements IdentityRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async createUser(record: UserRecord): Promise<boolean> {
    const outcome = await this.table.transact([
      {
        Put: {
          TableName: this.table.tableName,
          Item: { pk: USERS, sk: record.userName, record: JSON.stringify(record), version: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    return outcome.outcome === 'committed';
  }

  async getUser(userName: string): Promise<VersionedUser | undefined> {
    const item = await this.table.get({ pk: USERS, sk: userName });
    return item
      ? { record: JSON.parse(String(item.record)) as UserRecord, version: Number(item.version) }
      : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': USERS },
      ConsistentRead: true,
    });
    return items.map((item) => JSON.parse(String(item.record)) as UserRecord);
  }

  async saveUser(
    record: UserRecord,
    expectedVersion: number,
    keyChange?: AccessKeyChange,
  ): Promise<boolean> {
    const outcome = await this.table.transact([
      {
        Update: {
          TableName: this.table.tableName,
          Key: { pk: USERS, sk: record.userName },
          ConditionExpression: '#version = :expected',
          UpdateExpression: 'SET #record = :record, #version = :next',
          ExpressionAttributeNames: { '#record': 'record', '#version': 'version' },
          ExpressionAttributeValues: {
            ':record': JSON.stringify(record),
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
          },
        },
      },
      ...(keyChange ? [this.keyWrite(keyChange)] : []),
    ]);
    return outcome.outcome === 'committed';
  }

  private keyWrite(change: AccessKeyChange) {
    const TableName = this.table.tableName;
    switch (change.kind) {
      case 'create':
        return {
          Put: {
            TableName,
            Item: { ...keyOf(change.key.accessKeyId), record: JSON.stringify(change.key) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
      case 'update':
        return {
          Put: {
            TableName,
            Item: { ...keyOf(change.key.accessKeyId), record: JSON.stringify(change.key) },
            ConditionExpression: 'attribute_exists(pk)',
          },
        };
      case 'delete':
        return { Delete: { TableName, Key: keyOf(change.accessKeyId) } };
    }
  }

  async deleteUser(userName: string, expectedVersion: number): Promise<boolean> {
    const outcome = await this.table.transact([
      {
        Delete: {
          TableName: this.table.tableName,
          Key: { pk: USERS, sk: userName },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      },
    ]);
    return outcome.outcome === 'committed';
  }

  async getAccessKey(accessKeyId: string): Promise<StoredAccessKey | undefined> {
    const item = await this.table.get(keyOf(accessKeyId));
    return item ? (JSON.parse(String(item.record)) as StoredAccessKey) : undefined;
  }
}

export { DynamoDbIdentityRepository };
