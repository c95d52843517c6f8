import { CONTAINER_INSTANCE_STATUS, type ContainerInstanceRecord } from '../model';
import { serviceNameOfGroup } from '../services/model';
import type { TaskRecord } from '../tasks/model';
import { type MetricIdentity, type MetricSample, sampleOfStatistics, sampleOfValue } from './model';

/**
 * The ECS metrics Berth itself publishes, as ECS defines them (scaling.md
 * §4; the ECS developer guide's "Amazon ECS CloudWatch metrics"):
 *
 * - `CPUUtilization` / `MemoryUtilization`: 100 × used ÷ reserved, per task,
 *   under {ClusterName} and, for a service's task, {ClusterName,
 *   ServiceName}. The reservation is the denominator, so an EC2 task that
 *   bursts past its reservation reads above 100. Each task's report is one
 *   sample, so a period's Minimum and Maximum are the least and most loaded
 *   task, and its Average the mean over tasks (ECS's total-used ÷
 *   total-reserved; the two agree while a service's tasks share one
 *   reservation, and differ only while a deployment mixes task definitions).
 * - `CPUReservation` / `MemoryReservation`: 100 × reserved ÷ registered over
 *   the cluster's ACTIVE and DRAINING instances, under {ClusterName}.
 *
 * The namespace is a parameter: locally Berth serves `AWS/ECS`, but on AWS
 * `AWS/` is reserved to AWS, so the deployed stack publishes under its own.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html
 */

/** A metric and one sample of it, ready for the metrics store. */
interface MetricPut {
  readonly identity: MetricIdentity;
  readonly sample: MetricSample;
}

/** What an agent measured of one RUNNING task, with what Berth knows of the task. */
interface TaskUsageReport {
  readonly task: Pick<TaskRecord, 'cluster' | 'group'> & {
    readonly reservation: Pick<TaskRecord['reservation'], 'cpu' | 'memory'>;
  };
  /** CPU units used over the sampling interval: 1024 is one vCPU fully busy. */
  readonly cpuUnitsUsed: number;
  /** Memory in use, MiB. */
  readonly memoryMiBUsed: number;
  /** Epoch ms of the measurement. */
  readonly timestamp: number;
}

const percent = (part: number, whole: number): number => (100 * part) / whole;

const dimensionSetsOf = (cluster: string, group: string) => {
  const service = serviceNameOfGroup(group);
  return [
    [{ name: 'ClusterName', value: cluster }],
    ...(service === undefined
      ? []
      : [
          [
            { name: 'ClusterName', value: cluster },
            { name: 'ServiceName', value: service },
          ],
        ]),
  ];
};

/**
 * A task's CPUUtilization and MemoryUtilization samples (unit Percent).
 *
 * A task without a CPU reservation (an EC2 task whose containers reserve 0
 * CPU, which ECS allows) has no CPUUtilization sample: a share of nothing has
 * no value, and Infinity could not be put to CloudWatch either. Its
 * MemoryUtilization is still published. Likewise a task that reserved no
 * memory (not possible through RegisterTaskDefinition's checks) has none.
 *
 * @example
 * taskUtilizationSamples({ task, cpuUnitsUsed: 512, memoryMiBUsed: 256, timestamp }, 'AWS/ECS');
 */
const taskUtilizationSamples = (report: TaskUsageReport, namespace: string): MetricPut[] => {
  const { cluster, group, reservation } = report.task;
  const values: [string, number | undefined][] = [
    [
      'CPUUtilization',
      reservation.cpu > 0 ? percent(report.cpuUnitsUsed, reservation.cpu) : undefined,
    ],
    [
      'MemoryUtilization',
      reservation.memory > 0 ? percent(report.memoryMiBUsed, reservation.memory) : undefined,
    ],
  ];
  return values.flatMap(([metricName, value]) =>
    value === undefined
      ? []
      : dimensionSetsOf(cluster, group).map((dimensions) => ({
          identity: { namespace, metricName, dimensions },
          sample: sampleOfValue(report.timestamp, value, 'Percent'),
        })),
  );
};

type ReservationInstance = Pick<
  ContainerInstanceRecord,
  'status' | 'totalCpu' | 'totalMemory' | 'remainingCpu' | 'remainingMemory' | 'managedFor'
>;

/**
 * A cluster's CPUReservation and MemoryReservation at one instant (unit
 * Percent), from its container instances. Only ACTIVE and DRAINING
 * instances count, and not Berth's own hosts for FARGATE tasks (on ECS
 * FARGATE capacity is not in these metrics).
 *
 * Each metric is one statistic set with SampleCount 1 and Sum = 100 × Σ
 * reserved ÷ Σ registered, so that its Average is ECS's cluster ratio (not
 * a mean of instance ratios, which would weigh a small instance as much as
 * a large one), and with Minimum and Maximum the least and most reserved
 * instance, as ECS documents them. No instance, no sample.
 */
const clusterReservationSamples = (
  cluster: string,
  instances: readonly ReservationInstance[],
  timestamp: number,
  namespace: string,
): MetricPut[] => {
  const counted = instances.filter(
    (instance) =>
      (instance.status === CONTAINER_INSTANCE_STATUS.active ||
        instance.status === CONTAINER_INSTANCE_STATUS.draining) &&
      instance.managedFor === undefined,
  );
  const metrics: [string, (i: ReservationInstance) => [reserved: number, registered: number]][] = [
    ['CPUReservation', (i) => [i.totalCpu - i.remainingCpu, i.totalCpu]],
    ['MemoryReservation', (i) => [i.totalMemory - i.remainingMemory, i.totalMemory]],
  ];
  return metrics.flatMap(([metricName, pick]) => {
    const pairs = counted.map(pick).filter(([, registered]) => registered > 0);
    if (pairs.length === 0) return [];
    const reserved = pairs.reduce((sum, [r]) => sum + r, 0);
    const registered = pairs.reduce((sum, [, r]) => sum + r, 0);
    const ratios = pairs.map(([r, total]) => percent(r, total));
    return [
      {
        identity: { namespace, metricName, dimensions: [{ name: 'ClusterName', value: cluster }] },
        sample: sampleOfStatistics(
          timestamp,
          {
            sampleCount: 1,
            sum: percent(reserved, registered),
            minimum: Math.min(...ratios),
            maximum: Math.max(...ratios),
          },
          'Percent',
        ),
      },
    ];
  });
};

export type { MetricPut, ReservationInstance, TaskUsageReport };
export { clusterReservationSamples, taskUtilizationSamples };
