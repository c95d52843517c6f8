import { ClusterService } from '../../../../functions/domain/clusters/ClusterService';
import {
  ClusterContainsContainerInstancesException,
  ClusterContainsServicesException,
  ClusterContainsTasksException,
  ClusterNotFoundException,
} from '../../../../functions/domain/errors';
import type { ClusterCounts, ClusterRecord } from '../../../../functions/domain/model';
import type { ClusterRepository } from '../../../../functions/domain/ports/ClusterRepository';

const record = (counts: Partial<ClusterCounts> = {}): ClusterRecord => ({
  name: 'prod',
  status: 'ACTIVE',
  createdAt: 0,
  tags: [],
  settings: [],
  capacityProviders: [],
  defaultCapacityProviderStrategy: [],
  registeredContainerInstancesCount: 0,
  runningTasksCount: 0,
  pendingTasksCount: 0,
  activeServicesCount: 0,
  version: 1,
  ...counts,
});

/** A repository whose deactivate answers as the real one does for the record it holds. */
const repositoryHolding = (held: ClusterRecord | undefined): ClusterRepository => ({
  create: async (cluster) => cluster,
  get: async () => held,
  getMany: async () => (held ? [held] : []),
  listActive: async () => ({ items: [] }),
  saveTags: async () => true,
  saveCapacityProviders: async () => true,
  deactivate: async () => {
    if (held?.status !== 'ACTIVE') return { outcome: 'not-found' };
    const busy =
      held.registeredContainerInstancesCount +
      held.activeServicesCount +
      held.runningTasksCount +
      held.pendingTasksCount;
    return busy > 0
      ? { outcome: 'not-empty', cluster: held }
      : { outcome: 'deactivated', cluster: { ...held, status: 'INACTIVE' } };
  },
});

const service = (held: ClusterRecord | undefined) =>
  new ClusterService({
    clusters: repositoryHolding(held),
    clock: { now: () => 0 },
    arns: { accountId: '000000000000', region: 'us-east-1' },
  });

describe('Class: ClusterService', () => {
  describe('Method: delete', () => {
    it.each([
      [
        'container instances remain',
        { registeredContainerInstancesCount: 1 },
        ClusterContainsContainerInstancesException,
        'The Cluster cannot be deleted while Container Instances are active.',
      ],
      [
        'services remain',
        { activeServicesCount: 2 },
        ClusterContainsServicesException,
        'The Cluster cannot be deleted while Services are active.',
      ],
      [
        'running tasks remain',
        { runningTasksCount: 1 },
        ClusterContainsTasksException,
        'The Cluster cannot be deleted while Tasks are active.',
      ],
      [
        'pending tasks remain',
        { pendingTasksCount: 3 },
        ClusterContainsTasksException,
        'The Cluster cannot be deleted while Tasks are active.',
      ],
      [
        'instances and services remain (instances reported first)',
        { registeredContainerInstancesCount: 1, activeServicesCount: 1 },
        ClusterContainsContainerInstancesException,
        'Container Instances',
      ],
    ])('refuses when %s', async (_case, counts, errorClass, message) => {
      const attempt = service(record(counts)).delete('prod');

      await expect(attempt).rejects.toBeInstanceOf(errorClass);
      await expect(attempt).rejects.toThrow(message);
    });

    it('answers ClusterNotFoundException for an unknown or INACTIVE cluster', async () => {
      await expect(service(undefined).delete('prod')).rejects.toBeInstanceOf(
        ClusterNotFoundException,
      );
      await expect(service(record({})).delete('x')).resolves.toMatchObject({ status: 'INACTIVE' });
      await expect(
        service({ ...record(), status: 'INACTIVE' }).delete('prod'),
      ).rejects.toBeInstanceOf(ClusterNotFoundException);
    });
  });

  describe('Method: describe', () => {
    it('names the cluster of a MISSING failure by ARN, keeping an ARN it was given', async () => {
      const arn = 'arn:aws:ecs:us-east-1:000000000000:cluster/other';

      const result = await service(undefined).describe({ clusters: ['nope', arn] });

      expect(result.failures).toEqual([
        { arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/nope', reason: 'MISSING' },
        { arn, reason: 'MISSING' },
      ]);
    });
  });
});
