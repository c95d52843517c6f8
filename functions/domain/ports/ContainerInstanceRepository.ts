import type { ContainerInstanceRecord, Page, PageRequest } from '../model';

type RegisterInstanceResult =
  | { readonly outcome: 'registered'; readonly instance: ContainerInstanceRecord }
  | { readonly outcome: 'cluster-not-active' }
  /** The cluster has `limit` registered instances already. */
  | { readonly outcome: 'quota-reached' };

interface ContainerInstanceRepository {
  /**
   * Stores a new instance and counts it on its cluster, in one transaction
   * that also checks the cluster is ACTIVE.
   */
  register(instance: ContainerInstanceRecord, limit: number): Promise<RegisterInstanceResult>;
  /**
   * Re-registration by the same agent: new totals and attributes, keeping
   * what its tasks hold reserved. Undefined when the instance is unknown or
   * INACTIVE.
   */
  reRegister(
    cluster: string,
    id: string,
    update: Pick<
      ContainerInstanceRecord,
      'totalCpu' | 'totalMemory' | 'hostPorts' | 'attributes' | 'versionInfo'
    >,
    at: number,
  ): Promise<ContainerInstanceRecord | undefined>;
  get(cluster: string, id: string): Promise<ContainerInstanceRecord | undefined>;
  getMany(cluster: string, ids: readonly string[]): Promise<ContainerInstanceRecord[]>;
  /** Every instance of a cluster that is not INACTIVE (placement's view). */
  listLive(cluster: string): Promise<ContainerInstanceRecord[]>;
  list(cluster: string, page: PageRequest): Promise<Page<ContainerInstanceRecord>>;
  /** Sets the status; ACTIVE ↔ DRAINING only while the instance is not INACTIVE. */
  setStatus(
    cluster: string,
    id: string,
    status: 'ACTIVE' | 'DRAINING',
  ): Promise<ContainerInstanceRecord | undefined>;
  /**
   * Marks the instance INACTIVE and uncounts it from its cluster, if it holds
   * no tasks or `force` is set. `busy` when tasks remain and not forced.
   */
  deregister(
    cluster: string,
    id: string,
    force: boolean,
  ): Promise<
    | { outcome: 'deregistered'; instance: ContainerInstanceRecord }
    | { outcome: 'busy' }
    | { outcome: 'not-found' }
  >;
  /** Replaces the attributes map if the record is still at `expectedVersion`. */
  saveAttributes(
    cluster: string,
    id: string,
    attributes: Record<string, string | null>,
    expectedVersion: number,
  ): Promise<boolean>;
  /**
   * The agent opened a socket: records it and when, as a new version of the
   * instance. Undefined when the instance is unknown or INACTIVE.
   */
  connect(
    cluster: string,
    id: string,
    connectionId: string,
    at: number,
  ): Promise<ContainerInstanceRecord | undefined>;
  /**
   * The agent's socket `connectionId` is gone: forgets it, as a new version of
   * the instance. With `silentBefore`, only if the agent was last heard from
   * before then. Undefined when nothing changed (a newer socket replaced it,
   * it was already forgotten, or the agent spoke since).
   */
  disconnect(
    cluster: string,
    id: string,
    connectionId: string,
    silentBefore?: number,
  ): Promise<ContainerInstanceRecord | undefined>;
  /** Instances of every cluster holding an agent socket, last heard from before `before`. */
  listSilentAgents(before: number): Promise<ContainerInstanceRecord[]>;
  /**
   * The agent was heard from on the socket the instance holds (no new
   * version: nothing a user sees changed). False when the instance holds no
   * socket or another one.
   */
  recordHeartbeat(cluster: string, id: string, connectionId: string, at: number): Promise<boolean>;
  /** Removes a managed (FARGATE) instance once its task has stopped. Idempotent. */
  deleteManaged(cluster: string, id: string): Promise<void>;
  /** Remembers which instance a WebSocket connection belongs to. */
  saveConnection(connectionId: string, cluster: string, id: string, at: number): Promise<void>;
  findConnection(connectionId: string): Promise<{ cluster: string; id: string } | undefined>;
}

export type { ContainerInstanceRepository, RegisterInstanceResult };
