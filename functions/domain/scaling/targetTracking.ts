import type { EcsMetricType, PredefinedMetricSpecification } from './model';

/**
 * Target tracking for one policy: the two CloudWatch alarms Application Auto
 * Scaling creates for it, and the capacity it asks for given their states.
 *
 * The alarms' shape is observed, not documented (scaling.md §1.3 [obs]):
 * AlarmHigh when the metric is above the target for 3 of 3 one-minute
 * datapoints, AlarmLow when below 0.9 × target for 15 of 15. Scaling out is
 * proportional and as fast as it can; scaling in is gradual and rounded to
 * keep capacity, and missing data never scales in.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
 */

type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One alarm as the evaluator last saw it: its state and the latest datapoint. */
interface AlarmReading {
  readonly state: AlarmState;
  readonly value?: number | undefined;
}

interface AlarmDefinition {
  /** Suffix in the alarm's name, `TargetTracking-<resource>-<suffix>-<uuid>`. */
  readonly suffix: 'AlarmHigh' | 'AlarmLow';
  readonly comparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  /** The threshold as a multiple of the policy's TargetValue. */
  readonly thresholdRatio: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The two alarms every target tracking policy on an ECS service gets. */
const TARGET_TRACKING_ALARMS = {
  high: {
    suffix: 'AlarmHigh',
    comparisonOperator: 'GreaterThanThreshold',
    thresholdRatio: 1,
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
  },
  low: {
    suffix: 'AlarmLow',
    comparisonOperator: 'LessThanThreshold',
    thresholdRatio: 0.9,
    periodSeconds: 60,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
  },
} as const satisfies Record<'high' | 'low', AlarmDefinition>;

/**
 * An alarm's name as AWS writes it, so that users' dashboards and the
 * activities' Cause read as they would on AWS. The uuid is a parameter so
 * the function stays pure (the caller mints it once, at PutScalingPolicy).
 *
 * @example targetTrackingAlarmName('service/c/web', 'high', uuid) // 'TargetTracking-service/c/web-AlarmHigh-<uuid>'
 */
const targetTrackingAlarmName = (resourceId: string, which: 'high' | 'low', uuid: string) =>
  `TargetTracking-${resourceId}-${TARGET_TRACKING_ALARMS[which].suffix}-${uuid}`;

/** The threshold of one of a policy's alarms, for its target value. */
const alarmThreshold = (which: 'high' | 'low', targetValue: number): number =>
  targetValue * TARGET_TRACKING_ALARMS[which].thresholdRatio;

interface AlarmMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: 'Average' | 'Sum';
  readonly dimensions: { readonly Name: string; readonly Value: string }[];
}

const ECS_METRIC_NAMES = {
  ECSServiceAverageCPUUtilization: 'CPUUtilization',
  ECSServiceAverageMemoryUtilization: 'MemoryUtilization',
} as const satisfies Partial<Record<EcsMetricType, string>>;

/**
 * The CloudWatch metric a predefined specification stands for, which the
 * evaluator reads for both alarms: the service's average CPU or memory
 * utilisation, or the target group's requests per target (summed per
 * minute, as `ALBRequestCountPerTarget` is defined).
 */
const predefinedAlarmMetric = (
  specification: PredefinedMetricSpecification,
  cluster: string,
  service: string,
): AlarmMetric => {
  if (specification.PredefinedMetricType === 'ALBRequestCountPerTarget') {
    // ResourceLabel is app/<lb>/<id>/targetgroup/<tg>/<id>; the dimension is its second half.
    const label = specification.ResourceLabel ?? '';
    const targetGroup = label.slice(label.indexOf('targetgroup/'));
    return {
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCountPerTarget',
      statistic: 'Sum',
      dimensions: [{ Name: 'TargetGroup', Value: targetGroup }],
    };
  }
  return {
    namespace: 'AWS/ECS',
    metricName: ECS_METRIC_NAMES[specification.PredefinedMetricType],
    statistic: 'Average',
    dimensions: [
      { Name: 'ClusterName', Value: cluster },
      { Name: 'ServiceName', Value: service },
    ],
  };
};

interface TargetTrackingInput {
  readonly high: AlarmReading;
  readonly low: AlarmReading;
  readonly currentCapacity: number;
  readonly targetValue: number;
  readonly disableScaleIn: boolean;
}

type TargetTrackingProposal =
  | { readonly direction: 'out' | 'in'; readonly capacity: number; readonly alarm: 'high' | 'low' }
  | {
      readonly direction: 'hold';
      readonly capacity: number;
      readonly why:
        | 'no-alarm'
        | 'insufficient-data'
        | 'no-datapoint'
        | 'scale-in-disabled'
        | 'rounding-keeps-capacity';
    };

/**
 * The capacity one target tracking policy asks for. Scale-out is
 * ceil(current × value / target), at least 1 from 0 (a service with no
 * tasks has no utilisation to be proportional to). Scale-in is the same
 * ratio rounded up, to keep capacity; when that rounds back to the current
 * capacity the policy holds rather than ask for a change of nothing, which
 * is why small services sit visibly below target. An INSUFFICIENT_DATA
 * alarm never scales (scale-in needs AlarmLow in ALARM, scale-out AlarmHigh).
 *
 * The result is not clamped: the decision clamps once, after combining
 * the target's policies.
 */
const proposeTargetTrackingCapacity = (input: TargetTrackingInput): TargetTrackingProposal => {
  const { high, low, currentCapacity: current, targetValue: target } = input;
  const hold = (why: Extract<TargetTrackingProposal, { direction: 'hold' }>['why']) =>
    ({ direction: 'hold', capacity: current, why }) as const;
  if (high.state === 'ALARM') {
    if (high.value === undefined) return hold('no-datapoint');
    if (current === 0) return { direction: 'out', capacity: 1, alarm: 'high' };
    const capacity = Math.ceil((current * high.value) / target);
    return capacity > current ? { direction: 'out', capacity, alarm: 'high' } : hold('no-alarm');
  }
  if (low.state === 'ALARM') {
    if (input.disableScaleIn) return hold('scale-in-disabled');
    if (low.value === undefined) return hold('no-datapoint');
    const capacity = Math.ceil((current * low.value) / target);
    return capacity < current
      ? { direction: 'in', capacity, alarm: 'low' }
      : hold('rounding-keeps-capacity');
  }
  return hold(
    high.state === 'INSUFFICIENT_DATA' || low.state === 'INSUFFICIENT_DATA'
      ? 'insufficient-data'
      : 'no-alarm',
  );
};

export type {
  AlarmDefinition,
  AlarmMetric,
  AlarmReading,
  AlarmState,
  TargetTrackingInput,
  TargetTrackingProposal,
};
export {
  alarmThreshold,
  predefinedAlarmMetric,
  proposeTargetTrackingCapacity,
  TARGET_TRACKING_ALARMS,
  targetTrackingAlarmName,
};
