import type { StepScalingPolicyConfiguration } from '../../../../functions/domain/scaling/model';
import {
  adjustedCapacity,
  percentChange,
  proposeStepCapacity,
  selectStepAdjustment,
} from '../../../../functions/domain/scaling/stepScaling';

describe('Function: selectStepAdjustment', () => {
  const above = [
    { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
    { MetricIntervalLowerBound: 10, ScalingAdjustment: 2 },
  ];
  const below = [
    { MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
    { MetricIntervalUpperBound: -10, ScalingAdjustment: -2 },
  ];

  it.each([
    ['the threshold itself in the lower-inclusive step above', above, 50, 1],
    ['just under the next bound in the first step', above, 59.99, 1],
    ['the next bound in the next step above', above, 60, 2],
    ['far above in the open-ended step', above, 1000, 2],
    ['the threshold itself in the upper-inclusive step below', below, 50, -1],
    ['just above the bound below in the first step below', below, 40.01, -1],
    ['the bound below in the upper-inclusive step under it', below, 40, -2],
  ])('places %s', (_case, steps, metric, adjustment) => {
    expect(selectStepAdjustment(steps, metric, 50)?.ScalingAdjustment).toBe(adjustment);
  });

  it('finds no step in the gap between the threshold and the first step', () => {
    expect(
      selectStepAdjustment([{ MetricIntervalLowerBound: 10, ScalingAdjustment: 1 }], 55, 50),
    ).toBeUndefined();
  });

  it('finds no step above the threshold for a policy with steps below only', () => {
    expect(selectStepAdjustment(below, 55, 50)).toBeUndefined();
  });
});

describe('Function: percentChange', () => {
  it.each([
    ['floors a change above 1', 10, 127, undefined, 12],
    ['moves by 1 for a change between 0 and 1', 10, 5, undefined, 1],
    ['moves by −1 for a change between −1 and 0', 10, -5, undefined, -1],
    ['rounds a change below −1 toward zero', 20, -33.35, undefined, -6],
    ['changes nothing for 0%', 10, 0, 5, 0],
    ['raises a change to the minimum magnitude', 4, 25, 2, 2],
    ['raises a negative change to the minimum magnitude', 4, -25, 3, -3],
    ['keeps a change already above the minimum magnitude', 40, 25, 2, 10],
  ])('%s', (_case, capacity, percent, minimum, expected) => {
    expect(percentChange(capacity, percent, minimum)).toBe(expected);
  });
});

describe('Function: adjustedCapacity', () => {
  it.each([
    ['ChangeInCapacity', 3, 10, 13],
    ['ChangeInCapacity', -12, 10, 0],
    ['ExactCapacity', 4, 10, 4],
    ['PercentChangeInCapacity', 50, 10, 15],
  ] as const)('applies %s %i to %i as %i', (type, adjustment, capacity, expected) => {
    expect(adjustedCapacity(type, adjustment, capacity)).toBe(expected);
  });
});

describe('Function: proposeStepCapacity', () => {
  it('reproduces the worked example of a ±10%/±30% policy around a threshold of 50', () => {
    // Prepare
    const scaleOut: StepScalingPolicyConfiguration = {
      AdjustmentType: 'PercentChangeInCapacity',
      StepAdjustments: [
        { MetricIntervalLowerBound: 10, MetricIntervalUpperBound: 20, ScalingAdjustment: 10 },
        { MetricIntervalLowerBound: 20, ScalingAdjustment: 30 },
      ],
    };
    const scaleIn: StepScalingPolicyConfiguration = {
      AdjustmentType: 'PercentChangeInCapacity',
      StepAdjustments: [
        { MetricIntervalLowerBound: -20, MetricIntervalUpperBound: -10, ScalingAdjustment: -10 },
        { MetricIntervalUpperBound: -20, ScalingAdjustment: -30 },
      ],
    };

    // Act
    const capacities: number[] = [];
    let capacity = 10;
    for (const [policy, metric] of [
      [scaleOut, 60],
      [scaleOut, 70],
      [scaleIn, 40],
      [scaleIn, 30],
    ] as const) {
      capacity = proposeStepCapacity(policy, metric, 50, capacity).capacity;
      capacities.push(capacity);
    }

    // Assess
    expect(capacities).toEqual([11, 14, 13, 10]);
  });

  it.each([
    [
      'scales out on a positive change',
      'ChangeInCapacity',
      2,
      4,
      { direction: 'out', capacity: 6 },
    ],
    ['scales in on a negative change', 'ChangeInCapacity', -2, 4, { direction: 'in', capacity: 2 }],
    [
      'scales in on an exact capacity below',
      'ExactCapacity',
      1,
      4,
      { direction: 'in', capacity: 1 },
    ],
    [
      'holds on an exact capacity already reached',
      'ExactCapacity',
      4,
      4,
      { direction: 'hold', why: 'no-change' },
    ],
  ] as const)('%s', (_case, type, adjustment, capacity, expected) => {
    const configuration: StepScalingPolicyConfiguration = {
      AdjustmentType: type,
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: adjustment }],
    };
    expect(proposeStepCapacity(configuration, 80, 50, capacity)).toMatchObject(expected);
  });

  it('holds when the value is in no step', () => {
    const configuration: StepScalingPolicyConfiguration = {
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [{ MetricIntervalLowerBound: 10, ScalingAdjustment: 1 }],
    };
    expect(proposeStepCapacity(configuration, 55, 50, 3)).toEqual({
      direction: 'hold',
      capacity: 3,
      why: 'no-step',
    });
  });
});
