import type { LoadBalancer, Tag } from '@aws-sdk/client-ecs';

/**
 * A service as Berth keeps it: what the user asked for (desired count, task
 * definition, deployment bounds, placement), the deployments that carry it
 * out, and what the scheduler last saw and said.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html
 */

const SERVICE_STATUS = { active: 'ACTIVE', draining: 'DRAINING', inactive: 'INACTIVE' } as const;
type ServiceStatus = (typeof SERVICE_STATUS)[keyof typeof SERVICE_STATUS];

type SchedulingStrategy = 'REPLICA' | 'DAEMON';
type DeploymentStatus = 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** What a deployment launches: the task definition and how its tasks are started. */
interface ServiceLaunch {
  readonly family: string;
  readonly revision: number;
  readonly launchType?: 'EC2' | 'FARGATE' | 'EXTERNAL' | undefined;
  readonly capacityProviderStrategy?:
    | { capacityProvider: string; weight?: number | undefined; base?: number | undefined }[]
    | undefined;
  readonly platformVersion?: string | undefined;
  /** As the user gave it (validated by RunTask's own reader when tasks launch). */
  readonly networkConfiguration?: Record<string, unknown> | undefined;
  readonly placementConstraints: { type: string; expression?: string | undefined }[];
  readonly placementStrategy: { type: string; field?: string | undefined }[];
}

interface DeploymentRecord extends ServiceLaunch {
  /** `ecs-svc/` and 19 digits, as ECS names them; service tasks carry it as `startedBy`. */
  readonly id: string;
  readonly status: DeploymentStatus;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  /** Tasks of this deployment that stopped before they ever ran (the circuit breaker's count). */
  readonly failedTasks: number;
  readonly rolloutState: RolloutState;
  readonly rolloutStateReason: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

interface DeploymentConfigurationRecord {
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  readonly circuitBreaker: { readonly enable: boolean; readonly rollback: boolean };
}

interface ServiceEventRecord {
  readonly id: string;
  readonly createdAt: number;
  readonly message: string;
}

interface ServiceRecord {
  readonly cluster: string;
  readonly name: string;
  readonly status: ServiceStatus;
  readonly schedulingStrategy: SchedulingStrategy;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly deploymentConfiguration: DeploymentConfigurationRecord;
  /** PRIMARY first, then the ACTIVE ones still draining; INACTIVE ones are dropped. */
  readonly deployments: DeploymentRecord[];
  /** The launch of the last deployment that COMPLETED: where a circuit breaker rolls back to. */
  readonly lastCompleted?: (ServiceLaunch & { readonly deploymentId: string }) | undefined;
  readonly loadBalancers: LoadBalancer[];
  readonly healthCheckGracePeriodSeconds?: number | undefined;
  readonly propagateTags: 'TASK_DEFINITION' | 'SERVICE' | 'NONE';
  readonly enableECSManagedTags: boolean;
  readonly tags: Tag[];
  readonly clientToken?: string | undefined;
  /** Newest first, at most 100 (ECS keeps as many). */
  readonly events: ServiceEventRecord[];
  /** Whether the scheduler last found the service at its desired state (to say so once). */
  readonly steady: boolean;
  /**
   * Tasks the scheduler launched in the last minute: a read of the tasks'
   * index may not show them yet (a DynamoDB GSI lags its writes), so the
   * scheduler reads these by key too and never launches them twice.
   */
  readonly recentLaunches?: { readonly id: string; readonly at: number }[] | undefined;
  readonly createdAt: number;
  readonly version: number;
}

/** What the scheduler needs to know of each of a service's tasks. */
interface ServiceTask {
  readonly id: string;
  /** The deployment that started it (`startedBy`). */
  readonly deploymentId: string | undefined;
  readonly lastStatus: string;
  readonly desiredStatus: 'RUNNING' | 'STOPPED';
  readonly startedAt?: number | undefined;
  readonly stoppedAt?: number | undefined;
  readonly containerInstanceId?: string | undefined;
  readonly availabilityZone?: string | undefined;
  /**
   * Its instance: ACTIVE, DRAINING (its tasks are replaced within the
   * deployment's bounds), or LOST (deregistered: the task is replaced and
   * no longer counts). Tasks without an instance of the user's are ACTIVE.
   */
  readonly instance: 'ACTIVE' | 'DRAINING' | 'LOST';
}

/** ECS's defaults for REPLICA services without a deployment configuration. */
const DEFAULT_DEPLOYMENT_CONFIGURATION: DeploymentConfigurationRecord = {
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  circuitBreaker: { enable: false, rollback: false },
};

/** How many events a service keeps, newest first. */
const MAX_SERVICE_EVENTS = 100;

const groupOf = (serviceName: string): string => `service:${serviceName}`;

/** The service a task belongs to, from its `group` (`service:NAME`). */
const serviceNameOfGroup = (group: string | undefined): string | undefined =>
  group?.startsWith('service:') ? group.slice('service:'.length) : undefined;

export type {
  DeploymentConfigurationRecord,
  DeploymentRecord,
  DeploymentStatus,
  RolloutState,
  SchedulingStrategy,
  ServiceEventRecord,
  ServiceLaunch,
  ServiceRecord,
  ServiceStatus,
  ServiceTask,
};
export {
  DEFAULT_DEPLOYMENT_CONFIGURATION,
  groupOf,
  MAX_SERVICE_EVENTS,
  SERVICE_STATUS,
  serviceNameOfGroup,
};
