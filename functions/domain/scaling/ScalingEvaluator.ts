import { randomUUID } from 'node:crypto';
import type { MetricQueries } from '../metrics/MetricQueries';
import type { MetricDataQueryInput } from '../metrics/validation';
import type { Clock } from '../ports/Clock';
import type { ScalingRepository } from '../ports/ScalingRepository';
import type { StepAlarms } from '../ports/StepAlarms';
import type { ServiceRecord } from '../services/model';
import type { ScalingRecord } from './cooldowns';
import { applyScheduledAction, decideScaling, type PolicyProposal } from './decide';
import {
  DEFAULT_COOLDOWN_SECONDS,
  ecsServiceOf,
  type ScalableTarget,
  type ScalableTargetKey,
  type ScalingActivity,
  type ScalingPolicy,
  type TargetTrackingScalingPolicyConfiguration,
} from './model';
import { dueOccurrences, parseSchedule } from './schedules';
import { proposeStepCapacity } from './stepScaling';
import {
  type AlarmReading,
  predefinedAlarmMetric,
  proposeTargetTrackingCapacity,
  TARGET_TRACKING_ALARMS,
} from './targetTracking';

/**
 * The scaling evaluator: run on a schedule (every minute on AWS and under
 * `npm start`; tests call it at their own pace with a shorter period), it
 * does for each scalable target what Application Auto Scaling and its
 * CloudWatch alarms do together:
 *
 * 1. runs the scheduled actions due since its last run (their bounds, and
 *    the capacity moved into them), in order;
 * 2. evaluates each target tracking policy's two alarms on the metric's
 *    last datapoints, and each step policy's alarms (the StepAlarms port);
 * 3. decides (./decide.ts) and sets the service's desired count through
 *    UpdateService's path, recording an activity either way.
 *
 * Alarms are evaluated afresh each run from the metrics, so nothing about
 * them is stored: an alarm in ALARM acts again every period, as CloudWatch
 * re-invokes an Auto Scaling action each minute that its alarm stays in
 * ALARM. A scheduled action is applied before its run is recorded, so a
 * crash between the two applies it again, which changes nothing: applying
 * bounds is idempotent.
 */

interface ScalingEvaluatorDependencies {
  readonly scaling: ScalingRepository;
  readonly services: { get(cluster: string, name: string): Promise<ServiceRecord | undefined> };
  readonly setDesiredCount: (
    cluster: string,
    service: string,
    desiredCount: number,
  ) => Promise<void>;
  readonly metricQueries: Pick<MetricQueries, 'series'>;
  readonly stepAlarms: StepAlarms;
  readonly clock: Clock;
  /** ECS's utilization metrics' namespace (`AWS/ECS` locally). */
  readonly namespace: string;
  /**
   * The length of one alarm datapoint, in seconds: 60, as the target
   * tracking alarms have it; tests shorten it to compress time.
   */
  readonly periodSeconds: number;
}

/** How long one evaluation may hold its target: far longer than one takes. */
const CLAIM_MS = 30_000;
/** How far back cooldowns reach: no policy cooldown is longer than a day in practice. */
const HISTORY_MS = 24 * 3_600_000;

const activityOf = (
  key: ScalableTargetKey,
  fields: Pick<ScalingActivity, 'Description' | 'Cause' | 'StatusCode' | 'StatusMessage'>,
  start: number,
  end: number,
): ScalingActivity => ({
  ServiceNamespace: key.ServiceNamespace,
  ResourceId: key.ResourceId,
  ScalableDimension: key.ScalableDimension,
  ActivityId: randomUUID(),
  StartTime: new Date(start),
  EndTime: new Date(end),
  ...fields,
});

class ScalingEvaluator {
  readonly #deps: ScalingEvaluatorDependencies;

  constructor(deps: ScalingEvaluatorDependencies) {
    this.#deps = deps;
  }

  /** Every target, one after the other; one target's failure does not stop the others. */
  async evaluateAll(): Promise<{ evaluated: number; failed: number }> {
    let evaluated = 0;
    let failed = 0;
    for (const target of await this.#deps.scaling.allTargets()) {
      try {
        await this.evaluate(target);
        evaluated += 1;
      } catch {
        failed += 1;
      }
    }
    return { evaluated, failed };
  }

  async evaluate(key: ScalableTargetKey): Promise<void> {
    const now = this.#deps.clock.now();
    // One evaluator per target at a time; a claim left by a crash expires.
    if (!(await this.#deps.scaling.claimEvaluation(key, now, now + CLAIM_MS))) return;
    let completed = false;
    try {
      await this.#evaluateClaimed(key, now);
      completed = true;
    } finally {
      // Scheduled actions count as run only after a whole evaluation; else the next one runs them
      // again, which changes nothing (applying bounds is idempotent).
      await this.#deps.scaling.markEvaluated(key, completed ? now : undefined);
    }
  }

  async #evaluateClaimed(key: ScalableTargetKey, now: number): Promise<void> {
    const state = await this.#deps.scaling.readTarget(key);
    if (!state.target) return;
    const names = ecsServiceOf(key.ResourceId);
    const service = names && (await this.#deps.services.get(names.cluster, names.service));
    if (!names || !service || service.status !== 'ACTIVE') return;
    let target = state.target.target;
    let version = state.target.version;
    let capacity = service.desiredCount;

    // 1. Scheduled actions due since the last run.
    const since = state.evaluatedUntil ?? target.CreationTime.getTime();
    const due = state.scheduledActions
      .flatMap((action) => {
        const times = dueOccurrences(
          parseSchedule(action.Schedule),
          {
            timezone: action.Timezone,
            startTime: action.StartTime?.getTime(),
            endTime: action.EndTime?.getTime(),
            createdAt: action.CreationTime.getTime(),
          },
          since,
          now,
        );
        const last = times.at(-1);
        return last === undefined ? [] : [{ action, at: last }];
      })
      .sort((a, b) => a.at - b.at);
    for (const { action } of due) {
      const outcome = applyScheduledAction(
        target,
        capacity,
        action.ScheduledActionName,
        action.ScalableTargetAction,
      );
      if (outcome.kind === 'suspended') continue;
      const next: ScalableTarget = {
        ...target,
        MinCapacity: outcome.MinCapacity,
        MaxCapacity: outcome.MaxCapacity,
      };
      // A concurrent RegisterScalableTarget won: the next run applies the action to its bounds.
      if ((await this.#deps.scaling.saveTarget(next, version)) === 'stale') {
        throw new Error('The scalable target changed during its evaluation.');
      }
      target = next;
      version += 1;
      if (outcome.capacity !== capacity) {
        await this.#setCapacity(
          key,
          names,
          capacity,
          outcome.capacity,
          outcome.cause,
          { source: 'scheduled' },
          now,
        );
        capacity = outcome.capacity;
      }
    }
    // 2. Each policy's proposal from its alarms (step policies: see StepAlarms).
    const proposals: (PolicyProposal & { cooldownSeconds: number })[] = [];
    for (const policy of state.policies) {
      const proposal = await this.#propose(policy, names, capacity, now);
      if (proposal) proposals.push(proposal);
    }
    if (proposals.length === 0) return;

    // 3. The decision, carried out.
    const decision = decideScaling({
      target,
      currentCapacity: capacity,
      proposals,
      history: await this.#deps.scaling.recentScalings(key, now - HISTORY_MS),
      now,
    });
    if (decision.kind !== 'scale') return;
    const winner = proposals.find((proposal) => proposal.policyName === decision.policyName);
    await this.#setCapacity(
      key,
      names,
      capacity,
      decision.toCapacity,
      decision.cause,
      {
        source: 'policy',
        policyName: decision.policyName,
        cooldownSeconds: winner?.cooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS,
      },
      now,
    );
  }

  async #propose(
    policy: ScalingPolicy,
    names: { cluster: string; service: string },
    capacity: number,
    now: number,
  ): Promise<(PolicyProposal & { cooldownSeconds: number }) | undefined> {
    if (policy.PolicyType === 'TargetTrackingScaling') {
      const configuration = policy.TargetTrackingScalingPolicyConfiguration;
      const values = await this.#datapoints(configuration, names, now);
      const high = this.#trackingAlarm(values, 'high', configuration.TargetValue);
      const low = this.#trackingAlarm(values, 'low', configuration.TargetValue);
      const proposal = proposeTargetTrackingCapacity({
        high,
        low,
        currentCapacity: capacity,
        targetValue: configuration.TargetValue,
        disableScaleIn: configuration.DisableScaleIn === true,
      });
      const alarmName =
        proposal.direction === 'hold'
          ? undefined
          : policy.Alarms.find((alarm) =>
              alarm.AlarmName.includes(proposal.direction === 'out' ? '-AlarmHigh-' : '-AlarmLow-'),
            )?.AlarmName;
      return {
        policyName: policy.PolicyName,
        alarmName,
        direction: proposal.direction,
        capacity: proposal.capacity,
        votesOnScaleIn: configuration.DisableScaleIn !== true,
        cooldownSeconds:
          (proposal.direction === 'in'
            ? configuration.ScaleInCooldown
            : configuration.ScaleOutCooldown) ?? DEFAULT_COOLDOWN_SECONDS,
      };
    }
    const configuration = policy.StepScalingPolicyConfiguration;
    const alarms = await this.#deps.stepAlarms.alarmsFor(policy.PolicyARN, now);
    const firing = alarms.find((alarm) => alarm.state === 'ALARM' && alarm.value !== undefined);
    if (!firing || firing.value === undefined) return undefined;
    const proposal = proposeStepCapacity(configuration, firing.value, firing.threshold, capacity);
    return {
      policyName: policy.PolicyName,
      alarmName: firing.alarmName,
      direction: proposal.direction,
      capacity: proposal.capacity,
      votesOnScaleIn: false,
      cooldownSeconds: configuration.Cooldown ?? DEFAULT_COOLDOWN_SECONDS,
    };
  }

  /**
   * The policy's metric over its last 15 complete periods, oldest first
   * (undefined where a period has no data), through GetMetricData, so that
   * predefined, customized and metric-math specifications read alike.
   */
  async #datapoints(
    configuration: TargetTrackingScalingPolicyConfiguration,
    names: { cluster: string; service: string },
    now: number,
  ): Promise<(number | undefined)[]> {
    const periodSeconds = this.#deps.periodSeconds;
    const periodMs = periodSeconds * 1000;
    const count = TARGET_TRACKING_ALARMS.low.evaluationPeriods;
    const endMs = Math.floor(now / periodMs) * periodMs;
    const startMs = endMs - count * periodMs;
    const queries = this.#queriesOf(configuration, names, periodSeconds);
    if (queries.length === 0) return Array.from({ length: count }, () => undefined);
    const byTime = await this.#deps.metricQueries.series(queries, startMs, endMs);
    return Array.from({ length: count }, (_, index) => byTime.get(startMs + index * periodMs));
  }

  #queriesOf(
    configuration: TargetTrackingScalingPolicyConfiguration,
    names: { cluster: string; service: string },
    periodSeconds: number,
  ): MetricDataQueryInput[] {
    const dimensionsOf = (dimensions: readonly { Name: string; Value: string }[] = []) =>
      dimensions.map(({ Name, Value }) => ({ name: Name, value: Value }));
    if (configuration.PredefinedMetricSpecification) {
      const metric = predefinedAlarmMetric(
        configuration.PredefinedMetricSpecification,
        names.cluster,
        names.service,
      );
      return [
        {
          id: 'm1',
          returnData: true,
          metricStat: {
            // ECS's metrics are under Berth's namespace (on AWS `AWS/` belongs to AWS).
            namespace: metric.namespace === 'AWS/ECS' ? this.#deps.namespace : metric.namespace,
            metricName: metric.metricName,
            dimensions: dimensionsOf(metric.dimensions),
            periodSeconds,
            stat: metric.statistic,
          },
        },
      ];
    }
    const custom = configuration.CustomizedMetricSpecification;
    if (!custom) return [];
    if ('Metrics' in custom) {
      // The query that returns data is the policy's metric; the others feed it.
      const returning = custom.Metrics.find((query) => query.ReturnData !== false);
      return custom.Metrics.map((query) => ({
        id: query.Id,
        returnData: query === returning,
        ...(query.Label === undefined ? {} : { label: query.Label }),
        ...(query.Expression === undefined ? {} : { expression: query.Expression }),
        ...(query.MetricStat
          ? {
              metricStat: {
                namespace: query.MetricStat.Metric.Namespace ?? '',
                metricName: query.MetricStat.Metric.MetricName ?? '',
                dimensions: dimensionsOf(query.MetricStat.Metric.Dimensions),
                periodSeconds,
                stat: query.MetricStat.Stat,
              },
            }
          : {}),
      }));
    }
    return [
      {
        id: 'm1',
        returnData: true,
        metricStat: {
          namespace: custom.Namespace,
          metricName: custom.MetricName,
          dimensions: dimensionsOf(custom.Dimensions),
          periodSeconds,
          stat: custom.Statistic,
        },
      },
    ];
  }

  /**
   * One of a target tracking policy's alarms: ALARM when each of its last N
   * datapoints is past the threshold, OK when some is present and not, and
   * INSUFFICIENT_DATA when any of the N is missing. Stricter than
   * CloudWatch's `missing` treatment (which may alarm on fewer points): the
   * issue's rule is N datapoints, and missing data must never scale in.
   */
  #trackingAlarm(
    values: readonly (number | undefined)[],
    which: 'high' | 'low',
    targetValue: number,
  ): AlarmReading {
    const definition = TARGET_TRACKING_ALARMS[which];
    const threshold = targetValue * definition.thresholdRatio;
    const window = values.slice(-definition.evaluationPeriods);
    const present = window.filter((value): value is number => value !== undefined);
    const latest = present.at(-1);
    const breaches = (value: number) =>
      definition.comparisonOperator === 'GreaterThanThreshold'
        ? value > threshold
        : value < threshold;
    if (present.length < definition.evaluationPeriods) {
      return present.length > 0 && !present.every(breaches)
        ? { state: 'OK', value: latest }
        : { state: 'INSUFFICIENT_DATA', value: latest };
    }
    return { state: present.every(breaches) ? 'ALARM' : 'OK', value: latest };
  }

  async #setCapacity(
    key: ScalableTargetKey,
    names: { cluster: string; service: string },
    from: number,
    to: number,
    cause: string,
    scaling: Pick<ScalingRecord, 'source' | 'policyName' | 'cooldownSeconds'>,
    start: number,
  ): Promise<void> {
    const Description = `Setting desired count to ${to}.`;
    try {
      await this.#deps.setDesiredCount(names.cluster, names.service, to);
    } catch (error) {
      await this.#deps.scaling.saveActivity(
        activityOf(
          key,
          {
            Description,
            Cause: cause,
            StatusCode: 'Failed',
            StatusMessage: `Failed to set desired count to ${to}. Reason: ${(error as Error).message}`,
          },
          start,
          this.#deps.clock.now(),
        ),
      );
      return;
    }
    await this.#deps.scaling.saveActivity(
      activityOf(
        key,
        {
          Description,
          Cause: cause,
          StatusCode: 'Successful',
          StatusMessage: `Successfully set desired count to ${to}. Change successfully fulfilled by ecs.`,
        },
        start,
        this.#deps.clock.now(),
      ),
      { ...scaling, at: start, fromCapacity: from, toCapacity: to },
    );
  }
}

export type { ScalingEvaluatorDependencies };
export { ScalingEvaluator };
