import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { ContainerUsage } from './ContainerRuntime';

/**
 * The usage of a process-runtime container: the sum over every process of its
 * process group (the wrapper runs the container in a group of its own, and
 * children stay in it unless they leave on purpose), read from `/proc`.
 *
 * CPU counts each process's own time and the time of the children it has
 * reaped (`cutime`/`cstime`), so a short-lived child's work is not lost when
 * it exits inside the group.
 */

interface ProcessStat {
  readonly pid: number;
  readonly processGroup: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  readonly cpuTicks: number;
  readonly residentPages: number;
}

/**
 * Parses one `/proc/<pid>/stat` line. The command name sits in parentheses
 * and may itself hold spaces and parentheses, so the fields are counted from
 * the last `)`.
 */
const parseProcessStat = (line: string): ProcessStat | undefined => {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  // After ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime … rss (index 21).
  const fields = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const numberAt = (index: number): number => Number(fields[index]);
  const processGroup = numberAt(2);
  const cpuTicks = numberAt(11) + numberAt(12) + numberAt(13) + numberAt(14);
  const residentPages = numberAt(21);
  if (![pid, processGroup, cpuTicks, residentPages].every(Number.isFinite)) return undefined;
  return { pid, processGroup, cpuTicks, residentPages };
};

const systemConstant = (name: string, fallback: number): number => {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
};

let constants: { readonly ticksPerSecond: number; readonly pageBytes: number } | undefined;
/** Read once: both are fixed for the life of the kernel. */
const systemConstants = (): { readonly ticksPerSecond: number; readonly pageBytes: number } => {
  constants ??= {
    ticksPerSecond: systemConstant('CLK_TCK', 100),
    pageBytes: systemConstant('PAGESIZE', 4096),
  };
  return constants;
};

/**
 * Sums the stats of the given process groups. Pure, so that the grouping is
 * tested without a `/proc`.
 */
const usageByProcessGroup = (
  stats: Iterable<ProcessStat>,
  groups: ReadonlySet<number>,
  units: { readonly ticksPerSecond: number; readonly pageBytes: number },
): Map<number, ContainerUsage> => {
  const sums = new Map<number, { ticks: number; pages: number }>();
  for (const stat of stats) {
    if (!groups.has(stat.processGroup)) continue;
    const sum = sums.get(stat.processGroup) ?? { ticks: 0, pages: 0 };
    sum.ticks += stat.cpuTicks;
    sum.pages += stat.residentPages;
    sums.set(stat.processGroup, sum);
  }
  const usage = new Map<number, ContainerUsage>();
  for (const [group, sum] of sums) {
    usage.set(group, {
      cpuNanos: (sum.ticks / units.ticksPerSecond) * 1e9,
      memoryBytes: sum.pages * units.pageBytes,
    });
  }
  return usage;
};

/** Every process's stat; processes that end while being read are skipped. */
function* processStats(): Generator<ProcessStat> {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let line: string;
    try {
      line = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const stat = parseProcessStat(line);
    if (stat) yield stat;
  }
}

/** The usage of each process group that still has a process, from this host's `/proc`. */
const readProcessGroupUsage = (groups: ReadonlySet<number>): Map<number, ContainerUsage> =>
  groups.size === 0 ? new Map() : usageByProcessGroup(processStats(), groups, systemConstants());

export type { ProcessStat };
export { parseProcessStat, readProcessGroupUsage, usageByProcessGroup };
