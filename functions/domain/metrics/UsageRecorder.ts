import type { Clock } from '../ports/Clock';
import type { MetricStore } from '../ports/MetricStore';
import type { TaskRepository } from '../ports/TaskRepository';
import { taskIdFrom } from '../tasks/identifiers';
import { isJsonObject } from '../validation/shape';
import { taskUtilizationSamples } from './ecsMetrics';

/**
 * Takes an agent's `metrics` message (docs/agent-protocol.md §2) and stores
 * ECS's utilization metrics from it.
 *
 * The agent says only what each task used; what it reserved and which
 * service it belongs to come from Berth's own records, so a figure is always measured against the reservation Berth
 * placed. Tasks the agent names that are not this instance's, or not
 * RUNNING, are ignored. The sample time is Berth's clock: agents' clocks
 * may drift, and the scaling evaluators compare samples with Berth's.
 */

interface UsageRecorderDependencies {
  readonly tasks: Pick<TaskRepository, 'listForInstance'>;
  readonly metrics: Pick<MetricStore, 'put'>;
  readonly clock: Clock;
  /** `AWS/ECS` locally; on AWS a namespace of Berth's own (`AWS/` is CloudWatch's). */
  readonly namespace: string;
}

interface TaskUsageReport {
  readonly taskId: string;
  readonly cpu: number;
  readonly memory: number;
}

const nonNegative = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The usable entries of a message; a malformed entry is skipped, not the whole report. */
const readUsage = (message: unknown): TaskUsageReport[] => {
  if (!isJsonObject(message) || !Array.isArray(message.tasks)) return [];
  return message.tasks.flatMap((entry): TaskUsageReport[] => {
    if (!isJsonObject(entry) || typeof entry.taskArn !== 'string') return [];
    if (!nonNegative(entry.cpu) || !nonNegative(entry.memory)) return [];
    return [{ taskId: taskIdFrom(entry.taskArn), cpu: entry.cpu, memory: entry.memory }];
  });
};

class UsageRecorder {
  readonly #deps: UsageRecorderDependencies;

  constructor(deps: UsageRecorderDependencies) {
    this.#deps = deps;
  }

  /** Returns how many samples were stored. */
  async record(owner: { cluster: string; id: string }, message: unknown): Promise<number> {
    const usage = readUsage(message);
    if (usage.length === 0) return 0;
    const tasks = await this.#deps.tasks.listForInstance(owner.cluster, owner.id);
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const timestamp = this.#deps.clock.now();
    const data = usage.flatMap((entry) => {
      const task = byId.get(entry.taskId);
      if (task?.lastStatus !== 'RUNNING') return [];
      return taskUtilizationSamples(
        { task, cpuUnitsUsed: entry.cpu, memoryMiBUsed: entry.memory, timestamp },
        this.#deps.namespace,
      );
    });
    await this.#deps.metrics.put(data);
    return data.length;
  }
}

export type { UsageRecorderDependencies };
export { UsageRecorder };
