import {
  CloudWatchClient,
  type MetricDatum as CloudWatchDatum,
  type Dimension,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import type { MetricIdentity, MetricSample } from '../../domain/metrics/model';
import type { MetricDatum, MetricFilter, MetricStore } from '../../domain/ports/MetricStore';
import { connectionSettings, REUSED_MIDDLEWARE } from '../connections';
import { countRequests } from '../requestCounts';

/**
 * The metric store on AWS: CloudWatch itself.
 *
 * Samples go out with PutMetricData as statistic sets (or values and counts,
 * when the sample has them), up to 1,000 to a request, one request per
 * namespace. CloudWatch keeps only statistics, so `readSamples` asks
 * GetMetricData for SampleCount, Sum, Minimum and Maximum at one-minute
 * periods and gives each minute back as one statistic-set sample; the
 * domain's statistics then aggregate those exactly as they would raw
 * samples (all four merge by addition or min/max). Percentiles cannot be
 * rebuilt from them, as CloudWatch itself says of statistic sets.
 */

const MAX_DATA_PER_PUT = 1000;
const PERIOD_SECONDS = 60;
const STATISTICS = ['SampleCount', 'Sum', 'Minimum', 'Maximum'] as const;

const dimensionsOf = (identity: MetricIdentity): Dimension[] =>
  identity.dimensions.map(({ name, value }) => ({ Name: name, Value: value }));

const toCloudWatch = ({ identity, sample }: MetricDatum): CloudWatchDatum => ({
  MetricName: identity.metricName,
  Dimensions: dimensionsOf(identity),
  Timestamp: new Date(sample.timestamp),
  ...(sample.unit === undefined ? {} : { Unit: sample.unit as StandardUnit }),
  ...(sample.values !== undefined && sample.values.length > 0
    ? {
        Values: sample.values.map((weighted) => weighted.value),
        Counts: sample.values.map((weighted) => weighted.count),
      }
    : {
        StatisticValues: {
          SampleCount: sample.sampleCount,
          Sum: sample.sum,
          Minimum: sample.minimum,
          Maximum: sample.maximum,
        },
      }),
});

class CloudWatchMetricStore implements MetricStore {
  readonly #client: CloudWatchClient;

  constructor(options: { region: string; endpoint?: string; client?: CloudWatchClient }) {
    this.#client =
      options.client ??
      new CloudWatchClient({
        region: options.region,
        maxAttempts: 3,
        ...connectionSettings(options.endpoint),
        ...REUSED_MIDDLEWARE,
      });
    countRequests(this.#client.middlewareStack, 'CloudWatch');
  }

  async put(data: readonly MetricDatum[]): Promise<void> {
    const byNamespace = new Map<string, MetricDatum[]>();
    for (const datum of data) {
      const list = byNamespace.get(datum.identity.namespace) ?? [];
      list.push(datum);
      byNamespace.set(datum.identity.namespace, list);
    }
    for (const [namespace, list] of byNamespace) {
      for (let start = 0; start < list.length; start += MAX_DATA_PER_PUT) {
        await this.#client.send(
          new PutMetricDataCommand({
            Namespace: namespace,
            MetricData: list.slice(start, start + MAX_DATA_PER_PUT).map(toCloudWatch),
          }),
        );
      }
    }
  }

  async readSamples(identity: MetricIdentity, from: number, to: number): Promise<MetricSample[]> {
    if (to <= from) return [];
    const byTime = new Map<number, Record<(typeof STATISTICS)[number], number>>();
    let nextToken: string | undefined;
    do {
      const out = await this.#client.send(
        new GetMetricDataCommand({
          StartTime: new Date(from),
          EndTime: new Date(to),
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
          MetricDataQueries: STATISTICS.map((stat) => ({
            Id: stat.toLowerCase(),
            MetricStat: {
              Metric: {
                Namespace: identity.namespace,
                MetricName: identity.metricName,
                Dimensions: dimensionsOf(identity),
              },
              Period: PERIOD_SECONDS,
              Stat: stat,
            },
          })),
        }),
      );
      for (const result of out.MetricDataResults ?? []) {
        const stat = STATISTICS.find((name) => name.toLowerCase() === result.Id);
        if (!stat) continue;
        (result.Timestamps ?? []).forEach((timestamp, index) => {
          const value = result.Values?.[index];
          if (value === undefined) return;
          const time = timestamp.getTime();
          const entry = byTime.get(time) ?? { SampleCount: 0, Sum: 0, Minimum: 0, Maximum: 0 };
          entry[stat] = value;
          byTime.set(time, entry);
        });
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return [...byTime.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, statistics]) => statistics.SampleCount > 0)
      .map(([timestamp, statistics]) => ({
        timestamp,
        sampleCount: statistics.SampleCount,
        sum: statistics.Sum,
        minimum: statistics.Minimum,
        maximum: statistics.Maximum,
      }));
  }

  async listMetrics(filter: MetricFilter): Promise<MetricIdentity[]> {
    const identities: MetricIdentity[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.#client.send(
        new ListMetricsCommand({
          Namespace: filter.namespace,
          MetricName: filter.metricName,
          Dimensions: filter.dimensions?.map(({ name, value }) => ({
            Name: name,
            ...(value === undefined ? {} : { Value: value }),
          })),
          ...(filter.activeSince === undefined ? {} : { RecentlyActive: 'PT3H' }),
          NextToken: nextToken,
        }),
      );
      for (const metric of out.Metrics ?? []) {
        identities.push({
          namespace: metric.Namespace ?? '',
          metricName: metric.MetricName ?? '',
          dimensions: (metric.Dimensions ?? []).map((dimension) => ({
            name: dimension.Name ?? '',
            value: dimension.Value ?? '',
          })),
        });
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return identities;
  }
}

export { CloudWatchMetricStore };
