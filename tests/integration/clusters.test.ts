import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  InvalidParameterException,
  ListClustersCommand,
  paginateListClusters,
} from '@aws-sdk/client-ecs';
import { ecsClient, uniqueName } from '../helpers/clients';

const ecs = ecsClient();
const arnOf = (name: string) => `arn:aws:ecs:us-east-1:000000000000:cluster/${name}`;

describe('Clusters through the ECS API', () => {
  afterAll(() => ecs.destroy());

  it('creates an ACTIVE cluster with zero counts and an ECS ARN', async () => {
    // Prepare
    const name = uniqueName('create');

    // Act
    const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: name }));

    // Assess
    expect(cluster).toMatchObject({
      clusterArn: arnOf(name),
      clusterName: name,
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
    });
  });

  it('returns the existing cluster when the name is created again', async () => {
    const name = uniqueName('idem');
    await ecs.send(
      new CreateClusterCommand({ clusterName: name, tags: [{ key: 'first', value: '1' }] }),
    );

    const again = await ecs.send(
      new CreateClusterCommand({ clusterName: name, tags: [{ key: 'second', value: '2' }] }),
    );

    expect(again.cluster?.tags).toEqual([{ key: 'first', value: '1' }]);
  });

  it('creates the default cluster when no name is given', async () => {
    const { cluster } = await ecs.send(new CreateClusterCommand({}));

    expect(cluster?.clusterName).toBe('default');
  });

  it('describes clusters by name and ARN, with tags only when asked', async () => {
    const name = uniqueName('describe');
    await ecs.send(
      new CreateClusterCommand({
        clusterName: name,
        tags: [{ key: 'team', value: 'platform' }],
        settings: [{ name: 'containerInsights', value: 'enabled' }],
      }),
    );

    const plain = await ecs.send(new DescribeClustersCommand({ clusters: [name, arnOf(name)] }));
    const tagged = await ecs.send(
      new DescribeClustersCommand({ clusters: [name], include: ['TAGS', 'SETTINGS'] }),
    );

    expect(plain.clusters).toHaveLength(2);
    expect(plain.clusters?.[0]).not.toHaveProperty('tags');
    expect(plain.failures).toEqual([]);
    expect(tagged.clusters?.[0]?.tags).toEqual([{ key: 'team', value: 'platform' }]);
    expect(tagged.clusters?.[0]?.settings).toEqual([
      { name: 'containerInsights', value: 'enabled' },
    ]);
  });

  it('reports unknown clusters as MISSING failures, by name and by ARN', async () => {
    const known = uniqueName('known');
    await ecs.send(new CreateClusterCommand({ clusterName: known }));

    const result = await ecs.send(
      new DescribeClustersCommand({ clusters: [known, 'no-such-cluster', arnOf('nor-this')] }),
    );

    expect(result.clusters?.map((c) => c.clusterName)).toEqual([known]);
    expect(result.failures).toEqual([
      { arn: arnOf('no-such-cluster'), reason: 'MISSING' },
      { arn: arnOf('nor-this'), reason: 'MISSING' },
    ]);
  });

  it('describes the default cluster when no cluster is named', async () => {
    await ecs.send(new CreateClusterCommand({}));

    const result = await ecs.send(new DescribeClustersCommand({}));

    expect(result.clusters?.map((c) => c.clusterName)).toEqual(['default']);
  });

  it('lists clusters page by page with nextToken and maxResults', async () => {
    const prefix = uniqueName('page');
    const names = Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`);
    for (const clusterName of names) await ecs.send(new CreateClusterCommand({ clusterName }));

    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListClusters({ client: ecs, pageSize: 3 }, {})) {
      pages += 1;
      expect(page.clusterArns?.length ?? 0).toBeLessThanOrEqual(3);
      seen.push(...(page.clusterArns ?? []));
    }

    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (const name of names) expect(seen).toContain(arnOf(name));
  });

  it('refuses maxResults outside 1-100 and a token it did not mint', async () => {
    await expect(ecs.send(new ListClustersCommand({ maxResults: 0 }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
    await expect(ecs.send(new ListClustersCommand({ maxResults: 101 }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
    await expect(
      ecs.send(new ListClustersCommand({ nextToken: 'not-a-token' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('deletes a cluster: it becomes INACTIVE, stays describable and leaves the listing', async () => {
    const name = uniqueName('delete');
    await ecs.send(new CreateClusterCommand({ clusterName: name }));

    const { cluster } = await ecs.send(new DeleteClusterCommand({ cluster: arnOf(name) }));
    const described = await ecs.send(new DescribeClustersCommand({ clusters: [name] }));
    const listed = await ecs.send(new ListClustersCommand({}));

    expect(cluster?.status).toBe('INACTIVE');
    expect(described.clusters?.[0]?.status).toBe('INACTIVE');
    expect(listed.clusterArns).not.toContain(arnOf(name));
  });

  it('recreates a deleted cluster as ACTIVE', async () => {
    const name = uniqueName('recreate');
    await ecs.send(new CreateClusterCommand({ clusterName: name }));
    await ecs.send(new DeleteClusterCommand({ cluster: name }));

    const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: name }));

    expect(cluster?.status).toBe('ACTIVE');
  });

  it('answers ClusterNotFoundException for an unknown or already deleted cluster', async () => {
    const name = uniqueName('gone');
    await ecs.send(new CreateClusterCommand({ clusterName: name }));
    await ecs.send(new DeleteClusterCommand({ cluster: name }));

    const unknown = ecs.send(new DeleteClusterCommand({ cluster: uniqueName('never') }));
    const again = ecs.send(new DeleteClusterCommand({ cluster: name }));

    // Both at once: a rejection must not wait for the other's to be handled.
    await Promise.all([
      expect(unknown).rejects.toBeInstanceOf(ClusterNotFoundException),
      expect(again).rejects.toThrow('Cluster not found.'),
    ]);
  });

  it.each([
    ['an invalid character', { clusterName: 'bad name!' }],
    ['a name over 255 characters', { clusterName: 'a'.repeat(256) }],
    ['an unknown setting', { clusterName: 'ok', settings: [{ name: 'nope', value: 'enabled' }] }],
    ['an unknown capacity provider', { clusterName: 'ok', capacityProviders: ['MYSTERY'] }],
    ['a reserved tag key', { clusterName: 'ok', tags: [{ key: 'aws:owner', value: 'x' }] }],
  ])('refuses a cluster with %s', async (_case, input) => {
    await expect(ecs.send(new CreateClusterCommand(input as never))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});
