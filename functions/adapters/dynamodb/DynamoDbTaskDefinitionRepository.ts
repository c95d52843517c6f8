import type { Tag } from '@aws-sdk/client-ecs';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Page,
  type PageRequest,
  TASK_DEFINITION_STATUS,
  type TaskDefinitionFamilyRecord,
  type TaskDefinitionRecord,
  type TaskDefinitionStatus,
} from '../../domain/model';
import type {
  AppendRevisionResult,
  ListFamiliesQuery,
  ListTaskDefinitionsQuery,
  TaskDefinitionRepository,
} from '../../domain/ports/TaskDefinitionRepository';
import { type DynamoDbTable, type Item, withoutKeys } from './DynamoDbTable';

/**
 * Task definitions in the table; a family and its revisions share a
 * partition:
 *
 * | item     | pk                | sk            | gsi1pk               | gsi1sk            |
 * |----------|-------------------|---------------|----------------------|-------------------|
 * | family   | `TDFAMILY#<fam>`  | `FAMILY`      | `TDFAMILIES`         | family            |
 * | revision | `TDFAMILY#<fam>`  | `REV#0000042` | `TDSTATUS#<status>`  | `<fam>#0000042`   |
 *
 * Revisions are zero-padded so that key order is numeric order; `#` sorts
 * below every character allowed in a family name, so `gsi1sk` order is
 * family order, then revision order, as ListTaskDefinitions wants.
 */

const familyKey = (family: string) => ({ pk: `TDFAMILY#${family}`, sk: 'FAMILY' });
const padRevision = (revision: number) => String(revision).padStart(7, '0');
const revisionKey = (family: string, revision: number) => ({
  pk: `TDFAMILY#${family}`,
  sk: `REV#${padRevision(revision)}`,
});
const statusListing = (status: TaskDefinitionStatus) => `TDSTATUS#${status}`;

/** Retries of a transaction that lost to another one holding the same items. */
const MAX_CONFLICT_RETRIES = 5;

const toFamily = (item: Item): TaskDefinitionFamilyRecord => ({
  family: String(item.family),
  latestRevision: Number(item.latestRevision),
  activeRevisions: Number(item.activeRevisions),
});

class DynamoDbTaskDefinitionRepository implements TaskDefinitionRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async getFamily(family: string): Promise<TaskDefinitionFamilyRecord | undefined> {
    const item = await this.table.get(familyKey(family));
    return item ? toFamily(item) : undefined;
  }

  async appendRevision(
    record: TaskDefinitionRecord,
    expectedLatestRevision: number,
  ): Promise<AppendRevisionResult> {
    const newFamily = expectedLatestRevision === 0;
    const outcome = await this.table.transact([
      {
        Update: {
          TableName: this.table.tableName,
          Key: familyKey(record.family),
          ConditionExpression: newFamily
            ? 'attribute_not_exists(pk)'
            : 'latestRevision = :expected',
          // The listing keys never change after the family's first revision; leaving
          // them out of later updates spares DynamoDB an index write per registration.
          UpdateExpression: newFamily
            ? 'SET latestRevision = :revision, #family = :family, gsi1pk = :listing, gsi1sk = :family ADD activeRevisions :one'
            : 'SET latestRevision = :revision ADD activeRevisions :one',
          ...(newFamily ? { ExpressionAttributeNames: { '#family': 'family' } } : {}),
          ExpressionAttributeValues: {
            ':revision': record.revision,
            ':one': 1,
            ...(newFamily
              ? { ':family': record.family, ':listing': 'TDFAMILIES' }
              : { ':expected': expectedLatestRevision }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.table.tableName,
          Item: {
            ...record,
            ...revisionKey(record.family, record.revision),
            gsi1pk: statusListing(record.status),
            gsi1sk: `${record.family}#${padRevision(record.revision)}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (outcome.outcome === 'committed') return { outcome: 'appended' };
    const stood = outcome.outcome === 'condition-failed' ? outcome.items[0] : undefined;
    // A transaction conflict returns no item: read the counter as it now stands.
    return {
      outcome: 'conflict',
      family: stood ? toFamily(stood) : await this.getFamily(record.family),
    };
  }

  async getRevision(family: string, revision: number): Promise<TaskDefinitionRecord | undefined> {
    const item = await this.table.get(revisionKey(family, revision));
    return item ? withoutKeys<TaskDefinitionRecord>(item) : undefined;
  }

  async getLatestActive(family: string): Promise<TaskDefinitionRecord | undefined> {
    const page = await this.table.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :revisions)',
        FilterExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': familyKey(family).pk,
          ':revisions': 'REV#',
          ':active': TASK_DEFINITION_STATUS.active,
        },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      { maxResults: 1 },
      (item) => withoutKeys<TaskDefinitionRecord>(item),
    );
    return page.items[0];
  }

  async changeStatus(
    family: string,
    revision: number,
    from: TaskDefinitionStatus,
    to: TaskDefinitionStatus,
    at: number,
  ): Promise<TaskDefinitionRecord | undefined> {
    const activeDelta =
      (to === TASK_DEFINITION_STATUS.active ? 1 : 0) -
      (from === TASK_DEFINITION_STATUS.active ? 1 : 0);
    const stampDeregistered = to === TASK_DEFINITION_STATUS.inactive;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt += 1) {
      const outcome = await this.table.transact([
        {
          Update: {
            TableName: this.table.tableName,
            Key: revisionKey(family, revision),
            ConditionExpression: '#status = :from',
            UpdateExpression: `SET #status = :to, gsi1pk = :listing, statusChangedAt = :at, #version = #version + :one${
              stampDeregistered ? ', deregisteredAt = :at' : ''
            }`,
            ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
            ExpressionAttributeValues: {
              ':from': from,
              ':to': to,
              ':listing': statusListing(to),
              ':one': 1,
              ':at': at,
            },
          },
        },
        ...(activeDelta === 0
          ? []
          : [
              {
                Update: {
                  TableName: this.table.tableName,
                  Key: familyKey(family),
                  UpdateExpression: 'ADD activeRevisions :delta',
                  ExpressionAttributeValues: { ':delta': activeDelta },
                },
              },
            ]),
      ]);
      if (outcome.outcome === 'committed') return this.getRevision(family, revision);
      if (outcome.outcome === 'condition-failed') return undefined;
    }
    throw new Error(`Task definition ${family}:${revision} stayed contended`);
  }

  async purge(family: string, revision: number): Promise<void> {
    await this.table.conditional(() =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: revisionKey(family, revision),
          ConditionExpression: '#status = :deleting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':deleting': TASK_DEFINITION_STATUS.deleteInProgress },
        }),
      ),
    );
  }

  list(query: ListTaskDefinitionsQuery): Promise<Page<{ family: string; revision: number }>> {
    const page: PageRequest = { maxResults: query.maxResults, nextToken: query.nextToken };
    const toReference = (item: Item) => ({
      family: String(item.family),
      revision: Number(item.revision),
    });
    if (query.family !== undefined) {
      return this.table.queryPage(
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :revisions)',
          FilterExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': familyKey(query.family).pk,
            ':revisions': 'REV#',
            ':status': query.status,
          },
          ScanIndexForward: !query.descending,
        },
        page,
        toReference,
      );
    }
    return this.table.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :listing',
        ExpressionAttributeValues: { ':listing': statusListing(query.status) },
        ScanIndexForward: !query.descending,
      },
      page,
      toReference,
    );
  }

  listFamilies(query: ListFamiliesQuery): Promise<Page<string>> {
    const filter =
      query.status === 'ACTIVE'
        ? 'activeRevisions > :zero'
        : query.status === 'INACTIVE'
          ? 'activeRevisions = :zero'
          : undefined;
    return this.table.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: query.familyPrefix
          ? 'gsi1pk = :listing AND begins_with(gsi1sk, :prefix)'
          : 'gsi1pk = :listing',
        ...(filter ? { FilterExpression: filter } : {}),
        ExpressionAttributeValues: {
          ':listing': 'TDFAMILIES',
          ...(query.familyPrefix ? { ':prefix': query.familyPrefix } : {}),
          ...(filter ? { ':zero': 0 } : {}),
        },
      },
      { maxResults: query.maxResults, nextToken: query.nextToken },
      (item) => String(item.family),
    );
  }

  saveTags(
    family: string,
    revision: number,
    tags: Tag[],
    expectedVersion: number,
  ): Promise<boolean> {
    return this.table.setIfVersion(revisionKey(family, revision), { tags }, expectedVersion);
  }
}

export { DynamoDbTaskDefinitionRepository };
