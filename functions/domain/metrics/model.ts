/**
 * What a CloudWatch metric is and what is stored of it.
 *
 * A metric is named by its namespace, its name and its set of dimensions:
 * CloudWatch treats every distinct dimension set as a separate metric, and
 * the order in which a request lists the dimensions does not matter. So a
 * metric has exactly one key, with its dimensions sorted by name.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension
 */

/** One `{Name, Value}` pair of a metric's identity. */
interface MetricDimension {
  readonly name: string;
  readonly value: string;
}

/** Namespace, name and dimensions: what makes one metric. */
interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly MetricDimension[];
}

/** A value and how many times it was observed (PutMetricData's Values and Counts). */
interface WeightedValue {
  readonly value: number;
  readonly count: number;
}

/**
 * One stored observation of a metric: a statistic set, plus the observed
 * values themselves when they are known.
 *
 * Why one form for all three PutMetricData inputs: `Value`, `Values`+`Counts`
 * and `StatisticValues` all reduce to SampleCount, Sum, Minimum and Maximum,
 * which is all the basic statistics need and which merge by addition and
 * min/max; only percentiles need the values. A single `Value` v is
 * `{sampleCount: 1, sum: v, minimum: v, maximum: v, values: [{v, 1}]}`;
 * `Values`+`Counts` keeps its (at most 150) pairs; `StatisticValues` has no
 * `values`, as CloudWatch keeps none. Storing one item per PutMetricData
 * datum (not per value) also keeps a 150-value datum one write.
 */
interface MetricSample {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
  /** The observed values with their counts; absent for a StatisticValues datum. */
  readonly values?: readonly WeightedValue[] | undefined;
  /** The StandardUnit the datum was put with; absent when it named none (CloudWatch's `None`). */
  readonly unit?: string | undefined;
}

/**
 * CloudWatch's StandardUnit enum.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html
 */
const STANDARD_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;
type StandardUnit = (typeof STANDARD_UNITS)[number];

/** The dimensions in their one canonical order: by name (names are unique within a metric). */
const sortDimensions = (dimensions: readonly MetricDimension[]): MetricDimension[] =>
  [...dimensions]
    .map(({ name, value }) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/**
 * The one key of a metric, whatever order its dimensions were given in. It
 * is JSON so that no name or value, whatever characters it holds, can make
 * two metrics share a key.
 *
 * @example
 * metricKey({ namespace: 'AWS/ECS', metricName: 'CPUUtilization',
 *   dimensions: [{ name: 'ServiceName', value: 'web' }, { name: 'ClusterName', value: 'c' }] });
 * // '["AWS/ECS","CPUUtilization",[["ClusterName","c"],["ServiceName","web"]]]'
 */
const metricKey = (identity: MetricIdentity): string =>
  JSON.stringify([
    identity.namespace,
    identity.metricName,
    sortDimensions(identity.dimensions).map(({ name, value }) => [name, value]),
  ]);

/** The identity back from its key (storage adapters keep only the key). */
const identityOfKey = (key: string): MetricIdentity => {
  const [namespace, metricName, pairs] = JSON.parse(key) as [string, string, [string, string][]];
  return { namespace, metricName, dimensions: pairs.map(([name, value]) => ({ name, value })) };
};

/** A sample of one observed value. */
const sampleOfValue = (timestamp: number, value: number, unit?: string): MetricSample => ({
  timestamp,
  sampleCount: 1,
  sum: value,
  minimum: value,
  maximum: value,
  values: [{ value, count: 1 }],
  ...(unit === undefined ? {} : { unit }),
});

/** A sample of observed values and how often each was seen (`Counts` defaults to 1 each). */
const sampleOfValues = (
  timestamp: number,
  values: readonly WeightedValue[],
  unit?: string,
): MetricSample => ({
  timestamp,
  sampleCount: values.reduce((total, item) => total + item.count, 0),
  sum: values.reduce((total, item) => total + item.value * item.count, 0),
  minimum: Math.min(...values.map((item) => item.value)),
  maximum: Math.max(...values.map((item) => item.value)),
  values: values.map(({ value, count }) => ({ value, count })),
  ...(unit === undefined ? {} : { unit }),
});

/** A sample of a pre-aggregated statistic set (StatisticValues): no values kept. */
const sampleOfStatistics = (
  timestamp: number,
  statistics: { sampleCount: number; sum: number; minimum: number; maximum: number },
  unit?: string,
): MetricSample => ({
  timestamp,
  sampleCount: statistics.sampleCount,
  sum: statistics.sum,
  minimum: statistics.minimum,
  maximum: statistics.maximum,
  ...(unit === undefined ? {} : { unit }),
});

export type { MetricDimension, MetricIdentity, MetricSample, StandardUnit, WeightedValue };
export {
  identityOfKey,
  metricKey,
  STANDARD_UNITS,
  sampleOfStatistics,
  sampleOfValue,
  sampleOfValues,
  sortDimensions,
};
