import { type Cooldowns, cooldownsAt, rebaseScaleOut, type ScalingRecord } from './cooldowns';
import type { NotScaledReason, ScalableTarget, ScalableTargetAction } from './model';

/**
 * The decision for one scalable target at `now`: whether its policies'
 * proposals change the desired count, to what, and why (scaling.md §1.3):
 *
 * - scale out if any policy asks to; the largest capacity wins;
 * - scale in only if every target tracking policy with scale-in enabled
 *   asks to (a step policy's scale-in needs no vote, but a scale-out
 *   anywhere wins); again the largest capacity wins, keeping the most;
 * - cooldowns (./cooldowns.ts) and the suspended flags hold their
 *   direction back;
 * - the result is clamped to [MinCapacity, MaxCapacity], and a clamp that
 *   leaves nothing to do is a not-scaled activity, as AWS records it.
 *
 * Scheduled actions go through {@link applyScheduledAction} instead: they
 * set the bounds, ignore cooldowns and move the capacity only into them.
 */

/** What one policy asks for this round, from proposeTargetTrackingCapacity or proposeStepCapacity. */
interface PolicyProposal {
  readonly policyName: string;
  /** The alarm in ALARM behind the proposal, named in the activity's Cause. */
  readonly alarmName?: string | undefined;
  readonly direction: 'out' | 'in' | 'hold';
  /** The capacity asked for, computed on the current capacity, not clamped. */
  readonly capacity: number;
  /** A target tracking policy without DisableScaleIn: scale-in needs its agreement. */
  readonly votesOnScaleIn: boolean;
}

interface DecisionInput {
  readonly target: Pick<ScalableTarget, 'MinCapacity' | 'MaxCapacity' | 'SuspendedState'>;
  readonly currentCapacity: number;
  readonly proposals: readonly PolicyProposal[];
  /** The target's recent successful activities, for cooldowns. */
  readonly history: readonly ScalingRecord[];
  /** Epoch ms. */
  readonly now: number;
}

type NotScalingReason =
  | 'NoPolicyTriggered'
  | 'ScaleOutSuspended'
  | 'ScaleInSuspended'
  | 'ScaleOutCooldown'
  | 'ScaleInCooldown'
  | 'ScaleInNotAgreed'
  | 'AlreadyAtMaxCapacity'
  | 'AlreadyAtMinCapacity';

type ScalingDecision =
  | {
      readonly kind: 'scale';
      readonly direction: 'out' | 'in';
      readonly fromCapacity: number;
      readonly toCapacity: number;
      readonly policyName: string;
      /** The activity's Cause, in AWS's words. */
      readonly cause: string;
      /** The activity's Description, in AWS's words for ECS. */
      readonly description: string;
    }
  | {
      readonly kind: 'none';
      readonly why: NotScalingReason;
      /** Set when AWS would record a not-scaled activity (a bound was in the way). */
      readonly notScaledReasons?: NotScaledReason[];
      /** The Cause of that not-scaled activity. */
      readonly cause?: string;
    };

/**
 * The Cause AWS writes into a policy's activity.
 *
 * @example alarmCause('TargetTracking-service/c/s-AlarmHigh-1', 'cpu') // 'monitor alarm TargetTracking-service/c/s-AlarmHigh-1 in state ALARM triggered policy cpu'
 */
const alarmCause = (alarmName: string | undefined, policyName: string): string =>
  alarmName === undefined
    ? `policy ${policyName} triggered`
    : `monitor alarm ${alarmName} in state ALARM triggered policy ${policyName}`;

/** The Description AWS writes into an ECS service's scaling activity. */
const desiredCountDescription = (capacity: number): string =>
  `Setting desired count to ${capacity}.`;

const clamp = (capacity: number, min: number, max: number) =>
  Math.min(max, Math.max(min, capacity));

/** The proposal asking for the most capacity; the first of equals, so the order of policies decides ties. */
const largest = <T extends { capacity: number }>(items: readonly T[]): T | undefined =>
  items.reduce<T | undefined>(
    (best, item) => (!best || item.capacity > best.capacity ? item : best),
    undefined,
  );

const notScaled = (
  why: 'AlreadyAtMaxCapacity' | 'AlreadyAtMinCapacity',
  input: DecisionInput,
  proposal: PolicyProposal,
): ScalingDecision => ({
  kind: 'none',
  why,
  cause: alarmCause(proposal.alarmName, proposal.policyName),
  notScaledReasons: [
    {
      Code: why,
      MaxCapacity: input.target.MaxCapacity,
      MinCapacity: input.target.MinCapacity,
      CurrentCapacity: input.currentCapacity,
    },
  ],
});

const scale = (
  direction: 'out' | 'in',
  input: DecisionInput,
  proposal: PolicyProposal,
  toCapacity: number,
): ScalingDecision => ({
  kind: 'scale',
  direction,
  fromCapacity: input.currentCapacity,
  toCapacity,
  policyName: proposal.policyName,
  cause: alarmCause(proposal.alarmName, proposal.policyName),
  description: desiredCountDescription(toCapacity),
});

const decideScaleOut = (
  input: DecisionInput,
  outs: readonly PolicyProposal[],
  cooldowns: Cooldowns,
): ScalingDecision => {
  const { target, currentCapacity: current } = input;
  if (target.SuspendedState.DynamicScalingOutSuspended)
    return { kind: 'none', why: 'ScaleOutSuspended' };
  const cooldown = cooldowns.scaleOut;
  const requests = outs.map((proposal) => ({
    proposal,
    capacity: cooldown
      ? rebaseScaleOut(proposal.capacity, current, cooldown.baseline)
      : proposal.capacity,
  }));
  const best = largest(requests);
  if (!best) return { kind: 'none', why: 'NoPolicyTriggered' };
  if (best.capacity <= current) {
    return { kind: 'none', why: cooldown ? 'ScaleOutCooldown' : 'NoPolicyTriggered' };
  }
  const capacity = clamp(best.capacity, target.MinCapacity, target.MaxCapacity);
  if (capacity <= current) return notScaled('AlreadyAtMaxCapacity', input, best.proposal);
  return scale('out', input, best.proposal, capacity);
};

const decideScaleIn = (
  input: DecisionInput,
  ins: readonly PolicyProposal[],
  cooldowns: Cooldowns,
): ScalingDecision => {
  const { target, currentCapacity: current, proposals } = input;
  const disagrees = (proposal: PolicyProposal) =>
    proposal.direction !== 'in' || proposal.capacity >= current;
  if (proposals.some((proposal) => proposal.votesOnScaleIn && disagrees(proposal))) {
    return { kind: 'none', why: 'ScaleInNotAgreed' };
  }
  if (target.SuspendedState.DynamicScalingInSuspended)
    return { kind: 'none', why: 'ScaleInSuspended' };
  if (cooldowns.scaleInUntil !== undefined) return { kind: 'none', why: 'ScaleInCooldown' };
  const best = largest(ins);
  if (!best) return { kind: 'none', why: 'NoPolicyTriggered' };
  const capacity = clamp(best.capacity, target.MinCapacity, target.MaxCapacity);
  if (capacity >= current) return notScaled('AlreadyAtMinCapacity', input, best);
  return scale('in', input, best, capacity);
};

/**
 * The new desired count for one target, or why there is none. Pure: the
 * evaluator gathers alarms, proposals and history, and carries the
 * decision out (and records it as an activity).
 */
const decideScaling = (input: DecisionInput): ScalingDecision => {
  const cooldowns = cooldownsAt(input.history, input.now);
  const outs = input.proposals.filter((proposal) => proposal.direction === 'out');
  if (outs.length > 0) return decideScaleOut(input, outs, cooldowns);
  const ins = input.proposals.filter((proposal) => proposal.direction === 'in');
  if (ins.length > 0) return decideScaleIn(input, ins, cooldowns);
  return { kind: 'none', why: 'NoPolicyTriggered' };
};

interface ScheduledOutcome {
  readonly MinCapacity: number;
  readonly MaxCapacity: number;
  /** The capacity moved into the new bounds, or unchanged when already inside. */
  readonly capacity: number;
}

/**
 * A scheduled action's ScalableTargetAction applied to a target: the bounds
 * it gives replace the target's (an omitted one is kept), and the capacity
 * moves into them, no further. When the one bound given crosses the kept
 * one, the kept one follows it, since a scheduled action cannot be refused
 * at the time it fires. Cooldowns do not apply.
 *
 * @example applyScalableTargetAction({ MinCapacity: 1, MaxCapacity: 10 }, 3, { MinCapacity: 5 }) // { MinCapacity: 5, MaxCapacity: 10, capacity: 5 }
 */
const applyScalableTargetAction = (
  target: Pick<ScalableTarget, 'MinCapacity' | 'MaxCapacity'>,
  currentCapacity: number,
  action: ScalableTargetAction,
): ScheduledOutcome => {
  let min = action.MinCapacity ?? target.MinCapacity;
  let max = action.MaxCapacity ?? target.MaxCapacity;
  if (min > max) {
    if (action.MaxCapacity === undefined) max = min;
    else min = max;
  }
  return { MinCapacity: min, MaxCapacity: max, capacity: clamp(currentCapacity, min, max) };
};

/**
 * What a due scheduled action does to its target: nothing while scheduled
 * scaling is suspended, else {@link applyScalableTargetAction}, with the
 * Cause AWS writes for it.
 */
const applyScheduledAction = (
  target: Pick<ScalableTarget, 'MinCapacity' | 'MaxCapacity' | 'SuspendedState'>,
  currentCapacity: number,
  actionName: string,
  action: ScalableTargetAction,
):
  | { readonly kind: 'suspended' }
  | (ScheduledOutcome & { readonly kind: 'applied'; readonly cause: string }) => {
  if (target.SuspendedState.ScheduledScalingSuspended) return { kind: 'suspended' };
  return {
    kind: 'applied',
    ...applyScalableTargetAction(target, currentCapacity, action),
    cause: `scheduled action name ${actionName} was triggered`,
  };
};

export type { DecisionInput, NotScalingReason, PolicyProposal, ScalingDecision, ScheduledOutcome };
export {
  alarmCause,
  applyScalableTargetAction,
  applyScheduledAction,
  decideScaling,
  desiredCountDescription,
};
