import type { MetricDimension } from './model';

/**
 * Threshold-alarm evaluation, as a pure function: from an alarm, its
 * current state and its metric's datapoints, the state it goes to and why,
 * in CloudWatch's words.
 *
 * M out of N: the alarm goes to ALARM when at least DatapointsToAlarm (M) of
 * the last EvaluationPeriods (N) datapoints breach, and to OK otherwise.
 * Missing datapoints are handled per TreatMissingData, following the table of
 * the CloudWatch user guide ("Configuring how CloudWatch alarms treat missing
 * data"), of which this is our reading:
 * - `breaching` / `notBreaching`: a missing datapoint of the last N counts as
 *   breaching / not breaching;
 * - `missing` (the default): CloudWatch looks back over an evaluation range
 *   longer than N and evaluates the last N datapoints *present* in it. With
 *   none, INSUFFICIENT_DATA. With fewer than M present, ALARM only when every
 *   present one breaches (the table's `- - X - -` row), else OK;
 * - `ignore`: as `missing`, except that no data, or fewer than M present
 *   datapoints that all breach, keep the current state.
 * The caller passes that evaluation range: one entry per period, oldest
 * first, the last being the most recent complete period.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 */

/** The comparison operators of a static-threshold alarm (the anomaly-detection ones are refused). */
const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;
type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

const TREAT_MISSING_DATA = ['breaching', 'notBreaching', 'ignore', 'missing'] as const;
type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
type AlarmState = (typeof ALARM_STATES)[number];

/** What evaluation needs of a metric alarm (PutMetricAlarm's members, validated). */
interface ThresholdAlarm {
  readonly alarmName: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly MetricDimension[];
  /** A basic statistic (`Average`) or a percentile (`p99`): Statistic or ExtendedStatistic. */
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** M; N (evaluationPeriods) when the alarm names none. */
  readonly datapointsToAlarm?: number | undefined;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  /** `missing` when the alarm names none. */
  readonly treatMissingData?: TreatMissingData | undefined;
  readonly unit?: string | undefined;
}

/** One period's value of the alarm's statistic; `value` undefined when the period had no data. */
interface AlarmDatapoint {
  /** Start of the period, epoch ms. */
  readonly timestamp: number;
  readonly value: number | undefined;
}

interface AlarmStatus {
  readonly state: AlarmState;
  readonly reason: string;
  readonly reasonData?: string | undefined;
}

interface AlarmEvaluation extends AlarmStatus {
  /** The state differs from the previous one: actions run and history records it. */
  readonly changed: boolean;
}

const breaches = (operator: ComparisonOperator, value: number, threshold: number): boolean => {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
};

const OPERATOR_TEXT: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/**
 * A number as CloudWatch's (Java) reason texts print it: `161.0`, `0.059`,
 * `8.891518474692088`, `1.0E7`.
 */
const javaDouble = (value: number): string => {
  if (!Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e7 || magnitude < 1e-3)) {
    const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
};

const pad = (n: number) => String(n).padStart(2, '0');

/** `16/04/24 08:42:00`: day/month/year, UTC, as in CloudWatch's reasons. */
const reasonDate = (timestamp: number): string => {
  const d = new Date(timestamp);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

/** `2024-04-16T08:42:00.000+0000`, as in StateReasonData. */
const reasonDataDate = (timestamp: number): string =>
  new Date(timestamp).toISOString().replace('Z', '+0000');

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const wasWere = (count: number) => (count === 1 ? 'was' : 'were');

interface Present {
  readonly timestamp: number;
  readonly value: number;
}

/**
 * StateReasonData: CloudWatch's JSON, numbers printed as Java does (so
 * `150.0`, which JSON.stringify would print `150`).
 */
const reasonDataOf = (
  alarm: ThresholdAlarm,
  now: number,
  startDate: number,
  evaluated: readonly Present[],
): string => {
  const statisticKey = /^p\d/.test(alarm.statistic) ? 'extendedStatistic' : 'statistic';
  const fields = [
    `"version":"1.0"`,
    `"queryDate":${JSON.stringify(reasonDataDate(now))}`,
    `"startDate":${JSON.stringify(reasonDataDate(startDate))}`,
    `"${statisticKey}":${JSON.stringify(alarm.statistic)}`,
    `"period":${alarm.periodSeconds}`,
    `"recentDatapoints":[${evaluated.map((point) => javaDouble(point.value)).join(',')}]`,
    `"threshold":${javaDouble(alarm.threshold)}`,
    `"evaluatedDatapoints":[${[...evaluated]
      .reverse()
      .map(
        (point) =>
          `{"timestamp":${JSON.stringify(reasonDataDate(point.timestamp))},"value":${javaDouble(point.value)}}`,
      )
      .join(',')}]`,
  ];
  return `{${fields.join(',')}}`;
};

const listed = (points: readonly Present[]): string =>
  `[${[...points]
    .reverse()
    .map((point) => `${javaDouble(point.value)} (${reasonDate(point.timestamp)})`)
    .join(', ')}]`;

/**
 * The alarm's new state at `now`, whether it changed, and CloudWatch's
 * StateReason (`Threshold Crossed: 3 out of the last 3 datapoints [80.0
 * (12/01/26 10:03:00), …] were greater than the threshold (70.0) (minimum 3
 * datapoints for OK -> ALARM transition).`) and StateReasonData.
 *
 * @example
 * evaluateAlarm(alarm, { state: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation' },
 *   [{ timestamp, value: 72.5 }], now);
 */
const evaluateAlarm = (
  alarm: ThresholdAlarm,
  previous: AlarmStatus,
  range: readonly AlarmDatapoint[],
  now: number,
): AlarmEvaluation => {
  const n = alarm.evaluationPeriods;
  const m = alarm.datapointsToAlarm ?? n;
  const treatment = alarm.treatMissingData ?? 'missing';
  const periodMs = alarm.periodSeconds * 1000;
  const isBreach = (value: number) => breaches(alarm.comparisonOperator, value, alarm.threshold);
  const present = (points: readonly AlarmDatapoint[]): Present[] =>
    points.flatMap((point) =>
      point.value === undefined ? [] : [{ timestamp: point.timestamp, value: point.value }],
    );
  const operatorText = OPERATOR_TEXT[alarm.comparisonOperator];
  const threshold = javaDouble(alarm.threshold);
  const result = (state: AlarmState, reason: string, reasonData?: string): AlarmEvaluation => ({
    state,
    reason,
    ...(reasonData === undefined ? {} : { reasonData }),
    changed: state !== previous.state,
  });
  const crossed = (state: 'OK' | 'ALARM', evaluated: readonly Present[], startDate: number) => {
    const shown = evaluated.filter((point) => isBreach(point.value) === (state === 'ALARM'));
    const minimum = state === 'ALARM' ? m : n - m + 1;
    const transition = state === 'ALARM' ? 'OK -> ALARM' : 'ALARM -> OK';
    return result(
      state,
      `Threshold Crossed: ${shown.length} out of the last ${evaluated.length} datapoints ${listed(shown)} ${wasWere(shown.length)} ${state === 'OK' ? 'not ' : ''}${operatorText} the threshold (${threshold}) (minimum ${plural(minimum, 'datapoint')} for ${transition} transition).`,
      reasonDataOf(alarm, now, startDate, evaluated),
    );
  };

  if (treatment === 'breaching' || treatment === 'notBreaching') {
    // The last N periods; periods the range does not reach are missing too.
    const newest = range.length > 0 ? (range[range.length - 1]?.timestamp ?? now) : now - periodMs;
    const lastN = Array.from({ length: n }, (_, i) => {
      const timestamp = newest - (n - 1 - i) * periodMs;
      return (
        range.find((point) => point.timestamp === timestamp) ?? { timestamp, value: undefined }
      );
    });
    const seen = present(lastN);
    const missing = n - seen.length;
    const breachCount =
      seen.filter((point) => isBreach(point.value)).length +
      (treatment === 'breaching' ? missing : 0);
    const state: AlarmState = breachCount >= m ? 'ALARM' : 'OK';
    const startDate = lastN[0]?.timestamp ?? newest;
    if (missing === 0) return crossed(state, seen, startDate);
    const treatedAs = treatment === 'breaching' ? 'Breaching' : 'NonBreaching';
    const received =
      seen.length === 0
        ? 'no datapoints were received'
        : `${plural(seen.length, 'datapoint')} ${wasWere(seen.length)} received`;
    return result(
      state,
      `Threshold Crossed: ${received} for ${plural(n, 'period')} and ${plural(missing, 'missing datapoint')} ${wasWere(missing)} treated as [${treatedAs}].`,
      reasonDataOf(alarm, now, startDate, seen),
    );
  }

  const evaluated = present(range).slice(-n);
  if (evaluated.length === 0) {
    if (treatment === 'ignore') return { ...previous, changed: false };
    return result(
      'INSUFFICIENT_DATA',
      `Insufficient Data: ${plural(n, 'datapoint')} ${wasWere(n)} unknown.`,
    );
  }
  const startDate = evaluated[0]?.timestamp ?? now;
  const breachCount = evaluated.filter((point) => isBreach(point.value)).length;
  if (evaluated.length >= m)
    return crossed(breachCount >= m ? 'ALARM' : 'OK', evaluated, startDate);
  if (breachCount < evaluated.length) return crossed('OK', evaluated, startDate);
  if (treatment === 'ignore') return { ...previous, changed: false };
  return crossed('ALARM', evaluated, startDate);
};

export type {
  AlarmDatapoint,
  AlarmEvaluation,
  AlarmState,
  AlarmStatus,
  ComparisonOperator,
  ThresholdAlarm,
  TreatMissingData,
};
export {
  ALARM_STATES,
  COMPARISON_OPERATORS,
  evaluateAlarm,
  javaDouble,
  reasonDate,
  TREAT_MISSING_DATA,
};
