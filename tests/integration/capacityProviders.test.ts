import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  ClientException,
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  InvalidParameterException,
  ListContainerInstancesCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  ResourceInUseException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { cloudWatchClient, ecsClient, lambdaClient, uniqueName } from '../helpers/clients';
import { evaluateScaling, evaluateUntil, failureOf } from '../helpers/scaling';

/**
 * Capacity providers of the user's own: a pool of container instances that
 * Berth starts (agents run by the stack's capacity host) and stops, sized
 * by ECS's managed scaling from CapacityProviderReservation. The suite's
 * stack has 5-second datapoints; the test invokes the evaluator itself.
 */

const ecs = ecsClient();
const cloudWatch = cloudWatchClient();
const lambda = lambdaClient();
const errorOf = failureOf;

afterAll(() => {
  for (const client of [ecs, cloudWatch, lambda]) client.destroy();
});

describe('Capacity providers', () => {
  it.each([
    ['a reserved prefix', 'fargate-pool', InvalidParameterException, /name is invalid/],
    ['characters a name may not have', 'my pool', InvalidParameterException, /name is invalid/],
  ])('refuses a name with %s', async (_case, name, type, message) => {
    const error = await errorOf(
      ecs.send(
        new CreateCapacityProviderCommand({
          name,
          autoScalingGroupProvider: { autoScalingGroupArn: 'pool' },
        }),
      ),
    );

    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('grows a pool for the tasks a service waits to place, and shrinks it when they are gone', async () => {
    // Prepare: a provider whose instances hold two of the service's tasks each
    const provider = uniqueName('pool');
    const { capacityProvider } = await ecs.send(
      new CreateCapacityProviderCommand({
        name: provider,
        autoScalingGroupProvider: {
          autoScalingGroupArn: `arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:x:autoScalingGroupName/${provider}`,
          managedScaling: { status: 'ENABLED', targetCapacity: 100, instanceWarmupPeriod: 0 },
          managedTerminationProtection: 'ENABLED',
        },
        tags: [
          { key: 'berth:instance-cpu', value: '1024' },
          { key: 'berth:instance-memory', value: '1024' },
          { key: 'berth:max-size', value: '3' },
        ],
      }),
    );
    expect(capacityProvider).toMatchObject({
      name: provider,
      status: 'ACTIVE',
      autoScalingGroupProvider: {
        managedScaling: { status: 'ENABLED', targetCapacity: 100, minimumScalingStepSize: 1 },
      },
    });
    const again = await errorOf(
      ecs.send(
        new CreateCapacityProviderCommand({
          name: provider,
          autoScalingGroupProvider: { autoScalingGroupArn: 'other' },
        }),
      ),
    );
    expect(again).toBeInstanceOf(ClientException);
    const { capacityProviders } = await ecs.send(new DescribeCapacityProvidersCommand({}));
    expect(capacityProviders?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['FARGATE', 'FARGATE_SPOT', provider]),
    );

    const cluster = uniqueName('pooled');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster,
        capacityProviders: [provider],
        defaultCapacityProviderStrategy: [{ capacityProvider: provider, weight: 1 }],
      }),
    );
    const family = uniqueName('pooled');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'main',
            image: 'localhost/berth-busybox:latest',
            command: ['sh', '-c', 'sleep 600'],
            cpu: 512,
            memory: 256,
            stopTimeout: 2,
          },
        ],
      }),
    );
    const service = uniqueName('svc');
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: service,
        taskDefinition: family,
        desiredCount: 3,
      }),
    );
    const state = async () => {
      const { services } = await ecs.send(
        new DescribeServicesCommand({ cluster, services: [service] }),
      );
      const arns =
        (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ??
        [];
      return { running: services?.[0]?.runningCount ?? 0, instances: arns };
    };

    // Act + Assess: 3 tasks of 512 units on 1,024-unit instances need 2 instances
    const grown = await evaluateUntil(
      lambda,
      state,
      (now) => now.running === 3 && now.instances.length === 2,
      90_000,
    );
    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: grown.instances }),
    );
    expect(containerInstances?.map((instance) => instance.capacityProviderName)).toEqual([
      provider,
      provider,
    ]);
    const reservation = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ECS/ManagedScaling',
        MetricName: 'CapacityProviderReservation',
        Dimensions: [
          { Name: 'ClusterName', Value: cluster },
          { Name: 'CapacityProviderName', Value: provider },
        ],
        StartTime: new Date(Date.now() - 10 * 60_000),
        EndTime: new Date(Date.now() + 60_000),
        // One bucket for the whole test, however the minutes fall.
        Period: 3600,
        Statistics: ['Maximum', 'Minimum'],
      }),
    );
    // From an empty pool with tasks waiting (200 %) to a pool exactly as large as needed (100 %).
    expect(reservation.Datapoints?.[0]).toMatchObject({ Maximum: 200, Minimum: 100 });
    // And the cluster's own reservation metric, published by the same schedule: the fuller of
    // the two instances holds two 512-unit tasks of its 1,024.
    await evaluateScaling(lambda);
    const cpuReservation = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ECS',
        MetricName: 'CPUReservation',
        Dimensions: [{ Name: 'ClusterName', Value: cluster }],
        StartTime: new Date(Date.now() - 10 * 60_000),
        EndTime: new Date(Date.now() + 60_000),
        // One bucket for the whole test, however the minutes fall.
        Period: 3600,
        Statistics: ['Maximum'],
      }),
    );
    expect(cpuReservation.Datapoints?.[0]?.Maximum).toBe(100);
    const inUse = await errorOf(
      ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: provider })),
    );
    expect(inUse).toBeInstanceOf(ResourceInUseException);

    // Act + Assess: the tasks go; after 15 low datapoints the empty instances go too
    await ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 }));
    await evaluateUntil(
      lambda,
      state,
      (now) => now.running === 0 && now.instances.length === 0,
      150_000,
    );

    // Act + Assess: off the cluster, the provider can be deleted
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster,
        capacityProviders: [],
        defaultCapacityProviderStrategy: [],
      }),
    );
    const { capacityProvider: deleted } = await ecs.send(
      new DeleteCapacityProviderCommand({ capacityProvider: provider }),
    );
    expect(deleted?.status).toBe('INACTIVE');
  }, 300_000);
});
