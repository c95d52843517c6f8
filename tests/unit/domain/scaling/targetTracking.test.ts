import fc from 'fast-check';
import {
  type AlarmReading,
  alarmThreshold,
  predefinedAlarmMetric,
  proposeTargetTrackingCapacity,
  TARGET_TRACKING_ALARMS,
  targetTrackingAlarmName,
} from '../../../../functions/domain/scaling/targetTracking';

const OK: AlarmReading = { state: 'OK' };
const NO_DATA: AlarmReading = { state: 'INSUFFICIENT_DATA' };
const alarm = (value?: number): AlarmReading => ({ state: 'ALARM', value });

describe('Function: proposeTargetTrackingCapacity', () => {
  it.each([
    ['scales out in proportion', alarm(90), OK, 10, 60, false, { direction: 'out', capacity: 15 }],
    ['rounds a scale-out up', alarm(71), OK, 3, 70, false, { direction: 'out', capacity: 4 }],
    ['scales out from 0 to 1', alarm(500), OK, 0, 50, false, { direction: 'out', capacity: 1 }],
    ['scales in rounding up', OK, alarm(30), 10, 70, false, { direction: 'in', capacity: 5 }],
    ['scales in to 0 with no load', OK, alarm(0), 4, 50, false, { direction: 'in', capacity: 0 }],
    [
      'holds when rounding up keeps the capacity',
      OK,
      alarm(60),
      2,
      70,
      false,
      { direction: 'hold', capacity: 2, why: 'rounding-keeps-capacity' },
    ],
    [
      'holds when scale-in is disabled',
      OK,
      alarm(10),
      10,
      70,
      true,
      { direction: 'hold', capacity: 10, why: 'scale-in-disabled' },
    ],
    [
      'holds on missing data',
      NO_DATA,
      NO_DATA,
      10,
      70,
      false,
      { direction: 'hold', capacity: 10, why: 'insufficient-data' },
    ],
    [
      'holds on missing data even below the low threshold',
      OK,
      NO_DATA,
      10,
      70,
      false,
      { direction: 'hold', capacity: 10, why: 'insufficient-data' },
    ],
    [
      'holds when neither alarm fires',
      OK,
      OK,
      10,
      70,
      false,
      { direction: 'hold', capacity: 10, why: 'no-alarm' },
    ],
    [
      'holds on an alarm with no datapoint',
      alarm(),
      OK,
      10,
      70,
      false,
      { direction: 'hold', capacity: 10, why: 'no-datapoint' },
    ],
  ])('%s', (_case, high, low, currentCapacity, targetValue, disableScaleIn, expected) => {
    // Act
    const proposal = proposeTargetTrackingCapacity({
      high,
      low,
      currentCapacity,
      targetValue,
      disableScaleIn,
    });

    // Assess
    expect(proposal).toMatchObject(expected);
  });

  it('never scales in without AlarmLow in ALARM, and never scales out below the target', () => {
    const reading = fc.record({
      state: fc.constantFrom('OK' as const, 'ALARM' as const, 'INSUFFICIENT_DATA' as const),
      value: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        reading,
        reading,
        fc.nat(200),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.boolean(),
        (high, low, currentCapacity, targetValue, disableScaleIn) => {
          const proposal = proposeTargetTrackingCapacity({
            high,
            low,
            currentCapacity,
            targetValue,
            disableScaleIn,
          });
          if (proposal.direction === 'in') {
            expect(low.state).toBe('ALARM');
            expect(disableScaleIn).toBe(false);
            expect(proposal.capacity).toBeLessThan(currentCapacity);
          }
          if (proposal.direction === 'out') {
            expect(high.state).toBe('ALARM');
            expect(proposal.capacity).toBeGreaterThan(currentCapacity);
          }
        },
      ),
    );
  });
});

describe('the managed alarms', () => {
  it('fire high above the target for 3 of 3 minutes and low below 0.9 × target for 15 of 15', () => {
    expect(TARGET_TRACKING_ALARMS.high).toMatchObject({
      comparisonOperator: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    expect(TARGET_TRACKING_ALARMS.low).toMatchObject({
      comparisonOperator: 'LessThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
    });
    expect(alarmThreshold('high', 70)).toBe(70);
    expect(alarmThreshold('low', 70)).toBeCloseTo(63);
  });

  it.each([
    ['high', 'TargetTracking-service/c/web-AlarmHigh-1234'],
    ['low', 'TargetTracking-service/c/web-AlarmLow-1234'],
  ] as const)('names the %s alarm as AWS does', (which, name) => {
    expect(targetTrackingAlarmName('service/c/web', which, '1234')).toBe(name);
  });

  it.each([
    [
      { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' as const },
      { namespace: 'AWS/ECS', metricName: 'CPUUtilization', statistic: 'Average' },
    ],
    [
      { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' as const },
      { namespace: 'AWS/ECS', metricName: 'MemoryUtilization', statistic: 'Average' },
    ],
  ])('reads %j from the service’s own dimensions', (specification, expected) => {
    expect(predefinedAlarmMetric(specification, 'c', 'web')).toEqual({
      ...expected,
      dimensions: [
        { Name: 'ClusterName', Value: 'c' },
        { Name: 'ServiceName', Value: 'web' },
      ],
    });
  });

  it('reads ALBRequestCountPerTarget from the target group of the resource label', () => {
    expect(
      predefinedAlarmMetric(
        {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: 'app/my-alb/778d41231b141a0f/targetgroup/my-tg/943f017f100becff',
        },
        'c',
        'web',
      ),
    ).toEqual({
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCountPerTarget',
      statistic: 'Sum',
      dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/my-tg/943f017f100becff' }],
    });
  });
});
