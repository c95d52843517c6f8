import type { ScalingRepository } from '../../../../functions/domain/ports/ScalingRepository';
import type { ScalableTarget, ScalingPolicy } from '../../../../functions/domain/scaling/model';
import { ScalingEvaluator } from '../../../../functions/domain/scaling/ScalingEvaluator';
import type { ServiceRecord } from '../../../../functions/domain/services/model';

const NOW = 1_796_000_000_000;
const PERIOD_SECONDS = 60;
const KEY = {
  ServiceNamespace: 'ecs' as const,
  ResourceId: 'service/demo/web',
  ScalableDimension: 'ecs:service:DesiredCount' as const,
};
const TARGET: ScalableTarget = {
  ...KEY,
  MinCapacity: 1,
  MaxCapacity: 10,
  RoleARN: 'role',
  SuspendedState: {
    DynamicScalingInSuspended: false,
    DynamicScalingOutSuspended: false,
    ScheduledScalingSuspended: false,
  },
  CreationTime: new Date(NOW - 3_600_000),
  ScalableTargetARN: 'arn',
};
const POLICY: ScalingPolicy = {
  ...KEY,
  PolicyName: 'cpu',
  PolicyARN: 'arn:policy',
  PolicyType: 'TargetTrackingScaling',
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: 50,
    PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    ScaleOutCooldown: 0,
    ScaleInCooldown: 0,
  },
  Alarms: [
    { AlarmName: 'TargetTracking-service/demo/web-AlarmHigh-1', AlarmARN: 'high' },
    { AlarmName: 'TargetTracking-service/demo/web-AlarmLow-1', AlarmARN: 'low' },
  ],
  CreationTime: new Date(NOW - 3_600_000),
};

/**
 * An evaluator over in-memory stand-ins: the service's metric is `series`,
 * its last 15 complete one-minute periods oldest first (undefined: no data).
 */
const evaluatorWith = (series: (number | undefined)[], desiredCount: number) => {
  const set: number[] = [];
  const periodMs = PERIOD_SECONDS * 1000;
  const end = Math.floor(NOW / periodMs) * periodMs;
  const metricSeries = () =>
    new Map(
      series.flatMap((value, index) =>
        value === undefined ? [] : [[end - (series.length - index) * periodMs, value] as const],
      ),
    );
  const scaling = {
    claimEvaluation: async () => true,
    markEvaluated: async () => {},
    readTarget: async () => ({
      target: { target: TARGET, version: 1 },
      policies: [POLICY],
      scheduledActions: [],
    }),
    recentScalings: async () => [],
    saveActivity: async () => {},
  } as unknown as ScalingRepository;
  const evaluator = new ScalingEvaluator({
    scaling,
    services: {
      get: async () => ({ status: 'ACTIVE', desiredCount }) as ServiceRecord,
    },
    setDesiredCount: async (_cluster, _service, count) => {
      set.push(count);
    },
    metricQueries: { series: async () => metricSeries() },
    stepAlarms: { alarmsFor: async () => [] },
    clock: { now: () => NOW },
    namespace: 'AWS/ECS',
    periodSeconds: PERIOD_SECONDS,
  });
  return { evaluate: () => evaluator.evaluate(KEY), set };
};

const low = Array.from({ length: 15 }, () => 10);

describe('Class: ScalingEvaluator', () => {
  it.each<[string, (number | undefined)[], number, number[]]>([
    ['scales out on 3 datapoints above the target', [...low.slice(3), 90, 100, 100], 4, [8]],
    ['does not scale out on 2 of 3 above', [...low.slice(3), 10, 100, 100], 4, []],
    [
      'does not scale out when one of the 3 is missing',
      [...low.slice(3), undefined, 100, 100],
      4,
      [],
    ],
    ['scales in on 15 datapoints below 90 % of the target', low, 4, [1]],
    ['does not scale in when one of the 15 is missing', [undefined, ...low.slice(1)], 4, []],
    ['does not scale in when one of the 15 is at the target', [50, ...low.slice(1)], 4, []],
    ['does nothing without data', Array.from({ length: 15 }, () => undefined), 4, []],
  ])('%s', async (_case, series, desiredCount, expected) => {
    // Prepare
    const { evaluate, set } = evaluatorWith(series, desiredCount);

    // Act
    await evaluate();

    // Assess
    expect(set).toEqual(expected);
  });
});
