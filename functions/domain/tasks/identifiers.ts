import { createHash, randomUUID } from 'node:crypto';
import { type ArnContext, parseEcsArn } from '../arns';
import { InvalidParameterException } from '../errors';

const taskArn = (arns: ArnContext, cluster: string, id: string) =>
  `arn:aws:ecs:${arns.region}:${arns.accountId}:task/${cluster}/${id}`;

const taskIdFrom = (reference: string): string => {
  if (!reference.startsWith('arn:')) return reference;
  const arn = parseEcsArn(reference);
  if (arn?.resourceType !== 'task')
    throw new InvalidParameterException(`Invalid task ARN: ${reference}`);
  return arn.resourceId.split('/').at(-1) ?? '';
};

const newId = () => randomUUID().replaceAll('-', '');

/**
 * Marks the id of a FARGATE task's own host. A registered instance's id is
 * hex, so no user's instance has it, and the store can keep such hosts out of
 * the key range that placement and the listings read.
 */
const MANAGED_INSTANCE_PREFIX = 'fargate-';

/** A FARGATE task's own host has an id derived from the task's, so a retried step finds it. */
const managedInstanceId = (taskId: string): string =>
  `${MANAGED_INSTANCE_PREFIX}${createHash('sha256').update(`managed-host/${taskId}`).digest('hex').slice(0, 24)}`;

/** Whether an id is a FARGATE host's as `managedInstanceId` makes them (hosts made before are plain hex). */
const isManagedInstanceId = (id: string): boolean => id.startsWith(MANAGED_INSTANCE_PREFIX);

export { isManagedInstanceId, managedInstanceId, newId, taskArn, taskIdFrom };
