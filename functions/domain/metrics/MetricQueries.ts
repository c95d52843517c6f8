import type { Clock } from '../ports/Clock';
import type { MetricStore } from '../ports/MetricStore';
import { InvalidNextToken } from './errors';
import { type GetMetricDataOutput, getMetricData } from './metricData';
import { type MetricIdentity, type MetricSample, metricKey, sortDimensions } from './model';
import { aggregate, alignedStart, toDatapoint, type WireDatapoint } from './statistics';
import type {
  GetMetricDataInput,
  GetMetricStatisticsInput,
  ListMetricsInput,
  PutMetricDataInput,
} from './validation';

/**
 * The CloudWatch operations the local endpoint answers, over the metric
 * store: what a user reads with `aws cloudwatch get-metric-statistics` is
 * what the scaling evaluators act on, because both read the same samples
 * through the same statistics.
 */

const LIST_PAGE_SIZE = 500;
const THREE_HOURS_MS = 3 * 3_600_000;

interface WireMetric {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: { Name: string; Value: string }[];
}

const toWireMetric = (identity: MetricIdentity): WireMetric => ({
  Namespace: identity.namespace,
  MetricName: identity.metricName,
  Dimensions: sortDimensions(identity.dimensions).map(({ name, value }) => ({
    Name: name,
    Value: value,
  })),
});

/** ListMetrics' token: the offset into the sorted list, opaque to the client. */
const encodeOffset = (offset: number): string =>
  Buffer.from(JSON.stringify({ offset })).toString('base64');
const decodeOffset = (token: string | undefined): number => {
  if (token === undefined) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      offset?: unknown;
    };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the refusal.
  }
  throw new InvalidNextToken('The service cannot process the NextToken.');
};

class MetricQueries {
  readonly #deps: { readonly metrics: MetricStore; readonly clock: Clock };

  constructor(deps: { readonly metrics: MetricStore; readonly clock: Clock }) {
    this.#deps = deps;
  }

  async putMetricData(input: PutMetricDataInput): Promise<void> {
    await this.#deps.metrics.put(
      input.metricData.map((datum) => ({
        identity: {
          namespace: input.namespace,
          metricName: datum.metricName,
          dimensions: datum.dimensions,
        },
        sample: datum.sample,
      })),
    );
  }

  /** @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html */
  async getMetricStatistics(
    input: GetMetricStatisticsInput,
  ): Promise<{ Label: string; Datapoints: WireDatapoint[] }> {
    const nowMs = this.#deps.clock.now();
    const query = {
      startMs: input.startMs,
      endMs: input.endMs,
      periodSeconds: input.periodSeconds,
      unit: input.unit,
      splitByUnit: true,
      nowMs,
    };
    // Read from the rounded start: the first period may begin before StartTime.
    const samples = await this.#deps.metrics.readSamples(
      { namespace: input.namespace, metricName: input.metricName, dimensions: input.dimensions },
      alignedStart(input.startMs, input.periodSeconds, nowMs),
      input.endMs,
    );
    return {
      Label: input.metricName,
      Datapoints: aggregate(samples, query).map((bucket) =>
        toDatapoint(bucket, input.statistics, input.extendedStatistics),
      ),
    };
  }

  /**
   * The datapoints of the query that returns data, oldest first, keyed by
   * the start of their period (epoch ms): what the alarms and evaluators
   * read, through the same evaluation as GetMetricData.
   */
  async series(
    queries: GetMetricDataInput['queries'],
    startMs: number,
    endMs: number,
  ): Promise<Map<number, number>> {
    const result = await this.getMetricData({
      queries,
      startMs,
      endMs,
      scanBy: 'TimestampAscending',
      maxDatapoints: 100_800,
    });
    const returned = result.MetricDataResults[0];
    const byTime = new Map<number, number>();
    returned?.Timestamps.forEach((seconds, index) => {
      const value = returned.Values[index];
      if (value !== undefined) byTime.set(seconds * 1000, value);
    });
    return byTime;
  }

  /**
   * The evaluation is pure and synchronous; the samples of every metric the
   * queries name are read first, from the earliest rounded start.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
   */
  async getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput> {
    const nowMs = this.#deps.clock.now();
    const loaded = new Map<string, MetricSample[]>();
    await Promise.all(
      input.queries.flatMap((query) => {
        const stat = query.metricStat;
        if (!stat) return [];
        const identity = {
          namespace: stat.namespace,
          metricName: stat.metricName,
          dimensions: stat.dimensions,
        };
        const key = metricKey(identity);
        if (loaded.has(key)) return [];
        loaded.set(key, []);
        const from = alignedStart(input.startMs, stat.periodSeconds, nowMs);
        return [
          this.#deps.metrics.readSamples(identity, from, input.endMs).then((samples) => {
            loaded.set(key, samples);
          }),
        ];
      }),
    );
    return getMetricData(
      input,
      (identity, fromMs, toMs) =>
        (loaded.get(metricKey(identity)) ?? []).filter(
          (sample) => sample.timestamp >= fromMs && sample.timestamp < toMs,
        ),
      nowMs,
    );
  }

  /** @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html */
  async listMetrics(
    input: ListMetricsInput,
  ): Promise<{ Metrics: WireMetric[]; NextToken?: string }> {
    const offset = decodeOffset(input.nextToken);
    const identities = await this.#deps.metrics.listMetrics({
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      ...(input.metricName === undefined ? {} : { metricName: input.metricName }),
      dimensions: input.dimensions,
      ...(input.recentlyActive ? { activeSince: this.#deps.clock.now() - THREE_HOURS_MS } : {}),
    });
    const metrics = identities.map(toWireMetric);
    const page = metrics.slice(offset, offset + LIST_PAGE_SIZE);
    const next = offset + LIST_PAGE_SIZE;
    return { Metrics: page, ...(next < metrics.length ? { NextToken: encodeOffset(next) } : {}) };
  }
}

export { MetricQueries };
