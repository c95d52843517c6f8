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

/** A FARGATE task's own host has an id derived from the task's, so a retried step finds it. */
const managedInstanceId = (taskId: string): string =>
  createHash('sha256').update(`managed-host/${taskId}`).digest('hex').slice(0, 32);

export { managedInstanceId, newId, taskArn, taskIdFrom };
