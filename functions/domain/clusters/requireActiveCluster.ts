import { clusterNameFrom } from '../arns';
import { ClusterNotFoundException } from '../errors';
import { CLUSTER_STATUS, type ClusterRecord } from '../model';
import type { ClusterRepository } from '../ports/ClusterRepository';

/**
 * The ACTIVE cluster a request names (by name or ARN; `default` when none),
 * or ECS's ClusterNotFoundException. Every operation scoped to a cluster
 * starts here.
 */
const requireActiveCluster = async (
  clusters: ClusterRepository,
  reference: string | undefined,
): Promise<ClusterRecord> => {
  const record = await clusters.get(clusterNameFrom(reference));
  if (record?.status !== CLUSTER_STATUS.active) throw new ClusterNotFoundException();
  return record;
};

export { requireActiveCluster };
