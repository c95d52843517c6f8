import fc from 'fast-check';
import {
  capacityProviderReservation,
  instancesNeeded,
  type PoolInstance,
  type ScalingBounds,
  scaledPoolSize,
} from '../../../../functions/domain/capacity/managedScaling';

const SIZE = { cpu: 1024, memory: 2048 };
const instance = (tasks: number, remainingCpu = 1024, remainingMemory = 2048): PoolInstance => ({
  id: `i-${Math.random()}`,
  registeredAt: 0,
  remainingCpu,
  remainingMemory,
  tasks,
});
const BOUNDS: ScalingBounds = {
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10_000,
  minSize: 0,
  maxSize: 10,
};

describe('Function: capacityProviderReservation', () => {
  it.each([
    ['nothing needed and nothing there', 0, 0, 100],
    ['tasks waiting on an empty pool (scale out from zero)', 2, 0, 200],
    ['two of three instances needed', 2, 3, (2 / 3) * 100],
    ['every instance busy', 3, 3, 100],
  ])('is as ECS documents it: %s', (_case, needed, running, expected) => {
    expect(capacityProviderReservation(needed, running)).toBeCloseTo(expected, 9);
  });
});

describe('Function: instancesNeeded', () => {
  it.each<[string, PoolInstance[], { count: number; cpu: number; memory: number }[], number]>([
    ['an idle pool', [instance(0), instance(0)], [], 0],
    ['the busy instances only', [instance(1, 0, 0), instance(0)], [], 1],
    [
      'waiting tasks in the room left first',
      [instance(1, 512, 1024)],
      [{ count: 2, cpu: 256, memory: 512 }],
      1,
    ],
    [
      'new instances for what does not fit',
      [instance(1, 0, 0)],
      [{ count: 5, cpu: 512, memory: 512 }],
      4,
    ],
    ['no instance for a task larger than one', [], [{ count: 1, cpu: 4096, memory: 512 }], 0],
  ])('counts %s', (_case, pool, waiting, expected) => {
    expect(instancesNeeded(pool, waiting, SIZE)).toBe(expected);
  });

  it('is never below the busy instances, nor below what the waiting tasks need by CPU alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }),
        fc.array(
          fc.record({
            count: fc.integer({ min: 0, max: 6 }),
            cpu: fc.integer({ min: 1, max: 1024 }),
            memory: fc.integer({ min: 1, max: 2048 }),
          }),
          { maxLength: 4 },
        ),
        (tasksPerInstance, waiting) => {
          const pool = tasksPerInstance.map((tasks) =>
            instance(tasks, tasks > 0 ? 0 : 1024, tasks > 0 ? 0 : 2048),
          );
          const needed = instancesNeeded(pool, waiting, SIZE);
          const busy = tasksPerInstance.filter((tasks) => tasks > 0).length;
          const cpu = waiting.reduce((sum, shape) => sum + shape.count * shape.cpu, 0);
          expect(needed).toBeGreaterThanOrEqual(busy + Math.ceil(cpu / SIZE.cpu));
        },
      ),
    );
  });
});

describe('Function: scaledPoolSize', () => {
  it.each<[string, number, number, number, boolean, Partial<ScalingBounds>, number]>([
    ['scales out from zero to what is needed', 3, 0, 0, false, {}, 3],
    ['keeps headroom under a lower target', 3, 3, 0, false, { targetCapacity: 75 }, 4],
    ['steps out no more than the maximum step', 9, 1, 0, false, { maximumScalingStepSize: 2 }, 3],
    ['steps out at least the minimum step', 4, 3, 0, false, { minimumScalingStepSize: 3 }, 6],
    ['stops at the pool maximum', 30, 1, 0, false, {}, 10],
    ['holds at the target', 2, 2, 0, true, {}, 2],
    ['does not scale in before 15 low datapoints', 1, 3, 2, false, {}, 3],
    ['scales in by the empty instances after them', 1, 3, 2, true, {}, 1],
    ['removes only empty instances', 1, 3, 1, true, {}, 2],
    ['keeps the pool minimum', 0, 3, 3, true, { minSize: 2 }, 2],
  ])('%s', (_case, needed, running, empty, lowForLong, bounds, expected) => {
    expect(scaledPoolSize(needed, running, empty, lowForLong, { ...BOUNDS, ...bounds })).toBe(
      expected,
    );
  });

  it('stays within the pool bounds and never removes a busy instance', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 100 }),
        (needed, running, emptyWanted, lowForLong, targetCapacity) => {
          const empty = Math.min(emptyWanted, running);
          const size = scaledPoolSize(needed, running, empty, lowForLong, {
            ...BOUNDS,
            targetCapacity,
            minSize: 0,
            maxSize: 25,
          });
          expect(size).toBeGreaterThanOrEqual(0);
          expect(size).toBeLessThanOrEqual(Math.max(25, running));
          if (size < running) expect(running - size).toBeLessThanOrEqual(empty);
        },
      ),
    );
  });
});
