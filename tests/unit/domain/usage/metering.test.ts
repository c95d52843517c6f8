import fc from 'fast-check';
import { billedSeconds, costOf } from '../../../../functions/domain/usage/metering';
import type { UsageRecord } from '../../../../functions/domain/usage/model';
import { DEFAULT_FARGATE_PRICES as PRICES } from '../../../../functions/domain/usage/prices';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  cluster: 'default',
  taskId: 't1',
  family: 'web',
  revision: 1,
  capacityProvider: 'FARGATE',
  operatingSystemFamily: 'LINUX',
  cpuArchitecture: 'X86_64',
  vcpu: 1,
  memoryGB: 2,
  ephemeralStorageGB: 20,
  billingStart: T0,
  billingEnd: T0 + HOUR,
  ...overrides,
});

describe('Function: billedSeconds', () => {
  it.each([
    // case, billing end (ms after start), range from, range to (ms after start), seconds
    ['a whole hour inside the range', HOUR, -HOUR, 2 * HOUR, 3600],
    ['a part second, rounded up', 1_500, -HOUR, HOUR, 60],
    ['a run of 61.2 s, rounded up', 61_200, -HOUR, HOUR, 62],
    ['a 10 s task, topped up to a minute', 10_000, -HOUR, HOUR, 60],
    ['a task that never ran a full millisecond', 0, -HOUR, HOUR, 60],
    ['the first half of an hour', HOUR, 0, HOUR / 2, 1800],
    ['a range cutting a second: the second goes where it begins', HOUR, 500, 2_500, 2],
    ['a 10 s task seen from the range after its stop: the top-up', 10_000, 10_000, HOUR, 50],
    ['a range before the task', HOUR, -2 * HOUR, -HOUR, 0],
    ['a range after the billed timeline', HOUR, HOUR, 2 * HOUR, 0],
    ['an empty range', HOUR, 0, 0, 0],
  ])('bills %s', (_case, end, from, to, seconds) => {
    // Act
    const billed = billedSeconds(record({ billingEnd: T0 + end }), T0 + from, T0 + to);

    // Assess
    expect(billed).toBe(seconds);
  });

  it('bills a running task up to the end of the range', () => {
    // Act
    const billed = billedSeconds(record({ billingEnd: undefined }), T0 - HOUR, T0 + 90_000);

    // Assess
    expect(billed).toBe(90);
  });

  it('bills a short Windows task its 15-minute minimum', () => {
    // Prepare
    const windows = record({
      operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE',
      billingEnd: T0 + 30_000,
    });

    // Act
    const billed = billedSeconds(windows, T0, T0 + HOUR);

    // Assess
    expect(billed).toBe(900);
  });

  const interval = fc.record({
    start: fc.integer({ min: 0, max: 10 * HOUR }),
    duration: fc.option(fc.integer({ min: 0, max: 5 * HOUR }), { nil: undefined }),
  });

  it('is additive: splitting a range in two bills the same seconds as the whole', () => {
    fc.assert(
      fc.property(
        interval,
        fc.array(fc.integer({ min: -HOUR, max: 16 * HOUR }), { minLength: 3, maxLength: 3 }),
        ({ start, duration }, cuts) => {
          // Prepare
          const [from, mid, to] = [...cuts].sort((a, b) => a - b) as [number, number, number];
          const task = record({
            billingStart: T0 + start,
            billingEnd: duration === undefined ? undefined : T0 + start + duration,
          });

          // Act
          const whole = billedSeconds(task, T0 + from, T0 + to);
          const parts =
            billedSeconds(task, T0 + from, T0 + mid) + billedSeconds(task, T0 + mid, T0 + to);

          // Assess
          expect(parts).toBe(whole);
        },
      ),
    );
  });

  it('bills every stopped task its whole interval, rounded up and at least a minute, over all time', () => {
    fc.assert(
      fc.property(interval, ({ start, duration = 0 }) => {
        // Prepare
        const task = record({ billingStart: T0 + start, billingEnd: T0 + start + duration });

        // Act
        const billed = billedSeconds(task, 0, Number.MAX_SAFE_INTEGER);

        // Assess
        expect(billed).toBe(Math.max(60, Math.ceil(duration / 1000)));
      }),
    );
  });
});

describe('Function: costOf', () => {
  it.each([
    // platform, record, vCPU $/h, GB $/h, licence $/h
    ['Linux/x86 on demand', {}, 0.04048, 0.004445, 0],
    ['Linux/ARM on demand', { cpuArchitecture: 'ARM64' as const }, 0.03238, 0.00356, 0],
    ['Linux/x86 on Spot', { capacityProvider: 'FARGATE_SPOT' as const }, 0.012144, 0.0013335, 0],
    [
      'Linux/ARM on Spot',
      { capacityProvider: 'FARGATE_SPOT' as const, cpuArchitecture: 'ARM64' as const },
      0.009714,
      0.001068,
      0,
    ],
    [
      'Windows/x86 with its licence',
      { operatingSystemFamily: 'WINDOWS_SERVER_2019_CORE' as const },
      0.09148,
      0.01005,
      0.046,
    ],
  ])(
    'prices an hour of 1 vCPU and 2 GB on %s',
    (_platform, overrides, vcpuRate, gbRate, licence) => {
      // Act
      const cost = costOf(record(overrides), 3600, PRICES);

      // Assess
      expect(cost.vcpuHours).toBe(1);
      expect(cost.gbHours).toBe(2);
      expect(cost.cost.vcpu).toBeCloseTo(vcpuRate, 10);
      expect(cost.cost.memory).toBeCloseTo(2 * gbRate, 10);
      expect(cost.cost.osLicense).toBeCloseTo(licence, 10);
      expect(cost.total).toBeCloseTo(vcpuRate + 2 * gbRate + licence, 10);
    },
  );

  it('charges only the ephemeral storage above the included 20 GB', () => {
    // Act
    const cost = costOf(record({ ephemeralStorageGB: 50 }), 7200, PRICES);

    // Assess
    expect(cost.storageGbHours).toBe(60);
    expect(cost.cost.storage).toBeCloseTo(60 * 0.000111, 10);
  });

  it('charges a 0.25 vCPU, 0.5 GB task its minute for a 5-second run', () => {
    // Prepare
    const task = record({ vcpu: 0.25, memoryGB: 0.5, billingEnd: T0 + 5_000 });

    // Act
    const cost = costOf(task, billedSeconds(task, T0, T0 + HOUR), PRICES);

    // Assess
    expect(cost.total).toBeCloseTo((0.25 * 0.04048 + 0.5 * 0.004445) / 60, 12);
  });

  it('is non-negative and never falls as the task runs longer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Partial<UsageRecord>>(
          {},
          { cpuArchitecture: 'ARM64' },
          { capacityProvider: 'FARGATE_SPOT' },
          { operatingSystemFamily: 'WINDOWS_SERVER_2022_FULL' },
        ),
        fc.integer({ min: 20, max: 200 }),
        fc.integer({ min: 0, max: 10 * HOUR }),
        fc.integer({ min: 0, max: HOUR }),
        (platform, storage, duration, longer) => {
          // Prepare
          const cost = (ms: number) => {
            const task = record({ ...platform, ephemeralStorageGB: storage, billingEnd: T0 + ms });
            return costOf(task, billedSeconds(task, T0, T0 + 20 * HOUR), PRICES).total;
          };

          // Act
          const shorter = cost(duration);
          const extended = cost(duration + longer);

          // Assess
          expect(shorter).toBeGreaterThan(0);
          expect(extended).toBeGreaterThanOrEqual(shorter);
        },
      ),
    );
  });
});
