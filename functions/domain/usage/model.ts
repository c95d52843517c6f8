import type { RuntimePlatform } from '@aws-sdk/client-ecs';
import type { FargateCapacityProvider } from '../capacityProviders';
import { parseTaskCpu, parseTaskMemory } from '../taskDefinitions/validation';
import type { TaskRecord } from '../tasks/model';

/**
 * What Berth keeps of one FARGATE task for billing: who it belongs to, what
 * it asked for (Fargate bills the task's requested vCPU, memory and storage,
 * not what it used) and the interval AWS bills.
 *
 * AWS bills "from the time you start to download your container image until
 * the Amazon ECS Task … terminates, rounded up to the nearest second", with a
 * one-minute minimum (https://aws.amazon.com/fargate/pricing/). In a task's
 * timestamps that is `pullStartedAt` until `executionStoppedAt`:
 *
 *   createdAt   connectivityAt   pullStartedAt ─── startedAt ─── executionStoppedAt   stoppedAt
 *                                 └──────────── billed ─────────────────┘
 */

const CPU_ARCHITECTURES = ['X86_64', 'ARM64'] as const;
type CpuArchitecture = (typeof CPU_ARCHITECTURES)[number];

/** `LINUX` or one of ECS's `WINDOWS_SERVER_…` families (`runtimePlatform.operatingSystemFamily`). */
type OperatingSystemFamily = 'LINUX' | `WINDOWS_SERVER_${string}`;

/** ECS counts 1,024 CPU units to a vCPU and 1,024 MiB to the GB that Fargate bills. */
const CPU_UNITS_PER_VCPU = 1024;
const MIB_PER_GB = 1024;

interface UsageRecord {
  readonly cluster: string;
  readonly taskId: string;
  readonly family: string;
  readonly revision: number;
  /** The service that launched the task (`group` is `service:<name>`); absent for RunTask's tasks. */
  readonly serviceName?: string | undefined;
  /** A task launched with `launchType: FARGATE` runs on `FARGATE`. */
  readonly capacityProvider: FargateCapacityProvider;
  readonly operatingSystemFamily: OperatingSystemFamily;
  readonly cpuArchitecture: CpuArchitecture;
  /** The task-level `cpu` in vCPU (`'256'` → 0.25). */
  readonly vcpu: number;
  /** The task-level `memory` in GB of 1,024 MiB (`'512'` → 0.5). */
  readonly memoryGB: number;
  /** The task's ephemeral storage in GB (GiB); the first 20 are included in the price. */
  readonly ephemeralStorageGB: number;
  /** Epoch ms: when the image download started (or the nearest earlier-known moment). */
  readonly billingStart: number;
  /** Epoch ms: when the task stopped running; undefined while it still runs. */
  readonly billingEnd?: number | undefined;
}

const SERVICE_GROUP_PREFIX = 'service:';

const isWindows = (family: OperatingSystemFamily): boolean => family.startsWith('WINDOWS_SERVER_');

/**
 * The OS a FARGATE task runs: the task definition's `runtimePlatform` when the
 * caller has it, else the task's `platformFamily` (`Linux`, or a Windows
 * family name as ECS reports it), else Linux, Fargate's default.
 */
const operatingSystemOf = (
  task: TaskRecord,
  runtimePlatform: RuntimePlatform | undefined,
): OperatingSystemFamily => {
  const declared = runtimePlatform?.operatingSystemFamily;
  if (declared !== undefined && (declared === 'LINUX' || declared.startsWith('WINDOWS_SERVER_')))
    return declared as OperatingSystemFamily;
  const reported = task.fargate?.platformFamily.toUpperCase() ?? 'LINUX';
  return reported.startsWith('WINDOWS_SERVER_') ? (reported as OperatingSystemFamily) : 'LINUX';
};

/**
 * The usage record of a task, or undefined when there is nothing to bill:
 * the task is not FARGATE (EC2 and EXTERNAL tasks are billed as their
 * instances), it never began to pull or run, or it carries no task-level
 * cpu/memory (which every FARGATE task has; a record without them cannot
 * be priced).
 *
 * Billing starts at `pullStartedAt`, or `startedAt` or `connectivityAt` when
 * the pull was not recorded; it ends at `executionStoppedAt` (the containers
 * stopped), else `stoppedAt`. A stopped task with neither end is billed
 * as if it were still running, rather than for nothing.
 *
 * @param runtimePlatform the task definition's, for the CPU architecture
 *   (the task record does not keep it; X86_64 when absent) and the OS family.
 * @example
 * const record = usageRecordOf(task, taskDefinition.runtimePlatform);
 * if (record) records.push(record);
 */
function usageRecordOf(
  task: TaskRecord,
  runtimePlatform?: RuntimePlatform,
): UsageRecord | undefined {
  if (task.launchType !== 'FARGATE') return undefined;
  const billingStart = task.pullStartedAt ?? task.startedAt ?? task.connectivityAt;
  if (billingStart === undefined || task.cpu === undefined || task.memory === undefined)
    return undefined;
  const stop = task.executionStoppedAt ?? task.stoppedAt;
  const operatingSystemFamily = operatingSystemOf(task, runtimePlatform);
  return {
    cluster: task.cluster,
    taskId: task.id,
    family: task.family,
    revision: task.revision,
    ...(task.group.startsWith(SERVICE_GROUP_PREFIX)
      ? { serviceName: task.group.slice(SERVICE_GROUP_PREFIX.length) }
      : {}),
    capacityProvider:
      task.fargate?.capacityProviderName === 'FARGATE_SPOT' ? 'FARGATE_SPOT' : 'FARGATE',
    operatingSystemFamily,
    cpuArchitecture: runtimePlatform?.cpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64',
    vcpu: parseTaskCpu(task.cpu) / CPU_UNITS_PER_VCPU,
    memoryGB: parseTaskMemory(task.memory) / MIB_PER_GB,
    ephemeralStorageGB: task.fargate?.ephemeralStorageGiB ?? 20,
    billingStart,
    // A clock skew cannot make an interval run backwards.
    ...(stop === undefined ? {} : { billingEnd: Math.max(billingStart, stop) }),
  };
}

export type { CpuArchitecture, OperatingSystemFamily, UsageRecord };
export { CPU_ARCHITECTURES, isWindows, usageRecordOf };
