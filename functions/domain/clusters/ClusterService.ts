import type {
  Cluster,
  ClusterConfiguration,
  ClusterServiceConnectDefaults,
  ClusterSetting,
  Failure,
} from '@aws-sdk/client-ecs';
import { type ArnContext, clusterArn, clusterNameFrom, NAME_PATTERN } from '../arns';
import { readClusterStrategy } from '../capacity/CapacityProviderService';
import { FARGATE_CAPACITY_PROVIDERS } from '../capacityProviders';
import {
  ClusterContainsContainerInstancesException,
  ClusterContainsServicesException,
  ClusterContainsTasksException,
  ClusterNotFoundException,
  InvalidParameterException,
} from '../errors';
import { CLUSTER_STATUS, type ClusterRecord, type Page, type PageRequest } from '../model';
import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import { validateTags } from '../taskDefinitions/validation';
import {
  optionalEnum,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
} from '../validation/shape';
import { requireActiveCluster } from './requireActiveCluster';

/**
 * Clusters: create, describe, list, delete.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html
 */

const CLUSTER_INCLUDE = [
  'ATTACHMENTS',
  'CONFIGURATIONS',
  'SETTINGS',
  'STATISTICS',
  'TAGS',
] as const;
type ClusterInclude = (typeof CLUSTER_INCLUDE)[number];

interface ClusterServiceDependencies {
  readonly clusters: ClusterRepository;
  readonly clock: Clock;
  readonly arns: ArnContext;
  /**
   * Reads `capacityProviders`, knowing the user's own providers
   * (CapacityProviderService.readProviders); Fargate's two only when absent.
   */
  readonly readCapacityProviders?: (value: unknown) => Promise<string[]>;
}

const readSettings = (value: unknown): ClusterSetting[] => {
  const settings = optionalObjectList(value, 'settings');
  // ECS reports Container Insights as disabled unless asked for.
  if (settings === undefined) return [{ name: 'containerInsights', value: 'disabled' }];
  return settings.map((setting, index) => {
    const name = optionalEnum(setting.name, `settings[${index}].name`, ['containerInsights']);
    const settingValue = optionalEnum(setting.value, `settings[${index}].value`, [
      'enabled',
      'disabled',
      'enhanced',
    ]);
    if (name === undefined || settingValue === undefined) {
      throw new InvalidParameterException('Cluster settings need both a name and a value.');
    }
    return { name, value: settingValue };
  });
};

const readCapacityProviders = (value: unknown): string[] => {
  const providers = optionalStringList(value, 'capacityProviders') ?? [];
  for (const provider of providers) {
    if (!FARGATE_CAPACITY_PROVIDERS.includes(provider)) {
      throw new InvalidParameterException(
        `The specified capacity provider ${provider} does not exist. Specify a valid capacity provider and try again.`,
      );
    }
  }
  if (new Set(providers).size !== providers.length) {
    throw new InvalidParameterException('The capacity providers specified must be unique.');
  }
  return providers;
};

class ClusterService {
  readonly #deps: ClusterServiceDependencies;

  constructor(deps: ClusterServiceDependencies) {
    this.#deps = deps;
  }

  /** CreateCluster: idempotent by name while the cluster is ACTIVE. */
  async create(body: Record<string, unknown>): Promise<Cluster> {
    const name = optionalString(body.clusterName, 'clusterName') ?? 'default';
    if (!NAME_PATTERN.test(name)) {
      throw new InvalidParameterException(
        'Cluster name must be 1-255 characters: letters (upper and lower case), numbers, hyphens and underscores.',
      );
    }
    const capacityProviders = this.#deps.readCapacityProviders
      ? await this.#deps.readCapacityProviders(body.capacityProviders)
      : readCapacityProviders(body.capacityProviders);
    const record: ClusterRecord = {
      name,
      status: CLUSTER_STATUS.active,
      createdAt: this.#deps.clock.now(),
      tags: validateTags(body.tags, 'tags'),
      settings: readSettings(body.settings),
      configuration: optionalObject(body.configuration, 'configuration') as
        | ClusterConfiguration
        | undefined,
      serviceConnectDefaults: this.#readServiceConnectDefaults(body.serviceConnectDefaults),
      capacityProviders,
      defaultCapacityProviderStrategy: readClusterStrategy(
        body.defaultCapacityProviderStrategy,
        capacityProviders,
      ),
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      version: 1,
    };
    const stored = await this.#deps.clusters.create(record);
    return this.toCluster(stored, new Set(CLUSTER_INCLUDE));
  }

  /** DescribeClusters: unknown names come back as MISSING failures; none given means `default`. */
  async describe(
    body: Record<string, unknown>,
  ): Promise<{ clusters: Cluster[]; failures: Failure[] }> {
    const references = optionalStringList(body.clusters, 'clusters') ?? [];
    if (references.length > 100) {
      throw new InvalidParameterException('clusters can have at most 100 items.');
    }
    const include = new Set(optionalStringList(body.include, 'include') ?? []);
    for (const item of include) {
      optionalEnum(item, 'include', CLUSTER_INCLUDE);
    }
    const wanted = (references.length === 0 ? ['default'] : references).map((reference) => ({
      reference,
      name: clusterNameFrom(reference),
    }));
    const found = await this.#deps.clusters.getMany([...new Set(wanted.map((w) => w.name))]);
    const byName = new Map(found.map((cluster) => [cluster.name, cluster]));
    const clusters: Cluster[] = [];
    const failures: Failure[] = [];
    for (const { reference, name } of wanted) {
      const record = byName.get(name);
      if (record) {
        clusters.push(this.toCluster(record, include as Set<ClusterInclude>));
      } else {
        const arn = reference.startsWith('arn:') ? reference : clusterArn(this.#deps.arns, name);
        failures.push({ arn, reason: 'MISSING' });
      }
    }
    return { clusters, failures };
  }

  /** ListClusters: ARNs of ACTIVE clusters. */
  async list(page: PageRequest): Promise<Page<string>> {
    const names = await this.#deps.clusters.listActive(page);
    return { ...names, items: names.items.map((name) => clusterArn(this.#deps.arns, name)) };
  }

  /** DeleteCluster: refuses while services, instances or tasks remain; the cluster becomes INACTIVE. */
  async delete(reference: string): Promise<Cluster> {
    const name = clusterNameFrom(reference);
    const result = await this.#deps.clusters.deactivate(name);
    if (result.outcome === 'not-found') throw new ClusterNotFoundException();
    if (result.outcome === 'not-empty') {
      const { cluster } = result;
      if (cluster.registeredContainerInstancesCount > 0) {
        throw new ClusterContainsContainerInstancesException();
      }
      if (cluster.activeServicesCount > 0) throw new ClusterContainsServicesException();
      throw new ClusterContainsTasksException();
    }
    return this.toCluster(result.cluster, new Set(CLUSTER_INCLUDE));
  }

  /** The ACTIVE cluster a request names, or ClusterNotFoundException. */
  requireActive(reference: string | undefined): Promise<ClusterRecord> {
    return requireActiveCluster(this.#deps.clusters, reference);
  }

  toCluster(record: ClusterRecord, include: ReadonlySet<ClusterInclude>): Cluster {
    return {
      clusterArn: clusterArn(this.#deps.arns, record.name),
      clusterName: record.name,
      status: record.status,
      registeredContainerInstancesCount: record.registeredContainerInstancesCount,
      runningTasksCount: record.runningTasksCount,
      pendingTasksCount: record.pendingTasksCount,
      activeServicesCount: record.activeServicesCount,
      statistics: [],
      ...(include.has('TAGS') ? { tags: record.tags } : {}),
      ...(include.has('SETTINGS') ? { settings: record.settings } : {}),
      ...(include.has('CONFIGURATIONS') && record.configuration
        ? { configuration: record.configuration }
        : {}),
      ...(record.serviceConnectDefaults
        ? { serviceConnectDefaults: record.serviceConnectDefaults }
        : {}),
      capacityProviders: record.capacityProviders,
      defaultCapacityProviderStrategy: record.defaultCapacityProviderStrategy,
    };
  }

  #readServiceConnectDefaults(value: unknown): ClusterServiceConnectDefaults | undefined {
    const defaults = optionalObject(value, 'serviceConnectDefaults');
    if (defaults === undefined) return undefined;
    const namespace = optionalString(defaults.namespace, 'serviceConnectDefaults.namespace');
    if (namespace === undefined) {
      throw new InvalidParameterException('serviceConnectDefaults.namespace can not be blank.');
    }
    return {
      namespace: namespace.startsWith('arn:')
        ? namespace
        : `arn:aws:servicediscovery:${this.#deps.arns.region}:${this.#deps.arns.accountId}:namespace/${namespace}`,
    };
  }
}

export type { ClusterInclude, ClusterServiceDependencies };
export { CLUSTER_INCLUDE, ClusterService };
