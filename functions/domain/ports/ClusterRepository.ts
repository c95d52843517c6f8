import type { CapacityProviderStrategyItem, Tag } from '@aws-sdk/client-ecs';
import type { ClusterRecord, Page, PageRequest } from '../model';

/** Why a cluster could not be deactivated. */
type DeactivateClusterResult =
  | { readonly outcome: 'deactivated'; readonly cluster: ClusterRecord }
  | { readonly outcome: 'not-found' }
  /** Something still lives in it; `cluster` is the record as it stood, to say what. */
  | { readonly outcome: 'not-empty'; readonly cluster: ClusterRecord };

interface ClusterRepository {
  /**
   * Stores a new ACTIVE cluster. When an ACTIVE cluster of that name exists it
   * is returned unchanged (CreateCluster is idempotent by name); an INACTIVE
   * one is replaced.
   */
  create(cluster: ClusterRecord): Promise<ClusterRecord>;
  get(name: string): Promise<ClusterRecord | undefined>;
  getMany(names: readonly string[]): Promise<ClusterRecord[]>;
  /** Names of ACTIVE clusters, in name order. */
  listActive(page: PageRequest): Promise<Page<string>>;
  /** Marks the cluster INACTIVE, atomically with checking that all its counts are zero. */
  deactivate(name: string): Promise<DeactivateClusterResult>;
  /** Writes the tags if the record is still at `expectedVersion`; false when someone wrote first. */
  saveTags(name: string, tags: Tag[], expectedVersion: number): Promise<boolean>;
  /** PutClusterCapacityProviders: the providers and default strategy, if still at `expectedVersion`. */
  saveCapacityProviders(
    name: string,
    capacityProviders: string[],
    defaultCapacityProviderStrategy: CapacityProviderStrategyItem[],
    expectedVersion: number,
  ): Promise<boolean>;
}

export type { ClusterRepository, DeactivateClusterResult };
