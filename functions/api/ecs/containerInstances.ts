import type {
  DeleteAttributesResponse,
  DeregisterContainerInstanceResponse,
  DescribeContainerInstancesResponse,
  ListAttributesResponse,
  ListContainerInstancesResponse,
  PutAttributesResponse,
  RegisterContainerInstanceResponse,
  UpdateContainerInstancesStateResponse,
} from '@aws-sdk/client-ecs';
import { clusterNameFrom } from '../../domain/arns';
import type { Principal } from '../../domain/iam/model';
import { readPageRequest } from '../../domain/validation/requests';
import { optionalEnum, optionalString } from '../../domain/validation/shape';
import type { Operation } from '../registry';

/** The IAM user behind a call (an agent's own key); undefined for the root. */
const userOf = (caller: Principal): string | undefined =>
  caller.kind === 'user' ? caller.arn : undefined;

/** @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterContainerInstance.html */

const RegisterContainerInstance: Operation = async (
  body,
  { containerInstances },
  caller,
): Promise<RegisterContainerInstanceResponse> => ({
  containerInstance: await containerInstances.register(body, userOf(caller)),
});

const DeregisterContainerInstance: Operation = async (
  body,
  { containerInstances },
): Promise<DeregisterContainerInstanceResponse> => ({
  containerInstance: await containerInstances.deregister(body),
});

const DescribeContainerInstances: Operation = (
  body,
  { containerInstances },
): Promise<DescribeContainerInstancesResponse> => containerInstances.describe(body);

const ListContainerInstances: Operation = async (
  body,
  { containerInstances, clusters, instanceFilter },
): Promise<ListContainerInstancesResponse> => {
  const cluster = (await clusters.requireActive(optionalString(body.cluster, 'cluster'))).name;
  const filter = optionalString(body.filter, 'filter');
  const page = await containerInstances.list(clusterNameFrom(cluster), {
    status: optionalEnum(body.status, 'status', [
      'ACTIVE',
      'DRAINING',
      'REGISTERING',
      'DEREGISTERING',
      'REGISTRATION_FAILED',
    ] as const),
    ...(filter === undefined ? {} : { matches: instanceFilter(filter) }),
    page: readPageRequest(body),
  });
  return {
    containerInstanceArns: page.items,
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
};

const UpdateContainerInstancesState: Operation = (
  body,
  { containerInstances },
): Promise<UpdateContainerInstancesStateResponse> => containerInstances.updateState(body);

const PutAttributes: Operation = async (
  body,
  { containerInstances },
): Promise<PutAttributesResponse> => ({
  attributes: await containerInstances.putAttributes(body),
});

const DeleteAttributes: Operation = async (
  body,
  { containerInstances },
): Promise<DeleteAttributesResponse> => ({
  attributes: await containerInstances.deleteAttributes(body),
});

const ListAttributes: Operation = async (
  body,
  { containerInstances },
): Promise<ListAttributesResponse> => {
  const page = await containerInstances.listAttributes(body, readPageRequest(body));
  return { attributes: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
};

const containerInstanceOperations = {
  RegisterContainerInstance,
  DeregisterContainerInstance,
  DescribeContainerInstances,
  ListContainerInstances,
  UpdateContainerInstancesState,
  PutAttributes,
  DeleteAttributes,
  ListAttributes,
};

export { containerInstanceOperations, userOf };
