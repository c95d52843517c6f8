import fc from 'fast-check';
import {
  identityOfKey,
  metricKey,
  sampleOfStatistics,
  sampleOfValue,
  sampleOfValues,
} from '../../../../functions/domain/metrics/model';

describe('Function: metricKey', () => {
  it('gives one key whatever the order of the dimensions', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ name: fc.string(), value: fc.string() }), {
          selector: (dimension) => dimension.name,
          maxLength: 30,
        }),
        fc.integer(),
        (dimensions, seed) => {
          // Prepare
          const shuffled = [...dimensions].sort(
            (a, b) => ((a.name.length * 31 + seed) % 7) - ((b.name.length * 31 + seed) % 7),
          );

          // Act
          const a = metricKey({ namespace: 'N', metricName: 'M', dimensions });
          const b = metricKey({ namespace: 'N', metricName: 'M', dimensions: shuffled });

          // Assess
          expect(a).toBe(b);
        },
      ),
    );
  });

  it.each([
    ['a different value', [{ name: 'A', value: '2' }]],
    [
      'an extra dimension',
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '1' },
      ],
    ],
    ['no dimension', []],
  ])('tells apart a metric with %s', (_case, dimensions) => {
    // Act
    const base = metricKey({
      namespace: 'N',
      metricName: 'M',
      dimensions: [{ name: 'A', value: '1' }],
    });
    const other = metricKey({ namespace: 'N', metricName: 'M', dimensions });

    // Assess
    expect(other).not.toBe(base);
  });

  it('cannot be confused by separators inside names', () => {
    // Act
    const a = metricKey({ namespace: 'N|M', metricName: 'X', dimensions: [] });
    const b = metricKey({ namespace: 'N', metricName: 'M|X', dimensions: [] });

    // Assess
    expect(a).not.toBe(b);
  });

  it('round-trips through identityOfKey with the dimensions sorted', () => {
    // Prepare
    const identity = {
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: [
        { name: 'ServiceName', value: 'web' },
        { name: 'ClusterName', value: 'c' },
      ],
    };

    // Act
    const back = identityOfKey(metricKey(identity));

    // Assess
    expect(back).toEqual({
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: [
        { name: 'ClusterName', value: 'c' },
        { name: 'ServiceName', value: 'web' },
      ],
    });
  });
});

describe('Function: sampleOf*', () => {
  it('reduces one value to a statistic set that keeps the value', () => {
    expect(sampleOfValue(5, 2.5, 'Percent')).toEqual({
      timestamp: 5,
      sampleCount: 1,
      sum: 2.5,
      minimum: 2.5,
      maximum: 2.5,
      values: [{ value: 2.5, count: 1 }],
      unit: 'Percent',
    });
  });

  it('weights values by their counts', () => {
    // Act
    const sample = sampleOfValues(0, [
      { value: 1, count: 3 },
      { value: 10, count: 1 },
    ]);

    // Assess
    expect(sample).toMatchObject({ sampleCount: 4, sum: 13, minimum: 1, maximum: 10 });
  });

  it('keeps no values for a statistic set', () => {
    // Act
    const sample = sampleOfStatistics(0, { sampleCount: 2, sum: 3, minimum: 1, maximum: 2 });

    // Assess
    expect(sample.values).toBeUndefined();
  });
});
