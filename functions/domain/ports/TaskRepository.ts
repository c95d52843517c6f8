import type { ContainerInstanceRecord, Page, PageRequest } from '../model';
import type { TaskRecord, TaskStatus } from '../tasks/model';

/** What one instance gives to the tasks placed on it in one request. */
interface InstanceReservation {
  readonly instanceId: string;
  readonly cpu: number;
  readonly memory: number;
  readonly ports: string[];
  /** Task group → how many of the new tasks belong to it. */
  readonly groups: Record<string, number>;
  readonly tasks: number;
}

type CreateTasksResult =
  | { readonly outcome: 'created' }
  /** An instance no longer had room (or was no longer ACTIVE); placement must look again. */
  | { readonly outcome: 'instances-changed'; readonly instanceIds: string[] }
  | { readonly outcome: 'cluster-not-active' }
  /** The clientToken was used first by another request. */
  | { readonly outcome: 'token-taken' }
  /** The cluster already has `pendingLimit` tasks waiting (the PROVISIONING quota). */
  | { readonly outcome: 'pending-quota' };

interface ListTasksQuery extends PageRequest {
  readonly containerInstanceId?: string | undefined;
  readonly family?: string | undefined;
  readonly startedBy?: string | undefined;
  readonly desiredStatus: 'RUNNING' | 'STOPPED';
}

/** A change to one task, applied only if the task is still at `expectedVersion`. */
interface TaskChange {
  readonly task: TaskRecord;
  readonly next: TaskRecord;
}

/** An address of a subnet, held by one task (`<cluster>/<taskId>`). */
interface AddressLease {
  readonly subnetId: string;
  readonly address: string;
  readonly owner: string;
}

type AttachAddressResult = 'attached' | 'address-taken' | 'task-changed';

interface TaskRepository {
  /**
   * Creates tasks and takes their reservations in one transaction: every
   * instance update is conditional on the room still being there, so that
   * no interleaving of requests can oversubscribe an instance, and no crash
   * can leave a reservation without its task or a task without its
   * reservation.
   */
  create(
    cluster: string,
    tasks: TaskRecord[],
    reservations: InstanceReservation[],
    clientToken?: { token: string; fingerprint: string; expiresAt: number },
    /** When given, the cluster's waiting tasks may not exceed it, these included. */
    pendingLimit?: number,
  ): Promise<CreateTasksResult>;
  /** The tasks a clientToken created, with the fingerprint of the request that used it. */
  getClientToken(
    cluster: string,
    token: string,
  ): Promise<{ fingerprint: string; taskIds: string[] } | undefined>;
  get(cluster: string, id: string): Promise<TaskRecord | undefined>;
  getMany(cluster: string, ids: readonly string[]): Promise<TaskRecord[]>;
  list(cluster: string, query: ListTasksQuery): Promise<Page<string>>;
  /** Live tasks of one instance (not STOPPED, or desired RUNNING): the agent's resync. */
  listForInstance(cluster: string, instanceId: string): Promise<TaskRecord[]>;
  /** Every task of a service (group `service:<name>`), stopped ones included until they expire. */
  listForService(cluster: string, serviceName: string): Promise<TaskRecord[]>;
  /** Tasks that are not STOPPED, for the sweeper. */
  listUnsettled(): Promise<TaskRecord[]>;
  /**
   * Applies a change if nobody changed the task since it was read; keeps the
   * pending/running counts of its instance and cluster right, and gives the
   * reservation back when the task reaches STOPPED. False on a lost race.
   * `expiresAt` (epoch ms) is when a STOPPED task may be forgotten.
   */
  apply(change: TaskChange, expiresAt?: number): Promise<boolean>;
  /**
   * Takes `lease.address` for the task and applies the change (which records
   * it on the task) in one transaction: two tasks never hold one address, and
   * no crash leaves an address held by a task that does not know it. Taking
   * an address the same owner holds already succeeds (a retried step).
   */
  attachAddress(change: TaskChange, lease: AddressLease): Promise<AttachAddressResult>;
  /** Gives an address back, if `owner` still holds it. */
  releaseAddress(lease: AddressLease): Promise<void>;
  /** The addresses of a subnet that some task holds. */
  heldAddresses(subnetId: string): Promise<string[]>;
  /**
   * Creates the hidden container instance of a FARGATE task's own host
   * (already holding the task's reservation) and applies the change that
   * puts the task on it, in one transaction. False on a lost race.
   */
  bindManagedInstance(change: TaskChange, instance: ContainerInstanceRecord): Promise<boolean>;
}

export type {
  AddressLease,
  AttachAddressResult,
  CreateTasksResult,
  InstanceReservation,
  ListTasksQuery,
  TaskChange,
  TaskRepository,
  TaskStatus,
};
