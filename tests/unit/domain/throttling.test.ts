import fc from 'fast-check';
import { ThrottlingException } from '../../../functions/domain/iam/errors';
import {
  RequestThrottle,
  THROTTLING_CATEGORIES,
} from '../../../functions/domain/throttling/RequestThrottle';

/** How many of `count` calls at `intervalMs` apart pass. */
const passing = (operation: string, count: number, intervalMs: number): number => {
  let now = 0;
  const throttle = new RequestThrottle(() => now);
  let passed = 0;
  for (let index = 0; index < count; index += 1) {
    try {
      throttle.take(operation);
      passed += 1;
    } catch (error) {
      expect(error).toEqual(new ThrottlingException('Rate exceeded'));
    }
    now += intervalMs;
  }
  return passed;
};

describe('RequestThrottle', () => {
  it.each([
    ['RegisterTaskDefinition', 20],
    ['DeleteTaskDefinitions', 5],
    ['DescribeClusters', 50],
    ['RunTask', 100],
    ['SubmitTaskStateChange', 200],
    ['CreateService', 50],
  ])('lets a burst of %s through up to %i, at once', (operation, burst) => {
    expect(passing(operation, burst + 10, 0)).toBe(burst);
  });

  it('refills at the category’s rate: RegisterTaskDefinition one a second after its burst', () => {
    // 20 at once, then one per second for 10 seconds of calls every 100 ms.
    expect(passing('RegisterTaskDefinition', 120, 100)).toBe(20 + 11);
  });

  it('keeps categories apart: a throttled read does not slow writes', () => {
    let now = 0;
    const throttle = new RequestThrottle(() => now);
    for (let index = 0; index < 50; index += 1) throttle.take('DescribeClusters');
    expect(() => throttle.take('ListClusters')).toThrow(ThrottlingException);
    expect(() => throttle.take('CreateCluster')).not.toThrow();
    now += 1000;
    expect(() => throttle.take('ListClusters')).not.toThrow();
  });

  it('never throttles operations outside ECS’s table', () => {
    expect(passing('PutScalingPolicy', 1000, 0)).toBe(1000);
  });

  it('never lets more through than burst + refill × elapsed time', () => {
    const categories = Object.values(THROTTLING_CATEGORIES);
    fc.assert(
      fc.property(
        fc.constantFrom(...categories),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 300 }),
        (category, gaps) => {
          let now = 0;
          const throttle = new RequestThrottle(() => now);
          const operation = category.actions[0] ?? '';
          let passed = 0;
          for (const gap of gaps) {
            now += gap;
            try {
              throttle.take(operation);
              passed += 1;
            } catch {
              // throttled
            }
          }
          const ceiling = category.rate.burst + (now / 1000) * category.rate.refill;
          expect(passed).toBeLessThanOrEqual(Math.floor(ceiling));
        },
      ),
    );
  });
});
