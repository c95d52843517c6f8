import type { CapacityProvider, CapacityProviderStrategyItem, Cluster } from '@aws-sdk/client-ecs';
import { type ArnContext, clusterNameFrom } from '../arns';
import {
  FARGATE_CAPACITY_PROVIDERS,
  readStrategyItems,
  refuseMixedStrategy,
} from '../capacityProviders';
import {
  ClientException,
  ClusterNotFoundException,
  InvalidParameterException,
  ResourceInUseException,
} from '../errors';
import type { ClusterRecord } from '../model';
import type { CapacityProviderRepository } from '../ports/CapacityProviderRepository';
import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import { validateTags } from '../taskDefinitions/validation';
import {
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
} from '../validation/shape';
import {
  autoScalingGroupProviderOf,
  type CapacityProviderRecord,
  MANAGED_SCALING_DEFAULTS,
  POOL_DEFAULTS,
  POOL_TAGS,
  type PoolSettings,
} from './model';

/**
 * CreateCapacityProvider, DescribeCapacityProviders, DeleteCapacityProvider
 * and PutClusterCapacityProviders, with ECS's rules and wording.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html
 */

interface CapacityProviderServiceDependencies {
  readonly providers: CapacityProviderRepository;
  readonly clusters: ClusterRepository;
  /** The live tasks and pool instances a provider has in a cluster (it may not be removed then). */
  readonly inUse: (cluster: string, provider: string) => Promise<boolean>;
  readonly clock: Clock;
  readonly arns: ArnContext;
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const RESERVED_PREFIX = /^(aws|ecs|fargate)/i;
const MAX_PROVIDERS_PER_CLUSTER = 10;
const SAVE_ATTEMPTS = 5;

const capacityProviderArn = (arns: ArnContext, name: string): string =>
  `arn:aws:ecs:${arns.region}:${arns.accountId}:capacity-provider/${name}`;

const nameFrom = (reference: string): string =>
  reference.startsWith('arn:') ? reference.slice(reference.lastIndexOf('/') + 1) : reference;

const within = (value: number | undefined, path: string, min: number, max: number) => {
  if (value !== undefined && (value < min || value > max)) {
    throw new InvalidParameterException(`${path} must be between ${min} and ${max}.`);
  }
  return value;
};

/** The pool's size and bounds from the provider's `berth:` tags (./model.ts). */
const poolOf = (tags: readonly { key?: string; value?: string }[]): PoolSettings => {
  const read = (key: string, fallback: number, min: number) => {
    const tag = tags.find((candidate) => candidate.key === key);
    if (tag === undefined) return fallback;
    const value = Number(tag.value);
    if (!Number.isInteger(value) || value < min) {
      throw new InvalidParameterException(
        `The tag ${key} must be a whole number of at least ${min}.`,
      );
    }
    return value;
  };
  const pool = {
    instanceCpu: read(POOL_TAGS.instanceCpu, POOL_DEFAULTS.instanceCpu, 128),
    instanceMemory: read(POOL_TAGS.instanceMemory, POOL_DEFAULTS.instanceMemory, 128),
    minSize: read(POOL_TAGS.minSize, POOL_DEFAULTS.minSize, 0),
    maxSize: read(POOL_TAGS.maxSize, POOL_DEFAULTS.maxSize, 0),
  };
  if (pool.minSize > pool.maxSize) {
    throw new InvalidParameterException(
      `The tag ${POOL_TAGS.minSize} must not be greater than ${POOL_TAGS.maxSize}.`,
    );
  }
  return pool;
};

class CapacityProviderService {
  readonly #deps: CapacityProviderServiceDependencies;

  constructor(deps: CapacityProviderServiceDependencies) {
    this.#deps = deps;
  }

  async create(body: Record<string, unknown>): Promise<CapacityProvider> {
    const name = optionalString(body.name, 'name');
    if (name === undefined) throw new InvalidParameterException('name can not be blank.');
    if (!NAME_PATTERN.test(name) || RESERVED_PREFIX.test(name)) {
      throw new InvalidParameterException(
        'The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens. The name cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.',
      );
    }
    const group = optionalObject(body.autoScalingGroupProvider, 'autoScalingGroupProvider');
    if (group === undefined) {
      throw new InvalidParameterException('autoScalingGroupProvider can not be null.');
    }
    const autoScalingGroupArn = optionalString(
      group.autoScalingGroupArn,
      'autoScalingGroupProvider.autoScalingGroupArn',
    );
    if (autoScalingGroupArn === undefined) {
      throw new InvalidParameterException('autoScalingGroupArn can not be blank.');
    }
    const scaling = optionalObject(group.managedScaling, 'autoScalingGroupProvider.managedScaling');
    const path = 'autoScalingGroupProvider.managedScaling';
    const managedScaling = {
      status:
        optionalEnum(scaling?.status, `${path}.status`, ['ENABLED', 'DISABLED'] as const) ??
        MANAGED_SCALING_DEFAULTS.status,
      targetCapacity:
        within(
          optionalInteger(scaling?.targetCapacity, `${path}.targetCapacity`),
          `${path}.targetCapacity`,
          1,
          100,
        ) ?? MANAGED_SCALING_DEFAULTS.targetCapacity,
      minimumScalingStepSize:
        within(
          optionalInteger(scaling?.minimumScalingStepSize, `${path}.minimumScalingStepSize`),
          `${path}.minimumScalingStepSize`,
          1,
          10_000,
        ) ?? MANAGED_SCALING_DEFAULTS.minimumScalingStepSize,
      maximumScalingStepSize:
        within(
          optionalInteger(scaling?.maximumScalingStepSize, `${path}.maximumScalingStepSize`),
          `${path}.maximumScalingStepSize`,
          1,
          10_000,
        ) ?? MANAGED_SCALING_DEFAULTS.maximumScalingStepSize,
      instanceWarmupPeriod:
        within(
          optionalInteger(scaling?.instanceWarmupPeriod, `${path}.instanceWarmupPeriod`),
          `${path}.instanceWarmupPeriod`,
          0,
          10_000,
        ) ?? MANAGED_SCALING_DEFAULTS.instanceWarmupPeriod,
    };
    if (managedScaling.minimumScalingStepSize > managedScaling.maximumScalingStepSize) {
      throw new InvalidParameterException(
        'The minimumScalingStepSize must be less than or equal to the maximumScalingStepSize.',
      );
    }
    const managedTerminationProtection =
      optionalEnum(
        group.managedTerminationProtection,
        'autoScalingGroupProvider.managedTerminationProtection',
        ['ENABLED', 'DISABLED'] as const,
      ) ?? 'DISABLED';
    if (managedTerminationProtection === 'ENABLED' && managedScaling.status === 'DISABLED') {
      throw new InvalidParameterException(
        'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must be enabled.',
      );
    }
    const tags = validateTags(body.tags, 'tags');
    const record: CapacityProviderRecord = {
      name,
      status: 'ACTIVE',
      autoScalingGroupArn,
      managedScaling,
      managedTerminationProtection,
      managedDraining:
        optionalEnum(group.managedDraining, 'autoScalingGroupProvider.managedDraining', [
          'ENABLED',
          'DISABLED',
        ] as const) ?? 'ENABLED',
      pool: poolOf(tags),
      tags,
      createdAt: this.#deps.clock.now(),
    };
    if (!(await this.#deps.providers.create(record))) {
      throw new ClientException(
        'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.',
      );
    }
    return this.toCapacityProvider(record);
  }

  /** Fargate's two always, then the user's own; names not found are failures (MISSING). */
  async describe(body: Record<string, unknown>): Promise<{
    capacityProviders: CapacityProvider[];
    failures: { arn: string; reason: string }[];
  }> {
    const wanted = optionalStringList(body.capacityProviders, 'capacityProviders');
    const own = await this.#deps.providers.list();
    const all: CapacityProvider[] = [
      ...FARGATE_CAPACITY_PROVIDERS.map((name) => this.#builtIn(name)),
      ...own
        .filter((record) => record.status === 'ACTIVE')
        .map((record) => this.toCapacityProvider(record)),
    ];
    if (wanted === undefined || wanted.length === 0)
      return { capacityProviders: all, failures: [] };
    const byName = new Map([
      ...all.map((provider) => [provider.name ?? '', provider] as const),
      ...own.map((record) => [record.name, this.toCapacityProvider(record)] as const),
    ]);
    const capacityProviders: CapacityProvider[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const reference of wanted) {
      const found = byName.get(nameFrom(reference));
      if (found) capacityProviders.push(found);
      else {
        failures.push({
          arn: reference.startsWith('arn:')
            ? reference
            : capacityProviderArn(this.#deps.arns, reference),
          reason: 'MISSING',
        });
      }
    }
    return { capacityProviders, failures };
  }

  /** DeleteCapacityProvider: refused while a cluster still has it. */
  async delete(body: Record<string, unknown>): Promise<CapacityProvider> {
    const reference = optionalString(body.capacityProvider, 'capacityProvider');
    if (reference === undefined) {
      throw new InvalidParameterException('capacityProvider can not be blank.');
    }
    const name = nameFrom(reference);
    if (FARGATE_CAPACITY_PROVIDERS.includes(name)) {
      throw new InvalidParameterException(
        `The specified capacity provider ${name} is reserved and cannot be deleted.`,
      );
    }
    const record = await this.#deps.providers.get(name);
    if (record?.status !== 'ACTIVE') {
      throw new ClientException(
        'The specified capacity provider does not exist. Specify a valid name or ARN and try again.',
      );
    }
    const clusters = await this.#clustersWith(name);
    if (clusters.length > 0) {
      throw new ResourceInUseException(
        `The specified capacity provider is in use and cannot be removed. It is associated with the cluster ${clusters[0]}; remove it from the cluster with PutClusterCapacityProviders first.`,
      );
    }
    const deleted: CapacityProviderRecord = { ...record, status: 'INACTIVE' };
    await this.#deps.providers.save(deleted);
    return { ...this.toCapacityProvider(deleted), updateStatus: 'DELETE_COMPLETE' };
  }

  /**
   * PutClusterCapacityProviders: the cluster's providers and default
   * strategy, replaced whole. A provider taken off a cluster must have
   * nothing left there (ECS: ResourceInUseException).
   */
  async putClusterCapacityProviders(
    body: Record<string, unknown>,
    toCluster: (record: ClusterRecord) => Cluster,
  ): Promise<Cluster> {
    const name = clusterNameFrom(optionalString(body.cluster, 'cluster'));
    if (body.capacityProviders === undefined || body.capacityProviders === null) {
      throw new InvalidParameterException('capacityProviders can not be null.');
    }
    if (
      body.defaultCapacityProviderStrategy === undefined ||
      body.defaultCapacityProviderStrategy === null
    ) {
      throw new InvalidParameterException('defaultCapacityProviderStrategy can not be null.');
    }
    const providers = await this.readProviders(body.capacityProviders);
    const strategy = readClusterStrategy(body.defaultCapacityProviderStrategy, providers);
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
      const cluster = await this.#deps.clusters.get(name);
      if (cluster?.status !== 'ACTIVE') {
        throw new ClusterNotFoundException();
      }
      for (const removed of cluster.capacityProviders.filter((p) => !providers.includes(p))) {
        if (await this.#deps.inUse(name, removed)) {
          throw new ResourceInUseException(
            `The specified capacity provider ${removed} is in use and cannot be removed.`,
          );
        }
      }
      if (
        await this.#deps.clusters.saveCapacityProviders(name, providers, strategy, cluster.version)
      ) {
        return toCluster({
          ...cluster,
          capacityProviders: providers,
          defaultCapacityProviderStrategy: strategy,
          version: cluster.version + 1,
        });
      }
    }
    throw new ClientException('Too many concurrent changes to the cluster; try again.');
  }

  /**
   * A cluster's `capacityProviders`: Fargate's and the user's own ACTIVE
   * ones, unique, at most 10 (CreateCluster uses it too).
   */
  async readProviders(value: unknown): Promise<string[]> {
    const providers = optionalStringList(value, 'capacityProviders') ?? [];
    if (new Set(providers).size !== providers.length) {
      throw new InvalidParameterException('The capacity providers specified must be unique.');
    }
    if (providers.length > MAX_PROVIDERS_PER_CLUSTER) {
      throw new InvalidParameterException(
        `A cluster can have at most ${MAX_PROVIDERS_PER_CLUSTER} capacity providers.`,
      );
    }
    for (const provider of providers) {
      if (FARGATE_CAPACITY_PROVIDERS.includes(provider)) continue;
      const record = await this.#deps.providers.get(nameFrom(provider));
      if (record?.status !== 'ACTIVE') {
        throw new InvalidParameterException(
          `The specified capacity provider ${provider} does not exist. Specify a valid capacity provider and try again.`,
        );
      }
    }
    return providers.map(nameFrom);
  }

  toCapacityProvider(record: CapacityProviderRecord): CapacityProvider {
    return {
      capacityProviderArn: capacityProviderArn(this.#deps.arns, record.name),
      name: record.name,
      status: record.status,
      autoScalingGroupProvider: autoScalingGroupProviderOf(record),
      tags: record.tags,
    };
  }

  #builtIn(name: string): CapacityProvider {
    return {
      capacityProviderArn: capacityProviderArn(this.#deps.arns, name),
      name,
      status: 'ACTIVE',
      tags: [],
    };
  }

  async #clustersWith(provider: string): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#deps.clusters.listActive({ maxResults: 100, nextToken });
      const records = await this.#deps.clusters.getMany(page.items);
      names.push(
        ...records
          .filter((record) => record.capacityProviders.includes(provider))
          .map((record) => record.name),
      );
      nextToken = page.nextToken;
    } while (nextToken);
    return names;
  }
}

/** A default strategy may name only the cluster's providers, and not mix Fargate with pools. */
const readClusterStrategy = (
  value: unknown,
  providers: readonly string[],
): CapacityProviderStrategyItem[] => {
  const strategy =
    readStrategyItems(value, 'defaultCapacityProviderStrategy', (capacityProvider) => {
      if (capacityProvider === undefined || !providers.includes(capacityProvider)) {
        throw new InvalidParameterException(
          `The capacity provider strategy references ${capacityProvider ?? 'no capacity provider'}, which is not associated with the cluster.`,
        );
      }
      return capacityProvider;
    }) ?? [];
  refuseMixedStrategy(strategy);
  return strategy;
};

export type { CapacityProviderServiceDependencies };
export { CapacityProviderService, capacityProviderArn, readClusterStrategy };
