import { randomBytes } from 'node:crypto';
import {
  identityOfKey,
  type MetricIdentity,
  type MetricSample,
  metricKey,
} from '../../domain/metrics/model';
import type { MetricDatum, MetricFilter, MetricStore } from '../../domain/ports/MetricStore';
import type { DynamoDbTable, Item } from './DynamoDbTable';

/**
 * The local stack's metric store, in Berth's table:
 *
 * | item      | pk               | sk                         | attributes                    |
 * |-----------|------------------|----------------------------|-------------------------------|
 * | sample    | `METRIC#<key>`   | `<epoch ms, 13 digits>#<r>` | `sample` (JSON), `expiresAt` |
 * | catalogue | `METRICS`        | `<key>`                    | `lastSample` (epoch ms)       |
 *
 * `<key>` is the metric's one key (`metricKey`, JSON): samples of a time
 * range are one Query on the metric's partition, and ListMetrics a Query of
 * the catalogue by key prefix (the key starts with the namespace, then the
 * name). The random suffix keeps two samples of the same millisecond apart.
 * Samples expire after 15 days, as CloudWatch's one-minute data does.
 */

const RETENTION_MS = 15 * 24 * 60 * 60 * 1000;
const CATALOGUE = 'METRICS';

const sampleSortKey = (timestamp: number): string =>
  `${String(Math.max(0, Math.floor(timestamp))).padStart(13, '0')}#${randomBytes(4).toString('hex')}`;
const boundKey = (timestamp: number): string =>
  String(Math.max(0, Math.floor(timestamp))).padStart(13, '0');

/** `["AWS/ECS",` or `["AWS/ECS","CPUUtilization",`: the key prefix that filters by namespace (and name). */
const keyPrefix = (filter: MetricFilter): string | undefined => {
  if (filter.namespace === undefined) return undefined;
  const parts =
    filter.metricName === undefined ? [filter.namespace] : [filter.namespace, filter.metricName];
  return `${JSON.stringify(parts).slice(0, -1)},`;
};

const matches = (identity: MetricIdentity, filter: MetricFilter): boolean =>
  (filter.metricName === undefined || identity.metricName === filter.metricName) &&
  (filter.dimensions ?? []).every((wanted) =>
    identity.dimensions.some(
      (dimension) =>
        dimension.name === wanted.name &&
        (wanted.value === undefined || dimension.value === wanted.value),
    ),
  );

class DynamoDbMetricStore implements MetricStore {
  constructor(private readonly table: DynamoDbTable) {}

  async put(data: readonly MetricDatum[]): Promise<void> {
    if (data.length === 0) return;
    const latest = new Map<string, number>();
    const items: Item[] = data.map(({ identity, sample }) => {
      const key = metricKey(identity);
      latest.set(key, Math.max(latest.get(key) ?? 0, sample.timestamp));
      return {
        pk: `METRIC#${key}`,
        sk: sampleSortKey(sample.timestamp),
        sample: JSON.stringify(sample),
        expiresAt: Math.floor((sample.timestamp + RETENTION_MS) / 1000),
      };
    });
    for (const [key, lastSample] of latest) {
      items.push({ pk: CATALOGUE, sk: key, lastSample });
    }
    await this.table.putMany(items);
  }

  async readSamples(identity: MetricIdentity, from: number, to: number): Promise<MetricSample[]> {
    if (to <= from) return [];
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': `METRIC#${metricKey(identity)}`,
        ':from': boundKey(from),
        // Every sort key of the last millisecond before `to` sorts below `<to>`.
        ':to': boundKey(to),
      },
    });
    return items.map((item) => JSON.parse(String(item.sample)) as MetricSample);
  }

  async listMetrics(filter: MetricFilter): Promise<MetricIdentity[]> {
    const prefix = keyPrefix(filter);
    const items = await this.table.queryAll({
      KeyConditionExpression:
        prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': CATALOGUE,
        ...(prefix === undefined ? {} : { ':prefix': prefix }),
      },
    });
    return items
      .filter(
        (item) => filter.activeSince === undefined || Number(item.lastSample) >= filter.activeSince,
      )
      .map((item) => identityOfKey(String(item.sk)))
      .filter((identity) => matches(identity, filter));
  }
}

export { DynamoDbMetricStore };
