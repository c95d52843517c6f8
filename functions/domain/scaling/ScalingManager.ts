import { randomUUID } from 'node:crypto';
import type { ArnContext } from '../arns';
import type { Page, PageRequest } from '../model';
import type { Clock } from '../ports/Clock';
import type { ScalingQuery, ScalingRepository } from '../ports/ScalingRepository';
import type { ServiceRecord } from '../services/model';
import {
  ConcurrentUpdateException,
  LimitExceededException,
  ObjectNotFoundException,
  ValidationException,
} from './errors';
import {
  type Alarm,
  ecsServiceOf,
  NOTHING_SUSPENDED,
  type ScalableTarget,
  type ScalableTargetKey,
  type ScalingActivity,
  type ScalingPolicy,
  type ScheduledAction,
} from './model';
import {
  type PutScalingPolicyRequest,
  type PutScheduledActionRequest,
  type RegisterScalableTargetRequest,
  registeredBounds,
} from './validation';

/**
 * Application Auto Scaling's API for ECS services: registering targets and
 * attaching policies and scheduled actions. Requests arrive validated (the
 * API layer runs `scaling/validation`); what is checked here needs the
 * stored state: that the service exists, that the target does, the quotas,
 * and concurrent changes.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/Welcome.html
 */

/** Per target, as Application Auto Scaling's quotas page gives them. */
const MAX_POLICIES_PER_TARGET = 50;
const MAX_SCHEDULED_ACTIONS_PER_TARGET = 200;
const SAVE_ATTEMPTS = 5;

interface ScalingManagerDependencies {
  readonly scaling: ScalingRepository;
  readonly services: { get(cluster: string, name: string): Promise<ServiceRecord | undefined> };
  /** Sets a service's desired count through UpdateService's path. */
  readonly setDesiredCount: (
    cluster: string,
    service: string,
    desiredCount: number,
  ) => Promise<void>;
  readonly clock: Clock;
  readonly arns: ArnContext;
}

const describeKey = (key: ScalableTargetKey): string =>
  `service namespace: ${key.ServiceNamespace}, resource ID: ${key.ResourceId}, scalable dimension: ${key.ScalableDimension}`;

const notRegistered = (key: ScalableTargetKey): ObjectNotFoundException =>
  new ObjectNotFoundException(`No scalable target registered for ${describeKey(key)}`);

const clamp = (value: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, value));

class ScalingManager {
  readonly #deps: ScalingManagerDependencies;

  constructor(deps: ScalingManagerDependencies) {
    this.#deps = deps;
  }

  /**
   * RegisterScalableTarget: creates the target, or updates the members given
   * and leaves the others. Either way the service's desired count is then
   * brought into [min, max] (AWS does the same, as an activity).
   */
  async register(input: RegisterScalableTargetRequest): Promise<{ ScalableTargetARN: string }> {
    const service = await this.#requireService(input);
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
      const { target: current } = await this.#deps.scaling.readTarget(input);
      const next = this.#registered(input, current?.target);
      const saved = await this.#deps.scaling.saveTarget(next, current?.version);
      if (saved === 'stale') continue;
      await this.#clampCapacity(next, service.desiredCount);
      return { ScalableTargetARN: next.ScalableTargetARN };
    }
    throw new ConcurrentUpdateException();
  }

  /** DeregisterScalableTarget: the target goes with its policies and scheduled actions. */
  async deregister(key: ScalableTargetKey): Promise<void> {
    const { target } = await this.#deps.scaling.readTarget(key);
    if (!target) throw notRegistered(key);
    await this.#deps.scaling.deleteTarget(key);
  }

  describeTargets(query: ScalingQuery, page: PageRequest): Promise<Page<ScalableTarget>> {
    return this.#deps.scaling.listTargets(query, page);
  }

  /**
   * PutScalingPolicy: creates or replaces a policy by name. A target
   * tracking policy gets the names of the two alarms that drive it (Berth's
   * evaluator plays their part); a replaced policy keeps its ARN and alarms.
   */
  async putPolicy(input: PutScalingPolicyRequest): Promise<{ PolicyARN: string; Alarms: Alarm[] }> {
    const state = await this.#deps.scaling.readTarget(input);
    if (!state.target) throw notRegistered(input);
    const existing = state.policies.find((policy) => policy.PolicyName === input.PolicyName);
    if (!existing && state.policies.length >= MAX_POLICIES_PER_TARGET) {
      throw new LimitExceededException(
        `Reached the limit of ${MAX_POLICIES_PER_TARGET} scaling policies for ${describeKey(input)}`,
      );
    }
    const policyId = randomUUID();
    const PolicyARN =
      existing?.PolicyARN ??
      `arn:aws:autoscaling:${this.#deps.arns.region}:${this.#deps.arns.accountId}:scalingPolicy:${policyId}:resource/${input.ServiceNamespace}/${input.ResourceId}:policyName/${input.PolicyName}`;
    const Alarms = this.#alarmsOf(input, existing);
    const policy = {
      ServiceNamespace: input.ServiceNamespace,
      ResourceId: input.ResourceId,
      ScalableDimension: input.ScalableDimension,
      PolicyName: input.PolicyName,
      PolicyType: input.PolicyType,
      ...(input.PolicyType === 'TargetTrackingScaling'
        ? {
            TargetTrackingScalingPolicyConfiguration:
              input.TargetTrackingScalingPolicyConfiguration,
          }
        : { StepScalingPolicyConfiguration: input.StepScalingPolicyConfiguration }),
      PolicyARN,
      Alarms,
      CreationTime: existing?.CreationTime ?? new Date(this.#deps.clock.now()),
    } as ScalingPolicy;
    await this.#deps.scaling.savePolicy(policy);
    return { PolicyARN, Alarms };
  }

  async deletePolicy(key: ScalableTargetKey, policyName: string): Promise<void> {
    if (!(await this.#deps.scaling.deletePolicy(key, policyName))) {
      throw new ObjectNotFoundException(
        `No scaling policy found for ${describeKey(key)}, policy name: ${policyName}`,
      );
    }
  }

  describePolicies(
    query: ScalingQuery & { readonly policyNames?: readonly string[] },
    page: PageRequest,
  ): Promise<Page<ScalingPolicy>> {
    return this.#deps.scaling.listPolicies(query, page);
  }

  /**
   * PutScheduledAction: creates a scheduled action, or updates the members
   * given of an existing one (a new one needs its Schedule).
   */
  async putScheduledAction(input: PutScheduledActionRequest): Promise<void> {
    const state = await this.#deps.scaling.readTarget(input);
    if (!state.target) throw notRegistered(input);
    const existing = state.scheduledActions.find(
      (action) => action.ScheduledActionName === input.ScheduledActionName,
    );
    if (!existing && state.scheduledActions.length >= MAX_SCHEDULED_ACTIONS_PER_TARGET) {
      throw new LimitExceededException(
        `Reached the limit of ${MAX_SCHEDULED_ACTIONS_PER_TARGET} scheduled actions for ${describeKey(input)}`,
      );
    }
    const schedule = input.Schedule ?? existing?.Schedule;
    if (schedule === undefined) {
      throw new ValidationException('Schedule is required to create a new scheduled action.');
    }
    const { parsedSchedule: _parsed, ...given } = input;
    await this.#deps.scaling.saveScheduledAction({
      ...existing,
      ...given,
      Schedule: schedule,
      ScalableTargetAction: input.ScalableTargetAction ?? existing?.ScalableTargetAction ?? {},
      ScheduledActionARN:
        existing?.ScheduledActionARN ??
        `arn:aws:autoscaling:${this.#deps.arns.region}:${this.#deps.arns.accountId}:scheduledAction:${randomUUID()}:resource/${input.ServiceNamespace}/${input.ResourceId}:scheduledActionName/${input.ScheduledActionName}`,
      CreationTime: existing?.CreationTime ?? new Date(this.#deps.clock.now()),
    });
  }

  async deleteScheduledAction(key: ScalableTargetKey, name: string): Promise<void> {
    if (!(await this.#deps.scaling.deleteScheduledAction(key, name))) {
      throw new ObjectNotFoundException(
        `No scheduled action found for ${describeKey(key)}, scheduled action name: ${name}`,
      );
    }
  }

  describeScheduledActions(
    query: ScalingQuery & { readonly names?: readonly string[] },
    page: PageRequest,
  ): Promise<Page<ScheduledAction>> {
    return this.#deps.scaling.listScheduledActions(query, page);
  }

  describeActivities(query: ScalingQuery, page: PageRequest): Promise<Page<ScalingActivity>> {
    return this.#deps.scaling.listActivities(query, page);
  }

  async #requireService(key: ScalableTargetKey): Promise<ServiceRecord> {
    const names = ecsServiceOf(key.ResourceId);
    const service = names && (await this.#deps.services.get(names.cluster, names.service));
    if (service?.status !== 'ACTIVE') {
      throw new ValidationException(`ECS service doesn't exist: ${key.ResourceId}`);
    }
    return service;
  }

  #registered(
    input: RegisterScalableTargetRequest,
    current: ScalableTarget | undefined,
  ): ScalableTarget {
    return {
      ServiceNamespace: input.ServiceNamespace,
      ResourceId: input.ResourceId,
      ScalableDimension: input.ScalableDimension,
      ...registeredBounds(current, input),
      RoleARN:
        input.RoleARN ??
        current?.RoleARN ??
        `arn:aws:iam::${this.#deps.arns.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      SuspendedState: {
        ...NOTHING_SUSPENDED,
        ...current?.SuspendedState,
        ...input.SuspendedState,
      },
      CreationTime: current?.CreationTime ?? new Date(this.#deps.clock.now()),
      ScalableTargetARN:
        current?.ScalableTargetARN ??
        `arn:aws:application-autoscaling:${this.#deps.arns.region}:${this.#deps.arns.accountId}:scalable-target/${randomUUID().replaceAll('-', '')}`,
    };
  }

  /** Brings the desired count into the target's bounds, recording it as AWS does: an activity. */
  async #clampCapacity(target: ScalableTarget, desiredCount: number): Promise<void> {
    const wanted = clamp(desiredCount, target.MinCapacity, target.MaxCapacity);
    if (wanted === desiredCount) return;
    const names = ecsServiceOf(target.ResourceId);
    if (!names) return;
    const start = new Date(this.#deps.clock.now());
    const bound = wanted > desiredCount ? 'minimum' : 'maximum';
    const activity: ScalingActivity = {
      ServiceNamespace: target.ServiceNamespace,
      ResourceId: target.ResourceId,
      ScalableDimension: target.ScalableDimension,
      ActivityId: randomUUID(),
      Description: `Setting desired count to ${wanted}.`,
      Cause: `${bound} capacity was set to ${bound === 'minimum' ? target.MinCapacity : target.MaxCapacity}`,
      StartTime: start,
      StatusCode: 'InProgress',
    };
    try {
      await this.#deps.setDesiredCount(names.cluster, names.service, wanted);
      await this.#deps.scaling.saveActivity(
        {
          ...activity,
          StatusCode: 'Successful',
          StatusMessage: `Successfully set desired count to ${wanted}. Change successfully fulfilled by ecs.`,
          EndTime: new Date(this.#deps.clock.now()),
        },
        // A change of capacity that starts no cooldown, but breaks a scale-out chain.
        { source: 'manual', at: start.getTime(), fromCapacity: desiredCount, toCapacity: wanted },
      );
    } catch (error) {
      await this.#deps.scaling.saveActivity({
        ...activity,
        StatusCode: 'Failed',
        StatusMessage: `Failed to set desired count to ${wanted}: ${(error as Error).message}`,
        EndTime: new Date(this.#deps.clock.now()),
      });
    }
  }

  #alarmsOf(input: PutScalingPolicyRequest, existing: ScalingPolicy | undefined): Alarm[] {
    if (input.PolicyType !== 'TargetTrackingScaling') return [];
    const disableScaleIn = input.TargetTrackingScalingPolicyConfiguration.DisableScaleIn === true;
    const kept = existing?.PolicyType === 'TargetTrackingScaling' ? existing.Alarms : [];
    const alarm = (kind: 'AlarmHigh' | 'AlarmLow'): Alarm => {
      const found = kept.find((candidate) => candidate.AlarmName.includes(`-${kind}-`));
      if (found) return found;
      const AlarmName = `TargetTracking-${input.ResourceId}-${kind}-${randomUUID()}`;
      return {
        AlarmName,
        AlarmARN: `arn:aws:cloudwatch:${this.#deps.arns.region}:${this.#deps.arns.accountId}:alarm:${AlarmName}`,
      };
    };
    // With scale-in disabled AWS creates no low alarm: nothing would act on it.
    return disableScaleIn ? [alarm('AlarmHigh')] : [alarm('AlarmHigh'), alarm('AlarmLow')];
  }
}

export type { ScalingManagerDependencies };
export { ScalingManager };
