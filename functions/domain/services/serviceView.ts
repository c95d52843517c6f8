import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { type ArnContext, clusterArn, serviceArn, taskDefinitionArn } from '../arns';
import type { DeploymentRecord, ServiceRecord } from './model';

/** A deployment as DescribeServices shows it. */
const toDeployment = (arns: ArnContext, deployment: DeploymentRecord): Deployment => ({
  id: deployment.id,
  status: deployment.status,
  taskDefinition: taskDefinitionArn(arns, deployment.family, deployment.revision),
  desiredCount: deployment.desiredCount,
  pendingCount: deployment.pendingCount,
  runningCount: deployment.runningCount,
  failedTasks: deployment.failedTasks,
  createdAt: new Date(deployment.createdAt),
  updatedAt: new Date(deployment.updatedAt),
  ...(deployment.launchType ? { launchType: deployment.launchType } : {}),
  ...(deployment.capacityProviderStrategy
    ? { capacityProviderStrategy: deployment.capacityProviderStrategy }
    : {}),
  ...(deployment.platformVersion ? { platformVersion: deployment.platformVersion } : {}),
  ...(deployment.networkConfiguration
    ? {
        networkConfiguration: deployment.networkConfiguration as Deployment['networkConfiguration'],
      }
    : {}),
  rolloutState: deployment.rolloutState,
  rolloutStateReason: deployment.rolloutStateReason,
});

/**
 * A service as DescribeServices, CreateService, UpdateService and
 * DeleteService answer it.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html
 */
const toService = (arns: ArnContext, service: ServiceRecord, withTags: boolean): Service => {
  const primary = service.deployments[0];
  return {
    serviceArn: serviceArn(arns, service.cluster, service.name),
    serviceName: service.name,
    clusterArn: clusterArn(arns, service.cluster),
    loadBalancers: service.loadBalancers,
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: service.runningCount,
    pendingCount: service.pendingCount,
    ...(primary?.launchType ? { launchType: primary.launchType } : {}),
    ...(primary?.capacityProviderStrategy
      ? { capacityProviderStrategy: primary.capacityProviderStrategy }
      : {}),
    ...(primary?.platformVersion
      ? { platformVersion: primary.platformVersion, platformFamily: 'Linux' }
      : {}),
    ...(primary
      ? { taskDefinition: taskDefinitionArn(arns, primary.family, primary.revision) }
      : {}),
    deploymentConfiguration: {
      deploymentCircuitBreaker: {
        enable: service.deploymentConfiguration.circuitBreaker.enable,
        rollback: service.deploymentConfiguration.circuitBreaker.rollback,
      },
      maximumPercent: service.deploymentConfiguration.maximumPercent,
      minimumHealthyPercent: service.deploymentConfiguration.minimumHealthyPercent,
    },
    deployments: service.deployments.map((deployment) => toDeployment(arns, deployment)),
    events: service.events.map((event) => ({
      id: event.id,
      createdAt: new Date(event.createdAt),
      message: event.message,
    })),
    createdAt: new Date(service.createdAt),
    placementConstraints: (primary?.placementConstraints ?? []) as Service['placementConstraints'],
    placementStrategy: (primary?.placementStrategy ?? []) as Service['placementStrategy'],
    ...(primary?.networkConfiguration
      ? { networkConfiguration: primary.networkConfiguration as Service['networkConfiguration'] }
      : {}),
    ...(service.healthCheckGracePeriodSeconds === undefined
      ? {}
      : { healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds }),
    schedulingStrategy: service.schedulingStrategy,
    deploymentController: { type: 'ECS' },
    ...(withTags ? { tags: service.tags } : {}),
    enableECSManagedTags: service.enableECSManagedTags,
    propagateTags: service.propagateTags,
    enableExecuteCommand: false,
  };
};

export { toService };
