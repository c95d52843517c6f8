import type { Page, PageRequest } from '../model';
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

  /** Records (or updates, by ActivityId) an activity; kept six weeks, as AWS does. */
  saveActivity(activity: ScalingActivity): Promise<void>;
  /** Newest first. */
  listActivities(query: ScalingQuery, page: PageRequest): Promise<Page<ScalingActivity>>;
  /** A target's activities since `since` (epoch ms), newest first: cooldowns are judged from them. */
  recentActivities(key: ScalableTargetKey, since: number): Promise<ScalingActivity[]>;
}

export type { ScalingQuery, ScalingRepository, TargetState, VersionedTarget };
