import {
  clusterReservationSamples,
  type ReservationInstance,
  taskUtilizationSamples,
} from '../../../../functions/domain/metrics/ecsMetrics';
import { metricKey } from '../../../../functions/domain/metrics/model';
import { aggregate, statisticOf } from '../../../../functions/domain/metrics/statistics';

const NOW = 1_768_219_200_000;

const report = (
  group: string,
  reservation: { cpu: number; memory: number },
  cpu = 512,
  memory = 256,
) => ({
  task: { cluster: 'prod', group, reservation },
  cpuUnitsUsed: cpu,
  memoryMiBUsed: memory,
  timestamp: NOW,
});

describe('Function: taskUtilizationSamples', () => {
  it('publishes a service task under the cluster and the service', () => {
    // Act
    const puts = taskUtilizationSamples(
      report('service:web', { cpu: 1024, memory: 512 }),
      'AWS/ECS',
    );

    // Assess
    expect(
      puts.map((put) => [
        put.identity.metricName,
        put.identity.dimensions.map((d) => d.value).join('/'),
        put.sample.sum,
      ]),
    ).toEqual([
      ['CPUUtilization', 'prod', 50],
      ['CPUUtilization', 'prod/web', 50],
      ['MemoryUtilization', 'prod', 50],
      ['MemoryUtilization', 'prod/web', 50],
    ]);
    expect(
      puts.every((put) => put.identity.namespace === 'AWS/ECS' && put.sample.unit === 'Percent'),
    ).toBe(true);
  });

  it('publishes a standalone task under the cluster only', () => {
    // Act
    const puts = taskUtilizationSamples(
      report('family:web', { cpu: 1024, memory: 512 }),
      'Berth/ECS',
    );

    // Assess
    expect(puts.map((put) => put.identity.dimensions.length)).toEqual([1, 1]);
    expect(puts[0]?.identity.namespace).toBe('Berth/ECS');
  });

  it('reads above 100 when an EC2 task bursts past its reservation', () => {
    // Act
    const [cpu] = taskUtilizationSamples(report('family:x', { cpu: 256, memory: 512 }, 512), 'N');

    // Assess
    expect(cpu?.sample.sum).toBe(200);
  });

  it('publishes no CPUUtilization for a task that reserves no CPU', () => {
    // Act
    const puts = taskUtilizationSamples(report('service:web', { cpu: 0, memory: 512 }), 'N');

    // Assess
    expect(puts.map((put) => put.identity.metricName)).toEqual([
      'MemoryUtilization',
      'MemoryUtilization',
    ]);
  });

  it('gives the least and most loaded task as a period’s Minimum and Maximum', () => {
    // Prepare
    const puts = [128, 512, 1024].flatMap((cpu) =>
      taskUtilizationSamples(report('service:web', { cpu: 1024, memory: 512 }, cpu), 'N'),
    );
    const serviceCpu = puts.filter(
      (put) => put.identity.metricName === 'CPUUtilization' && put.identity.dimensions.length === 2,
    );

    // Act
    const [bucket] = aggregate(
      serviceCpu.map((put) => put.sample),
      { startMs: NOW, endMs: NOW + 60_000, periodSeconds: 60, nowMs: NOW },
    );

    // Assess
    expect(new Set(serviceCpu.map((put) => metricKey(put.identity))).size).toBe(1);
    expect(bucket && [bucket.minimum, bucket.maximum]).toEqual([12.5, 100]);
    expect(bucket && statisticOf(bucket, 'Average')).toBeCloseTo((12.5 + 50 + 100) / 3, 9);
  });
});

describe('Function: clusterReservationSamples', () => {
  const instance = (overrides: Partial<ReservationInstance>): ReservationInstance => ({
    status: 'ACTIVE',
    totalCpu: 2048,
    totalMemory: 4096,
    remainingCpu: 2048,
    remainingMemory: 4096,
    ...overrides,
  });

  it('weighs instances by what they registered, with the extremes per instance', () => {
    // Prepare
    const instances = [
      instance({ totalCpu: 1024, remainingCpu: 0 }),
      instance({ totalCpu: 3072, remainingCpu: 3072 }),
    ];

    // Act
    const [cpu] = clusterReservationSamples('prod', instances, NOW, 'AWS/ECS');

    // Assess
    expect(cpu?.identity).toEqual({
      namespace: 'AWS/ECS',
      metricName: 'CPUReservation',
      dimensions: [{ name: 'ClusterName', value: 'prod' }],
    });
    expect(cpu?.sample).toMatchObject({ sampleCount: 1, sum: 25, minimum: 0, maximum: 100 });
  });

  it.each([
    ['INACTIVE', { status: 'INACTIVE' as const }],
    ['Berth-managed FARGATE', { managedFor: 'task-id' }],
  ])('leaves out %s instances', (_case, overrides) => {
    // Prepare
    const instances = [
      instance({ remainingMemory: 0 }),
      instance({ ...overrides, remainingMemory: 4096 }),
    ];

    // Act
    const puts = clusterReservationSamples('prod', instances, NOW, 'N');

    // Assess
    expect(puts.find((put) => put.identity.metricName === 'MemoryReservation')?.sample.sum).toBe(
      100,
    );
  });

  it('counts DRAINING instances', () => {
    // Act
    const puts = clusterReservationSamples(
      'prod',
      [instance({ status: 'DRAINING', remainingCpu: 1024 })],
      NOW,
      'N',
    );

    // Assess
    expect(puts[0]?.sample.sum).toBe(50);
  });

  it('publishes nothing for a cluster without instances', () => {
    expect(clusterReservationSamples('prod', [], NOW, 'N')).toEqual([]);
  });
});
