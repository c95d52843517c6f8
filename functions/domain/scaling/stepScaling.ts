import type { AdjustmentType, StepAdjustment, StepScalingPolicyConfiguration } from './model';

/**
 * Step scaling for one policy: which step a breach falls in, and what the
 * step does to the capacity (scaling.md §1.4).
 *
 * Bounds are offsets from the alarm's threshold. Above the threshold a step
 * holds `[lower, upper)`; below it `(lower, upper]`; a missing lower bound
 * is −∞ and a missing upper bound +∞. So with a threshold of 50, `[0, 10)`
 * is 50 ≤ metric < 60 and `(-10, 0]` is 40 < metric ≤ 50.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
 */

const lowerOf = (step: StepAdjustment) => step.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY;
const upperOf = (step: StepAdjustment) => step.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY;

const holdsAbove = (step: StepAdjustment, breach: number) =>
  lowerOf(step) <= breach && breach < upperOf(step);
const holdsBelow = (step: StepAdjustment, breach: number) =>
  lowerOf(step) < breach && breach <= upperOf(step);

/**
 * The step a metric value falls in, or undefined when none does (a gap
 * below the first step is allowed, e.g. steps from +10 up only). At exactly
 * the threshold the above-rule is tried first, then the below-rule, so that
 * both a scale-out `[0, …)` and a scale-in `(…, 0]` step match there.
 */
const selectStepAdjustment = (
  steps: readonly StepAdjustment[],
  metricValue: number,
  threshold: number,
): StepAdjustment | undefined => {
  const breach = metricValue - threshold;
  if (breach > 0) return steps.find((step) => holdsAbove(step, breach));
  if (breach < 0) return steps.find((step) => holdsBelow(step, breach));
  return (
    steps.find((step) => holdsAbove(step, breach)) ?? steps.find((step) => holdsBelow(step, breach))
  );
};

/**
 * The applied change for a PercentChangeInCapacity step: floored above 1,
 * 1 between 0 and 1, −1 between −1 and 0, toward zero below −1, then at
 * least MinAdjustmentMagnitude in size. A fraction of a task still moves by
 * one, since a step that breached should do something.
 *
 * @example percentChange(10, 33) // 3 (3.3 floored)
 * @example percentChange(4, 25, 2) // 2 (1, raised to the minimum magnitude)
 */
const percentChange = (
  currentCapacity: number,
  percent: number,
  minAdjustmentMagnitude?: number,
): number => {
  const raw = (currentCapacity * percent) / 100;
  let change: number;
  if (raw > 1) change = Math.floor(raw);
  else if (raw > 0) change = 1;
  else if (raw === 0) change = 0;
  else if (raw >= -1) change = -1;
  else change = Math.trunc(raw);
  const minimum = minAdjustmentMagnitude ?? 0;
  if (change !== 0 && Math.abs(change) < minimum) change = Math.sign(change) * minimum;
  return change;
};

/**
 * The capacity a step asks for, before clamping to the target's bounds and
 * never below 0: the decision clamps once, after combining policies.
 */
const adjustedCapacity = (
  adjustmentType: AdjustmentType,
  scalingAdjustment: number,
  currentCapacity: number,
  minAdjustmentMagnitude?: number,
): number => {
  switch (adjustmentType) {
    case 'ExactCapacity':
      return Math.max(0, scalingAdjustment);
    case 'ChangeInCapacity':
      return Math.max(0, currentCapacity + scalingAdjustment);
    case 'PercentChangeInCapacity':
      return Math.max(
        0,
        currentCapacity + percentChange(currentCapacity, scalingAdjustment, minAdjustmentMagnitude),
      );
  }
};

type StepScalingProposal =
  | { readonly direction: 'out' | 'in'; readonly capacity: number; readonly step: StepAdjustment }
  | {
      readonly direction: 'hold';
      readonly capacity: number;
      readonly why: 'no-step' | 'no-change';
    };

/**
 * What a step policy asks for when its alarm is in ALARM with `metricValue`
 * (aggregated by its MetricAggregationType): the direction is the sign of
 * the change, so an ExactCapacity step can go either way.
 */
const proposeStepCapacity = (
  configuration: StepScalingPolicyConfiguration,
  metricValue: number,
  threshold: number,
  currentCapacity: number,
): StepScalingProposal => {
  const step = selectStepAdjustment(configuration.StepAdjustments, metricValue, threshold);
  if (!step) return { direction: 'hold', capacity: currentCapacity, why: 'no-step' };
  const capacity = adjustedCapacity(
    configuration.AdjustmentType,
    step.ScalingAdjustment,
    currentCapacity,
    configuration.MinAdjustmentMagnitude,
  );
  if (capacity === currentCapacity) {
    return { direction: 'hold', capacity, why: 'no-change' };
  }
  return { direction: capacity > currentCapacity ? 'out' : 'in', capacity, step };
};

export type { StepScalingProposal };
export { adjustedCapacity, percentChange, proposeStepCapacity, selectStepAdjustment };
