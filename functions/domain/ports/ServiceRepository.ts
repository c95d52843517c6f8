import type { Page, PageRequest } from '../model';
import type { ServiceRecord } from '../services/model';

type CreateServiceResult =
  | { readonly outcome: 'created' }
  /** An ACTIVE or DRAINING service of that name exists (as it stands). */
  | { readonly outcome: 'exists'; readonly service: ServiceRecord }
  | { readonly outcome: 'cluster-not-active' }
  /** The cluster has `limit` live services already. */
  | { readonly outcome: 'quota-reached' }
  /** Other writes to the cluster kept winning: the caller may try again. */
  | { readonly outcome: 'contended' };

interface ListServicesQuery extends PageRequest {
  readonly launchType?: string | undefined;
  readonly schedulingStrategy?: string | undefined;
}

/**
 * Services, and the lease that lets one scheduler at a time act on a
 * service: a wake-up that finds the lease held leaves a mark instead, and
 * the holder runs once more before letting go, so no wake-up is lost and no
 * two schedulers launch for the same service at once.
 */
interface ServiceRepository {
  /** Stores a new service and counts it in its cluster's `activeServicesCount`, atomically. */
  create(service: ServiceRecord, limit: number): Promise<CreateServiceResult>;
  get(cluster: string, name: string): Promise<ServiceRecord | undefined>;
  getMany(cluster: string, names: readonly string[]): Promise<ServiceRecord[]>;
  /** Names of the cluster's ACTIVE services, in name order. */
  list(cluster: string, query: ListServicesQuery): Promise<Page<string>>;
  /**
   * Writes `next` if the service is still at the version of `read` (the
   * service as the caller read it); false otherwise. Leaving ACTIVE uncounts
   * it from the cluster in the same transaction.
   */
  save(next: ServiceRecord, read: ServiceRecord): Promise<boolean>;
  /** Every ACTIVE or DRAINING service, across clusters (the sweep) or of one cluster. */
  listLive(cluster?: string): Promise<{ cluster: string; name: string }[]>;
  /** Takes the service's lease until `until` if nobody holds it (or it expired at `now`). */
  tryLease(
    cluster: string,
    name: string,
    owner: string,
    until: number,
    now: number,
  ): Promise<'acquired' | 'held' | 'missing'>;
  /** Asks the lease's holder to run once more; false when no live lease was there to mark. */
  markWake(cluster: string, name: string, now: number): Promise<boolean>;
  /** Lets the lease go, unless a wake-up was marked: then clears the mark and says `again`. */
  releaseLease(cluster: string, name: string, owner: string): Promise<'released' | 'again'>;
  /** Keeps the lease until `until`; false when it is no longer the owner's. */
  renewLease(cluster: string, name: string, owner: string, until: number): Promise<boolean>;
  /** Lets the lease go whatever was marked (the caller hands the work over). */
  dropLease(cluster: string, name: string, owner: string): Promise<void>;
}

export type { CreateServiceResult, ListServicesQuery, ServiceRepository };
