import type { AutoScalingGroupProvider, Tag } from '@aws-sdk/client-ecs';

/**
 * Capacity providers as Berth has them: Fargate's two (built in, always
 * there) and providers of the user's own, which on ECS front an EC2 Auto
 * Scaling group. Berth has no Auto Scaling groups: a provider of one's own
 * is a pool of container instances that Berth itself starts and stops (on
 * this machine, agents run by the stack's capacity host), with ECS's managed
 * scaling deciding how many. The pool's instance size and bounds come from
 * the provider's tags, since ECS's request has no members for them:
 *
 * | tag                    | default | meaning                           |
 * |------------------------|---------|-----------------------------------|
 * | `berth:instance-cpu`   | 2048    | CPU units of each pool instance   |
 * | `berth:instance-memory`| 4096    | MiB of each pool instance         |
 * | `berth:min-size`       | 0       | the pool never goes below         |
 * | `berth:max-size`       | 10      | the pool never goes above         |
 *
 * The `autoScalingGroupArn` is kept as given (it names the pool).
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/asg-capacity-providers.html
 */

interface PoolSettings {
  readonly instanceCpu: number;
  readonly instanceMemory: number;
  readonly minSize: number;
  readonly maxSize: number;
}

interface ManagedScalingSettings {
  readonly status: 'ENABLED' | 'DISABLED';
  readonly targetCapacity: number;
  readonly minimumScalingStepSize: number;
  readonly maximumScalingStepSize: number;
  readonly instanceWarmupPeriod: number;
}

interface CapacityProviderRecord {
  readonly name: string;
  readonly status: 'ACTIVE' | 'INACTIVE';
  readonly autoScalingGroupArn: string;
  readonly managedScaling: ManagedScalingSettings;
  readonly managedTerminationProtection: 'ENABLED' | 'DISABLED';
  readonly managedDraining: 'ENABLED' | 'DISABLED';
  readonly pool: PoolSettings;
  readonly tags: Tag[];
  readonly createdAt: number;
}

/** ECS's defaults when managedScaling omits a member. */
const MANAGED_SCALING_DEFAULTS: ManagedScalingSettings = {
  status: 'ENABLED',
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10_000,
  instanceWarmupPeriod: 300,
};

const POOL_DEFAULTS: PoolSettings = {
  instanceCpu: 2048,
  instanceMemory: 4096,
  minSize: 0,
  maxSize: 10,
};

const POOL_TAGS = {
  instanceCpu: 'berth:instance-cpu',
  instanceMemory: 'berth:instance-memory',
  minSize: 'berth:min-size',
  maxSize: 'berth:max-size',
} as const;

/** The ECS shape of a provider's Auto Scaling group settings. */
const autoScalingGroupProviderOf = (record: CapacityProviderRecord): AutoScalingGroupProvider => ({
  autoScalingGroupArn: record.autoScalingGroupArn,
  managedScaling: { ...record.managedScaling },
  managedTerminationProtection: record.managedTerminationProtection,
  managedDraining: record.managedDraining,
});

export type { CapacityProviderRecord, ManagedScalingSettings, PoolSettings };
export { autoScalingGroupProviderOf, MANAGED_SCALING_DEFAULTS, POOL_DEFAULTS, POOL_TAGS };
