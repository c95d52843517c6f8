import { UsageRecorder } from '../../../../functions/domain/metrics/UsageRecorder';
import type { MetricDatum } from '../../../../functions/domain/ports/MetricStore';
import type { TaskRecord } from '../../../../functions/domain/tasks/model';

const NOW = 1_796_000_000_000;
const ARN = (id: string) => `arn:aws:ecs:us-east-1:000000000000:task/demo/${id}`;

const task = (id: string, overrides: Partial<TaskRecord> = {}): TaskRecord =>
  ({
    cluster: 'demo',
    id,
    group: 'service:web',
    lastStatus: 'RUNNING',
    reservation: { cpu: 512, memory: 1024, ports: [] },
    ...overrides,
  }) as TaskRecord;

const recorder = (tasks: TaskRecord[]) => {
  const stored: MetricDatum[] = [];
  const usage = new UsageRecorder({
    tasks: { listForInstance: async () => tasks },
    metrics: { put: async (data) => void stored.push(...data) },
    clock: { now: () => NOW },
    namespace: 'AWS/ECS',
  });
  return { usage, stored };
};

const sumOf = (stored: MetricDatum[], metricName: string, dimensions: number) =>
  stored.find(
    (datum) =>
      datum.identity.metricName === metricName && datum.identity.dimensions.length === dimensions,
  )?.sample.sum;

describe('Class: UsageRecorder', () => {
  it("measures a task's use against the reservation Berth placed, under the cluster and the service", async () => {
    // Prepare
    const { usage, stored } = recorder([task('a')]);

    // Act
    const count = await usage.record(
      { cluster: 'demo', id: 'i-1' },
      { action: 'metrics', tasks: [{ taskArn: ARN('a'), cpu: 256, memory: 768 }] },
    );

    // Assess: 256 of 512 CPU units, 768 of 1,024 MiB, at Berth's time
    expect(count).toBe(4);
    expect(sumOf(stored, 'CPUUtilization', 2)).toBe(50);
    expect(sumOf(stored, 'CPUUtilization', 1)).toBe(50);
    expect(sumOf(stored, 'MemoryUtilization', 2)).toBe(75);
    expect(stored.every((datum) => datum.sample.timestamp === NOW)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a message without tasks', { action: 'metrics' }],
    ['an entry without an ARN', { tasks: [{ cpu: 1, memory: 1 }] }],
    ['a negative figure', { tasks: [{ taskArn: ARN('a'), cpu: -1, memory: 1 }] }],
    ['a figure that is not a number', { tasks: [{ taskArn: ARN('a'), cpu: '5', memory: 1 }] }],
    ['a task of another instance', { tasks: [{ taskArn: ARN('zz'), cpu: 1, memory: 1 }] }],
  ])('stores nothing for %s', async (_case, message) => {
    const { usage, stored } = recorder([task('a')]);

    await usage.record({ cluster: 'demo', id: 'i-1' }, message);

    expect(stored).toEqual([]);
  });

  it('leaves out tasks that are not RUNNING, and keeps the others of the same report', async () => {
    const { usage, stored } = recorder([task('a', { lastStatus: 'STOPPING' }), task('b')]);

    await usage.record(
      { cluster: 'demo', id: 'i-1' },
      {
        tasks: [
          { taskArn: ARN('a'), cpu: 512, memory: 1 },
          { taskArn: ARN('b'), cpu: 128, memory: 1 },
        ],
      },
    );

    expect(sumOf(stored, 'CPUUtilization', 2)).toBe(25);
    expect(stored.filter((datum) => datum.identity.metricName === 'CPUUtilization')).toHaveLength(
      2,
    );
  });
});
