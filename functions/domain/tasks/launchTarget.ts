import type { CapacityProviderStrategyItem, TaskDefinition } from '@aws-sdk/client-ecs';
import {
  FARGATE_CAPACITY_PROVIDERS,
  readStrategyItems,
  refuseMixedStrategy,
} from '../capacityProviders';
import { InvalidParameterException, PlatformUnknownException } from '../errors';
import type { Subnet } from '../network/subnets';
import {
  optionalEnum,
  optionalObject,
  optionalString,
  optionalStringList,
} from '../validation/shape';

/**
 * Where a RunTask/StartTask goes: its launch type (from `launchType`, a
 * capacity provider strategy, or the cluster's default strategy), its
 * Fargate platform, and — for awsvpc tasks — the subnets its network
 * interfaces may take addresses from. Pure: everything here is decided from
 * the request, the task definition, the cluster and the known subnets, with
 * ECS's errors and wording.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html
 */

type LaunchType = 'EC2' | 'EXTERNAL' | 'FARGATE';

interface LaunchTarget {
  readonly launchType: LaunchType;
  /**
   * The provider a capacity provider strategy chose: FARGATE / FARGATE_SPOT
   * (launch type FARGATE), or one of the user's own (launch type EC2, placed
   * on that provider's container instances only).
   */
  readonly capacityProviderName?: string | undefined;
  /** FARGATE only: the resolved platform version. */
  readonly platformVersion?: string | undefined;
}

/** The Fargate platform versions there are; LATEST is 1.4.0, as on AWS. */
const FARGATE_PLATFORM_VERSIONS = ['1.4.0', '1.3.0'] as const;
const LATEST_PLATFORM_VERSION = '1.4.0';
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;
/** Fargate's default ephemeral storage (GiB) on platform 1.4.0. */
const DEFAULT_EPHEMERAL_STORAGE_GIB = 20;

const readStrategy = (value: unknown): CapacityProviderStrategyItem[] | undefined =>
  readStrategyItems(value, 'capacityProviderStrategy', (capacityProvider, itemPath) => {
    if (capacityProvider === undefined || capacityProvider === '') {
      throw new InvalidParameterException(`${itemPath}.capacityProvider can not be blank.`);
    }
    return capacityProvider;
  });

/**
 * The provider a strategy launches on: Fargate's two, or a provider of the
 * user's own (a pool of container instances, ../capacity/model.ts). A
 * strategy may not mix the two kinds, as on ECS. The first provider with
 * weight (or base) is taken, so a mixed FARGATE/FARGATE_SPOT strategy runs
 * on the one it names first.
 */
const providerOf = (
  strategy: CapacityProviderStrategyItem[],
  associated: readonly string[] | undefined,
): string => {
  if (strategy.length === 0) {
    throw new InvalidParameterException('The capacity provider strategy cannot be empty.');
  }
  for (const item of strategy) {
    const name = item.capacityProvider ?? '';
    if (associated !== undefined && !associated.includes(name)) {
      throw new InvalidParameterException(
        `The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.`,
      );
    }
  }
  refuseMixedStrategy(strategy);
  const chosen = strategy.find((item) => (item.weight ?? 0) > 0 || (item.base ?? 0) > 0);
  return (chosen ?? strategy[0])?.capacityProvider ?? 'FARGATE';
};

/**
 * The launch type and Fargate platform of a RunTask/StartTask, checked
 * against the task definition. `cluster` supplies the default strategy used
 * when the request names neither a launch type nor a strategy.
 */
const resolveLaunchTarget = (
  body: Record<string, unknown>,
  definition: TaskDefinition,
  cluster: {
    readonly capacityProviders: readonly string[];
    readonly defaultCapacityProviderStrategy: readonly CapacityProviderStrategyItem[];
  },
): LaunchTarget => {
  const requested = optionalEnum(body.launchType, 'launchType', [
    'EC2',
    'FARGATE',
    'EXTERNAL',
    'MANAGED_INSTANCES',
  ] as const);
  const strategy = readStrategy(body.capacityProviderStrategy);
  if (strategy !== undefined && requested !== undefined) {
    throw new InvalidParameterException(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  }
  if (requested === 'MANAGED_INSTANCES') {
    throw new InvalidParameterException(
      'Launch type MANAGED_INSTANCES is not supported yet; use EC2, EXTERNAL or FARGATE.',
    );
  }
  let launchType: LaunchType = requested ?? 'EC2';
  let capacityProviderName: string | undefined;
  if (strategy !== undefined) {
    capacityProviderName = providerOf(strategy, cluster.capacityProviders);
  } else if (requested === undefined && cluster.defaultCapacityProviderStrategy.length > 0) {
    capacityProviderName = providerOf([...cluster.defaultCapacityProviderStrategy], undefined);
  }
  if (capacityProviderName !== undefined) {
    // A provider of one's own places on its pool's container instances: EC2.
    launchType = FARGATE_CAPACITY_PROVIDERS.includes(capacityProviderName) ? 'FARGATE' : 'EC2';
  }

  const platformVersion = optionalString(body.platformVersion, 'platformVersion');
  if (launchType !== 'FARGATE') {
    if (platformVersion !== undefined) {
      throw new InvalidParameterException(
        `The platform version must be null when specifying an ${launchType} launch type.`,
      );
    }
    return capacityProviderName === undefined
      ? { launchType }
      : { launchType, capacityProviderName };
  }
  const resolved =
    platformVersion === undefined || platformVersion === 'LATEST'
      ? LATEST_PLATFORM_VERSION
      : platformVersion;
  if (!(FARGATE_PLATFORM_VERSIONS as readonly string[]).includes(resolved)) {
    throw new PlatformUnknownException(
      `The specified platform version (${platformVersion}) does not exist.`,
    );
  }
  if (!(definition.compatibilities ?? []).includes('FARGATE')) {
    throw new InvalidParameterException('Task definition does not support launch_type FARGATE.');
  }
  return { launchType, capacityProviderName, platformVersion: resolved };
};

interface AwsvpcChoice {
  readonly subnets: Subnet[];
  readonly securityGroups: string[];
  readonly assignPublicIp: 'ENABLED' | 'DISABLED';
}

/**
 * `networkConfiguration.awsvpcConfiguration`, checked as ECS checks it. Only
 * awsvpc tasks need (and may have) one; the subnets must be ones Berth knows
 * (the local default network or `BERTH_SUBNETS`).
 */
const readAwsvpcConfiguration = (
  value: unknown,
  networkMode: string | undefined,
  known: readonly Subnet[],
): AwsvpcChoice | undefined => {
  const configuration = optionalObject(value, 'networkConfiguration');
  if (networkMode !== 'awsvpc') {
    // null is absent, as everywhere in a request.
    if (
      configuration?.awsvpcConfiguration !== undefined &&
      configuration.awsvpcConfiguration !== null
    ) {
      throw new InvalidParameterException(
        'Network Configuration is not valid for the given networkMode of this task definition.',
      );
    }
    return undefined;
  }
  const awsvpc = optionalObject(
    configuration?.awsvpcConfiguration,
    'networkConfiguration.awsvpcConfiguration',
  );
  if (awsvpc === undefined) {
    throw new InvalidParameterException(
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  }
  const subnetIds =
    optionalStringList(awsvpc.subnets, 'networkConfiguration.awsvpcConfiguration.subnets') ?? [];
  if (subnetIds.length === 0) throw new InvalidParameterException('subnets can not be empty.');
  if (subnetIds.length > MAX_SUBNETS) {
    throw new InvalidParameterException(`subnets can have at most ${MAX_SUBNETS} items.`);
  }
  const securityGroups =
    optionalStringList(
      awsvpc.securityGroups,
      'networkConfiguration.awsvpcConfiguration.securityGroups',
    ) ?? [];
  if (securityGroups.length > MAX_SECURITY_GROUPS) {
    throw new InvalidParameterException(
      `securityGroups can have at most ${MAX_SECURITY_GROUPS} items.`,
    );
  }
  const assignPublicIp =
    optionalEnum(awsvpc.assignPublicIp, 'networkConfiguration.awsvpcConfiguration.assignPublicIp', [
      'ENABLED',
      'DISABLED',
    ] as const) ?? 'DISABLED';
  const subnets = [...new Set(subnetIds)].map((id) => {
    const subnet = known.find((candidate) => candidate.subnetId === id);
    if (!subnet) {
      throw new InvalidParameterException(
        `Error retrieving subnet information for [${id}]: The subnet ID '${id}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`,
      );
    }
    return subnet;
  });
  return { subnets, securityGroups, assignPublicIp };
};

/**
 * The subnet of each of `count` new tasks: round-robin over the subnets from
 * `offset`, so that a RunTask of several tasks spreads them across zones as
 * Fargate does.
 */
const assignSubnets = (subnets: readonly Subnet[], count: number, offset: number): Subnet[] =>
  Array.from({ length: count }, (_, index) => {
    const subnet = subnets[(offset + index) % subnets.length];
    if (!subnet) throw new Error('assignSubnets needs at least one subnet');
    return subnet;
  });

export type { AwsvpcChoice, LaunchTarget, LaunchType };
export {
  assignSubnets,
  DEFAULT_EPHEMERAL_STORAGE_GIB,
  LATEST_PLATFORM_VERSION,
  readAwsvpcConfiguration,
  resolveLaunchTarget,
};
