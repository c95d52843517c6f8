import type { ContainerUsage } from './runtimes/ContainerRuntime';

/**
 * Turns the runtimes' cumulative CPU counters into rates, per task, in ECS's
 * units: CPU units (1,024 to a fully busy vCPU) and MiB. A container's first
 * reading only sets its baseline, so a task is reported once every one of
 * its running containers has two readings (a rate from one reading would be
 * the average since the container started, not over the interval).
 */

interface ContainerReading {
  readonly taskArn: string;
  readonly containerName: string;
  readonly usage: ContainerUsage;
}

interface ContainerRate {
  readonly name: string;
  readonly cpu: number;
  readonly memory: number;
}

/** One task's usage over the last interval, as the agent sends it (docs/agent-protocol.md §2). */
interface TaskUsage {
  readonly taskArn: string;
  /** CPU units used on average over the interval. */
  readonly cpu: number;
  /** MiB in use at the end of the interval. */
  readonly memory: number;
  readonly containers: ContainerRate[];
}

const NANOS_PER_MS = 1e6;
const CPU_UNITS_PER_VCPU = 1024;
const BYTES_PER_MIB = 1_048_576;

const round = (value: number): number => Math.round(value * 100) / 100;

class UsageMeter {
  readonly #baselines = new Map<string, { cpuNanos: number; at: number }>();

  /**
   * The rates since the previous call, for tasks whose every container read
   * has a baseline. Containers not read this time are forgotten.
   */
  rates(readings: readonly ContainerReading[], at: number): TaskUsage[] {
    const byTask = new Map<string, { containers: ContainerRate[]; complete: boolean }>();
    const seen = new Set<string>();
    for (const reading of readings) {
      const key = `${reading.taskArn}\u0000${reading.containerName}`;
      seen.add(key);
      const baseline = this.#baselines.get(key);
      this.#baselines.set(key, { cpuNanos: reading.usage.cpuNanos, at });
      const entry = byTask.get(reading.taskArn) ?? { containers: [], complete: true };
      byTask.set(reading.taskArn, entry);
      const elapsedNanos = baseline === undefined ? 0 : (at - baseline.at) * NANOS_PER_MS;
      if (baseline === undefined || elapsedNanos <= 0) {
        entry.complete = false;
        continue;
      }
      // A counter that went back (a restarted process group) gives no rate, not a negative one.
      const used = Math.max(0, reading.usage.cpuNanos - baseline.cpuNanos);
      entry.containers.push({
        name: reading.containerName,
        cpu: round((used / elapsedNanos) * CPU_UNITS_PER_VCPU),
        memory: round(reading.usage.memoryBytes / BYTES_PER_MIB),
      });
    }
    for (const key of this.#baselines.keys()) if (!seen.has(key)) this.#baselines.delete(key);
    const tasks: TaskUsage[] = [];
    for (const [taskArn, entry] of byTask) {
      if (!entry.complete) continue;
      tasks.push({
        taskArn,
        cpu: round(entry.containers.reduce((sum, container) => sum + container.cpu, 0)),
        memory: round(entry.containers.reduce((sum, container) => sum + container.memory, 0)),
        containers: entry.containers,
      });
    }
    return tasks;
  }
}

export type { ContainerReading, TaskUsage };
export { UsageMeter };
