import type { MetricSample, WeightedValue } from './model';

/**
 * CloudWatch's statistics over period buckets: what GetMetricStatistics
 * answers, what a GetMetricData MetricStat computes and what an alarm
 * compares with its threshold.
 *
 * Bucket alignment (the GetMetricStatistics API reference, StartTime):
 * CloudWatch first rounds StartTime down (to the minute when it is less than
 * 15 days old, to 5 minutes up to 63 days, to the hour beyond; and, for a
 * high-resolution period of 1, 5, 10, 20 or 30 s, to a multiple of the period
 * within the minute, per GetMetricData's reference), then cuts periods from
 * that rounded start: a datapoint's Timestamp is roundedStart + k × Period,
 * not a multiple of Period on the clock. So a 5-minute query started at
 * 12:32:34 answers 12:32, 12:37, … EndTime is exclusive. A period that
 * received no sample has no datapoint (it is absent, never zero).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */

const BASIC_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
type BasicStatistic = (typeof BASIC_STATISTICS)[number];

/** The aggregate of the samples of one period (and, for GetMetricStatistics, one unit). */
interface StatisticBucket {
  /** Start of the period, epoch ms. */
  readonly timestamp: number;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
  /**
   * Every value of the period with its count, sorted by value; undefined
   * when some sample was a statistic set that does not pin its values down,
   * and percentiles are then unavailable.
   */
  readonly values: readonly WeightedValue[] | undefined;
  /** The samples' unit (`None` when put without one). */
  readonly unit: string;
}

interface BucketQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly periodSeconds: number;
  /** Only samples put with this unit (`None` matches samples put without a unit). */
  readonly unit?: string | undefined;
  /** GetMetricStatistics answers one datapoint per unit; GetMetricData merges units. */
  readonly splitByUnit?: boolean | undefined;
  /** The request time: how far StartTime is rounded depends on its age. */
  readonly nowMs: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HIGH_RESOLUTION_PERIODS: readonly number[] = [1, 5, 10, 20, 30];

/**
 * StartTime as CloudWatch rounds it before cutting periods (see the module
 * comment).
 *
 * @example
 * alignedStart(Date.parse('2026-01-12T12:32:34Z'), 300, now); // 12:32:00
 */
const alignedStart = (startMs: number, periodSeconds: number, nowMs: number): number => {
  const age = nowMs - startMs;
  const floorTo = (step: number) => Math.floor(startMs / step) * step;
  if (age > 63 * DAY_MS) return floorTo(60 * MINUTE_MS);
  if (age > 15 * DAY_MS) return floorTo(5 * MINUTE_MS);
  if (HIGH_RESOLUTION_PERIODS.includes(periodSeconds)) return floorTo(periodSeconds * 1000);
  return floorTo(MINUTE_MS);
};

/**
 * A statistic set whose values are pinned down by its statistics: one
 * sample (Min = Max = Sum), or all samples equal (Min = Max, Sum = Min ×
 * SampleCount). CloudWatch computes percentiles of statistic sets only then.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles
 */
const valuesOf = (sample: MetricSample): readonly WeightedValue[] | undefined => {
  if (sample.values !== undefined) return sample.values;
  if (sample.minimum === sample.maximum && sample.sum === sample.minimum * sample.sampleCount) {
    return [{ value: sample.minimum, count: sample.sampleCount }];
  }
  return undefined;
};

/** Two buckets of the same period as one (SampleCount and Sum add, extremes combine). */
const mergeBuckets = (a: StatisticBucket, b: StatisticBucket): StatisticBucket => ({
  timestamp: a.timestamp,
  sampleCount: a.sampleCount + b.sampleCount,
  sum: a.sum + b.sum,
  minimum: Math.min(a.minimum, b.minimum),
  maximum: Math.max(a.maximum, b.maximum),
  values:
    a.values === undefined || b.values === undefined
      ? undefined
      : [...a.values, ...b.values].sort((x, y) => x.value - y.value),
  unit: a.unit === b.unit ? a.unit : 'None',
});

const bucketOfSample = (timestamp: number, sample: MetricSample): StatisticBucket => ({
  timestamp,
  sampleCount: sample.sampleCount,
  sum: sample.sum,
  minimum: sample.minimum,
  maximum: sample.maximum,
  values: valuesOf(sample),
  unit: sample.unit ?? 'None',
});

/**
 * The samples of [start, end) aggregated per period, oldest first; periods
 * without samples are absent.
 *
 * @example
 * aggregate(samples, { startMs, endMs, periodSeconds: 60, nowMs });
 */
const aggregate = (samples: readonly MetricSample[], query: BucketQuery): StatisticBucket[] => {
  const periodMs = query.periodSeconds * 1000;
  const from = alignedStart(query.startMs, query.periodSeconds, query.nowMs);
  const buckets = new Map<string, StatisticBucket>();
  for (const sample of samples) {
    if (sample.timestamp < from || sample.timestamp >= query.endMs) continue;
    const unit = sample.unit ?? 'None';
    if (query.unit !== undefined && unit !== query.unit) continue;
    const timestamp = from + Math.floor((sample.timestamp - from) / periodMs) * periodMs;
    const key = query.splitByUnit ? `${timestamp}\u0000${unit}` : String(timestamp);
    const bucket = bucketOfSample(timestamp, sample);
    const existing = buckets.get(key);
    buckets.set(key, existing === undefined ? bucket : mergeBuckets(existing, bucket));
  }
  return [...buckets.values()]
    .map((bucket) => ({
      ...bucket,
      values: bucket.values && [...bucket.values].sort((x, y) => x.value - y.value),
    }))
    .sort((a, b) => a.timestamp - b.timestamp || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
};

const PERCENTILE_PATTERN = /^p(\d{1,3}(?:\.\d{1,10})?)$/;

/**
 * The percentage of a percentile statistic (`p0.0`–`p100`), or undefined
 * when the name is not one.
 *
 * @example
 * percentileOf('p99.9'); // 99.9
 */
const percentileOf = (statistic: string): number | undefined => {
  const match = PERCENTILE_PATTERN.exec(statistic);
  if (!match?.[1]) return undefined;
  const percent = Number(match[1]);
  return percent <= 100 ? percent : undefined;
};

/**
 * The p-th percentile of weighted values sorted by value, by nearest rank:
 * the smallest value whose cumulative count reaches p% of the total (p0 is
 * the minimum, p100 the maximum). CloudWatch's own percentiles come from a
 * bounded-error histogram; on raw values nearest rank is exact and never
 * names a value that was not observed.
 */
const percentile = (values: readonly WeightedValue[], percent: number): number | undefined => {
  const total = values.reduce((sum, item) => sum + item.count, 0);
  if (total <= 0 || values.length === 0) return undefined;
  const rank = Math.max(Number.MIN_VALUE, (percent / 100) * total);
  let seen = 0;
  for (const item of values) {
    seen += item.count;
    if (seen >= rank) return item.value;
  }
  return values[values.length - 1]?.value;
};

/**
 * One statistic of a bucket: a basic one or a percentile. Undefined when it
 * cannot be computed (a percentile of statistic sets), so that the caller
 * leaves it out as CloudWatch does.
 */
const statisticOf = (bucket: StatisticBucket, statistic: string): number | undefined => {
  switch (statistic) {
    case 'SampleCount':
      return bucket.sampleCount;
    case 'Sum':
      return bucket.sum;
    case 'Minimum':
      return bucket.minimum;
    case 'Maximum':
      return bucket.maximum;
    case 'Average':
      return bucket.sampleCount === 0 ? undefined : bucket.sum / bucket.sampleCount;
  }
  const percent = percentileOf(statistic);
  if (percent === undefined || bucket.values === undefined) return undefined;
  return percentile(bucket.values, percent);
};

/** A GetMetricStatistics Datapoint as the JSON 1.0 wire has it (Timestamp in epoch seconds). */
interface WireDatapoint {
  Timestamp: number;
  SampleCount?: number;
  Average?: number;
  Sum?: number;
  Minimum?: number;
  Maximum?: number;
  Unit: string;
  ExtendedStatistics?: Record<string, number>;
}

/**
 * A bucket as a GetMetricStatistics Datapoint with the statistics asked for;
 * an extended statistic that cannot be computed is left out.
 */
const toDatapoint = (
  bucket: StatisticBucket,
  statistics: readonly BasicStatistic[],
  extendedStatistics: readonly string[],
): WireDatapoint => {
  const datapoint: WireDatapoint = { Timestamp: bucket.timestamp / 1000, Unit: bucket.unit };
  for (const statistic of statistics) {
    const value = statisticOf(bucket, statistic);
    if (value !== undefined) datapoint[statistic] = value;
  }
  const extended: Record<string, number> = {};
  for (const statistic of extendedStatistics) {
    const value = statisticOf(bucket, statistic);
    if (value !== undefined) extended[statistic] = value;
  }
  if (Object.keys(extended).length > 0) datapoint.ExtendedStatistics = extended;
  return datapoint;
};

export type { BasicStatistic, BucketQuery, StatisticBucket, WireDatapoint };
export {
  aggregate,
  alignedStart,
  BASIC_STATISTICS,
  HIGH_RESOLUTION_PERIODS,
  mergeBuckets,
  percentile,
  percentileOf,
  statisticOf,
  toDatapoint,
};
