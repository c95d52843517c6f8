import {
  validateDeleteAlarms,
  validateDescribeAlarms,
  validateGetMetricData,
  validateGetMetricStatistics,
  validateListMetrics,
  validatePutMetricAlarm,
  validatePutMetricData,
} from '../../../../functions/domain/metrics/validation';
import type { JsonObject } from '../../../../functions/domain/validation/shape';

const NOW = Date.parse('2026-01-12T12:00:00Z');
const NOW_S = NOW / 1000;

const errorOf = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    const { __type, message } = (
      error as { toJSON(): { __type: string; message: string } }
    ).toJSON();
    return [__type, message];
  }
  throw new Error('expected an error');
};

describe('Function: validatePutMetricData', () => {
  const body = (datum: JsonObject, extra: JsonObject = {}): JsonObject => ({
    Namespace: 'Berth/Test',
    MetricData: [{ MetricName: 'Latency', ...datum }],
    ...extra,
  });

  it.each([
    [
      'no Namespace',
      { Namespace: undefined },
      'MissingRequiredParameterException',
      'The parameter Namespace is required.',
    ],
    [
      'the reserved AWS/ namespace',
      { Namespace: 'AWS/ECS' },
      'InvalidParameterValueException',
      'The value AWS/ for parameter Namespace is invalid.',
    ],
    [
      'a namespace starting with a colon',
      { Namespace: ':x' },
      'InvalidParameterValueException',
      'The value :x for parameter Namespace is invalid.',
    ],
    [
      'no MetricData',
      { MetricData: [] },
      'MissingRequiredParameterException',
      'The parameter MetricData is required.',
    ],
    [
      '1,001 data',
      { MetricData: Array.from({ length: 1001 }, () => ({ MetricName: 'm', Value: 1 })) },
      'InvalidParameterValueException',
      'The collection MetricData must not have a size greater than 1000.',
    ],
  ])('refuses %s', (_case, extra, type, message) => {
    expect(errorOf(() => validatePutMetricData(body({ Value: 1 }, extra), NOW))).toEqual([
      type,
      message,
    ]);
  });

  it.each([
    [
      'no MetricName',
      { MetricName: undefined },
      'MissingRequiredParameterException',
      'The parameter MetricData.member.1.MetricName is required.',
    ],
    [
      '31 dimensions',
      { Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })) },
      'InvalidParameterValueException',
      'The collection MetricData.member.1.Dimensions must not have a size greater than 30.',
    ],
    [
      'a dimension without a value',
      { Dimensions: [{ Name: 'a' }] },
      'MissingRequiredParameterException',
      'The parameter MetricData.member.1.Dimensions.member.1.Value is required.',
    ],
    [
      'NaN',
      { Value: 'NaN' },
      'InvalidParameterValueException',
      'The value NaN for parameter MetricData.member.1.Value is invalid.',
    ],
    [
      'Infinity',
      { Value: 'Infinity' },
      'InvalidParameterValueException',
      'The value Infinity for parameter MetricData.member.1.Value is invalid.',
    ],
    [
      'a value beyond 2^360',
      { Value: 2 ** 361 },
      'InvalidParameterValueException',
      `The value ${2 ** 361} for parameter MetricData.member.1.Value is invalid.`,
    ],
    [
      'a value beyond -2^360',
      { Value: -(2 ** 361) },
      'InvalidParameterValueException',
      `The value ${-(2 ** 361)} for parameter MetricData.member.1.Value is invalid.`,
    ],
    [
      'Value with Values',
      { Value: 1, Values: [1] },
      'InvalidParameterValueException',
      'The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually exclusive and you have specified both.',
    ],
    [
      'Value with StatisticValues',
      { Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } },
      'InvalidParameterCombinationException',
      'The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both.',
    ],
    [
      '151 values',
      { Values: Array.from({ length: 151 }, (_, i) => i) },
      'InvalidParameterValueException',
      'The collection MetricData.member.1.Values must not have a size greater than 150.',
    ],
    [
      'Values and Counts of different sizes',
      { Values: [1, 2], Counts: [1] },
      'InvalidParameterValueException',
      'The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size.',
    ],
    [
      'a StatisticValues without Sum',
      { StatisticValues: { SampleCount: 1, Minimum: 1, Maximum: 1 } },
      'MissingRequiredParameterException',
      'The parameter MetricData.member.1.StatisticValues.Sum is required.',
    ],
    [
      'an unknown unit',
      { Value: 1, Unit: 'Parsecs' },
      'ValidationError',
      expect.stringContaining(
        "Value 'Parsecs' at 'MetricData.member.1.Unit' failed to satisfy constraint",
      ),
    ],
    [
      'a StorageResolution of 30',
      { Value: 1, StorageResolution: 30 },
      'InvalidParameterValueException',
      'The value 30 for parameter MetricData.member.1.StorageResolution is invalid.',
    ],
    [
      'a timestamp over two weeks old',
      { Value: 1, Timestamp: NOW_S - 15 * 86_400 },
      'InvalidParameterValueException',
      'The parameter MetricData.member.1.Timestamp must specify a time within the past two weeks.',
    ],
    [
      'a timestamp over two hours ahead',
      { Value: 1, Timestamp: NOW_S + 3 * 3600 },
      'InvalidParameterValueException',
      'The parameter MetricData.member.1.Timestamp must specify a time no more than two hours in the future.',
    ],
  ])('refuses a datum with %s', (_case, datum, type, message) => {
    expect(errorOf(() => validatePutMetricData(body(datum as JsonObject), NOW))).toEqual([
      type,
      message,
    ]);
  });

  it.each([
    ['a value', { Value: 2.5 }, { sampleCount: 1, sum: 2.5, values: [{ value: 2.5, count: 1 }] }],
    [
      'values with counts',
      { Values: [1, 3], Counts: [2, 1] },
      { sampleCount: 3, sum: 5, minimum: 1, maximum: 3 },
    ],
    [
      'a statistic set',
      { StatisticValues: { SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 } },
      { sampleCount: 2, sum: 3 },
    ],
    ['exactly ±2^360', { Values: [2 ** 360, -(2 ** 360)] }, { sampleCount: 2, sum: 0 }],
  ])('accepts %s', (_case, datum, sample) => {
    // Act
    const input = validatePutMetricData(
      body({
        ...datum,
        Timestamp: NOW_S - 60,
        Unit: 'Count',
        Dimensions: [
          { Name: 'b', Value: '1' },
          { Name: 'a', Value: '2' },
        ],
      }),
      NOW,
    );

    // Assess
    expect(input.namespace).toBe('Berth/Test');
    expect(input.metricData[0]).toMatchObject({
      metricName: 'Latency',
      dimensions: [
        { name: 'a', value: '2' },
        { name: 'b', value: '1' },
      ],
      storageResolution: 60,
      sample: { ...sample, timestamp: NOW - 60_000, unit: 'Count' },
    });
  });

  it('stamps a datum without a timestamp with the time of the request', () => {
    expect(validatePutMetricData(body({ Value: 1 }), NOW).metricData[0]?.sample.timestamp).toBe(
      NOW,
    );
  });
});

describe('Function: validateGetMetricStatistics', () => {
  const body = (extra: JsonObject = {}): JsonObject => ({
    Namespace: 'AWS/ECS',
    MetricName: 'CPUUtilization',
    StartTime: NOW_S - 3600,
    EndTime: NOW_S,
    Period: 60,
    Statistics: ['Average'],
    ...extra,
  });

  it.each([
    [
      'EndTime before StartTime',
      { StartTime: NOW_S, EndTime: NOW_S - 60 },
      'InvalidParameterValueException',
      'The parameter StartTime must be less than the parameter EndTime.',
    ],
    [
      'no Period',
      { Period: undefined },
      'MissingRequiredParameterException',
      'The parameter Period is required.',
    ],
    [
      'a Period of 90',
      { Period: 90 },
      'InvalidParameterValueException',
      'The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.',
    ],
    [
      'a Period of 0',
      { Period: 0 },
      'InvalidParameterValueException',
      'The value 0 for parameter Period is invalid.',
    ],
    [
      'no statistic',
      { Statistics: undefined },
      'InvalidParameterCombinationException',
      'Must specify either Statistics or ExtendedStatistics, but not both.',
    ],
    [
      'both kinds of statistic',
      { ExtendedStatistics: ['p99'] },
      'InvalidParameterCombinationException',
      'The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.',
    ],
    [
      'six statistics',
      { Statistics: ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount', 'Sum'] },
      'InvalidParameterValueException',
      'The collection Statistics must not have a size greater than 5.',
    ],
    [
      'an unknown statistic',
      { Statistics: ['Median'] },
      'ValidationError',
      expect.stringContaining("Value 'Median' at 'Statistics.member.1'"),
    ],
    [
      'a bad percentile',
      { Statistics: undefined, ExtendedStatistics: ['p101'] },
      'InvalidParameterValueException',
      'The value p101 for parameter ExtendedStatistics.member.1 is not supported.',
    ],
    [
      '1,441 datapoints',
      { StartTime: NOW_S - 1441 * 60 },
      'InvalidParameterCombinationException',
      'You have requested up to 1441 datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
    ],
  ])('refuses %s', (_case, extra, type, message) => {
    expect(errorOf(() => validateGetMetricStatistics(body(extra as JsonObject), NOW))).toEqual([
      type,
      message,
    ]);
  });

  it('accepts exactly 1,440 datapoints and reads times as epoch seconds', () => {
    // Act
    const input = validateGetMetricStatistics(
      body({ StartTime: NOW_S - 1440 * 60, Unit: 'Percent' }),
      NOW,
    );

    // Assess
    expect(input).toMatchObject({
      startMs: NOW - 1440 * 60_000,
      endMs: NOW,
      periodSeconds: 60,
      statistics: ['Average'],
      extendedStatistics: [],
      unit: 'Percent',
    });
  });
});

describe('Function: validateGetMetricData', () => {
  const stat = {
    Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization' },
    Period: 60,
    Stat: 'Average',
  };
  const body = (queries: unknown[], extra: JsonObject = {}): JsonObject => ({
    MetricDataQueries: queries,
    StartTime: NOW_S - 3600,
    EndTime: NOW_S,
    ...extra,
  });

  it.each([
    [
      'no query',
      [],
      {},
      'MissingRequiredParameterException',
      'The parameter MetricDataQueries is required.',
    ],
    [
      '501 queries',
      Array.from({ length: 501 }, (_, i) => ({ Id: `q${i}`, MetricStat: stat })),
      {},
      'InvalidParameterValueException',
      'The collection MetricDataQueries must not have a size greater than 500.',
    ],
    [
      'an id starting with a capital',
      [{ Id: 'Cpu', MetricStat: stat }],
      {},
      'ValidationError',
      expect.stringContaining(
        'The value Cpu for parameter MetricDataQueries.member.1.Id is invalid',
      ),
    ],
    [
      'an id with a dash',
      [{ Id: 'cpu-1', MetricStat: stat }],
      {},
      'ValidationError',
      expect.stringContaining('cpu-1'),
    ],
    [
      'duplicate ids',
      [
        { Id: 'a', MetricStat: stat },
        { Id: 'a', Expression: 'a*2' },
      ],
      {},
      'ValidationError',
      'The value a for parameter MetricDataQueries.Id is duplicated.',
    ],
    [
      'both MetricStat and Expression',
      [{ Id: 'a', MetricStat: stat, Expression: 'b' }],
      {},
      'ValidationError',
      'The parameter MetricDataQueries.member.1 must contain either a MetricStat or an Expression, but not both.',
    ],
    [
      'neither MetricStat nor Expression',
      [{ Id: 'a' }],
      {},
      'ValidationError',
      'The parameter MetricDataQueries.member.1 must contain either a MetricStat or an Expression, but not both.',
    ],
    [
      'a MetricStat without Stat',
      [{ Id: 'a', MetricStat: { ...stat, Stat: undefined } }],
      {},
      'MissingRequiredParameterException',
      'The parameter MetricDataQueries.member.1.MetricStat.Stat is required.',
    ],
    [
      'an unknown Stat',
      [{ Id: 'a', MetricStat: { ...stat, Stat: 'Median' } }],
      {},
      'InvalidParameterValueException',
      'The value Median for parameter MetricDataQueries.member.1.MetricStat.Stat is not supported.',
    ],
    [
      'EndTime before StartTime',
      [{ Id: 'a', MetricStat: stat }],
      { EndTime: NOW_S - 7200 },
      'ValidationError',
      'The parameter EndTime must be greater than StartTime.',
    ],
    [
      'EndTime equal to StartTime',
      [{ Id: 'a', MetricStat: stat }],
      { EndTime: NOW_S - 3600 },
      'ValidationError',
      'The parameter StartTime must not equal parameter EndTime.',
    ],
    [
      'an unknown ScanBy',
      [{ Id: 'a', MetricStat: stat }],
      { ScanBy: 'Random' },
      'ValidationError',
      expect.stringContaining('[TimestampDescending, TimestampAscending]'),
    ],
    [
      'a MaxDatapoints of 0',
      [{ Id: 'a', MetricStat: stat }],
      { MaxDatapoints: 0 },
      'InvalidParameterValueException',
      'The value 0 for parameter MaxDatapoints is invalid.',
    ],
  ])('refuses %s', (_case, queries, extra, type, message) => {
    expect(errorOf(() => validateGetMetricData(body(queries, extra as JsonObject)))).toEqual([
      type,
      message,
    ]);
  });

  it('normalises the queries with their defaults', () => {
    // Act
    const input = validateGetMetricData(
      body([
        { Id: 'cpu_1', MetricStat: stat, ReturnData: false },
        { Id: 'e', Expression: 'cpu_1*2', Label: 'double' },
      ]),
    );

    // Assess
    expect(input).toMatchObject({
      scanBy: 'TimestampDescending',
      maxDatapoints: 100_800,
      startMs: NOW - 3_600_000,
    });
    expect(input.queries).toEqual([
      {
        id: 'cpu_1',
        metricStat: {
          namespace: 'AWS/ECS',
          metricName: 'CPUUtilization',
          dimensions: [],
          periodSeconds: 60,
          stat: 'Average',
        },
        returnData: false,
      },
      { id: 'e', expression: 'cpu_1*2', label: 'double', returnData: true },
    ]);
  });
});

describe('Function: validateListMetrics', () => {
  it('accepts dimension filters with and without a value', () => {
    // Act
    const input = validateListMetrics({
      Namespace: 'AWS/ECS',
      Dimensions: [{ Name: 'ClusterName' }, { Name: 'ServiceName', Value: 'web' }],
      RecentlyActive: 'PT3H',
    });

    // Assess
    expect(input).toEqual({
      namespace: 'AWS/ECS',
      dimensions: [{ name: 'ClusterName' }, { name: 'ServiceName', value: 'web' }],
      recentlyActive: true,
    });
  });

  it.each([
    [
      '11 dimension filters',
      { Dimensions: Array.from({ length: 11 }, (_, i) => ({ Name: `d${i}` })) },
      'InvalidParameterValueException',
      'The collection Dimensions must not have a size greater than 10.',
    ],
    [
      'a filter without a name',
      { Dimensions: [{ Value: 'x' }] },
      'MissingRequiredParameterException',
      'The parameter Dimensions.member.1.Name is required.',
    ],
    [
      'RecentlyActive other than PT3H',
      { RecentlyActive: 'PT1H' },
      'ValidationError',
      expect.stringContaining('[PT3H]'),
    ],
  ])('refuses %s', (_case, body, type, message) => {
    expect(errorOf(() => validateListMetrics(body as JsonObject))).toEqual([type, message]);
  });
});

describe('Function: validatePutMetricAlarm', () => {
  const body = (extra: JsonObject = {}): JsonObject => ({
    AlarmName: 'cpu-high',
    Namespace: 'AWS/ECS',
    MetricName: 'CPUUtilization',
    Dimensions: [{ Name: 'ClusterName', Value: 'prod' }],
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 70,
    ComparisonOperator: 'GreaterThanThreshold',
    ...extra,
  });

  it('accepts a threshold alarm with its defaults', () => {
    expect(
      validatePutMetricAlarm(body({ AlarmActions: ['arn:aws:autoscaling:r:1:scalingPolicy:x'] })),
    ).toMatchObject({
      alarmName: 'cpu-high',
      statistic: 'Average',
      periodSeconds: 60,
      evaluationPeriods: 3,
      threshold: 70,
      actionsEnabled: true,
      alarmActions: ['arn:aws:autoscaling:r:1:scalingPolicy:x'],
      okActions: [],
    });
  });

  it.each([
    [
      'no AlarmName',
      { AlarmName: undefined },
      'MissingRequiredParameterException',
      'The parameter AlarmName is required.',
    ],
    [
      'both Statistic and ExtendedStatistic',
      { ExtendedStatistic: 'p99' },
      'InvalidParameterCombinationException',
      'Exactly one element of the Statistic and ExtendedStatistic parameters must be set.',
    ],
    [
      'neither Statistic nor ExtendedStatistic',
      { Statistic: undefined },
      'InvalidParameterCombinationException',
      'Exactly one element of the Statistic and ExtendedStatistic parameters must be set.',
    ],
    [
      'an ExtendedStatistic that is no percentile',
      { Statistic: undefined, ExtendedStatistic: 'tm99' },
      'InvalidParameterValueException',
      'The value tm99 for parameter ExtendedStatistic is not supported.',
    ],
    [
      'DatapointsToAlarm above EvaluationPeriods',
      { DatapointsToAlarm: 4 },
      'ValidationError',
      'DatapointsToAlarm must be less than or equal to EvaluationPeriods.',
    ],
    [
      'an anomaly-detection operator',
      { ComparisonOperator: 'GreaterThanUpperThreshold' },
      'InvalidParameterCombinationException',
      expect.stringContaining('anomaly detection band'),
    ],
    [
      'an unknown operator',
      { ComparisonOperator: 'Above' },
      'ValidationError',
      expect.stringContaining("Value 'Above' at 'ComparisonOperator'"),
    ],
    [
      'metric math',
      { Metrics: [{ Id: 'a', Expression: 'b' }] },
      'InvalidParameterCombinationException',
      expect.stringContaining('single metric only'),
    ],
    [
      'an unknown TreatMissingData',
      { TreatMissingData: 'zero' },
      'ValidationError',
      expect.stringContaining('[breaching, notBreaching, ignore, missing]'),
    ],
    [
      'a Period of 5',
      { Period: 5 },
      'InvalidParameterValueException',
      'The parameter Period must be 10, 20, 30, or a multiple of 60.',
    ],
    [
      'more than 7 days evaluated',
      { Period: 3600, EvaluationPeriods: 169 },
      'ValidationError',
      'The product of Period and EvaluationPeriods must not exceed 604800 seconds.',
    ],
    [
      'six alarm actions',
      { AlarmActions: Array.from({ length: 6 }, () => 'arn:x') },
      'InvalidParameterValueException',
      'The collection AlarmActions must not have a size greater than 5.',
    ],
    [
      'an action that is no ARN',
      { OKActions: ['topic'] },
      'InvalidParameterValueException',
      'The value topic for parameter OKActions.member.1 is invalid.',
    ],
    [
      'no Threshold',
      { Threshold: undefined },
      'MissingRequiredParameterException',
      'The parameter Threshold is required.',
    ],
    [
      'a bad EvaluateLowSampleCountPercentile',
      { EvaluateLowSampleCountPercentile: 'x' },
      'ValidationError',
      'Option x is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore.',
    ],
  ])('refuses %s', (_case, extra, type, message) => {
    expect(errorOf(() => validatePutMetricAlarm(body(extra as JsonObject)))).toEqual([
      type,
      message,
    ]);
  });
});

describe('Function: validateDescribeAlarms and validateDeleteAlarms', () => {
  it('applies DescribeAlarms defaults', () => {
    expect(validateDescribeAlarms({})).toMatchObject({ maxRecords: 50 });
  });

  it.each([
    [
      '101 names',
      { AlarmNames: Array.from({ length: 101 }, (_, i) => `a${i}`) },
      'InvalidParameterValueException',
      'The collection AlarmNames must not have a size greater than 100.',
    ],
    [
      'names and a prefix',
      { AlarmNames: ['a'], AlarmNamePrefix: 'b' },
      'InvalidParameterCombinationException',
      'The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.',
    ],
    [
      'a MaxRecords of 101',
      { MaxRecords: 101 },
      'InvalidParameterValueException',
      'The value 101 for parameter MaxRecords is invalid.',
    ],
    [
      'an unknown StateValue',
      { StateValue: 'FIRING' },
      'ValidationError',
      expect.stringContaining('[OK, ALARM, INSUFFICIENT_DATA]'),
    ],
  ])('refuses DescribeAlarms with %s', (_case, body, type, message) => {
    expect(errorOf(() => validateDescribeAlarms(body as JsonObject))).toEqual([type, message]);
  });

  it.each([
    ['no names', {}, 'MissingRequiredParameterException', 'The parameter AlarmNames is required.'],
    [
      '101 names',
      { AlarmNames: Array.from({ length: 101 }, (_, i) => `a${i}`) },
      'InvalidParameterValueException',
      'The collection AlarmNames must not have a size greater than 100.',
    ],
  ])('refuses DeleteAlarms with %s', (_case, body, type, message) => {
    expect(errorOf(() => validateDeleteAlarms(body as JsonObject))).toEqual([type, message]);
  });
});
