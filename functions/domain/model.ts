import type {
  CapacityProviderStrategyItem,
  ClusterConfiguration,
  ClusterServiceConnectDefaults,
  ClusterSetting,
  Tag,
  TaskDefinition,
} from '@aws-sdk/client-ecs';

/**
 * The records Berth keeps. They hold what the ECS shapes need, with times as
 * epoch milliseconds; the API layer turns them into ECS shapes.
 *
 * Every record carries `version`, bumped on each write, so that
 * read-modify-write updates (tags, …) can be made conditional on nobody
 * having written in between.
 */

const CLUSTER_STATUS = { active: 'ACTIVE', inactive: 'INACTIVE' } as const;
type ClusterStatus = (typeof CLUSTER_STATUS)[keyof typeof CLUSTER_STATUS];

/** What keeps a cluster from being deleted; maintained by the operations that add or remove them. */
interface ClusterCounts {
  readonly registeredContainerInstancesCount: number;
  readonly runningTasksCount: number;
  readonly pendingTasksCount: number;
  readonly activeServicesCount: number;
}

interface ClusterRecord extends ClusterCounts {
  readonly name: string;
  readonly status: ClusterStatus;
  readonly createdAt: number;
  readonly tags: Tag[];
  readonly settings: ClusterSetting[];
  readonly configuration?: ClusterConfiguration | undefined;
  readonly serviceConnectDefaults?: ClusterServiceConnectDefaults | undefined;
  readonly capacityProviders: string[];
  readonly defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
  readonly version: number;
}

const TASK_DEFINITION_STATUS = {
  active: 'ACTIVE',
  inactive: 'INACTIVE',
  deleteInProgress: 'DELETE_IN_PROGRESS',
} as const;
type TaskDefinitionStatus = (typeof TASK_DEFINITION_STATUS)[keyof typeof TASK_DEFINITION_STATUS];

/** The parts of a task definition that the caller chose (validated and normalised). */
type TaskDefinitionBody = Omit<
  TaskDefinition,
  | 'taskDefinitionArn'
  | 'revision'
  | 'status'
  | 'registeredAt'
  | 'registeredBy'
  | 'deregisteredAt'
  | 'family'
>;

interface TaskDefinitionRecord {
  readonly family: string;
  readonly revision: number;
  readonly status: TaskDefinitionStatus;
  readonly registeredAt: number;
  readonly deregisteredAt?: number | undefined;
  /** When the status last changed; the sweeper uses it to find stuck deletions. */
  readonly statusChangedAt: number;
  readonly body: TaskDefinitionBody;
  readonly tags: Tag[];
  readonly version: number;
}

/** One per family: the revision counter that keeps numbering gapless, and how many revisions are ACTIVE. */
interface TaskDefinitionFamilyRecord {
  readonly family: string;
  readonly latestRevision: number;
  readonly activeRevisions: number;
}

interface PageRequest {
  readonly maxResults: number;
  readonly nextToken?: string | undefined;
}

interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string | undefined;
}

export type {
  ClusterCounts,
  ClusterRecord,
  ClusterStatus,
  Page,
  PageRequest,
  TaskDefinitionBody,
  TaskDefinitionFamilyRecord,
  TaskDefinitionRecord,
  TaskDefinitionStatus,
};
export { CLUSTER_STATUS, TASK_DEFINITION_STATUS };

/** Container instance statuses of the ECS API. */
const CONTAINER_INSTANCE_STATUS = {
  active: 'ACTIVE',
  draining: 'DRAINING',
  inactive: 'INACTIVE',
} as const;
type ContainerInstanceStatus =
  (typeof CONTAINER_INSTANCE_STATUS)[keyof typeof CONTAINER_INSTANCE_STATUS];

/**
 * A host that runs tasks. `remainingCpu`, `remainingMemory` and `usedPorts`
 * are what placement reads and what reservations change, always in
 * conditional writes, so that no interleaving can oversubscribe the host.
 */
interface ContainerInstanceRecord {
  readonly cluster: string;
  readonly id: string;
  readonly status: ContainerInstanceStatus;
  readonly registeredAt: number;
  readonly totalCpu: number;
  readonly totalMemory: number;
  /** Host ports (`tcp:22`, `udp:53`) the host itself uses, from registration. */
  readonly hostPorts: string[];
  readonly remainingCpu: number;
  readonly remainingMemory: number;
  /** Host ports in use: the host's own plus every reservation's (`tcp:80`). */
  readonly usedPorts: string[];
  /** Task group → number of this instance's live tasks in it (placement's spread and constraints). */
  readonly taskGroups: Record<string, number>;
  readonly runningTasksCount: number;
  readonly pendingTasksCount: number;
  /** Built-in (`ecs.*`) and custom attributes; a value may be absent. */
  readonly attributes: Record<string, string | null>;
  readonly versionInfo: { agentVersion?: string; agentHash?: string; dockerVersion?: string };
  readonly tags: Tag[];
  /** The agent's WebSocket connection, while it has one. */
  readonly connectionId?: string | undefined;
  /** When the agent was last heard from (connect, heartbeat, report). */
  readonly lastSeenAt: number;
  /**
   * Set on Berth-managed capacity (a FARGATE task's own host): the task it
   * was provisioned for. Such an instance is invisible to the API and to
   * placement, and goes when its task stops.
   */
  readonly managedFor?: string | undefined;
  /**
   * Set on the instances of a capacity provider's pool, which Berth starts
   * and stops itself (../capacity/): tasks launched on that provider are
   * placed on them only.
   */
  readonly capacityProviderName?: string | undefined;
  /**
   * The IAM user whose key registered the instance (its agent), when requests
   * are verified: only it (or the root) may act for the instance.
   */
  readonly registeredBy?: string | undefined;
  readonly version: number;
}

export type { ContainerInstanceRecord, ContainerInstanceStatus };
export { CONTAINER_INSTANCE_STATUS };
