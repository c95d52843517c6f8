import fc from 'fast-check';
import { EcsError } from '../../../../functions/domain/errors';
import { DEFAULT_DEPLOYMENT_CONFIGURATION } from '../../../../functions/domain/services/model';
import {
  MAX_DESIRED_COUNT,
  readDeploymentConfiguration,
  readDesiredCount,
  readLoadBalancers,
} from '../../../../functions/domain/services/validation';

const failureOf = (read: () => unknown): { type: string; message: string } | undefined => {
  try {
    read();
    return undefined;
  } catch (error) {
    if (!(error instanceof EcsError)) throw error;
    return { type: error.errorType, message: error.message };
  }
};

describe('readDeploymentConfiguration', () => {
  it.each([
    [undefined, DEFAULT_DEPLOYMENT_CONFIGURATION],
    [{}, DEFAULT_DEPLOYMENT_CONFIGURATION],
    [
      { minimumHealthyPercent: 50, maximumPercent: 150 },
      { ...DEFAULT_DEPLOYMENT_CONFIGURATION, minimumHealthyPercent: 50, maximumPercent: 150 },
    ],
    [
      { deploymentCircuitBreaker: { enable: true, rollback: false } },
      { ...DEFAULT_DEPLOYMENT_CONFIGURATION, circuitBreaker: { enable: true, rollback: false } },
    ],
  ])('reads %j', (value, expected) => {
    expect(readDeploymentConfiguration(value, DEFAULT_DEPLOYMENT_CONFIGURATION)).toEqual(expected);
  });

  it.each([
    [
      { minimumHealthyPercent: -1 },
      'deploymentConfiguration.minimumHealthyPercent must be between 0 and 100.',
    ],
    [
      { minimumHealthyPercent: 101 },
      'deploymentConfiguration.minimumHealthyPercent must be between 0 and 100.',
    ],
    [{ maximumPercent: 99 }, 'deploymentConfiguration.maximumPercent must be between 100 and 200.'],
    [
      { maximumPercent: 201 },
      'deploymentConfiguration.maximumPercent must be between 100 and 200.',
    ],
    [
      { deploymentCircuitBreaker: { enable: true } },
      'deploymentCircuitBreaker requires both enable and rollback.',
    ],
    [
      { maximumPercent: '150' },
      'Invalid type for parameter deploymentConfiguration.maximumPercent: expected an integer, got string.',
    ],
  ])('refuses %j', (value, message) => {
    expect(
      failureOf(() => readDeploymentConfiguration(value, DEFAULT_DEPLOYMENT_CONFIGURATION)),
    ).toEqual({
      type: 'InvalidParameterException',
      message,
    });
  });

  it('keeps what an update leaves out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 100, max: 200 }),
        (min, max) => {
          const current = {
            ...DEFAULT_DEPLOYMENT_CONFIGURATION,
            minimumHealthyPercent: min,
            maximumPercent: max,
          };
          expect(readDeploymentConfiguration({ maximumPercent: max }, current)).toEqual(current);
          expect(readDeploymentConfiguration(undefined, current)).toBe(current);
        },
      ),
    );
  });
});

describe('readDesiredCount', () => {
  it.each([
    [undefined, undefined],
    [0, 0],
    [MAX_DESIRED_COUNT, MAX_DESIRED_COUNT],
  ])('reads %j', (value, expected) => {
    expect(readDesiredCount(value)).toBe(expected);
  });

  it.each([-1, MAX_DESIRED_COUNT + 1])('refuses %j', (value) => {
    expect(failureOf(() => readDesiredCount(value))).toEqual({
      type: 'InvalidParameterException',
      message: `desiredCount must be between 0 and ${MAX_DESIRED_COUNT}.`,
    });
  });
});

describe('readLoadBalancers', () => {
  it('records target groups as given', () => {
    const given = [{ targetGroupArn: 'arn:tg', containerName: 'web', containerPort: 80 }];
    expect(readLoadBalancers(given)).toEqual(given);
  });

  it('refuses more than five', () => {
    expect(failureOf(() => readLoadBalancers(Array(6).fill({ targetGroupArn: 'arn:tg' })))).toEqual(
      {
        type: 'InvalidParameterException',
        message: 'A service can have at most 5 load balancers.',
      },
    );
  });
});
