import { InvalidParameterException } from '../../domain/errors';
import type { Page } from '../../domain/model';
import { InvalidNextTokenException } from '../../domain/scaling/errors';
import {
  MAX_RESULTS,
  readDeleteScalingPolicy,
  readDeleteScheduledAction,
  readDeregisterScalableTarget,
  readDescribeScalableTargets,
  readDescribeScalingActivities,
  readDescribeScalingPolicies,
  readDescribeScheduledActions,
  readPutScalingPolicy,
  readPutScheduledAction,
  readRegisterScalableTarget,
} from '../../domain/scaling/validation';
import {
  AUTOSCALING_TARGET_PREFIX,
  type Operation,
  type OperationRegistry,
  withPrefix,
} from '../registry';

/**
 * Application Auto Scaling for ECS services (AWS JSON 1.1, target prefix
 * `AnyScaleFrontendService`), on the same endpoint as ECS.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/Welcome.html
 */

/** Describe*'s answer: the items under their member name, and the token when there are more. */
const listed = async <T>(
  member: string,
  page: Promise<Page<T>>,
): Promise<Record<string, unknown>> => {
  try {
    const { items, nextToken } = await page;
    return { [member]: items, ...(nextToken ? { NextToken: nextToken } : {}) };
  } catch (error) {
    // The table refuses a token it did not hand out; this API calls that InvalidNextTokenException.
    if (error instanceof InvalidParameterException) throw new InvalidNextTokenException();
    throw error;
  }
};

const pageOf = (request: { MaxResults?: number; NextToken?: string }) => ({
  maxResults: request.MaxResults ?? MAX_RESULTS,
  nextToken: request.NextToken,
});

const RegisterScalableTarget: Operation = (body, { scalingManager }) =>
  scalingManager.register(readRegisterScalableTarget(body));

const DeregisterScalableTarget: Operation = async (body, { scalingManager }) => {
  await scalingManager.deregister(readDeregisterScalableTarget(body));
  return {};
};

const DescribeScalableTargets: Operation = (body, { scalingManager }) => {
  const request = readDescribeScalableTargets(body);
  return listed(
    'ScalableTargets',
    scalingManager.describeTargets(
      { resourceIds: request.ResourceIds, scalableDimension: request.ScalableDimension },
      pageOf(request),
    ),
  );
};

const PutScalingPolicy: Operation = (body, { scalingManager }) =>
  scalingManager.putPolicy(readPutScalingPolicy(body));

const DeleteScalingPolicy: Operation = async (body, { scalingManager }) => {
  const request = readDeleteScalingPolicy(body);
  await scalingManager.deletePolicy(request, request.PolicyName);
  return {};
};

const DescribeScalingPolicies: Operation = (body, { scalingManager }) => {
  const request = readDescribeScalingPolicies(body);
  return listed(
    'ScalingPolicies',
    scalingManager.describePolicies(
      {
        ...(request.ResourceId === undefined ? {} : { resourceIds: [request.ResourceId] }),
        scalableDimension: request.ScalableDimension,
        policyNames: request.PolicyNames,
      },
      pageOf(request),
    ),
  );
};

const PutScheduledAction: Operation = async (body, { scalingManager }) => {
  await scalingManager.putScheduledAction(readPutScheduledAction(body));
  return {};
};

const DeleteScheduledAction: Operation = async (body, { scalingManager }) => {
  const request = readDeleteScheduledAction(body);
  await scalingManager.deleteScheduledAction(request, request.ScheduledActionName);
  return {};
};

const DescribeScheduledActions: Operation = (body, { scalingManager }) => {
  const request = readDescribeScheduledActions(body);
  return listed(
    'ScheduledActions',
    scalingManager.describeScheduledActions(
      {
        ...(request.ResourceId === undefined ? {} : { resourceIds: [request.ResourceId] }),
        scalableDimension: request.ScalableDimension,
        names: request.ScheduledActionNames,
      },
      pageOf(request),
    ),
  );
};

const DescribeScalingActivities: Operation = (body, { scalingManager }) => {
  const request = readDescribeScalingActivities(body);
  return listed(
    'ScalingActivities',
    scalingManager.describeActivities(
      {
        ...(request.ResourceId === undefined ? {} : { resourceIds: [request.ResourceId] }),
        scalableDimension: request.ScalableDimension,
      },
      pageOf(request),
    ),
  );
};

const autoScalingOperations: OperationRegistry = withPrefix(AUTOSCALING_TARGET_PREFIX, {
  RegisterScalableTarget,
  DeregisterScalableTarget,
  DescribeScalableTargets,
  PutScalingPolicy,
  DeleteScalingPolicy,
  DescribeScalingPolicies,
  PutScheduledAction,
  DeleteScheduledAction,
  DescribeScheduledActions,
  DescribeScalingActivities,
});

export { autoScalingOperations };
