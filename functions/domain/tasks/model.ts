import type {
  KeyValuePair,
  NetworkBinding,
  PortMapping,
  Tag,
  TaskOverride,
} from '@aws-sdk/client-ecs';

/**
 * Tasks as Berth keeps them. The lifecycle follows ECS:
 *
 *   PROVISIONING → PENDING → RUNNING → STOPPING → DEPROVISIONING → STOPPED
 *
 * with `desiredStatus` RUNNING until someone (StopTask, an essential
 * container, a failed start) wants it STOPPED. A task only moves forward;
 * `version` grows with every change and orders the events.
 */

const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
] as const;
type TaskStatus = (typeof TASK_STATUSES)[number];

const statusRank = (status: TaskStatus): number => TASK_STATUSES.indexOf(status);

/** Which of ECS's two counters a task in this status counts towards, if any. */
const countedAs = (status: TaskStatus): 'pending' | 'running' | undefined => {
  const rank = statusRank(status);
  if (rank < statusRank('RUNNING')) return 'pending';
  if (rank < statusRank('STOPPED')) return 'running';
  return undefined;
};

interface TaskContainerRecord {
  readonly name: string;
  readonly id: string;
  readonly image: string;
  readonly lastStatus: TaskStatus;
  readonly exitCode?: number | undefined;
  readonly reason?: string | undefined;
  readonly runtimeId?: string | undefined;
  readonly essential: boolean;
  readonly cpu: number;
  readonly memory?: number | undefined;
  readonly memoryReservation?: number | undefined;
  /** What the agent runs (overrides applied). */
  readonly command?: string[] | undefined;
  readonly entryPoint?: string[] | undefined;
  readonly environment: KeyValuePair[];
  readonly workingDirectory?: string | undefined;
  readonly stopTimeout?: number | undefined;
  readonly portMappings: PortMapping[];
  readonly user?: string | undefined;
  readonly dockerLabels?: Record<string, string> | undefined;
  /** What the agent reported it bound (Docker's choice for a dynamic host port). */
  readonly networkBindings?: NetworkBinding[] | undefined;
}

/**
 * A task's elastic network interface (awsvpc): PRECREATED with its subnet
 * at RunTask, given an address by the ProvisionNetwork step, ATTACHED when the
 * task is handed to its agent, DELETED (address given back) when it stops.
 */
interface TaskNetworkInterface {
  readonly attachmentId: string;
  readonly status: 'PRECREATED' | 'ATTACHED' | 'DELETED';
  readonly subnetId: string;
  readonly networkInterfaceId?: string | undefined;
  readonly macAddress?: string | undefined;
  readonly privateIPv4Address?: string | undefined;
  readonly privateDnsName?: string | undefined;
}

/** What a task holds on its container instance until it is STOPPED. */
interface TaskReservation {
  readonly cpu: number;
  readonly memory: number;
  /** `tcp:80`, `udp:53`. */
  readonly ports: string[];
}

/**
 * The workflow step waiting on this task, and the token that resumes it:
 * `run` from the hand-over to the agent until a stop is asked for or the task
 * stops, `stop` from then until it has stopped.
 */
interface TaskWait {
  readonly phase: 'run' | 'stop';
  readonly token: string;
}

interface TaskRecord {
  readonly cluster: string;
  readonly id: string;
  readonly containerInstanceId?: string | undefined;
  readonly family: string;
  readonly revision: number;
  readonly group: string;
  readonly startedBy?: string | undefined;
  readonly launchType: 'EC2' | 'EXTERNAL' | 'FARGATE';
  readonly lastStatus: TaskStatus;
  readonly desiredStatus: 'RUNNING' | 'STOPPED';
  readonly createdAt: number;
  /** When the task was handed to its agent (PENDING): ECS's `connectivityAt`. */
  readonly connectivityAt?: number | undefined;
  readonly pullStartedAt?: number | undefined;
  readonly pullStoppedAt?: number | undefined;
  readonly startedAt?: number | undefined;
  readonly stoppingAt?: number | undefined;
  readonly executionStoppedAt?: number | undefined;
  readonly stoppedAt?: number | undefined;
  readonly stopCode?: string | undefined;
  readonly stoppedReason?: string | undefined;
  readonly overrides: TaskOverride;
  readonly containers: TaskContainerRecord[];
  readonly cpu?: string | undefined;
  readonly memory?: string | undefined;
  readonly tags: Tag[];
  readonly reservation: TaskReservation;
  /** True from placement until the reservation is given back, exactly once. */
  readonly reservationHeld: boolean;
  /** After this (epoch ms) a task that has not reached RUNNING fails to start. */
  readonly startDeadline: number;
  /** From the instance's `ecs.availability-zone` when placed. */
  readonly availabilityZone?: string | undefined;
  readonly wait?: TaskWait | undefined;
  /** The task definition's network mode (`bridge` when it names none). */
  readonly networkMode?: 'bridge' | 'host' | 'awsvpc' | 'none' | undefined;
  /** awsvpc tasks: their network interface. */
  readonly networkInterface?: TaskNetworkInterface | undefined;
  /** EC2 on a capacity provider's pool: the provider (FARGATE tasks keep theirs in `fargate`). */
  readonly capacityProviderName?: string | undefined;
  /** FARGATE: `1.4.0` (what LATEST means), `Linux`, the capacity provider it ran on, ephemeral storage. */
  readonly fargate?:
    | {
        readonly platformVersion: string;
        readonly platformFamily: string;
        readonly capacityProviderName?: string | undefined;
        readonly ephemeralStorageGiB: number;
      }
    | undefined;
  readonly version: number;
}

/** A task without its bookkeeping (`wait`, `version`): what a change must touch to be a new version. */
const visibleState = ({ wait: _wait, version: _version, ...rest }: TaskRecord) => rest;

export type {
  TaskContainerRecord,
  TaskNetworkInterface,
  TaskRecord,
  TaskReservation,
  TaskStatus,
  TaskWait,
};
export { countedAs, statusRank, TASK_STATUSES, visibleState };
