import { getMetricData } from '../../../../functions/domain/metrics/metricData';
import {
  type MetricIdentity,
  type MetricSample,
  sampleOfValue,
} from '../../../../functions/domain/metrics/model';
import { validateGetMetricData } from '../../../../functions/domain/metrics/validation';

const T0 = Date.parse('2026-01-12T12:00:00Z');
const NOW = T0 + 3_600_000;
const at = (minute: number) => T0 + minute * 60_000;

const STORE: Record<string, MetricSample[]> = {
  a: [sampleOfValue(at(0), 1), sampleOfValue(at(1), 2), sampleOfValue(at(2), 3)],
  b: [sampleOfValue(at(0), 10), sampleOfValue(at(2), 30)],
};
const read = (identity: MetricIdentity) => STORE[identity.metricName] ?? [];
const stat = (name: string) => ({
  Metric: { Namespace: 'N', MetricName: name },
  Period: 60,
  Stat: 'Sum',
});

const run = (queries: unknown[], extra: Record<string, unknown> = {}) =>
  getMetricData(
    validateGetMetricData({
      MetricDataQueries: queries,
      StartTime: T0 / 1000,
      EndTime: at(5) / 1000,
      ...extra,
    }),
    read,
    NOW,
  );

const valuesOf = (output: ReturnType<typeof run>) =>
  Object.fromEntries(output.MetricDataResults.map((result) => [result.Id, result.Values]));

describe('Function: getMetricData', () => {
  it('answers MetricStat queries newest first by default, leaving empty periods out', () => {
    // Act
    const output = run([
      { Id: 'a', MetricStat: stat('a') },
      { Id: 'b', MetricStat: stat('b') },
    ]);

    // Assess
    expect(output.MetricDataResults[1]).toEqual({
      Id: 'b',
      Label: 'b',
      Timestamps: [at(2) / 1000, at(0) / 1000],
      Values: [30, 10],
      StatusCode: 'Complete',
    });
    expect(output.NextToken).toBeUndefined();
  });

  it.each([
    ['a + b', [11, 33]],
    ['a * 2 - 1', [1, 3, 5]],
    ['(a + 1) / 2', [1, 1.5, 2]],
    ['-a', [-1, -2, -3]],
    ['SUM(METRICS())', [11, 2, 33]],
    ['MAX([a, b])', undefined],
    ['AVG(METRICS("b"))', [10, 30]],
    ['FILL(b, 0)', [10, 0, 30, 0, 0]],
    ['b / 0', []],
    ['SUM(a) + a', [7, 8, 9]],
  ])('evaluates %s', (expression, expected) => {
    // Prepare
    const queries = [
      { Id: 'a', MetricStat: stat('a'), ReturnData: false },
      { Id: 'b', MetricStat: stat('b'), ReturnData: false },
      { Id: 'e', Expression: expression },
    ];

    // Act & Assess
    if (expected === undefined) {
      expect(() => run(queries)).toThrow('Error in expression e:');
      return;
    }
    const output = run(queries, { ScanBy: 'TimestampAscending' });
    expect(output.MetricDataResults.map((result) => result.Id)).toEqual(['e']);
    expect(valuesOf(output).e).toEqual(expected);
  });

  it.each([
    ['an unknown function', 'RATE(a)', 'Error in expression e: Unknown function RATE'],
    ['an unknown id', 'a + zz', 'Error in expression e: Unrecognized metric or expression id zz'],
    ['a syntax error', 'a +', 'Error in expression e: Unexpected end of expression'],
  ])('refuses %s with a ValidationError', (_case, expression, message) => {
    // Act
    const act = () =>
      run([
        { Id: 'a', MetricStat: stat('a') },
        { Id: 'e', Expression: expression },
      ]);

    // Assess
    expect(act).toThrow(expect.objectContaining({ errorType: 'ValidationError', message }));
  });

  it('refuses expressions that depend on each other', () => {
    expect(() =>
      run([
        { Id: 'x', Expression: 'y + 1' },
        { Id: 'y', Expression: 'x + 1' },
      ]),
    ).toThrow('Circular dependency');
  });

  it('pages by MaxDatapoints over all results and resumes from its token', () => {
    // Prepare
    const queries = [
      { Id: 'a', MetricStat: stat('a') },
      { Id: 'b', MetricStat: stat('b') },
    ];

    // Act
    const first = run(queries, { MaxDatapoints: 4, ScanBy: 'TimestampAscending' });
    const second = run(queries, {
      MaxDatapoints: 4,
      ScanBy: 'TimestampAscending',
      NextToken: first.NextToken,
    });

    // Assess
    expect(valuesOf(first)).toEqual({ a: [1, 2, 3], b: [10] });
    expect(first.MetricDataResults.map((result) => result.StatusCode)).toEqual([
      'Complete',
      'PartialData',
    ]);
    expect(valuesOf(second)).toEqual({ a: [], b: [30] });
    expect(second.NextToken).toBeUndefined();
  });

  it.each([
    ['not base64 json', '!!!'],
    ['a foreign token', Buffer.from('{"v":2}').toString('base64')],
  ])('refuses %s as NextToken', (_case, token) => {
    expect(() => run([{ Id: 'a', MetricStat: stat('a') }], { NextToken: token })).toThrow(
      expect.objectContaining({ errorType: 'InvalidNextToken' }),
    );
  });
});
