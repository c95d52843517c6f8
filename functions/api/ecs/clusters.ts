import type {
  CreateClusterResponse,
  DeleteClusterResponse,
  DescribeClustersResponse,
  ListClustersResponse,
} from '@aws-sdk/client-ecs';
import { readPageRequest, requiredString } from '../../domain/validation/requests';
import type { Operation } from '../registry';

/** @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Operations.html */

const CreateCluster: Operation = async (body, { clusters }): Promise<CreateClusterResponse> => ({
  cluster: await clusters.create(body),
});

const DescribeClusters: Operation = (body, { clusters }): Promise<DescribeClustersResponse> =>
  clusters.describe(body);

const ListClusters: Operation = async (body, { clusters }): Promise<ListClustersResponse> => {
  const page = await clusters.list(readPageRequest(body));
  return { clusterArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
};

const DeleteCluster: Operation = async (body, { clusters }): Promise<DeleteClusterResponse> => ({
  cluster: await clusters.delete(requiredString(body.cluster, 'cluster')),
});

const clusterOperations = { CreateCluster, DescribeClusters, ListClusters, DeleteCluster };

export { clusterOperations };
