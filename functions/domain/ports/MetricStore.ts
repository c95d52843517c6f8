import type { MetricIdentity, MetricSample } from '../metrics/model';

/**
 * Where metric samples go and come back from.
 *
 * Two adapters: locally, samples are kept in Berth's table
 * (`DynamoDbMetricStore`), which is what the local CloudWatch endpoint and
 * the scaling evaluators read; on AWS they go to CloudWatch
 * (`CloudWatchMetricStore`), which keeps only statistics, so there
 * `readSamples` gives one statistic-set sample per period instead of the raw
 * samples. The domain's statistics work the same on either.
 */

interface MetricDatum {
  readonly identity: MetricIdentity;
  readonly sample: MetricSample;
}

/** ListMetrics' filter: each given member must match; a dimension without value matches any value. */
interface MetricFilter {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions?: readonly { readonly name: string; readonly value?: string }[];
  /** Only metrics with a sample at or after this time (epoch ms): `RecentlyActive: PT3H`. */
  readonly activeSince?: number;
}

interface MetricStore {
  /** Stores samples; at-least-once (a retried put may store a sample twice, as EMF may). */
  put(data: readonly MetricDatum[]): Promise<void>;
  /** The samples of one metric with `from <= timestamp < to` (epoch ms), oldest first. */
  readSamples(identity: MetricIdentity, from: number, to: number): Promise<MetricSample[]>;
  /** Every metric that matches, each once. */
  listMetrics(filter: MetricFilter): Promise<MetricIdentity[]>;
}

export type { MetricDatum, MetricFilter, MetricStore };
