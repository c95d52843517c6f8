import { type ArnContext, clusterArn, serviceArn } from '../arns';
import type { EcsEvent } from '../ports/EventPublisher';
import type { DeploymentChange } from './planner';

/**
 * The events ECS sends about services, on the bus (and the local stream).
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html
 */

/** `ECS Deployment State Change`: a deployment started, completed or failed. */
const deploymentStateChange = (
  arns: ArnContext,
  service: { cluster: string; name: string },
  change: DeploymentChange,
  now: number,
): EcsEvent => ({
  detailType: 'ECS Deployment State Change',
  resources: [serviceArn(arns, service.cluster, service.name)],
  detail: {
    eventType: change.eventName === 'SERVICE_DEPLOYMENT_FAILED' ? 'ERROR' : 'INFO',
    eventName: change.eventName,
    deploymentId: change.deploymentId,
    updatedAt: new Date(now).toISOString(),
    reason: change.reason,
  },
});

/** `ECS Service Action`: steady state, a task that could not be placed, … */
const serviceAction = (
  arns: ArnContext,
  service: { cluster: string; name: string },
  action: { eventType: 'INFO' | 'WARN' | 'ERROR'; eventName: string; reason?: string | undefined },
  now: number,
): EcsEvent => ({
  detailType: 'ECS Service Action',
  resources: [serviceArn(arns, service.cluster, service.name)],
  detail: {
    eventType: action.eventType,
    eventName: action.eventName,
    clusterArn: clusterArn(arns, service.cluster),
    createdAt: new Date(now).toISOString(),
    ...(action.reason === undefined ? {} : { reason: action.reason }),
  },
});

export { deploymentStateChange, serviceAction };
