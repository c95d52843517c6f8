import type { TaskRecord } from '../../../../functions/domain/tasks/model';
import { usageRecordOf } from '../../../../functions/domain/usage/model';

const T0 = 1_700_000_000_000;

const fargateTask = (overrides: Partial<TaskRecord> = {}): TaskRecord => ({
  cluster: 'default',
  id: 'a1b2c3',
  family: 'web',
  revision: 3,
  group: 'service:web',
  launchType: 'FARGATE',
  lastStatus: 'STOPPED',
  desiredStatus: 'STOPPED',
  createdAt: T0 - 10_000,
  connectivityAt: T0 - 5_000,
  pullStartedAt: T0,
  pullStoppedAt: T0 + 4_000,
  startedAt: T0 + 6_000,
  executionStoppedAt: T0 + 120_000,
  stoppedAt: T0 + 130_000,
  overrides: {},
  containers: [],
  cpu: '512',
  memory: '1024',
  tags: [],
  reservation: { cpu: 512, memory: 1024, ports: [] },
  reservationHeld: false,
  startDeadline: T0 + 600_000,
  fargate: { platformVersion: '1.4.0', platformFamily: 'Linux', ephemeralStorageGiB: 20 },
  version: 9,
  ...overrides,
});

describe('Function: usageRecordOf', () => {
  it('keeps what Fargate bills of a stopped service task', () => {
    // Prepare
    const task = fargateTask();

    // Act
    const record = usageRecordOf(task);

    // Assess
    expect(record).toEqual({
      cluster: 'default',
      taskId: 'a1b2c3',
      family: 'web',
      revision: 3,
      serviceName: 'web',
      capacityProvider: 'FARGATE',
      operatingSystemFamily: 'LINUX',
      cpuArchitecture: 'X86_64',
      vcpu: 0.5,
      memoryGB: 1,
      ephemeralStorageGB: 20,
      billingStart: T0,
      billingEnd: T0 + 120_000,
    });
  });

  it.each([
    ['an EC2 task', { launchType: 'EC2' as const }],
    ['an EXTERNAL task', { launchType: 'EXTERNAL' as const }],
    [
      'a task that never reached its agent',
      { connectivityAt: undefined, pullStartedAt: undefined, startedAt: undefined },
    ],
    ['a task without a task-level cpu', { cpu: undefined }],
  ])('bills nothing for %s', (_name, overrides) => {
    // Act
    const record = usageRecordOf(fargateTask(overrides));

    // Assess
    expect(record).toBeUndefined();
  });

  it.each([
    // what the task recorded, expected start, expected end
    ['every timestamp', {}, T0, T0 + 120_000],
    ['no pull', { pullStartedAt: undefined }, T0 + 6_000, T0 + 120_000],
    [
      'neither pull nor start',
      { pullStartedAt: undefined, startedAt: undefined },
      T0 - 5_000,
      T0 + 120_000,
    ],
    ['no execution stop', { executionStoppedAt: undefined }, T0, T0 + 130_000],
    ['a running task', { executionStoppedAt: undefined, stoppedAt: undefined }, T0, undefined],
  ])(
    'bills %s from the first known start to the first known stop',
    (_name, overrides, start, end) => {
      // Act
      const record = usageRecordOf(fargateTask(overrides));

      // Assess
      expect(record?.billingStart).toBe(start);
      expect(record?.billingEnd).toBe(end);
    },
  );

  it('reads the platform, capacity provider and sizes the task ran with', () => {
    // Prepare
    const task = fargateTask({
      group: 'family:batch',
      cpu: '1 vCPU',
      memory: '3 GB',
      fargate: {
        platformVersion: '1.4.0',
        platformFamily: 'Linux',
        capacityProviderName: 'FARGATE_SPOT',
        ephemeralStorageGiB: 50,
      },
    });

    // Act
    const record = usageRecordOf(task, {
      cpuArchitecture: 'ARM64',
      operatingSystemFamily: 'LINUX',
    });

    // Assess
    expect(record).toMatchObject({
      capacityProvider: 'FARGATE_SPOT',
      cpuArchitecture: 'ARM64',
      vcpu: 1,
      memoryGB: 3,
      ephemeralStorageGB: 50,
    });
    expect(record?.serviceName).toBeUndefined();
  });

  it.each([
    // source, the task definition's runtimePlatform, the task's platformFamily, expected
    [
      'the task definition',
      { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' as const },
      'Linux',
      'WINDOWS_SERVER_2022_CORE',
    ],
    ['the task', undefined, 'WINDOWS_SERVER_2019_FULL', 'WINDOWS_SERVER_2019_FULL'],
    ['neither', undefined, 'Linux', 'LINUX'],
  ])('takes the OS family from %s', (_source, runtimePlatform, platformFamily, expected) => {
    // Prepare
    const task = fargateTask({
      fargate: { platformVersion: '1.0.0', platformFamily, ephemeralStorageGiB: 20 },
    });

    // Act
    const record = usageRecordOf(task, runtimePlatform);

    // Assess
    expect(record?.operatingSystemFamily).toBe(expected);
  });

  it('never bills an interval that ends before it starts', () => {
    // Act
    const record = usageRecordOf(fargateTask({ executionStoppedAt: T0 - 1_000 }));

    // Assess
    expect(record?.billingEnd).toBe(T0);
  });
});
