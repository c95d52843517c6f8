import type { Page, PageRequest } from '../model';
import type { ScalingRecord } from '../scaling/cooldowns';
import type {
  ScalableTarget,
  ScalableTargetKey,
  ScalingActivity,
  ScalingPolicy,
  ScheduledAction,
} from '../scaling/model';

/**
 * Application Auto Scaling's records: scalable targets, and the policies,
 * scheduled actions and activities attached to each.
 *
 * A target's items are kept together, so the evaluator reads everything of
 * one target (`readTarget`) in one go. A target carries a `version`: a write
 * that depends on what was read (`saveTarget` with the version read) fails as
 * `'stale'` when someone wrote in between, which the API answers with
 * ConcurrentUpdateException.
 */

interface VersionedTarget {
  readonly target: ScalableTarget;
  readonly version: number;
}

/** Everything attached to one target, for the evaluator and for DeregisterScalableTarget. */
interface TargetState {
  readonly target: VersionedTarget | undefined;
  readonly policies: ScalingPolicy[];
  readonly scheduledActions: ScheduledAction[];
  /** Up to when (epoch ms) the evaluator has run this target's scheduled actions. */
  readonly evaluatedUntil?: number | undefined;
}

/** Describe* filters; `resourceIds` empty or absent: every target of the namespace. */
interface ScalingQuery {
  readonly resourceIds?: readonly string[];
  readonly scalableDimension?: string;
}

interface ScalingRepository {
  readTarget(key: ScalableTargetKey): Promise<TargetState>;
  /**
   * Creates (`expectedVersion` undefined: only if absent) or replaces (only
   * at that version) a target.
   */
  saveTarget(target: ScalableTarget, expectedVersion?: number): Promise<'saved' | 'stale'>;
  /** Deletes a target with its policies and scheduled actions (its activities stay, as AWS keeps them). */
  deleteTarget(key: ScalableTargetKey): Promise<void>;
  listTargets(query: ScalingQuery, page: PageRequest): Promise<Page<ScalableTarget>>;
  /** Every target, for the evaluator. */
  allTargets(): Promise<ScalableTarget[]>;

  savePolicy(policy: ScalingPolicy): Promise<void>;
  deletePolicy(key: ScalableTargetKey, policyName: string): Promise<boolean>;
  listPolicies(
    query: ScalingQuery & { readonly policyNames?: readonly string[] },
    page: PageRequest,
  ): Promise<Page<ScalingPolicy>>;

  saveScheduledAction(action: ScheduledAction): Promise<void>;
  deleteScheduledAction(key: ScalableTargetKey, name: string): Promise<boolean>;
  listScheduledActions(
    query: ScalingQuery & { readonly names?: readonly string[] },
    page: PageRequest,
  ): Promise<Page<ScheduledAction>>;

  /**
   * Claims the target's evaluation until `leaseUntil` (epoch ms): false when
   * another evaluator holds an unexpired claim. Two evaluations of one
   * target at once (the schedule and a late one) would each scale it.
   */
  claimEvaluation(key: ScalableTargetKey, now: number, leaseUntil: number): Promise<boolean>;
  /**
   * Ends the evaluator's claim, recording how far the scheduled actions
   * have run (`until`; undefined: no further than before).
   */
  markEvaluated(key: ScalableTargetKey, until: number | undefined): Promise<void>;

  /**
   * Records an activity, kept six weeks as AWS keeps them; a change of
   * capacity also records the `scaling` that cooldowns are judged from.
   */
  saveActivity(activity: ScalingActivity, scaling?: ScalingRecord): Promise<void>;
  /** Newest first. */
  listActivities(query: ScalingQuery, page: PageRequest): Promise<Page<ScalingActivity>>;
  /** The capacity changes of a target since `since` (epoch ms): its cooldowns' history. */
  recentScalings(key: ScalableTargetKey, since: number): Promise<ScalingRecord[]>;
}

export type { ScalingQuery, ScalingRepository, TargetState, VersionedTarget };
