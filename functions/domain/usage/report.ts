import { billedSeconds, type CostBreakdown, costOf } from './metering';
import type { UsageRecord } from './model';
import type { FargatePrices } from './prices';

/**
 * The usage report: FARGATE usage and its cost over a range, one row per
 * cluster, service, task family or task, most expensive first, and a total.
 * Every row is a sum of `costOf` over its tasks' `billedSeconds` in the
 * range, so the report inherits metering's additivity: the report of a
 * range equals, row by row, the sum of the reports of its parts.
 */

const USAGE_GROUPINGS = ['cluster', 'service', 'family', 'task'] as const;
type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

interface UsageReportOptions {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  readonly groupBy: UsageGrouping;
  readonly prices: FargatePrices;
  /** Epoch ms: running tasks are billed up to here, not into the future. */
  readonly now?: number | undefined;
}

/** Usage and cost of a set of tasks over the range. */
interface UsageTotals {
  /** Tasks with a billed second in the range. */
  readonly tasks: number;
  readonly vcpuHours: number;
  readonly gbHours: number;
  readonly storageGbHours: number;
  /** USD, per billing dimension. */
  readonly cost: CostBreakdown;
  /** USD. */
  readonly total: number;
}

/**
 * One group's row. `cluster` is always there; the grouping adds the rest:
 * `service` the service name (absent for tasks RunTask started), `family`
 * the family, `task` the task id with its family, revision and service.
 */
interface UsageReportRow extends UsageTotals {
  readonly cluster: string;
  readonly serviceName?: string | undefined;
  readonly family?: string | undefined;
  readonly revision?: number | undefined;
  readonly taskId?: string | undefined;
}

interface UsageReport {
  readonly from: number;
  readonly to: number;
  readonly groupBy: UsageGrouping;
  readonly rows: UsageReportRow[];
  readonly total: UsageTotals;
}

type RowKey = Omit<UsageReportRow, keyof UsageTotals>;

const keyOf = (record: UsageRecord, groupBy: UsageGrouping): RowKey => {
  switch (groupBy) {
    case 'cluster':
      return { cluster: record.cluster };
    case 'service':
      return { cluster: record.cluster, serviceName: record.serviceName };
    case 'family':
      return { cluster: record.cluster, family: record.family };
    case 'task':
      return {
        cluster: record.cluster,
        taskId: record.taskId,
        family: record.family,
        revision: record.revision,
        serviceName: record.serviceName,
      };
  }
};

/** The key's fields in a fixed order, for grouping and for ordering ties. */
const keyText = (key: RowKey): string =>
  [key.cluster, key.serviceName ?? '', key.family ?? '', key.taskId ?? ''].join('\u0000');

const NO_USAGE: UsageTotals = {
  tasks: 0,
  vcpuHours: 0,
  gbHours: 0,
  storageGbHours: 0,
  cost: { vcpu: 0, memory: 0, storage: 0, osLicense: 0 },
  total: 0,
};

const add = (a: UsageTotals, b: UsageTotals): UsageTotals => ({
  tasks: a.tasks + b.tasks,
  vcpuHours: a.vcpuHours + b.vcpuHours,
  gbHours: a.gbHours + b.gbHours,
  storageGbHours: a.storageGbHours + b.storageGbHours,
  cost: {
    vcpu: a.cost.vcpu + b.cost.vcpu,
    memory: a.cost.memory + b.cost.memory,
    storage: a.cost.storage + b.cost.storage,
    osLicense: a.cost.osLicense + b.cost.osLicense,
  },
  total: a.total + b.total,
});

/**
 * The usage report of `records` over [from, to), grouped as asked, rows by
 * cost descending (ties by their key, so the order is stable), and the
 * total of the rows. Tasks with no billed second in the range appear
 * nowhere and are not counted.
 *
 * @example
 * const report = usageReport(records, {
 *   from: Date.parse('2026-05-01'),
 *   to: Date.parse('2026-06-01'),
 *   groupBy: 'service',
 *   prices: readPrices(process.env.FARGATE_PRICES),
 *   now: clock.now(),
 * });
 * console.log(formatTable(report));
 */
function usageReport(records: readonly UsageRecord[], options: UsageReportOptions): UsageReport {
  const { from, to, groupBy, prices, now } = options;
  const groups = new Map<string, { key: RowKey; totals: UsageTotals }>();
  for (const record of records) {
    const end = record.billingEnd === undefined && now !== undefined ? Math.min(to, now) : to;
    const seconds = billedSeconds(record, from, end, prices);
    if (seconds === 0) continue;
    const key = keyOf(record, groupBy);
    const text = keyText(key);
    const usage = { ...costOf(record, seconds, prices), tasks: 1 };
    const group = groups.get(text);
    groups.set(text, { key, totals: add(group?.totals ?? NO_USAGE, usage) });
  }
  const rows = [...groups.entries()]
    .sort(([aText, a], [bText, b]) => b.totals.total - a.totals.total || (aText < bText ? -1 : 1))
    .map(([, { key, totals }]): UsageReportRow => ({ ...key, ...totals }));
  return { from, to, groupBy, rows, total: rows.reduce<UsageTotals>(add, NO_USAGE) };
}

const HOURS_DECIMALS = 4;
/** Six decimals: a minute of the smallest task costs about $0.0002. */
const COST_DECIMALS = 6;
const STANDALONE = '-';

const keyColumns = {
  cluster: [['CLUSTER', (row) => row.cluster]],
  service: [
    ['CLUSTER', (row) => row.cluster],
    ['SERVICE', (row) => row.serviceName ?? STANDALONE],
  ],
  family: [
    ['CLUSTER', (row) => row.cluster],
    ['FAMILY', (row) => row.family ?? ''],
  ],
  task: [
    ['CLUSTER', (row) => row.cluster],
    ['TASK', (row) => row.taskId ?? ''],
    ['TASK DEFINITION', (row) => `${row.family}:${row.revision}`],
    ['SERVICE', (row) => row.serviceName ?? STANDALONE],
  ],
} as const satisfies Record<
  UsageGrouping,
  ReadonlyArray<[string, (row: UsageReportRow) => string]>
>;

const figureColumns = [
  ['TASKS', (totals) => String(totals.tasks)],
  ['VCPU-HOURS', (totals) => totals.vcpuHours.toFixed(HOURS_DECIMALS)],
  ['GB-HOURS', (totals) => totals.gbHours.toFixed(HOURS_DECIMALS)],
  ['STORAGE GB-HOURS', (totals) => totals.storageGbHours.toFixed(HOURS_DECIMALS)],
  ['COST (USD)', (totals) => totals.total.toFixed(COST_DECIMALS)],
] as const satisfies ReadonlyArray<[string, (totals: UsageTotals) => string]>;

/**
 * The report as the CLI prints it: a header, one line per row, a rule and
 * the total; key columns left-aligned, figures right-aligned, hours to 4
 * decimals and costs to 6.
 *
 * @example
 * formatTable(report);
 * // CLUSTER  SERVICE  TASKS  VCPU-HOURS  GB-HOURS  STORAGE GB-HOURS  COST (USD)
 * // default  web          2      1.0000    2.0000            0.0000    0.049370
 * // ────────────────────────────────────────────────────────────────────────────
 * // TOTAL                 2      1.0000    2.0000            0.0000    0.049370
 */
function formatTable(report: UsageReport): string {
  const keys: ReadonlyArray<readonly [string, (row: UsageReportRow) => string]> =
    keyColumns[report.groupBy];
  const header = [...keys.map(([title]) => title), ...figureColumns.map(([title]) => title)];
  const lines = report.rows.map((row) => [
    ...keys.map(([, cell]) => cell(row)),
    ...figureColumns.map(([, cell]) => cell(row)),
  ]);
  const totalLine = [
    ...keys.map((_, index) => (index === 0 ? 'TOTAL' : '')),
    ...figureColumns.map(([, cell]) => cell(report.total)),
  ];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...[...lines, totalLine].map((line) => line[column]?.length ?? 0)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column < keys.length ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((sum, width) => sum + width, 2 * (widths.length - 1)));
  return [render(header), ...lines.map(render), rule, render(totalLine)].join('\n');
}

export type { UsageGrouping, UsageReport, UsageReportOptions, UsageReportRow, UsageTotals };
export { formatTable, USAGE_GROUPINGS, usageReport };
