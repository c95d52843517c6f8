import { isJsonObject, type JsonObject } from '../validation/shape';
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type ThresholdAlarm,
  TREAT_MISSING_DATA,
  type TreatMissingData,
} from './alarms';
import {
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  MissingRequiredParameterException,
  ValidationError,
} from './errors';
import {
  type MetricDimension,
  type MetricSample,
  STANDARD_UNITS,
  type StandardUnit,
  sampleOfStatistics,
  sampleOfValues,
  sortDimensions,
} from './model';
import { alignedStart, BASIC_STATISTICS, type BasicStatistic, percentileOf } from './statistics';

/**
 * Validation and normalisation of CloudWatch request bodies: the plain JSON
 * objects of AWS JSON 1.0 (PascalCase members, timestamps as epoch seconds),
 * into camelCase values with epoch-ms times. A member is named in messages
 * by its Query path (`MetricData.member.1.Value`), as CloudWatch still
 * names them: its messages predate the JSON protocol.
 *
 * Where CloudWatch's message is known (moto's, the SDKs' and users'
 * captures) it is reproduced; elsewhere the message follows the same form
 * (`The value X for parameter P is invalid.`, `The parameter P is required.`).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Operations.html
 */

// ---------------------------------------------------------------- readers

const absent = (value: unknown) => value === undefined || value === null;

const invalid = (value: unknown, path: string) =>
  new InvalidParameterValueException(
    `The value ${String(value)} for parameter ${path} is invalid.`,
  );

const required = <T>(value: T | undefined, path: string): T => {
  if (value === undefined)
    throw new MissingRequiredParameterException(`The parameter ${path} is required.`);
  return value;
};

const readString = (value: unknown, path: string, max = 255): string | undefined => {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw invalid(JSON.stringify(value), path);
  if (value.length < 1 || value.length > max) {
    throw new InvalidParameterValueException(
      `The parameter ${path} must be between 1 and ${max} characters long.`,
    );
  }
  return value;
};

const readInteger = (value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
  if (absent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(JSON.stringify(value), path);
  }
  return value;
};

const readBoolean = (value: unknown, path: string): boolean | undefined => {
  if (absent(value)) return undefined;
  if (typeof value !== 'boolean') throw invalid(JSON.stringify(value), path);
  return value;
};

/** JSON 1.0 sends the non-finite doubles as strings; they are read so as to be refused by name. */
const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

const readDouble = (value: unknown, path: string): number | undefined => {
  if (absent(value)) return undefined;
  const number = typeof value === 'string' ? NON_FINITE[value] : value;
  if (typeof number !== 'number') throw invalid(JSON.stringify(value), path);
  return number;
};

/** A timestamp: epoch seconds on the JSON 1.0 wire, epoch ms here. */
const readTimestamp = (value: unknown, path: string): number | undefined => {
  if (absent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(JSON.stringify(value), path);
  return Math.round(value * 1000);
};

const readList = (value: unknown, path: string, max: number): unknown[] | undefined => {
  if (absent(value)) return undefined;
  if (!Array.isArray(value)) throw invalid(JSON.stringify(value), path);
  if (value.length > max) {
    throw new InvalidParameterValueException(
      `The collection ${path} must not have a size greater than ${max}.`,
    );
  }
  return value;
};

const readObject = (value: unknown, path: string): JsonObject | undefined => {
  if (absent(value)) return undefined;
  if (!isJsonObject(value)) throw invalid(JSON.stringify(value), path);
  return value;
};

const readEnum = <T extends string>(value: unknown, path: string, allowed: readonly T[]) => {
  const text = readString(value, path, 1024);
  if (text !== undefined && !(allowed as readonly string[]).includes(text)) {
    throw new ValidationError(
      `1 validation error detected: Value '${text}' at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
  return text as T | undefined;
};

const readStringList = (value: unknown, path: string, max: number, maxLength = 255) =>
  readList(value, path, max)?.map((item, i) =>
    required(readString(item, `${path}.member.${i + 1}`, maxLength), `${path}.member.${i + 1}`),
  );

const readUnit = (value: unknown, path: string) =>
  readEnum<StandardUnit>(value, path, STANDARD_UNITS);

/** `Namespace`: 1–255 characters, not starting with `:`, and not in AWS's reserved `AWS/`. */
const readNamespace = (value: unknown, path = 'Namespace', forWriting = false) => {
  const namespace = readString(value, path);
  if (namespace === undefined) return undefined;
  if (namespace.startsWith(':')) throw invalid(namespace, path);
  if (forWriting && namespace.startsWith('AWS/')) {
    throw new InvalidParameterValueException(`The value AWS/ for parameter ${path} is invalid.`);
  }
  return namespace;
};

/** Dimensions of a metric: Name and Value both required, names unique, at most `max`. */
const readDimensions = (value: unknown, path: string, max = 30): MetricDimension[] => {
  const list = readList(value, path, max) ?? [];
  const dimensions = list.map((item, i) => {
    const itemPath = `${path}.member.${i + 1}`;
    const dimension = required(readObject(item, itemPath), itemPath);
    return {
      name: required(readString(dimension.Name, `${itemPath}.Name`), `${itemPath}.Name`),
      value: required(readString(dimension.Value, `${itemPath}.Value`, 1024), `${itemPath}.Value`),
    };
  });
  const names = new Set(dimensions.map((dimension) => dimension.name));
  if (names.size !== dimensions.length) {
    throw new InvalidParameterValueException(
      `No metric may have duplicate dimension names in ${path}.`,
    );
  }
  return sortDimensions(dimensions);
};

/**
 * A period: 1, 5, 10, 20 or 30 s (high resolution) or a multiple of 60.
 * Alarms may not use 1 or 5 (the user guide: 10, 30 and multiples of 60; 20
 * is accepted as GetMetricData accepts it).
 */
const readPeriod = (
  value: unknown,
  path: string,
  allowed: readonly number[] = [1, 5, 10, 20, 30],
) => {
  const period = readInteger(value, path, 1);
  if (period !== undefined && !allowed.includes(period) && period % 60 !== 0) {
    throw new InvalidParameterValueException(
      `The parameter ${path} must be ${allowed.join(', ')}, or a multiple of 60.`,
    );
  }
  return period;
};

const MAX_VALUE = 2 ** 360;
const MIN_MAGNITUDE = 2 ** -360;

/**
 * A value CloudWatch can store: finite and within ±2^360 (the API
 * reference), and not so small that it underflows (Netflix servo's
 * exploration: 2^-361 and below are refused too). Zero is fine.
 */
const readMetricValue = (value: unknown, path: string): number | undefined => {
  const number = readDouble(value, path);
  if (number === undefined) return undefined;
  const magnitude = Math.abs(number);
  if (
    !Number.isFinite(number) ||
    magnitude > MAX_VALUE ||
    (magnitude !== 0 && magnitude < MIN_MAGNITUDE)
  ) {
    throw invalid(number, path);
  }
  return number;
};

// ---------------------------------------------------------------- PutMetricData

/** One datum of PutMetricData, normalised: its metric and its sample. */
interface MetricDatumInput {
  readonly metricName: string;
  readonly dimensions: MetricDimension[];
  readonly sample: MetricSample;
  readonly storageResolution: 1 | 60;
}

interface PutMetricDataInput {
  readonly namespace: string;
  readonly metricData: MetricDatumInput[];
}

const TWO_WEEKS_MS = 14 * 86_400_000;
const TWO_HOURS_MS = 2 * 3_600_000;

const readDatum = (item: unknown, index: number, now: number): MetricDatumInput => {
  const path = `MetricData.member.${index}`;
  const datum = required(readObject(item, path), path);
  const metricName = required(
    readString(datum.MetricName, `${path}.MetricName`),
    `${path}.MetricName`,
  );
  const dimensions = readDimensions(datum.Dimensions, `${path}.Dimensions`);
  const unit = readUnit(datum.Unit, `${path}.Unit`);
  const storageResolution = readInteger(datum.StorageResolution, `${path}.StorageResolution`, 1);
  if (storageResolution !== undefined && storageResolution !== 1 && storageResolution !== 60) {
    throw invalid(storageResolution, `${path}.StorageResolution`);
  }
  const timestamp = readTimestamp(datum.Timestamp, `${path}.Timestamp`) ?? now;
  if (timestamp < now - TWO_WEEKS_MS) {
    throw new InvalidParameterValueException(
      `The parameter ${path}.Timestamp must specify a time within the past two weeks.`,
    );
  }
  if (timestamp > now + TWO_HOURS_MS) {
    throw new InvalidParameterValueException(
      `The parameter ${path}.Timestamp must specify a time no more than two hours in the future.`,
    );
  }
  const value = readMetricValue(datum.Value, `${path}.Value`);
  const values = readList(datum.Values, `${path}.Values`, 150);
  const counts = readList(datum.Counts, `${path}.Counts`, 150);
  const statistics = readObject(datum.StatisticValues, `${path}.StatisticValues`);
  if (value !== undefined && values !== undefined) {
    throw new InvalidParameterValueException(
      `The parameters ${path}.Value and ${path}.Values are mutually exclusive and you have specified both.`,
    );
  }
  if (statistics !== undefined && (value !== undefined || values !== undefined)) {
    const other = value !== undefined ? 'Value' : 'Values';
    throw new InvalidParameterCombinationException(
      `The parameters ${path}.${other} and ${path}.StatisticValues are mutually exclusive and you have specified both.`,
    );
  }
  if (counts !== undefined && values === undefined) {
    throw new InvalidParameterCombinationException(
      `The parameter ${path}.Counts requires ${path}.Values.`,
    );
  }
  let sample: MetricSample;
  if (statistics !== undefined) {
    const read = (member: 'SampleCount' | 'Sum' | 'Minimum' | 'Maximum') =>
      required(
        readMetricValue(statistics[member], `${path}.StatisticValues.${member}`),
        `${path}.StatisticValues.${member}`,
      );
    const set = {
      sampleCount: read('SampleCount'),
      sum: read('Sum'),
      minimum: read('Minimum'),
      maximum: read('Maximum'),
    };
    if (set.sampleCount <= 0 || set.minimum > set.maximum) {
      throw new InvalidParameterValueException(
        `The parameter ${path}.StatisticValues must have a positive SampleCount and Minimum no greater than Maximum.`,
      );
    }
    sample = sampleOfStatistics(timestamp, set, unit);
  } else if (values !== undefined) {
    if (counts !== undefined && counts.length !== values.length) {
      throw new InvalidParameterValueException(
        `The parameters ${path}.Values and ${path}.Counts must be of the same size.`,
      );
    }
    const weighted = values.map((item, i) => ({
      value: required(readMetricValue(item, `${path}.Values`), `${path}.Values`),
      count:
        counts === undefined
          ? 1
          : required(readMetricValue(counts[i], `${path}.Counts`), `${path}.Counts`),
    }));
    if (weighted.some((item) => item.count < 0)) throw invalid('negative', `${path}.Counts`);
    const kept = weighted.filter((item) => item.count > 0);
    if (kept.length === 0) {
      throw new MissingRequiredParameterException(`The parameter ${path}.Values is required.`);
    }
    sample = sampleOfValues(timestamp, kept, unit);
  } else {
    // Neither Value, Values nor StatisticValues: CloudWatch stores a 0 (moto does likewise).
    sample = sampleOfValues(timestamp, [{ value: value ?? 0, count: 1 }], unit);
  }
  return { metricName, dimensions, sample, storageResolution: storageResolution === 1 ? 1 : 60 };
};

/**
 * PutMetricData: the namespace (not `AWS/`), at most 1,000 data, each with
 * at most 30 dimensions and exactly one of Value, Values(+Counts, ≤ 150) or
 * StatisticValues, values within ±2^360.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
 */
const validatePutMetricData = (body: JsonObject, now: number): PutMetricDataInput => {
  const namespace = required(readNamespace(body.Namespace, 'Namespace', true), 'Namespace');
  const list = readList(body.MetricData, 'MetricData', 1000);
  if (list === undefined || list.length === 0) {
    throw new MissingRequiredParameterException('The parameter MetricData is required.');
  }
  return { namespace, metricData: list.map((item, i) => readDatum(item, i + 1, now)) };
};

// ---------------------------------------------------------------- GetMetricStatistics

interface GetMetricStatisticsInput {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: MetricDimension[];
  readonly startMs: number;
  readonly endMs: number;
  readonly periodSeconds: number;
  readonly statistics: BasicStatistic[];
  readonly extendedStatistics: string[];
  readonly unit?: StandardUnit | undefined;
}

const MAX_DATAPOINTS = 1440;

/**
 * GetMetricStatistics: StartTime before EndTime, a valid Period, 1–5
 * Statistics or 1–10 ExtendedStatistics (not both, as the API reference
 * says), and at most 1,440 datapoints counted from the rounded StartTime.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 */
const validateGetMetricStatistics = (body: JsonObject, now: number): GetMetricStatisticsInput => {
  const namespace = required(readNamespace(body.Namespace), 'Namespace');
  const metricName = required(readString(body.MetricName, 'MetricName'), 'MetricName');
  const dimensions = readDimensions(body.Dimensions, 'Dimensions');
  const startMs = required(readTimestamp(body.StartTime, 'StartTime'), 'StartTime');
  const endMs = required(readTimestamp(body.EndTime, 'EndTime'), 'EndTime');
  const periodSeconds = required(readPeriod(body.Period, 'Period'), 'Period');
  if (startMs >= endMs) {
    throw new InvalidParameterValueException(
      'The parameter StartTime must be less than the parameter EndTime.',
    );
  }
  const statistics = (readList(body.Statistics, 'Statistics', 5) ?? []).map((item, i) =>
    required(
      readEnum<BasicStatistic>(item, `Statistics.member.${i + 1}`, BASIC_STATISTICS),
      'Statistics',
    ),
  );
  const extendedStatistics = (
    readList(body.ExtendedStatistics, 'ExtendedStatistics', 10) ?? []
  ).map((item, i) => {
    const path = `ExtendedStatistics.member.${i + 1}`;
    const name = required(readString(item, path), path);
    if (percentileOf(name) === undefined) {
      throw new InvalidParameterValueException(
        `The value ${name} for parameter ${path} is not supported.`,
      );
    }
    return name;
  });
  if (statistics.length === 0 && extendedStatistics.length === 0) {
    throw new InvalidParameterCombinationException(
      'Must specify either Statistics or ExtendedStatistics, but not both.',
    );
  }
  if (statistics.length > 0 && extendedStatistics.length > 0) {
    throw new InvalidParameterCombinationException(
      'The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.',
    );
  }
  const periodMs = periodSeconds * 1000;
  const requested = Math.ceil((endMs - alignedStart(startMs, periodSeconds, now)) / periodMs);
  if (requested > MAX_DATAPOINTS) {
    throw new InvalidParameterCombinationException(
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  return {
    namespace,
    metricName,
    dimensions,
    startMs,
    endMs,
    periodSeconds,
    statistics,
    extendedStatistics,
    unit: readUnit(body.Unit, 'Unit'),
  };
};

// ---------------------------------------------------------------- GetMetricData

interface MetricStatInput {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: MetricDimension[];
  readonly periodSeconds: number;
  readonly stat: string;
  readonly unit?: StandardUnit | undefined;
}

interface MetricDataQueryInput {
  readonly id: string;
  readonly metricStat?: MetricStatInput | undefined;
  readonly expression?: string | undefined;
  readonly label?: string | undefined;
  readonly returnData: boolean;
  readonly periodSeconds?: number | undefined;
}

const SCAN_BY = ['TimestampDescending', 'TimestampAscending'] as const;
type ScanBy = (typeof SCAN_BY)[number];

interface GetMetricDataInput {
  readonly queries: MetricDataQueryInput[];
  readonly startMs: number;
  readonly endMs: number;
  readonly scanBy: ScanBy;
  readonly maxDatapoints: number;
  readonly nextToken?: string | undefined;
}

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
/** GetMetricData's default (and largest) MaxDatapoints. */
const DEFAULT_MAX_DATAPOINTS = 100_800;

const readStat = (value: unknown, path: string): string => {
  const stat = required(readString(value, path), path);
  if (!(BASIC_STATISTICS as readonly string[]).includes(stat) && percentileOf(stat) === undefined) {
    throw new InvalidParameterValueException(
      `The value ${stat} for parameter ${path} is not supported.`,
    );
  }
  return stat;
};

const readQuery = (item: unknown, index: number): MetricDataQueryInput => {
  const path = `MetricDataQueries.member.${index}`;
  const query = required(readObject(item, path), path);
  const id = required(readString(query.Id, `${path}.Id`), `${path}.Id`);
  if (!QUERY_ID.test(id)) {
    throw new ValidationError(
      `The value ${id} for parameter ${path}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`,
    );
  }
  const stat = readObject(query.MetricStat, `${path}.MetricStat`);
  const expression = readString(query.Expression, `${path}.Expression`, 2048);
  if ((stat === undefined) === (expression === undefined)) {
    throw new ValidationError(
      `The parameter ${path} must contain either a MetricStat or an Expression, but not both.`,
    );
  }
  let metricStat: MetricStatInput | undefined;
  if (stat !== undefined) {
    const metric = required(
      readObject(stat.Metric, `${path}.MetricStat.Metric`),
      `${path}.MetricStat.Metric`,
    );
    metricStat = {
      namespace: required(
        readNamespace(metric.Namespace, `${path}.MetricStat.Metric.Namespace`),
        `${path}.MetricStat.Metric.Namespace`,
      ),
      metricName: required(
        readString(metric.MetricName, `${path}.MetricStat.Metric.MetricName`),
        `${path}.MetricStat.Metric.MetricName`,
      ),
      dimensions: readDimensions(metric.Dimensions, `${path}.MetricStat.Metric.Dimensions`),
      periodSeconds: required(
        readPeriod(stat.Period, `${path}.MetricStat.Period`),
        `${path}.MetricStat.Period`,
      ),
      stat: readStat(stat.Stat, `${path}.MetricStat.Stat`),
      unit: readUnit(stat.Unit, `${path}.MetricStat.Unit`),
    };
  }
  return {
    id,
    ...(metricStat === undefined ? {} : { metricStat }),
    ...(expression === undefined ? {} : { expression }),
    label: readString(query.Label, `${path}.Label`, 2048),
    returnData: readBoolean(query.ReturnData, `${path}.ReturnData`) ?? true,
    periodSeconds: readPeriod(query.Period, `${path}.Period`),
  };
};

/**
 * GetMetricData: 1–500 queries with unique ids matching
 * `^[a-z][a-zA-Z0-9_]*$`, each exactly one of MetricStat or Expression;
 * StartTime before EndTime (moto's messages); ScanBy; MaxDatapoints.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
const validateGetMetricData = (body: JsonObject): GetMetricDataInput => {
  const list = readList(body.MetricDataQueries, 'MetricDataQueries', 500);
  if (list === undefined || list.length === 0) {
    throw new MissingRequiredParameterException('The parameter MetricDataQueries is required.');
  }
  const queries = list.map((item, i) => readQuery(item, i + 1));
  const seen = new Set<string>();
  for (const query of queries) {
    if (seen.has(query.id)) {
      throw new ValidationError(
        `The value ${query.id} for parameter MetricDataQueries.Id is duplicated.`,
      );
    }
    seen.add(query.id);
  }
  const startMs = required(readTimestamp(body.StartTime, 'StartTime'), 'StartTime');
  const endMs = required(readTimestamp(body.EndTime, 'EndTime'), 'EndTime');
  if (startMs === endMs) {
    throw new ValidationError('The parameter StartTime must not equal parameter EndTime.');
  }
  if (startMs > endMs) {
    throw new ValidationError('The parameter EndTime must be greater than StartTime.');
  }
  return {
    queries,
    startMs,
    endMs,
    scanBy: readEnum<ScanBy>(body.ScanBy, 'ScanBy', SCAN_BY) ?? 'TimestampDescending',
    maxDatapoints: readInteger(body.MaxDatapoints, 'MaxDatapoints', 1) ?? DEFAULT_MAX_DATAPOINTS,
    nextToken: readString(body.NextToken, 'NextToken', 4096),
  };
};

// ---------------------------------------------------------------- ListMetrics

interface DimensionFilter {
  readonly name: string;
  /** Absent: any value of the dimension matches. */
  readonly value?: string | undefined;
}

interface ListMetricsInput {
  readonly namespace?: string | undefined;
  readonly metricName?: string | undefined;
  readonly dimensions: DimensionFilter[];
  /** Only metrics with data in the last three hours (`PT3H`). */
  readonly recentlyActive: boolean;
  readonly nextToken?: string | undefined;
}

/**
 * ListMetrics: optional Namespace and MetricName, up to 10 dimension
 * filters whose Value is optional, RecentlyActive `PT3H`.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html
 */
const validateListMetrics = (body: JsonObject): ListMetricsInput => {
  const dimensions = (readList(body.Dimensions, 'Dimensions', 10) ?? []).map((item, i) => {
    const path = `Dimensions.member.${i + 1}`;
    const filter = required(readObject(item, path), path);
    const value = readString(filter.Value, `${path}.Value`, 1024);
    return {
      name: required(readString(filter.Name, `${path}.Name`), `${path}.Name`),
      ...(value === undefined ? {} : { value }),
    };
  });
  return {
    namespace: readNamespace(body.Namespace),
    metricName: readString(body.MetricName, 'MetricName'),
    dimensions,
    recentlyActive: readEnum(body.RecentlyActive, 'RecentlyActive', ['PT3H'] as const) === 'PT3H',
    nextToken: readString(body.NextToken, 'NextToken', 4096),
  };
};

// ---------------------------------------------------------------- PutMetricAlarm

interface PutMetricAlarmInput extends ThresholdAlarm {
  readonly alarmDescription?: string | undefined;
  readonly actionsEnabled: boolean;
  readonly alarmActions: string[];
  readonly okActions: string[];
  readonly insufficientDataActions: string[];
  readonly evaluateLowSampleCountPercentile?: 'evaluate' | 'ignore' | undefined;
}

const ANOMALY_OPERATORS = [
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
];
/** The longest span an alarm may evaluate: Period × EvaluationPeriods (the user guide: 7 days). */
const MAX_EVALUATION_SECONDS = 7 * 86_400;

const readActions = (value: unknown, path: string): string[] => {
  const actions = readStringList(value, path, 5, 1024) ?? [];
  actions.forEach((action, i) => {
    if (!action.startsWith('arn:')) throw invalid(action, `${path}.member.${i + 1}`);
  });
  return actions;
};

/**
 * PutMetricAlarm for a static threshold on one metric. Metric-math alarms
 * (`Metrics`) and anomaly-detection operators are refused with a message
 * that says so; everything else follows the API reference.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
const validatePutMetricAlarm = (body: JsonObject): PutMetricAlarmInput => {
  const alarmName = required(readString(body.AlarmName, 'AlarmName'), 'AlarmName');
  if (!absent(body.Metrics) || !absent(body.ThresholdMetricId)) {
    throw new InvalidParameterCombinationException(
      'Berth supports alarms on a single metric only: Metrics and ThresholdMetricId (metric math and anomaly detection) are not supported.',
    );
  }
  const operator = required(
    readString(body.ComparisonOperator, 'ComparisonOperator'),
    'ComparisonOperator',
  );
  if (ANOMALY_OPERATORS.includes(operator)) {
    throw new InvalidParameterCombinationException(
      `The value ${operator} for parameter ComparisonOperator needs an anomaly detection band, which Berth does not support; use a static threshold.`,
    );
  }
  const comparisonOperator = readEnum<ComparisonOperator>(
    operator,
    'ComparisonOperator',
    COMPARISON_OPERATORS,
  ) as ComparisonOperator;
  const statistic = readEnum<BasicStatistic>(body.Statistic, 'Statistic', BASIC_STATISTICS);
  const extended = readString(body.ExtendedStatistic, 'ExtendedStatistic');
  if ((statistic === undefined) === (extended === undefined)) {
    throw new InvalidParameterCombinationException(
      'Exactly one element of the Statistic and ExtendedStatistic parameters must be set.',
    );
  }
  if (extended !== undefined && percentileOf(extended) === undefined) {
    throw new InvalidParameterValueException(
      `The value ${extended} for parameter ExtendedStatistic is not supported.`,
    );
  }
  const periodSeconds = required(readPeriod(body.Period, 'Period', [10, 20, 30]), 'Period');
  const evaluationPeriods = required(
    readInteger(body.EvaluationPeriods, 'EvaluationPeriods', 1),
    'EvaluationPeriods',
  );
  const datapointsToAlarm = readInteger(body.DatapointsToAlarm, 'DatapointsToAlarm', 1);
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
    throw new ValidationError('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
  }
  if (periodSeconds * evaluationPeriods > MAX_EVALUATION_SECONDS) {
    throw new ValidationError(
      `The product of Period and EvaluationPeriods must not exceed ${MAX_EVALUATION_SECONDS} seconds.`,
    );
  }
  const threshold = required(readDouble(body.Threshold, 'Threshold'), 'Threshold');
  if (!Number.isFinite(threshold)) throw invalid(threshold, 'Threshold');
  const lowSampleCount = readString(
    body.EvaluateLowSampleCountPercentile,
    'EvaluateLowSampleCountPercentile',
  );
  if (
    lowSampleCount !== undefined &&
    lowSampleCount !== 'evaluate' &&
    lowSampleCount !== 'ignore'
  ) {
    throw new ValidationError(
      `Option ${lowSampleCount} is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore.`,
    );
  }
  return {
    alarmName,
    alarmDescription: readString(body.AlarmDescription, 'AlarmDescription', 1024),
    namespace: required(readNamespace(body.Namespace), 'Namespace'),
    metricName: required(readString(body.MetricName, 'MetricName'), 'MetricName'),
    dimensions: readDimensions(body.Dimensions, 'Dimensions'),
    statistic: statistic ?? (extended as string),
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm,
    threshold,
    comparisonOperator,
    treatMissingData: readEnum<TreatMissingData>(
      body.TreatMissingData,
      'TreatMissingData',
      TREAT_MISSING_DATA,
    ),
    unit: readUnit(body.Unit, 'Unit'),
    actionsEnabled: readBoolean(body.ActionsEnabled, 'ActionsEnabled') ?? true,
    alarmActions: readActions(body.AlarmActions, 'AlarmActions'),
    okActions: readActions(body.OKActions, 'OKActions'),
    insufficientDataActions: readActions(body.InsufficientDataActions, 'InsufficientDataActions'),
    ...(lowSampleCount === undefined ? {} : { evaluateLowSampleCountPercentile: lowSampleCount }),
  };
};

// ---------------------------------------------------------------- DescribeAlarms, DeleteAlarms

interface DescribeAlarmsInput {
  readonly alarmNames?: string[] | undefined;
  readonly alarmNamePrefix?: string | undefined;
  readonly stateValue?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | undefined;
  readonly actionPrefix?: string | undefined;
  readonly maxRecords: number;
  readonly nextToken?: string | undefined;
}

/**
 * DescribeAlarms: up to 100 AlarmNames or an AlarmNamePrefix (not both),
 * StateValue, ActionPrefix, MaxRecords 1–100 (default 50).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 */
const validateDescribeAlarms = (body: JsonObject): DescribeAlarmsInput => {
  const alarmNames = readStringList(body.AlarmNames, 'AlarmNames', 100);
  const alarmNamePrefix = readString(body.AlarmNamePrefix, 'AlarmNamePrefix');
  if (alarmNames !== undefined && alarmNames.length > 0 && alarmNamePrefix !== undefined) {
    throw new InvalidParameterCombinationException(
      'The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.',
    );
  }
  return {
    alarmNames: alarmNames?.length ? alarmNames : undefined,
    alarmNamePrefix,
    stateValue: readEnum(body.StateValue, 'StateValue', [
      'OK',
      'ALARM',
      'INSUFFICIENT_DATA',
    ] as const),
    actionPrefix: readString(body.ActionPrefix, 'ActionPrefix', 1024),
    maxRecords: readInteger(body.MaxRecords, 'MaxRecords', 1, 100) ?? 50,
    nextToken: readString(body.NextToken, 'NextToken', 4096),
  };
};

/**
 * DeleteAlarms: 1–100 AlarmNames.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteAlarms.html
 */
const validateDeleteAlarms = (body: JsonObject): { alarmNames: string[] } => {
  const alarmNames = readStringList(body.AlarmNames, 'AlarmNames', 100);
  if (alarmNames === undefined || alarmNames.length === 0) {
    throw new MissingRequiredParameterException('The parameter AlarmNames is required.');
  }
  return { alarmNames };
};

export type {
  DescribeAlarmsInput,
  DimensionFilter,
  GetMetricDataInput,
  GetMetricStatisticsInput,
  ListMetricsInput,
  MetricDataQueryInput,
  MetricDatumInput,
  MetricStatInput,
  PutMetricAlarmInput,
  PutMetricDataInput,
  ScanBy,
};
export {
  DEFAULT_MAX_DATAPOINTS,
  SCAN_BY,
  validateDeleteAlarms,
  validateDescribeAlarms,
  validateGetMetricData,
  validateGetMetricStatistics,
  validateListMetrics,
  validatePutMetricAlarm,
  validatePutMetricData,
};
