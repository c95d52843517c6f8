import fc from 'fast-check';
import {
  type MetricSample,
  sampleOfStatistics,
  sampleOfValue,
  sampleOfValues,
} from '../../../../functions/domain/metrics/model';
import {
  aggregate,
  alignedStart,
  percentile,
  percentileOf,
  statisticOf,
  toDatapoint,
} from '../../../../functions/domain/metrics/statistics';

const T0 = Date.parse('2026-01-12T12:00:00Z');
const NOW = T0 + 3_600_000;
const at = (minutes: number, seconds = 0) => T0 + minutes * 60_000 + seconds * 1000;

describe('Function: alignedStart', () => {
  it.each([
    ['a recent start to the minute', '2026-01-12T12:32:34Z', 300, '2026-01-12T12:32:00Z'],
    ['a high-resolution start to its period', '2026-01-12T12:32:34Z', 10, '2026-01-12T12:32:30Z'],
    ['a 1 s period start to the second', '2026-01-12T12:32:34.500Z', 1, '2026-01-12T12:32:34Z'],
  ])('rounds %s', (_case, start, period, expected) => {
    expect(alignedStart(Date.parse(start), period, NOW)).toBe(Date.parse(expected));
  });

  it.each([
    ['16 days', 16, 5 * 60_000],
    ['70 days', 70, 3_600_000],
  ])('rounds a start %s old more coarsely', (_case, days, step) => {
    // Prepare
    const start = NOW - days * 86_400_000 + 123_456;

    // Act
    const aligned = alignedStart(start, 60, NOW);

    // Assess
    expect(aligned % step).toBe(0);
    expect(start - aligned).toBeLessThan(step);
  });
});

describe('Function: aggregate', () => {
  it('cuts periods from the rounded StartTime, not from the clock', () => {
    // Prepare
    const samples = [sampleOfValue(at(32, 40), 1), sampleOfValue(at(37, 1), 2)];

    // Act
    const buckets = aggregate(samples, {
      startMs: at(32, 34),
      endMs: at(60),
      periodSeconds: 300,
      nowMs: NOW,
    });

    // Assess
    expect(buckets.map((bucket) => bucket.timestamp)).toEqual([at(32), at(37)]);
  });

  it('leaves out periods without samples and the samples outside [start, end)', () => {
    // Prepare
    const samples = [
      sampleOfValue(at(0), 1),
      sampleOfValue(at(3), 2),
      sampleOfValue(at(5), 3),
      sampleOfValue(at(-1), 9),
    ];

    // Act
    const buckets = aggregate(samples, {
      startMs: at(0),
      endMs: at(5),
      periodSeconds: 60,
      nowMs: NOW,
    });

    // Assess
    expect(buckets.map((bucket) => [bucket.timestamp, bucket.sum])).toEqual([
      [at(0), 1],
      [at(3), 2],
    ]);
  });

  it('computes the five basic statistics', () => {
    // Prepare
    const samples = [
      sampleOfValue(at(0, 1), 10),
      sampleOfValues(at(0, 2), [
        { value: 20, count: 2 },
        { value: 40, count: 1 },
      ]),
      sampleOfStatistics(at(0, 3), { sampleCount: 2, sum: 10, minimum: 4, maximum: 6 }),
    ];

    // Act
    const [bucket] = aggregate(samples, {
      startMs: at(0),
      endMs: at(1),
      periodSeconds: 60,
      nowMs: NOW,
    });

    // Assess
    expect(bucket).toBeDefined();
    if (!bucket) return;
    expect(
      toDatapoint(bucket, ['SampleCount', 'Sum', 'Minimum', 'Maximum', 'Average'], []),
    ).toEqual({
      Timestamp: at(0) / 1000,
      SampleCount: 6,
      Sum: 100,
      Minimum: 4,
      Maximum: 40,
      Average: 100 / 6,
      Unit: 'None',
    });
  });

  it('filters by unit and, for GetMetricStatistics, answers one datapoint per unit', () => {
    // Prepare
    const samples = [
      sampleOfValue(at(0), 1, 'Percent'),
      sampleOfValue(at(0), 5, 'Count'),
      sampleOfValue(at(0), 7),
    ];
    const query = { startMs: at(0), endMs: at(1), periodSeconds: 60, nowMs: NOW };

    // Act
    const percent = aggregate(samples, { ...query, unit: 'Percent' });
    const none = aggregate(samples, { ...query, unit: 'None' });
    const split = aggregate(samples, { ...query, splitByUnit: true });
    const merged = aggregate(samples, query);

    // Assess
    expect(percent.map((bucket) => bucket.sum)).toEqual([1]);
    expect(none.map((bucket) => bucket.sum)).toEqual([7]);
    expect(split.map((bucket) => bucket.unit)).toEqual(['Count', 'None', 'Percent']);
    expect(merged.map((bucket) => bucket.sum)).toEqual([13]);
  });

  const sampleArbitrary = fc.record({
    offset: fc.integer({ min: -120_000, max: 1_200_000 }),
    value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  });
  const query = { startMs: at(0), endMs: at(15), periodSeconds: 120, nowMs: NOW };
  const samplesOf = (items: { offset: number; value: number }[]): MetricSample[] =>
    items.map(({ offset, value }) => sampleOfValue(T0 + offset, value));

  it('sums over buckets to the sum of the samples in range', () => {
    fc.assert(
      fc.property(fc.array(sampleArbitrary, { maxLength: 60 }), (items) => {
        // Prepare
        const samples = samplesOf(items);
        const inRange = samples.filter(
          (s) => s.timestamp >= query.startMs && s.timestamp < query.endMs,
        );

        // Act
        const buckets = aggregate(samples, query);

        // Assess
        const total = buckets.reduce((sum, bucket) => sum + bucket.sum, 0);
        const expected = inRange.reduce((sum, sample) => sum + sample.sum, 0);
        expect(total).toBeCloseTo(expected, 3);
        expect(buckets.reduce((n, bucket) => n + bucket.sampleCount, 0)).toBe(inRange.length);
      }),
    );
  });

  it('keeps Minimum ≤ Average ≤ Maximum in every bucket', () => {
    fc.assert(
      fc.property(fc.array(sampleArbitrary, { maxLength: 60 }), (items) => {
        for (const bucket of aggregate(samplesOf(items), query)) {
          const average = statisticOf(bucket, 'Average') ?? Number.NaN;
          expect(bucket.minimum).toBeLessThanOrEqual(average + 1e-6);
          expect(average).toBeLessThanOrEqual(bucket.maximum + 1e-6);
        }
      }),
    );
  });

  it('gives the same SampleCount and Sum for two sets merged as for them aggregated together', () => {
    fc.assert(
      fc.property(
        fc.array(sampleArbitrary, { maxLength: 30 }),
        fc.array(sampleArbitrary, { maxLength: 30 }),
        (left, right) => {
          // Act
          const together = aggregate(samplesOf([...left, ...right]), query);
          const apart = [
            ...aggregate(samplesOf(left), query),
            ...aggregate(samplesOf(right), query),
          ];

          // Assess
          for (const bucket of together) {
            const parts = apart.filter((part) => part.timestamp === bucket.timestamp);
            expect(parts.reduce((n, part) => n + part.sampleCount, 0)).toBe(bucket.sampleCount);
            expect(parts.reduce((n, part) => n + part.sum, 0)).toBeCloseTo(bucket.sum, 3);
          }
          expect(new Set(apart.map((part) => part.timestamp)).size).toBe(together.length);
        },
      ),
    );
  });
});

describe('Function: percentiles', () => {
  it.each([
    ['p0', 0],
    ['p50', 50],
    ['p99.9', 99.9],
    ['p100', 100],
    ['p100.1', undefined],
    ['p', undefined],
    ['P50', undefined],
    ['p50.12345678901', undefined],
  ])('reads %s as %p', (name, expected) => {
    expect(percentileOf(name)).toBe(expected);
  });

  it.each([
    [0, 1],
    [10, 1],
    [50, 5],
    [90, 9],
    [91, 10],
    [100, 10],
  ])('takes p%d of 1..10 by nearest rank as %d', (percent, expected) => {
    // Prepare
    const values = Array.from({ length: 10 }, (_, i) => ({ value: i + 1, count: 1 }));

    // Assess
    expect(percentile(values, percent)).toBe(expected);
  });

  it('weights values by their counts', () => {
    expect(
      percentile(
        [
          { value: 1, count: 9 },
          { value: 100, count: 1 },
        ],
        90,
      ),
    ).toBe(1);
  });

  it('answers no percentile when a statistic set hides its values', () => {
    // Prepare
    const samples = [
      sampleOfValue(at(0), 1),
      sampleOfStatistics(at(0), { sampleCount: 2, sum: 10, minimum: 4, maximum: 6 }),
    ];

    // Act
    const [bucket] = aggregate(samples, {
      startMs: at(0),
      endMs: at(1),
      periodSeconds: 60,
      nowMs: NOW,
    });

    // Assess
    expect(bucket && statisticOf(bucket, 'p50')).toBeUndefined();
    expect(bucket && toDatapoint(bucket, ['Sum'], ['p50'])).toEqual({
      Timestamp: at(0) / 1000,
      Sum: 11,
      Unit: 'None',
    });
  });

  it('answers percentiles of a statistic set whose values are all equal', () => {
    // Prepare
    const samples = [
      sampleOfValue(at(0), 1),
      sampleOfStatistics(at(0), { sampleCount: 3, sum: 15, minimum: 5, maximum: 5 }),
    ];

    // Act
    const [bucket] = aggregate(samples, {
      startMs: at(0),
      endMs: at(1),
      periodSeconds: 60,
      nowMs: NOW,
    });

    // Assess
    expect(bucket && statisticOf(bucket, 'p25')).toBe(1);
    expect(bucket && statisticOf(bucket, 'p50')).toBe(5);
  });
});
