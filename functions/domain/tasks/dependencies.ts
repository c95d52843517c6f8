import type { ArnContext } from '../arns';
import type { ContainerInstanceRecord, TaskDefinitionRecord } from '../model';
import type { Subnet } from '../network/subnets';
import type { AgentNotifier } from '../ports/AgentNotifier';
import type { CapacityProvisioner } from '../ports/CapacityProvisioner';
import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import type { ContainerInstanceRepository } from '../ports/ContainerInstanceRepository';
import type { EcsEvent, EventPublisher } from '../ports/EventPublisher';
import type { ServiceRepository } from '../ports/ServiceRepository';
import type { ServiceWaker } from '../ports/ServiceWaker';
import type { TaskRepository } from '../ports/TaskRepository';
import type { WorkflowStarter } from '../ports/WorkflowStarter';
import type { TaskRecord } from './model';

/** What placement is asked, and what it answers (the placement engine behind it). */
interface PlacementAsk {
  readonly count: number;
  readonly cpu: number;
  readonly memory: number;
  readonly ports: string[];
  readonly group: string;
  readonly constraints: { type: string; expression?: string | undefined }[];
  readonly strategies: { type: string; field?: string | undefined }[];
}
type Placer = (
  instances: readonly ContainerInstanceRecord[],
  ask: PlacementAsk,
) => { placements: { instanceId: string }[]; failures: { instanceId?: string; reason: string }[] };

interface TaskServiceDependencies {
  readonly clusters: ClusterRepository;
  readonly instances: ContainerInstanceRepository;
  readonly tasks: TaskRepository;
  readonly resolveTaskDefinition: (reference: string) => Promise<TaskDefinitionRecord>;
  readonly place: Placer;
  readonly agents: AgentNotifier;
  readonly events: EventPublisher;
  /** The `ECS Container Instance State Change` events of instances as they now stand (none for hidden ones). */
  readonly instanceChangeEvents: (instances: readonly ContainerInstanceRecord[]) => EcsEvent[];
  /** A push found the agent's socket gone: the instance is disconnected (and says so). */
  readonly agentLost: (
    connectionId: string,
    owner: { cluster: string; id: string },
  ) => Promise<void>;
  readonly workflows: WorkflowStarter;
  /** Brings up and takes down FARGATE tasks' own hosts. */
  readonly capacity: CapacityProvisioner;
  /** Services, for ListTasks `serviceName`. */
  readonly services: Pick<ServiceRepository, 'get'>;
  /** Tells a service's scheduler that one of its tasks reached RUNNING or STOPPED. */
  readonly serviceWaker: ServiceWaker;
  /** After every transition: FARGATE tasks' usage records (metering). */
  readonly meterUsage: (current: TaskRecord, next: TaskRecord) => Promise<void>;
  /** The subnets awsvpc tasks take addresses from. */
  readonly subnets: readonly Subnet[];
  readonly clock: Clock;
  readonly arns: ArnContext;
  readonly settings: {
    /** A task that has not reached RUNNING this long after creation fails to start. */
    readonly startTimeoutSeconds: number;
    /** Kept describable this long after STOPPED (ECS: at least an hour). */
    readonly stoppedRetentionSeconds: number;
    /**
     * ECS's quota of tasks in PROVISIONING per cluster (300): a FARGATE launch
     * that would take the cluster's waiting tasks past it is refused.
     */
    readonly provisioningTasksPerCluster?: number;
  };
}

export type { PlacementAsk, Placer, TaskServiceDependencies };
