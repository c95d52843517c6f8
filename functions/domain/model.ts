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
