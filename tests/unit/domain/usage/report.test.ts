import fc from 'fast-check';
import type { UsageRecord } from '../../../../functions/domain/usage/model';
import { DEFAULT_FARGATE_PRICES as PRICES } from '../../../../functions/domain/usage/prices';
import {
  formatTable,
  USAGE_GROUPINGS,
  type UsageGrouping,
  type UsageTotals,
  usageReport,
} from '../../../../functions/domain/usage/report';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  cluster: 'default',
  taskId: 't1',
  family: 'web',
  revision: 1,
  serviceName: 'web',
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

const HOURLY_1VCPU_2GB = 0.04048 + 2 * 0.004445;

const records = [
  record({ taskId: 'w1' }),
  record({ taskId: 'w2', billingEnd: T0 + HOUR / 2 }),
  record({ taskId: 'b1', serviceName: undefined, family: 'batch', vcpu: 4, memoryGB: 8 }),
  record({ taskId: 'o1', cluster: 'other', billingStart: T0 + 2 * HOUR, billingEnd: undefined }),
];

describe('Function: usageReport', () => {
  it.each([
    ['cluster', [{ cluster: 'default', tasks: 3 }]],
    [
      'service',
      [
        { cluster: 'default', serviceName: undefined, tasks: 1 },
        { cluster: 'default', serviceName: 'web', tasks: 2 },
      ],
    ],
    [
      'family',
      [
        { cluster: 'default', family: 'batch', tasks: 1 },
        { cluster: 'default', family: 'web', tasks: 2 },
      ],
    ],
    [
      'task',
      [
        { taskId: 'b1', tasks: 1 },
        { taskId: 'w1', tasks: 1 },
        { taskId: 'w2', tasks: 1 },
      ],
    ],
  ] as const)('groups by %s, most expensive first', (groupBy, expected) => {
    // Act
    const report = usageReport(records, { from: T0, to: T0 + HOUR, groupBy, prices: PRICES });

    // Assess
    expect(report.rows).toEqual(expected.map((row) => expect.objectContaining(row)));
    expect(report.total.tasks).toBe(3);
  });

  it('sums the usage and cost of a group', () => {
    // Act
    const report = usageReport(records, {
      from: T0,
      to: T0 + HOUR,
      groupBy: 'service',
      prices: PRICES,
    });

    // Assess
    const web = report.rows.find((row) => row.serviceName === 'web');
    expect(web?.vcpuHours).toBeCloseTo(1.5, 10);
    expect(web?.gbHours).toBeCloseTo(3, 10);
    expect(web?.total).toBeCloseTo(1.5 * HOURLY_1VCPU_2GB, 10);
  });

  it('bills a running task up to now, not to the end of the range', () => {
    // Act
    const report = usageReport(records, {
      from: T0 + 2 * HOUR,
      to: T0 + 5 * HOUR,
      groupBy: 'cluster',
      prices: PRICES,
      now: T0 + 3 * HOUR,
    });

    // Assess
    expect(report.rows).toEqual([expect.objectContaining({ cluster: 'other', vcpuHours: 1 })]);
  });

  const arbitraryRecord = fc
    .record({
      cluster: fc.constantFrom('a', 'b'),
      taskId: fc.uuid(),
      family: fc.constantFrom('web', 'batch', 'cron'),
      revision: fc.integer({ min: 1, max: 3 }),
      serviceName: fc.option(fc.constantFrom('web', 'api'), { nil: undefined }),
      capacityProvider: fc.constantFrom('FARGATE' as const, 'FARGATE_SPOT' as const),
      operatingSystemFamily: fc.constantFrom('LINUX' as const, 'WINDOWS_SERVER_2022_CORE' as const),
      cpuArchitecture: fc.constantFrom('X86_64' as const, 'ARM64' as const),
      vcpu: fc.constantFrom(0.25, 0.5, 1, 2, 4, 8, 16),
      memoryGB: fc.integer({ min: 1, max: 120 }),
      ephemeralStorageGB: fc.integer({ min: 20, max: 200 }),
      billingStart: fc.integer({ min: T0, max: T0 + 48 * HOUR }),
      billingEnd: fc.option(fc.integer({ min: 0, max: 24 * HOUR }), { nil: undefined }),
    })
    .map(
      (r): UsageRecord => ({
        ...r,
        billingEnd: r.billingEnd === undefined ? undefined : r.billingStart + r.billingEnd,
      }),
    );

  const grouping = fc.constantFrom<UsageGrouping>(...USAGE_GROUPINGS);

  const expectSameTotals = (actual: UsageTotals, expected: UsageTotals) => {
    expect(actual.tasks).toBe(expected.tasks);
    expect(actual.vcpuHours).toBeCloseTo(expected.vcpuHours, 6);
    expect(actual.gbHours).toBeCloseTo(expected.gbHours, 6);
    expect(actual.storageGbHours).toBeCloseTo(expected.storageGbHours, 6);
    expect(actual.total).toBeCloseTo(expected.total, 6);
  };

  it('has a total that equals the sum of its rows, whatever the grouping', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { maxLength: 30 }), grouping, (tasks, groupBy) => {
        // Act
        const report = usageReport(tasks, {
          from: T0 + 6 * HOUR,
          to: T0 + 30 * HOUR,
          groupBy,
          prices: PRICES,
        });

        // Assess
        const sumOf = (figure: (row: UsageTotals) => number) =>
          report.rows.reduce((sum, row) => sum + figure(row), 0);
        expect(report.total.tasks).toBe(sumOf((row) => row.tasks));
        expect(report.total.vcpuHours).toBeCloseTo(
          sumOf((row) => row.vcpuHours),
          6,
        );
        expect(report.total.gbHours).toBeCloseTo(
          sumOf((row) => row.gbHours),
          6,
        );
        expect(report.total.storageGbHours).toBeCloseTo(
          sumOf((row) => row.storageGbHours),
          6,
        );
        expect(report.total.cost.osLicense).toBeCloseTo(
          sumOf((row) => row.cost.osLicense),
          6,
        );
        expect(report.total.total).toBeCloseTo(
          sumOf((row) => row.total),
          6,
        );
        const costs = report.rows.map((row) => row.total);
        expect(costs).toEqual([...costs].sort((a, b) => b - a));
      }),
    );
  });

  it('is additive: the reports of two halves of a range add up to the report of the whole', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryRecord, { maxLength: 30 }),
        grouping,
        fc.integer({ min: 0, max: 72 * HOUR }),
        fc.integer({ min: 0, max: 72 * HOUR }),
        (tasks, groupBy, firstLength, secondLength) => {
          // Prepare
          const from = T0;
          const mid = from + firstLength;
          const to = mid + secondLength;
          const options = { groupBy, prices: PRICES };

          // Act
          const whole = usageReport(tasks, { ...options, from, to });
          const first = usageReport(tasks, { ...options, from, to: mid });
          const second = usageReport(tasks, { ...options, from: mid, to });

          // Assess: costs and hours add; a task in both halves counts once in the whole.
          expect(whole.total.total).toBeCloseTo(first.total.total + second.total.total, 6);
          expect(whole.total.vcpuHours).toBeCloseTo(
            first.total.vcpuHours + second.total.vcpuHours,
            6,
          );
          expect(whole.total.gbHours).toBeCloseTo(first.total.gbHours + second.total.gbHours, 6);
          expect(whole.total.storageGbHours).toBeCloseTo(
            first.total.storageGbHours + second.total.storageGbHours,
            6,
          );
          expect(whole.total.tasks).toBeLessThanOrEqual(first.total.tasks + second.total.tasks);
        },
      ),
    );
  });

  it('costs a task shorter than a minute the same as a one-minute task', () => {
    fc.assert(
      fc.property(arbitraryRecord, fc.integer({ min: 0, max: 60_000 }), (task, duration) => {
        // Prepare
        const linux = { ...task, operatingSystemFamily: 'LINUX' as const };
        const options = { from: T0 - HOUR, to: T0 + 60 * HOUR, groupBy: 'task' as const };
        const report = (end: number) =>
          usageReport([{ ...linux, billingEnd: linux.billingStart + end }], {
            ...options,
            prices: PRICES,
          }).total;

        // Act
        const short = report(duration);
        const minute = report(60_000);

        // Assess
        expectSameTotals(short, minute);
      }),
    );
  });
});

describe('Function: formatTable', () => {
  it('prints aligned columns, a rule and the total', () => {
    // Prepare
    const report = usageReport(records, {
      from: T0,
      to: T0 + HOUR,
      groupBy: 'service',
      prices: PRICES,
    });

    // Act
    const table = formatTable(report);

    // Assess
    expect(table.split('\n')).toEqual([
      'CLUSTER  SERVICE  TASKS  VCPU-HOURS  GB-HOURS  STORAGE GB-HOURS  COST (USD)',
      'default  -            1      4.0000    8.0000            0.0000    0.197480',
      'default  web          2      1.5000    3.0000            0.0000    0.074055',
      '─'.repeat(75),
      'TOTAL                 3      5.5000   11.0000            0.0000    0.271535',
    ]);
  });

  it('names each task with its task definition when grouped by task', () => {
    // Prepare
    const report = usageReport([record({ taskId: 'abc', revision: 7 })], {
      from: T0,
      to: T0 + HOUR,
      groupBy: 'task',
      prices: PRICES,
    });

    // Act
    const [header, line] = formatTable(report).split('\n');

    // Assess
    expect(header).toMatch(/^CLUSTER {2}TASK {2}TASK DEFINITION {2}SERVICE {2}TASKS/);
    expect(line).toBe(
      'default  abc   web:7            web          1      1.0000    2.0000            0.0000    0.049370',
    );
  });

  it('prints an empty report as a header and a zero total', () => {
    // Act
    const table = formatTable(
      usageReport([], { from: T0, to: T0 + HOUR, groupBy: 'cluster', prices: PRICES }),
    );

    // Assess
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toMatch(/TOTAL\s+0\s+0\.0000\s+0\.0000\s+0\.0000\s+0\.000000$/);
  });
});
