import { permissionFor } from '../../../../functions/domain/iam/actions';
import { authorize } from '../../../../functions/domain/iam/authorize';
import type { Principal } from '../../../../functions/domain/iam/model';
import { parsePolicyDocument } from '../../../../functions/domain/iam/policyDocument';

const ARNS = { accountId: '123456789012', region: 'us-east-1' };
const ECS = 'arn:aws:ecs:us-east-1:123456789012';

describe('Function: permissionFor (ECS actions and their resources)', () => {
  it.each([
    ['CreateCluster', { clusterName: 'prod' }, [`${ECS}:cluster/prod`]],
    ['DescribeClusters', {}, [`${ECS}:cluster/default`]],
    [
      'DescribeClusters',
      { clusters: ['a', `${ECS}:cluster/b`] },
      [`${ECS}:cluster/a`, `${ECS}:cluster/b`],
    ],
    ['ListClusters', {}, ['*']],
    ['DeleteCluster', { cluster: 'prod' }, [`${ECS}:cluster/prod`]],
    ['RegisterTaskDefinition', { family: 'web' }, [`${ECS}:task-definition/web:*`]],
    ['DescribeTaskDefinition', { taskDefinition: 'web:1' }, ['*']],
    ['DeleteTaskDefinitions', { taskDefinitions: ['web:1'] }, [`${ECS}:task-definition/web:1`]],
    ['RunTask', { cluster: 'prod', taskDefinition: 'web:3' }, [`${ECS}:task-definition/web:3`]],
    ['RunTask', { taskDefinition: 'web' }, [`${ECS}:task-definition/web:*`]],
    ['StopTask', { cluster: 'prod', task: 'abc' }, [`${ECS}:task/prod/abc`]],
    [
      'DescribeTasks',
      { cluster: 'prod', tasks: ['a', `${ECS}:task/prod/b`] },
      [`${ECS}:task/prod/a`, `${ECS}:task/prod/b`],
    ],
    ['ListTasks', { cluster: 'prod' }, ['*']],
    [
      'ListTasks',
      { cluster: 'prod', containerInstance: 'i1' },
      [`${ECS}:container-instance/prod/i1`],
    ],
    ['RegisterContainerInstance', { cluster: 'prod' }, [`${ECS}:cluster/prod`]],
    ['SubmitTaskStateChange', { cluster: 'prod', task: 'abc' }, [`${ECS}:cluster/prod`]],
    [
      'DescribeContainerInstances',
      { cluster: 'prod', containerInstances: ['i1'] },
      [`${ECS}:container-instance/prod/i1`],
    ],
    [
      'PutAttributes',
      {
        cluster: 'prod',
        attributes: [
          { name: 'a', targetId: 'i1' },
          { name: 'b', targetId: 'i1' },
        ],
      },
      [`${ECS}:container-instance/prod/i1`],
    ],
    ['CreateService', { cluster: 'prod', serviceName: 'web' }, [`${ECS}:service/prod/web`]],
    ['UpdateService', { service: `${ECS}:service/prod/web` }, [`${ECS}:service/prod/web`]],
    [
      'DescribeServices',
      { cluster: 'prod', services: ['a', 'b'] },
      [`${ECS}:service/prod/a`, `${ECS}:service/prod/b`],
    ],
    ['ListServices', { cluster: 'prod' }, ['*']],
    ['TagResource', { resourceArn: `${ECS}:cluster/prod`, tags: [] }, [`${ECS}:cluster/prod`]],
    ['CreateCapacityProvider', { name: 'pool' }, [`${ECS}:capacity-provider/pool`]],
    ['DescribeCapacityProviders', {}, ['*']],
  ])('%s %j needs %j', (operation, body, resources) => {
    const permission = permissionFor('ecs', operation, body, ARNS);
    expect(permission.action).toBe(`ecs:${operation}`);
    expect(permission.resources).toEqual(resources);
  });

  it.each([
    [
      'a number where a cluster name goes',
      'DescribeClusters',
      { clusters: [7] },
      [`${ECS}:cluster/default`],
    ],
    ['an object where a task goes', 'StopTask', { task: { id: 1 } }, ['*']],
  ])(
    'checks %s as what it can read, never skipping a resource',
    (_, operation, body, resources) => {
      expect(permissionFor('ecs', operation, body, ARNS).resources).toEqual(resources);
    },
  );

  it('carries ecs:cluster, the container instances and the request tags as condition keys', () => {
    const permission = permissionFor(
      'ecs',
      'StartTask',
      {
        cluster: 'prod',
        taskDefinition: 'web:1',
        containerInstances: ['i1'],
        tags: [{ key: 'Team', value: 'web' }],
      },
      ARNS,
    );
    expect(Object.fromEntries(permission.context)).toEqual({
      'ecs:cluster': [`${ECS}:cluster/prod`],
      'ecs:container-instances': [`${ECS}:container-instance/prod/i1`],
      'aws:requesttag/team': ['web'],
      'aws:tagkeys': ['Team'],
    });
  });

  it('names the other services’ actions on *', () => {
    expect(permissionFor('application-autoscaling', 'PutScalingPolicy', {}, ARNS)).toMatchObject({
      action: 'application-autoscaling:PutScalingPolicy',
      resources: ['*'],
    });
  });
});

describe('Function: authorize', () => {
  const user = (statements: object[]): Principal => ({
    kind: 'user',
    arn: 'arn:aws:iam::123456789012:user/bob',
    userId: 'AIDAEXAMPLE',
    userName: 'bob',
    accessKeyId: 'AKIAEXAMPLE',
    secret: 's',
    policies: [
      parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements })),
    ],
  });

  it('lets the root do anything', async () => {
    const root: Principal = { ...user([]), kind: 'root', arn: 'arn:aws:iam::123456789012:root' };
    await expect(
      authorize(root, permissionFor('ecs', 'DeleteCluster', {}, ARNS)),
    ).resolves.toBeUndefined();
  });

  it('refuses the first resource not allowed, naming it', async () => {
    const bob = user([
      { Effect: 'Allow', Action: 'ecs:DescribeClusters', Resource: `${ECS}:cluster/a` },
    ]);
    await expect(
      authorize(bob, permissionFor('ecs', 'DescribeClusters', { clusters: ['a', 'b'] }, ARNS)),
    ).rejects.toThrow(
      `User: arn:aws:iam::123456789012:user/bob is not authorized to perform: ecs:DescribeClusters on resource: ${ECS}:cluster/b because no identity-based policy allows the ecs:DescribeClusters action`,
    );
  });

  it('reads tags only when a policy asks for them', async () => {
    const tagsOf = jest.fn(async () => ({ team: 'web' }));
    const plain = user([{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }]);
    await authorize(plain, permissionFor('ecs', 'DeleteCluster', { cluster: 'a' }, ARNS), tagsOf);
    expect(tagsOf).not.toHaveBeenCalled();
    const tagged = user([
      {
        Effect: 'Allow',
        Action: 'ecs:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } },
      },
    ]);
    await authorize(tagged, permissionFor('ecs', 'DeleteCluster', { cluster: 'a' }, ARNS), tagsOf);
    expect(tagsOf).toHaveBeenCalledWith(`${ECS}:cluster/a`);
  });
});
