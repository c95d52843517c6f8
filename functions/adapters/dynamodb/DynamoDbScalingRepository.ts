import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../domain/model';
import type {
  ScalingQuery,
  ScalingRepository,
  TargetState,
} from '../../domain/ports/ScalingRepository';
import type { ScalingRecord } from '../../domain/scaling/cooldowns';
import type {
  ScalableTarget,
  ScalableTargetKey,
  ScalingActivity,
  ScalingPolicy,
  ScheduledAction,
} from '../../domain/scaling/model';
import type { DynamoDbTable, Item } from './DynamoDbTable';

/**
 * Application Auto Scaling's records. A target and what hangs on it share a
 * partition, so the evaluator reads one target whole with one Query;
 * activities have a partition of their own per target (they pile up, and
 * the evaluator only wants the recent ones), newest first.
 *
 * | item      | pk                          | sk                  | gsi1pk                  | gsi1sk                    |
 * |-----------|-----------------------------|---------------------|-------------------------|---------------------------|
 * | target    | `SCALING#<target>`          | `TARGET`            | `SCALING_TARGETS#<ns>`   | `<target>`               |
 * | policy    | `SCALING#<target>`          | `POLICY#<name>`     | `SCALING_POLICIES#<ns>`  | `<target>#<name>`        |
 * | scheduled | `SCALING#<target>`          | `SCHEDULED#<name>`  | `SCALING_SCHEDULED#<ns>` | `<target>#<name>`        |
 * | progress  | `SCALING#<target>`          | `EVALUATED`         |                          |                          |
 *
 * The progress item keeps how far the scheduled actions have run (`until`)
 * and, while an evaluator works on the target, its claim (`lease`).
 * | activity  | `SCALING_ACTIVITY#<target>` | `<newest first>#<id>` | `SCALING_ACTIVITIES#<ns>` | `<newest first>#<id>` |
 *
 * `<target>` is `<ResourceId>#<ScalableDimension>`. Every item keeps its
 * record as JSON (`record`) and its `resourceId` beside it, which Describe*
 * filter on. Activities expire after six weeks, as AWS keeps them; one that
 * changed the capacity also keeps the `scaling` its cooldowns come from.
 */

const ACTIVITY_RETENTION_MS = 42 * 24 * 60 * 60 * 1000;
const LATEST_TIME = 9_999_999_999_999;

const targetOf = (key: ScalableTargetKey): string => `${key.ResourceId}#${key.ScalableDimension}`;
const partitionOf = (key: ScalableTargetKey): string => `SCALING#${targetOf(key)}`;
const activityPartitionOf = (key: ScalableTargetKey): string => `SCALING_ACTIVITY#${targetOf(key)}`;
/** Sorts newest first: ascending keys of descending times. */
const newestFirst = (time: number): string => String(LATEST_TIME - time).padStart(13, '0');

const DATE_MEMBERS = new Set(['CreationTime', 'StartTime', 'EndTime']);
/** JSON keeps dates as ISO text; the records' dates come back as Dates. */
const revive = <T>(text: unknown): T =>
  JSON.parse(String(text), (key, value) =>
    DATE_MEMBERS.has(key) && typeof value === 'string' ? new Date(value) : value,
  ) as T;

const filterOf = (query: ScalingQuery) => {
  const ids = query.resourceIds ?? [];
  const clauses: string[] = [];
  const values: Record<string, unknown> = {};
  if (ids.length > 0) {
    clauses.push(`resourceId IN (${ids.map((_, index) => `:id${index}`).join(', ')})`);
    ids.forEach((id, index) => {
      values[`:id${index}`] = id;
    });
  }
  if (query.scalableDimension !== undefined) {
    clauses.push('scalableDimension = :dimension');
    values[':dimension'] = query.scalableDimension;
  }
  return { clauses, values };
};

class DynamoDbScalingRepository implements ScalingRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async readTarget(key: ScalableTargetKey): Promise<TargetState> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partitionOf(key) },
      ConsistentRead: true,
    });
    const target = items.find((item) => item.sk === 'TARGET');
    const of = <T>(prefix: string): T[] =>
      items
        .filter((item) => String(item.sk).startsWith(prefix))
        .map((item) => revive<T>(item.record));
    return {
      target: target
        ? { target: revive<ScalableTarget>(target.record), version: Number(target.version) }
        : undefined,
      policies: of<ScalingPolicy>('POLICY#'),
      scheduledActions: of<ScheduledAction>('SCHEDULED#'),
      evaluatedUntil: items.find((item) => item.sk === 'EVALUATED')?.until as number | undefined,
    };
  }

  async saveTarget(target: ScalableTarget, expectedVersion?: number): Promise<'saved' | 'stale'> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...this.#item(target, 'TARGET', 'SCALING_TARGETS', targetOf(target)),
            version: (expectedVersion ?? 0) + 1,
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      ),
    );
    return outcome.failed ? 'stale' : 'saved';
  }

  async deleteTarget(key: ScalableTargetKey): Promise<void> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partitionOf(key) },
      ProjectionExpression: 'pk, sk',
    });
    // Policies and scheduled actions first, the target last: a crash half-way leaves a target
    // with fewer attachments, never attachments without their target.
    const ordered = [...items].sort((a, b) => (a.sk === 'TARGET' ? 1 : b.sk === 'TARGET' ? -1 : 0));
    for (const item of ordered) await this.#delete({ pk: item.pk, sk: item.sk });
  }

  async listTargets(query: ScalingQuery, page: PageRequest): Promise<Page<ScalableTarget>> {
    return this.#list<ScalableTarget>('SCALING_TARGETS', query, page);
  }

  async allTargets(): Promise<ScalableTarget[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'SCALING_TARGETS#ecs' },
    });
    return items.map((item) => revive<ScalableTarget>(item.record));
  }

  async savePolicy(policy: ScalingPolicy): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: this.#item(
          policy,
          `POLICY#${policy.PolicyName}`,
          'SCALING_POLICIES',
          `${targetOf(policy)}#${policy.PolicyName}`,
          { name: policy.PolicyName },
        ),
      }),
    );
  }

  async deletePolicy(key: ScalableTargetKey, policyName: string): Promise<boolean> {
    return this.#delete({ pk: partitionOf(key), sk: `POLICY#${policyName}` });
  }

  async listPolicies(
    query: ScalingQuery & { readonly policyNames?: readonly string[] },
    page: PageRequest,
  ): Promise<Page<ScalingPolicy>> {
    return this.#list<ScalingPolicy>('SCALING_POLICIES', query, page, query.policyNames);
  }

  async saveScheduledAction(action: ScheduledAction): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: this.#item(
          action,
          `SCHEDULED#${action.ScheduledActionName}`,
          'SCALING_SCHEDULED',
          `${targetOf(action)}#${action.ScheduledActionName}`,
          { name: action.ScheduledActionName },
        ),
      }),
    );
  }

  async deleteScheduledAction(key: ScalableTargetKey, name: string): Promise<boolean> {
    return this.#delete({ pk: partitionOf(key), sk: `SCHEDULED#${name}` });
  }

  async listScheduledActions(
    query: ScalingQuery & { readonly names?: readonly string[] },
    page: PageRequest,
  ): Promise<Page<ScheduledAction>> {
    return this.#list<ScheduledAction>('SCALING_SCHEDULED', query, page, query.names);
  }

  async claimEvaluation(key: ScalableTargetKey, now: number, leaseUntil: number): Promise<boolean> {
    const outcome = await this.table.conditional(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: partitionOf(key), sk: 'EVALUATED' },
          ConditionExpression: 'attribute_not_exists(lease) OR lease < :now',
          UpdateExpression: 'SET lease = :lease',
          ExpressionAttributeValues: { ':now': now, ':lease': leaseUntil },
        }),
      ),
    );
    return !outcome.failed;
  }

  async markEvaluated(key: ScalableTargetKey, until: number | undefined): Promise<void> {
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: { pk: partitionOf(key), sk: 'EVALUATED' },
        ...(until === undefined
          ? { UpdateExpression: 'REMOVE lease' }
          : {
              UpdateExpression: 'SET #until = :until REMOVE lease',
              ExpressionAttributeNames: { '#until': 'until' },
              ExpressionAttributeValues: { ':until': until },
            }),
      }),
    );
  }

  async saveActivity(activity: ScalingActivity, scaling?: ScalingRecord): Promise<void> {
    const start = activity.StartTime.getTime();
    const sortKey = `${newestFirst(start)}#${activity.ActivityId}`;
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: activityPartitionOf(activity),
          sk: sortKey,
          gsi1pk: `SCALING_ACTIVITIES#${activity.ServiceNamespace}`,
          gsi1sk: sortKey,
          resourceId: activity.ResourceId,
          scalableDimension: activity.ScalableDimension,
          record: JSON.stringify(activity),
          ...(scaling ? { scaling: JSON.stringify(scaling) } : {}),
          expiresAt: Math.floor((start + ACTIVITY_RETENTION_MS) / 1000),
        },
      }),
    );
  }

  async listActivities(query: ScalingQuery, page: PageRequest): Promise<Page<ScalingActivity>> {
    const { clauses, values } = filterOf(query);
    const single =
      query.resourceIds?.length === 1 && query.scalableDimension !== undefined
        ? {
            ServiceNamespace: 'ecs' as const,
            ResourceId: query.resourceIds[0] ?? '',
            ScalableDimension: query.scalableDimension as ScalableTargetKey['ScalableDimension'],
          }
        : undefined;
    // One target named whole: its own partition; otherwise the namespace's index, filtered.
    return this.table.queryPage(
      single
        ? {
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': activityPartitionOf(single) },
          }
        : {
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ...(clauses.length > 0 ? { FilterExpression: clauses.join(' AND ') } : {}),
            ExpressionAttributeValues: { ':pk': 'SCALING_ACTIVITIES#ecs', ...values },
          },
      page,
      (item) => revive<ScalingActivity>(item.record),
    );
  }

  async recentScalings(key: ScalableTargetKey, since: number): Promise<ScalingRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk < :until',
      ExpressionAttributeValues: {
        ':pk': activityPartitionOf(key),
        // Everything that started at or after `since` sorts before this.
        ':until': `${newestFirst(since)}$`,
      },
      ConsistentRead: true,
    });
    return items.flatMap((item) =>
      typeof item.scaling === 'string' ? [JSON.parse(item.scaling) as ScalingRecord] : [],
    );
  }

  #item(
    record: ScalableTargetKey,
    sk: string,
    index: string,
    indexSortKey: string,
    extra: Record<string, string> = {},
  ): Item {
    return {
      pk: partitionOf(record),
      sk,
      gsi1pk: `${index}#${record.ServiceNamespace}`,
      gsi1sk: indexSortKey,
      resourceId: record.ResourceId,
      scalableDimension: record.ScalableDimension,
      record: JSON.stringify(record),
      ...extra,
    };
  }

  async #delete(key: { pk: unknown; sk: unknown }): Promise<boolean> {
    const out = await this.table.client.send(
      new DeleteCommand({ TableName: this.table.tableName, Key: key, ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }

  async #list<T>(
    index: string,
    query: ScalingQuery,
    page: PageRequest,
    names?: readonly string[],
  ): Promise<Page<T>> {
    const { clauses, values } = filterOf(query);
    if (names !== undefined && names.length > 0) {
      clauses.push(`#name IN (${names.map((_, i) => `:name${i}`).join(', ')})`);
      names.forEach((name, i) => {
        values[`:name${i}`] = name;
      });
    }
    return this.table.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ...(clauses.length > 0 ? { FilterExpression: clauses.join(' AND ') } : {}),
        ...(names !== undefined && names.length > 0
          ? { ExpressionAttributeNames: { '#name': 'name' } }
          : {}),
        ExpressionAttributeValues: { ':pk': `${index}#ecs`, ...values },
      },
      page,
      (item) => revive<T>(item.record),
    );
  }
}

export { DynamoDbScalingRepository };
