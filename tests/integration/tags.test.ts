import {
  ClusterNotFoundException,
  CreateClusterCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { ecsClient, uniqueName } from '../helpers/clients';

const ecs = ecsClient();

const newCluster = async () => {
  const { cluster } = await ecs.send(
    new CreateClusterCommand({ clusterName: uniqueName('tags'), tags: [{ key: 'a', value: '1' }] }),
  );
  return cluster!.clusterArn!;
};

const newTaskDefinition = async () => {
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: uniqueName('tagged'),
      containerDefinitions: [{ name: 'c', image: 'i', memory: 32 }],
    }),
  );
  return taskDefinition!.taskDefinitionArn!;
};

describe('Tags through the ECS API', () => {
  afterAll(() => ecs.destroy());

  it.each([
    ['a cluster', newCluster, [{ key: 'a', value: '1' }]],
    ['a task definition', newTaskDefinition, []],
  ])('tags, overwrites and untags %s', async (_kind, create, initial) => {
    const resourceArn = await create();

    await ecs.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { key: 'b', value: '2' },
          { key: 'c', value: '3' },
        ],
      }),
    );
    await ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'b', value: 'two' }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['c', 'not-there'] }));
    const { tags } = await ecs.send(new ListTagsForResourceCommand({ resourceArn }));

    expect(tags).toEqual([...initial, { key: 'b', value: 'two' }]);
  });

  it('refuses to go beyond 50 tags on a resource', async () => {
    const resourceArn = await newCluster();
    const tags = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));

    const attempt = ecs.send(new TagResourceCommand({ resourceArn, tags }));

    await expect(attempt).rejects.toBeInstanceOf(InvalidParameterException);
    const { tags: kept } = await ecs.send(new ListTagsForResourceCommand({ resourceArn }));
    expect(kept).toEqual([{ key: 'a', value: '1' }]);
  });

  it('keeps every tag when many are added at once from concurrent requests', async () => {
    const resourceArn = await newCluster();

    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: `p${i}`, value: `${i}` }] })),
      ),
    );

    const { tags } = await ecs.send(new ListTagsForResourceCommand({ resourceArn }));
    expect(tags).toHaveLength(11);
  });

  it('answers the not-found error of each resource type', async () => {
    await expect(
      ecs.send(
        new ListTagsForResourceCommand({
          resourceArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/never-created',
        }),
      ),
    ).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(
      ecs.send(
        new ListTagsForResourceCommand({
          resourceArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/never-created:1',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it.each([
    ['a malformed ARN', { resourceArn: 'not-an-arn', tags: [{ key: 'k', value: 'v' }] }],
    ['a key over 128 characters', { tags: [{ key: 'k'.repeat(129), value: 'v' }] }],
    ['a value over 256 characters', { tags: [{ key: 'k', value: 'v'.repeat(257) }] }],
    ['a reserved aws: prefix', { tags: [{ key: 'aws:cloudformation', value: 'v' }] }],
    ['no tags at all', { tags: undefined }],
  ])('refuses %s with InvalidParameterException', async (_case, input) => {
    const resourceArn = await newCluster();

    await expect(
      ecs.send(new TagResourceCommand({ resourceArn, ...input } as never)),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});
