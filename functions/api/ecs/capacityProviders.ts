import type {
  CreateCapacityProviderResponse,
  DeleteCapacityProviderResponse,
  DescribeCapacityProvidersResponse,
  PutClusterCapacityProvidersResponse,
} from '@aws-sdk/client-ecs';
import { CLUSTER_INCLUDE } from '../../domain/clusters/ClusterService';
import type { Operation } from '../registry';

/** @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html */

const CreateCapacityProvider: Operation = async (
  body,
  { capacityProviders },
): Promise<CreateCapacityProviderResponse> => ({
  capacityProvider: await capacityProviders.create(body),
});

const DescribeCapacityProviders: Operation = (
  body,
  { capacityProviders },
): Promise<DescribeCapacityProvidersResponse> => capacityProviders.describe(body);

const DeleteCapacityProvider: Operation = async (
  body,
  { capacityProviders },
): Promise<DeleteCapacityProviderResponse> => ({
  capacityProvider: await capacityProviders.delete(body),
});

const PutClusterCapacityProviders: Operation = async (
  body,
  { capacityProviders, clusters },
): Promise<PutClusterCapacityProvidersResponse> => ({
  cluster: await capacityProviders.putClusterCapacityProviders(body, (record) =>
    clusters.toCluster(record, new Set(CLUSTER_INCLUDE)),
  ),
});

const capacityProviderOperations = {
  CreateCapacityProvider,
  DescribeCapacityProviders,
  DeleteCapacityProvider,
  PutClusterCapacityProviders,
};

export { capacityProviderOperations };
