import type { LoadBalancer } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../errors';
import {
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalObjectList,
  optionalString,
} from '../validation/shape';
import type { DeploymentConfigurationRecord } from './model';

/**
 * The members of CreateService and UpdateService that are a service's own
 * (the launch parts are checked as RunTask checks them).
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
 */

/** The most tasks a service may ask for (ECS's quota). */
const MAX_DESIRED_COUNT = 5_000;

/** `max`: the tasks-per-service quota (ECS's 5,000 unless configured). */
const readDesiredCount = (value: unknown, max = MAX_DESIRED_COUNT): number | undefined => {
  const count = optionalInteger(value, 'desiredCount');
  if (count !== undefined && (count < 0 || count > max)) {
    throw new InvalidParameterException(`desiredCount must be between 0 and ${max}.`);
  }
  return count;
};

const readDeploymentConfiguration = (
  value: unknown,
  current: DeploymentConfigurationRecord,
): DeploymentConfigurationRecord => {
  const configuration = optionalObject(value, 'deploymentConfiguration');
  if (!configuration) return current;
  const minimumHealthyPercent =
    optionalInteger(
      configuration.minimumHealthyPercent,
      'deploymentConfiguration.minimumHealthyPercent',
    ) ?? current.minimumHealthyPercent;
  const maximumPercent =
    optionalInteger(configuration.maximumPercent, 'deploymentConfiguration.maximumPercent') ??
    current.maximumPercent;
  if (minimumHealthyPercent < 0 || minimumHealthyPercent > 100) {
    throw new InvalidParameterException(
      'deploymentConfiguration.minimumHealthyPercent must be between 0 and 100.',
    );
  }
  if (maximumPercent < 100 || maximumPercent > 200) {
    throw new InvalidParameterException(
      'deploymentConfiguration.maximumPercent must be between 100 and 200.',
    );
  }
  const breaker = optionalObject(
    configuration.deploymentCircuitBreaker,
    'deploymentConfiguration.deploymentCircuitBreaker',
  );
  let circuitBreaker = current.circuitBreaker;
  if (breaker) {
    const enable = optionalBoolean(
      breaker.enable,
      'deploymentConfiguration.deploymentCircuitBreaker.enable',
    );
    const rollback = optionalBoolean(
      breaker.rollback,
      'deploymentConfiguration.deploymentCircuitBreaker.rollback',
    );
    if (enable === undefined || rollback === undefined) {
      throw new InvalidParameterException(
        'deploymentCircuitBreaker requires both enable and rollback.',
      );
    }
    circuitBreaker = { enable, rollback };
  }
  return { minimumHealthyPercent, maximumPercent, circuitBreaker };
};

const readLoadBalancers = (value: unknown): LoadBalancer[] => {
  const list = optionalObjectList(value, 'loadBalancers') ?? [];
  if (list.length > 5) {
    throw new InvalidParameterException('A service can have at most 5 load balancers.');
  }
  return list.map((item, index) => {
    const path = `loadBalancers[${index}]`;
    const containerPort = optionalInteger(item.containerPort, `${path}.containerPort`);
    return {
      ...(optionalString(item.targetGroupArn, `${path}.targetGroupArn`) === undefined
        ? {}
        : { targetGroupArn: item.targetGroupArn as string }),
      ...(optionalString(item.loadBalancerName, `${path}.loadBalancerName`) === undefined
        ? {}
        : { loadBalancerName: item.loadBalancerName as string }),
      ...(optionalString(item.containerName, `${path}.containerName`) === undefined
        ? {}
        : { containerName: item.containerName as string }),
      ...(containerPort === undefined ? {} : { containerPort }),
    };
  });
};

export { MAX_DESIRED_COUNT, readDeploymentConfiguration, readDesiredCount, readLoadBalancers };
