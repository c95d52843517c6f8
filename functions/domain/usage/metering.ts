import { isWindows, type UsageRecord } from './model';
import { type ComputeRates, DEFAULT_FARGATE_PRICES, type FargatePrices } from './prices';

/**
 * Metering: how many seconds of a task a report range bills, and what they cost.
 *
 * AWS rounds a task's whole interval up to the second and bills at least the
 * minimum (a minute on Linux). A report, though, looks at one range at a
 * time, and a task's interval may cross several. Berth attributes the
 * billed seconds as if the task had run on for them: the task's billed
 * timeline is a run of whole seconds starting at `billingStart`,
 *
 *   billed = max(minimum, ceil((billingEnd − billingStart) / 1 s)) seconds,
 *
 * and second k (which begins at billingStart + k s) belongs to the range
 * that contains its beginning:
 *
 *   billingStart           billingEnd       start + 60 s
 *   |██████████████████████|░░░░░░░░░░░░░░░░|      ░ = minimum top-up
 *   |  second 0, 1, 2, …   |                |
 *        [ range A       )[ range B                 )
 *
 * Each billed second lands in exactly one range of any partition of time,
 * so splitting a range in two gives the same totals as the whole
 * (additivity), and the seconds are whole in every range. A report of a
 * past range never changes when a running task later stops: stopping only
 * ends the timeline (and a short task's top-up falls after its stop).
 * AWS's own hourly line items are silent on where the minimum lands; this
 * is Berth's rule.
 *
 * A running task (no `billingEnd`) has an open timeline: every second up to
 * the range's end is billed. Callers keep ranges out of the future.
 */

const MS_PER_SECOND = 1000;
const SECONDS_PER_HOUR = 3600;

/** The shortest interval AWS bills for the task's OS, in seconds. */
const minimumSecondsOf = (record: UsageRecord, prices: FargatePrices): number =>
  isWindows(record.operatingSystemFamily)
    ? prices.minimumSeconds.windows
    : prices.minimumSeconds.linux;

/**
 * The seconds of the task's billed timeline that begin in [from, to) (epoch
 * ms): its whole interval rounded up to the second, at least the minimum,
 * counted where each second begins.
 *
 * @example
 * // A 10-second task bills its first minute, all inside one hour.
 * billedSeconds({ ...record, billingStart: t, billingEnd: t + 10_000 }, t, t + 3_600_000); // 60
 */
function billedSeconds(
  record: UsageRecord,
  from: number,
  to: number,
  prices: FargatePrices = DEFAULT_FARGATE_PRICES,
): number {
  if (to <= from) return 0;
  const start = record.billingStart;
  const total =
    record.billingEnd === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(
          minimumSecondsOf(record, prices),
          Math.ceil((record.billingEnd - start) / MS_PER_SECOND),
        );
  // Second k begins at start + k s: it is in range when from ≤ start + k s < to.
  const first = Math.max(0, Math.ceil((from - start) / MS_PER_SECOND));
  const end = Math.min(total, Math.ceil((to - start) / MS_PER_SECOND));
  return Math.max(0, end - first);
}

interface CostBreakdown {
  readonly vcpu: number;
  readonly memory: number;
  readonly storage: number;
  /** The Windows Server licence; 0 on Linux. */
  readonly osLicense: number;
}

interface UsageCost {
  readonly vcpuHours: number;
  readonly gbHours: number;
  /** Hours of the storage above the included 20 GB, per GB. */
  readonly storageGbHours: number;
  /** USD, per billing dimension. */
  readonly cost: CostBreakdown;
  /** USD. */
  readonly total: number;
}

/**
 * The vCPU and memory rates a task pays: Windows its own (Spot runs Linux
 * only, so a Windows task pays on-demand whatever its provider), Spot the
 * Spot rates of its architecture, else the on-demand rates of its
 * architecture.
 */
const computeRatesOf = (record: UsageRecord, prices: FargatePrices): ComputeRates => {
  if (isWindows(record.operatingSystemFamily)) return prices.onDemand.windowsX86;
  const table = record.capacityProvider === 'FARGATE_SPOT' ? prices.spot : prices.onDemand;
  return record.cpuArchitecture === 'ARM64' ? table.linuxArm : table.linuxX86;
};

/**
 * What `seconds` of the task cost: vCPU-hours and GB-hours at its rates,
 * storage above the included 20 GB, and the Windows licence per vCPU-hour.
 * Amounts are not rounded: a report sums them and rounds only to print.
 *
 * @example
 * costOf(record, billedSeconds(record, from, to, prices), prices).total;
 */
function costOf(record: UsageRecord, seconds: number, prices: FargatePrices): UsageCost {
  const hours = seconds / SECONDS_PER_HOUR;
  const rates = computeRatesOf(record, prices);
  const vcpuHours = record.vcpu * hours;
  const gbHours = record.memoryGB * hours;
  const storageGbHours = Math.max(0, record.ephemeralStorageGB - prices.includedStorageGB) * hours;
  const cost: CostBreakdown = {
    vcpu: vcpuHours * rates.perVcpuHour,
    memory: gbHours * rates.perGbHour,
    storage: storageGbHours * prices.storagePerGbHour,
    osLicense: isWindows(record.operatingSystemFamily)
      ? vcpuHours * prices.windowsLicensePerVcpuHour
      : 0,
  };
  return {
    vcpuHours,
    gbHours,
    storageGbHours,
    cost,
    total: cost.vcpu + cost.memory + cost.storage + cost.osLicense,
  };
}

export type { CostBreakdown, UsageCost };
export { billedSeconds, costOf, minimumSecondsOf };
