import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { usageOfStats } from '../../../agent/runtimes/dockerMapping';
import {
  parseProcessStat,
  readProcessGroupUsage,
  usageByProcessGroup,
} from '../../../agent/runtimes/processUsage';
import { UsageMeter } from '../../../agent/usage';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/demo/0123456789abcdef';
const SECOND_NS = 1e9;
const MIB = 1_048_576;

/** A /proc/<pid>/stat line with the fields the parser reads set, the rest zero. */
const statLine = (
  pid: number,
  command: string,
  fields: {
    group: number;
    utime: number;
    stime: number;
    cutime: number;
    cstime: number;
    rss: number;
  },
): string => {
  const after = Array.from({ length: 40 }, () => '0');
  after[0] = 'S';
  after[1] = '1';
  after[2] = String(fields.group);
  after[11] = String(fields.utime);
  after[12] = String(fields.stime);
  after[13] = String(fields.cutime);
  after[14] = String(fields.cstime);
  after[21] = String(fields.rss);
  return `${pid} (${command}) ${after.join(' ')}\n`;
};

describe('Module: agent/runtimes/processUsage', () => {
  describe('Function: parseProcessStat', () => {
    it.each([
      ['a plain command name', 'sleep'],
      ['a command name with spaces and parentheses', 'my (odd) cmd'],
    ])('reads the group, the CPU ticks and the resident pages past %s', (_case, command) => {
      // Act
      const stat = parseProcessStat(
        statLine(42, command, { group: 40, utime: 5, stime: 3, cutime: 2, cstime: 1, rss: 300 }),
      );

      // Assess
      expect(stat).toEqual({ pid: 42, processGroup: 40, cpuTicks: 11, residentPages: 300 });
    });

    it('refuses a line without a command name', () => {
      expect(parseProcessStat('42 S 1 40')).toBeUndefined();
    });
  });

  describe('Function: usageByProcessGroup', () => {
    it('sums the members of each wanted group and ignores the others', () => {
      // Prepare
      const stats = [
        { pid: 10, processGroup: 10, cpuTicks: 100, residentPages: 10 },
        { pid: 11, processGroup: 10, cpuTicks: 50, residentPages: 5 },
        { pid: 20, processGroup: 20, cpuTicks: 7, residentPages: 1 },
        { pid: 30, processGroup: 30, cpuTicks: 999, residentPages: 999 },
      ];

      // Act
      const usage = usageByProcessGroup(stats, new Set([10, 20, 40]), {
        ticksPerSecond: 100,
        pageBytes: 4096,
      });

      // Assess
      expect([...usage.keys()].sort()).toEqual([10, 20]);
      expect(usage.get(10)).toEqual({ cpuNanos: 1.5 * SECOND_NS, memoryBytes: 15 * 4096 });
      expect(usage.get(20)).toEqual({ cpuNanos: 0.07 * SECOND_NS, memoryBytes: 4096 });
    });
  });

  describe('Function: readProcessGroupUsage', () => {
    it("reads this test process's own group from /proc", () => {
      // Act
      const group = Number(parseProcessStat(readFileSync('/proc/self/stat', 'utf8'))?.processGroup);
      const usage = readProcessGroupUsage(new Set([group]));

      // Assess
      expect(usage.get(group)?.cpuNanos).toBeGreaterThan(0);
      expect(usage.get(group)?.memoryBytes).toBeGreaterThan(MIB);
    });
  });
});

describe('Function: usageOfStats', () => {
  it.each([
    ['cgroup v2', { inactive_file: 20 * MIB }],
    ['cgroup v1', { cache: 20 * MIB }],
  ])('takes the CPU counter and memory without the page cache (%s)', (_case, detail) => {
    // Act
    const usage = usageOfStats({
      cpu_stats: { cpu_usage: { total_usage: 123_456 } },
      memory_stats: { usage: 100 * MIB, stats: detail },
    });

    // Assess
    expect(usage).toEqual({ cpuNanos: 123_456, memoryBytes: 80 * MIB });
  });

  it('gives nothing for an answer without a CPU counter (a stopped container)', () => {
    expect(usageOfStats({ memory_stats: {} })).toBeUndefined();
  });
});

describe('Class: UsageMeter', () => {
  const reading = (containerName: string, cpuSeconds: number, memoryMiB: number) => ({
    taskArn: ARN,
    containerName,
    usage: { cpuNanos: cpuSeconds * SECOND_NS, memoryBytes: memoryMiB * MIB },
  });

  it('reports a task only once each of its containers has a baseline', () => {
    // Prepare
    const meter = new UsageMeter();

    // Act
    const first = meter.rates([reading('app', 1, 10)], 0);
    const second = meter.rates([reading('app', 2, 10), reading('sidecar', 0, 5)], 10_000);
    const third = meter.rates([reading('app', 3, 12), reading('sidecar', 5, 6)], 20_000);

    // Assess
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    expect(third).toEqual([
      {
        taskArn: ARN,
        // app: 1 CPU-s over 10 s = 0.1 vCPU = 102.4 units; sidecar: 0.5 vCPU = 512 units.
        cpu: 614.4,
        memory: 18,
        containers: [
          { name: 'app', cpu: 102.4, memory: 12 },
          { name: 'sidecar', cpu: 512, memory: 6 },
        ],
      },
    ]);
  });

  it('gives no negative rate when a counter goes back', () => {
    // Prepare
    const meter = new UsageMeter();
    meter.rates([reading('app', 5, 1)], 0);

    // Act
    const [task] = meter.rates([reading('app', 1, 1)], 1_000);

    // Assess
    expect(task?.cpu).toBe(0);
  });

  it('turns any two readings of a steady load into that load', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 8, noNaN: true }),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.double({ min: 0, max: 1_000, noNaN: true }),
        (vcpus, intervalMs, startSeconds) => {
          const meter = new UsageMeter();
          meter.rates([reading('app', startSeconds, 1)], 0);
          const [task] = meter.rates(
            [reading('app', startSeconds + (vcpus * intervalMs) / 1000, 1)],
            intervalMs,
          );
          expect(task?.cpu).toBeCloseTo(vcpus * 1024, 0);
        },
      ),
    );
  });
});
