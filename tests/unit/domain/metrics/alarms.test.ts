import fc from 'fast-check';
import {
  type AlarmDatapoint,
  type AlarmStatus,
  evaluateAlarm,
  javaDouble,
  reasonDate,
  type ThresholdAlarm,
} from '../../../../functions/domain/metrics/alarms';

const T0 = Date.parse('2026-01-12T10:00:00Z');
const NOW = T0 + 10 * 60_000 + 30_000;

const alarm = (overrides: Partial<ThresholdAlarm> = {}): ThresholdAlarm => ({
  alarmName: 'cpu-high',
  namespace: 'AWS/ECS',
  metricName: 'CPUUtilization',
  dimensions: [{ name: 'ClusterName', value: 'prod' }],
  statistic: 'Average',
  periodSeconds: 60,
  evaluationPeriods: 3,
  threshold: 70,
  comparisonOperator: 'GreaterThanThreshold',
  ...overrides,
});

const OK: AlarmStatus = { state: 'OK', reason: 'previous' };
const ALARM: AlarmStatus = { state: 'ALARM', reason: 'previous' };
const UNCHECKED: AlarmStatus = {
  state: 'INSUFFICIENT_DATA',
  reason: 'Unchecked: Initial alarm creation',
};

/** `0` not breaching, `X` breaching, `-` missing; one per minute, oldest first, ending at minute 9. */
const series = (pattern: string): AlarmDatapoint[] => {
  const marks = pattern.split(' ');
  return marks.map((mark, i) => ({
    timestamp: T0 + (10 - marks.length + i) * 60_000,
    value: mark === '-' ? undefined : mark === 'X' ? 80 : 10,
  }));
};

describe('Function: evaluateAlarm', () => {
  // The user guide's table, for DatapointsToAlarm 3 of EvaluationPeriods 3 over a range of 5
  // (breaching and notBreaching substitute within the last 3 periods only).
  it.each([
    ['0 - X - X', 'OK', 'OK', 'ALARM', 'OK'],
    ['- - - - 0', 'OK', 'OK', 'OK', 'OK'],
    ['- - - - -', 'INSUFFICIENT_DATA', 'retained', 'ALARM', 'OK'],
    ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'OK'],
    ['- - X - -', 'ALARM', 'retained', 'ALARM', 'OK'],
  ])(
    'evaluates %s as missing→%s, ignore→%s, breaching→%s, notBreaching→%s',
    (pattern, missing, ignore, breaching, notBreaching) => {
      // Prepare
      const range = series(pattern);
      const stateWith = (treatMissingData: ThresholdAlarm['treatMissingData'], previous = OK) =>
        evaluateAlarm(alarm({ treatMissingData }), previous, range, NOW).state;

      // Act & Assess
      expect(stateWith('missing')).toBe(missing);
      expect(stateWith('breaching')).toBe(breaching);
      expect(stateWith('notBreaching')).toBe(notBreaching);
      if (ignore === 'retained') {
        expect(stateWith('ignore', OK)).toBe('OK');
        expect(stateWith('ignore', ALARM)).toBe('ALARM');
      } else {
        expect(stateWith('ignore')).toBe(ignore);
      }
    },
  );

  it.each([
    ['GreaterThanThreshold', 70, false],
    ['GreaterThanOrEqualToThreshold', 70, true],
    ['LessThanThreshold', 70, false],
    ['LessThanOrEqualToThreshold', 70, true],
    ['GreaterThanThreshold', 69.9, true],
    ['LessThanThreshold', 70.1, true],
  ] as const)(
    'with %s and threshold %d, a value of 70 breaches: %p',
    (comparisonOperator, threshold, breaching) => {
      // Act
      const result = evaluateAlarm(
        alarm({ comparisonOperator, threshold, evaluationPeriods: 1 }),
        UNCHECKED,
        [{ timestamp: T0, value: 70 }],
        NOW,
      );

      // Assess
      expect(result.state).toBe(breaching ? 'ALARM' : 'OK');
    },
  );

  it('goes to ALARM with M of N breaching and names them, newest first', () => {
    // Act
    const result = evaluateAlarm(
      alarm({ datapointsToAlarm: 2 }),
      OK,
      [
        { timestamp: Date.parse('2026-01-12T10:01:00Z'), value: 72.5 },
        { timestamp: Date.parse('2026-01-12T10:02:00Z'), value: 10 },
        { timestamp: Date.parse('2026-01-12T10:03:00Z'), value: 90.25 },
      ],
      NOW,
    );

    // Assess
    expect(result).toMatchObject({ state: 'ALARM', changed: true });
    expect(result.reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [90.25 (12/01/26 10:03:00), 72.5 (12/01/26 10:01:00)] were greater than the threshold (70.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );
    expect(JSON.parse(result.reasonData ?? '{}')).toEqual({
      version: '1.0',
      queryDate: '2026-01-12T10:10:30.000+0000',
      startDate: '2026-01-12T10:01:00.000+0000',
      statistic: 'Average',
      period: 60,
      recentDatapoints: [72.5, 10, 90.25],
      threshold: 70,
      evaluatedDatapoints: [
        { timestamp: '2026-01-12T10:03:00.000+0000', value: 90.25 },
        { timestamp: '2026-01-12T10:02:00.000+0000', value: 10 },
        { timestamp: '2026-01-12T10:01:00.000+0000', value: 72.5 },
      ],
    });
    expect(result.reasonData).toContain('"threshold":70.0');
  });

  it('goes back to OK with the datapoints that do not breach', () => {
    // Act
    const result = evaluateAlarm(
      alarm({ evaluationPeriods: 1 }),
      ALARM,
      [{ timestamp: Date.parse('2026-01-12T10:09:00Z'), value: 0 }],
      NOW,
    );

    // Assess
    expect(result).toMatchObject({ state: 'OK', changed: true });
    expect(result.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (12/01/26 10:09:00)] was not greater than the threshold (70.0) (minimum 1 datapoint for ALARM -> OK transition).',
    );
  });

  it.each([
    [
      'breaching',
      'ALARM',
      'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].',
    ],
    [
      'notBreaching',
      'OK',
      'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [NonBreaching].',
    ],
    ['missing', 'INSUFFICIENT_DATA', 'Insufficient Data: 3 datapoints were unknown.'],
  ] as const)('says why a %s alarm without data is %s', (treatMissingData, state, reason) => {
    // Act
    const result = evaluateAlarm(alarm({ treatMissingData }), UNCHECKED, [], NOW);

    // Assess
    expect(result.state).toBe(state);
    expect(result.reason).toBe(reason);
  });

  it('tells how many datapoints were received when some were treated', () => {
    // Act
    const result = evaluateAlarm(
      alarm({ treatMissingData: 'breaching' }),
      OK,
      series('0 - -'),
      NOW,
    );

    // Assess
    expect(result.reason).toBe(
      'Threshold Crossed: 1 datapoint was received for 3 periods and 2 missing datapoints were treated as [Breaching].',
    );
  });

  it('reports no change when the state stays', () => {
    expect(evaluateAlarm(alarm(), ALARM, series('X X X'), NOW).changed).toBe(false);
  });

  const noData = fc.array(fc.constant<AlarmDatapoint['value']>(undefined), { maxLength: 10 });
  const shape = fc.record({
    evaluationPeriods: fc.integer({ min: 1, max: 10 }),
    datapointsToAlarm: fc.integer({ min: 1, max: 10 }),
    previous: fc.constantFrom(OK, ALARM, UNCHECKED),
  });

  it.each([
    ['notBreaching', 'OK'],
    ['breaching', 'ALARM'],
    ['missing', 'INSUFFICIENT_DATA'],
  ] as const)('with %s and no data is always %s', (treatMissingData, expected) => {
    fc.assert(
      fc.property(shape, noData, ({ evaluationPeriods, datapointsToAlarm, previous }, values) => {
        // Prepare
        const range = values.map((value, i) => ({ timestamp: T0 + i * 60_000, value }));
        const definition = alarm({
          treatMissingData,
          evaluationPeriods,
          datapointsToAlarm: Math.min(datapointsToAlarm, evaluationPeriods),
        });

        // Act & Assess
        expect(evaluateAlarm(definition, previous, range, NOW).state).toBe(expected);
      }),
    );
  });
});

describe('Function: javaDouble', () => {
  it.each([
    [161, '161.0'],
    [0.059, '0.059'],
    [8.891518474692088, '8.891518474692088'],
    [-2, '-2.0'],
    [0, '0.0'],
    [1e7, '1.0E7'],
    [1.5e-4, '1.5E-4'],
  ])('prints %p as %s', (value, text) => {
    expect(javaDouble(value)).toBe(text);
  });
});

describe('Function: reasonDate', () => {
  it('prints day/month/year in UTC', () => {
    expect(reasonDate(Date.parse('2024-04-16T08:42:00Z'))).toBe('16/04/24 08:42:00');
  });
});
