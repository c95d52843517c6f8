import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  InvalidNextTokenException,
  ObjectNotFoundException,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  ValidationException,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  autoScalingClient,
  cloudWatchClient,
  ecsClient,
  lambdaClient,
  uniqueName,
} from '../helpers/clients';
import { evaluateScaling, evaluateUntil, failureOf } from '../helpers/scaling';
import { type SimulatedAgent, startSimulatedAgent } from '../helpers/simulatedAgent';

/**
 * Application Auto Scaling against Berth with the unmodified SDK clients:
 * the API and its errors, then each kind of scaling carried out on a real
 * service. The suite's stack evaluates with 2-second datapoints
 * (BERTH_SCALING_PERIOD_SECONDS), and the tests invoke the evaluator — what
 * the one-minute schedule does — themselves, at their own pace.
 */

const PERIOD_MS = 2_000;
const ecs = ecsClient();
const autoscaling = autoScalingClient();
const cloudWatch = cloudWatchClient();
const lambda = lambdaClient();
const simulated: SimulatedAgent[] = [];
const errorOf = failureOf;
const evaluate = () => evaluateScaling(lambda);

const desiredCount = async (cluster: string, service: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]
    ?.desiredCount;

/** A cluster with a simulated agent and a service of `desired` tasks on it. */
const serviceWith = async (desired: number) => {
  const cluster = uniqueName('scale');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  simulated.push(
    await startSimulatedAgent({
      ecs,
      wsUrl: process.env.BERTH_TEST_WS_URL ?? '',
      cluster,
      cpu: 10_240,
      memory: 20_480,
    }),
  );
  const family = uniqueName('web');
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: 'web', image: 'busybox', cpu: 128, memory: 128 }],
    }),
  );
  const service = uniqueName('svc');
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: service,
      taskDefinition: family,
      desiredCount: desired,
    }),
  );
  const key = {
    ServiceNamespace: 'ecs' as const,
    ResourceId: `service/${cluster}/${service}`,
    ScalableDimension: 'ecs:service:DesiredCount' as const,
  };
  return { cluster, service, key };
};

/** Puts `value` into each of the last `periods` complete evaluation periods. */
const putPeriods = async (namespace: string, metricName: string, value: number, periods = 15) => {
  const end = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS;
  await cloudWatch.send(
    new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: Array.from({ length: periods }, (_, index) => ({
        MetricName: metricName,
        Value: value,
        Timestamp: new Date(end - (index + 1) * PERIOD_MS + 1_000),
      })),
    }),
  );
};

afterAll(async () => {
  await Promise.all(simulated.map((agent) => agent.close()));
  for (const client of [ecs, autoscaling, cloudWatch, lambda]) client.destroy();
});

describe('Application Auto Scaling API', () => {
  it('registers, describes, updates and deregisters a target with its policies and actions', async () => {
    // Prepare
    const { cluster, service, key } = await serviceWith(1);

    // Act: register, then raise the minimum above the desired count
    const { ScalableTargetARN } = await autoscaling.send(
      new RegisterScalableTargetCommand({ ...key, MinCapacity: 1, MaxCapacity: 6 }),
    );
    await autoscaling.send(new RegisterScalableTargetCommand({ ...key, MinCapacity: 2 }));

    // Assess: bounds merged, desired count brought into them, as an activity
    const { ScalableTargets } = await autoscaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        ResourceIds: [key.ResourceId],
      }),
    );
    expect(ScalableTargets).toEqual([
      expect.objectContaining({
        ...key,
        MinCapacity: 2,
        MaxCapacity: 6,
        ScalableTargetARN,
        SuspendedState: {
          DynamicScalingInSuspended: false,
          DynamicScalingOutSuspended: false,
          ScheduledScalingSuspended: false,
        },
      }),
    ]);
    expect(ScalableTargets?.[0]?.CreationTime).toBeInstanceOf(Date);
    expect(await desiredCount(cluster, service)).toBe(2);
    const { ScalingActivities } = await autoscaling.send(
      new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: key.ResourceId }),
    );
    expect(ScalingActivities?.[0]).toMatchObject({
      Description: 'Setting desired count to 2.',
      Cause: 'minimum capacity was set to 2',
      StatusCode: 'Successful',
    });

    // Act: a target tracking policy and a scheduled action
    const policy = await autoscaling.send(
      new PutScalingPolicyCommand({
        ...key,
        PolicyName: 'cpu50',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'ECSServiceAverageCPUUtilization',
          },
        },
      }),
    );
    await autoscaling.send(
      new PutScheduledActionCommand({
        ...key,
        ScheduledActionName: 'nightly',
        Schedule: 'cron(0 22 * * ? *)',
        Timezone: 'Europe/Paris',
        ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 },
      }),
    );

    // Assess
    expect(policy.PolicyARN).toMatch(
      new RegExp(
        `^arn:aws:autoscaling:us-east-1:\\d+:scalingPolicy:[0-9a-f-]+:resource/ecs/${key.ResourceId}:policyName/cpu50$`,
      ),
    );
    expect(policy.Alarms?.map((alarm) => alarm.AlarmName)).toEqual([
      expect.stringMatching(`^TargetTracking-${key.ResourceId}-AlarmHigh-`),
      expect.stringMatching(`^TargetTracking-${key.ResourceId}-AlarmLow-`),
    ]);
    const { ScalingPolicies } = await autoscaling.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: key.ResourceId }),
    );
    expect(ScalingPolicies?.map((p) => [p.PolicyName, p.PolicyType, p.PolicyARN])).toEqual([
      ['cpu50', 'TargetTrackingScaling', policy.PolicyARN],
    ]);
    const { ScheduledActions } = await autoscaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: key.ResourceId }),
    );
    expect(ScheduledActions?.[0]).toMatchObject({
      ScheduledActionName: 'nightly',
      Schedule: 'cron(0 22 * * ? *)',
      Timezone: 'Europe/Paris',
      ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 },
    });

    // Act: delete one of each, then the target with what is left
    await autoscaling.send(new DeleteScalingPolicyCommand({ ...key, PolicyName: 'cpu50' }));
    await autoscaling.send(
      new DeleteScheduledActionCommand({ ...key, ScheduledActionName: 'nightly' }),
    );
    await autoscaling.send(
      new PutScalingPolicyCommand({
        ...key,
        PolicyName: 'steps',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
        },
      }),
    );
    await autoscaling.send(new DeregisterScalableTargetCommand(key));

    // Assess: gone, with its policies; deleting again says so
    expect(
      (
        await autoscaling.send(
          new DescribeScalingPoliciesCommand({
            ServiceNamespace: 'ecs',
            ResourceId: key.ResourceId,
          }),
        )
      ).ScalingPolicies,
    ).toEqual([]);
    const again = await errorOf(autoscaling.send(new DeregisterScalableTargetCommand(key)));
    expect(again).toBeInstanceOf(ObjectNotFoundException);
    expect((again as Error).message).toBe(
      `No scalable target registered for service namespace: ecs, resource ID: ${key.ResourceId}, scalable dimension: ecs:service:DesiredCount`,
    );
  });

  it.each([
    [
      'a service that does not exist',
      {
        ResourceId: 'service/nowhere/nothing',
        MinCapacity: 1,
        MaxCapacity: 2,
      },
      ValidationException,
      "ECS service doesn't exist: service/nowhere/nothing",
    ],
    [
      'a resource that is not an ECS service',
      { ResourceId: 'table/mine', MinCapacity: 1, MaxCapacity: 2 },
      ValidationException,
      'Unsupported service namespace, resource type or scalable dimension',
    ],
    [
      'a minimum above the maximum',
      { MinCapacity: 3, MaxCapacity: 2 },
      ValidationException,
      'Minimum capacity cannot be greater than maximum capacity',
    ],
    [
      'a new target without its bounds',
      { MinCapacity: 1 },
      ValidationException,
      'MinCapacity and MaxCapacity are required to register a new scalable target.',
    ],
  ])('refuses to register %s', async (_case, members, type, message) => {
    // Prepare
    const { key } = await serviceWith(0);

    // Act
    const error = await errorOf(
      autoscaling.send(new RegisterScalableTargetCommand({ ...key, ...members })),
    );

    // Assess
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toBe(message);
  });

  it('refuses a policy for a target that is not registered, and a token it did not hand out', async () => {
    const { key } = await serviceWith(0);

    const policy = await errorOf(
      autoscaling.send(
        new PutScalingPolicyCommand({
          ...key,
          PolicyName: 'p',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 50,
            PredefinedMetricSpecification: {
              PredefinedMetricType: 'ECSServiceAverageCPUUtilization',
            },
          },
        }),
      ),
    );
    const token = await errorOf(
      autoscaling.send(
        new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken: 'bogus' }),
      ),
    );

    expect(policy).toBeInstanceOf(ObjectNotFoundException);
    expect(token).toBeInstanceOf(InvalidNextTokenException);
  });
});

describe('Scaling a service', () => {
  it('target tracking scales out proportionally on 3 high datapoints and in on 15 low ones', async () => {
    // Prepare: a customized metric the test writes itself, no cooldowns
    const { cluster, service, key } = await serviceWith(2);
    const namespace = uniqueName('Load');
    await autoscaling.send(
      new RegisterScalableTargetCommand({ ...key, MinCapacity: 1, MaxCapacity: 10 }),
    );
    await autoscaling.send(
      new PutScalingPolicyCommand({
        ...key,
        PolicyName: 'load',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          CustomizedMetricSpecification: {
            Namespace: namespace,
            MetricName: 'Busy',
            Statistic: 'Minimum',
          },
          ScaleOutCooldown: 0,
          ScaleInCooldown: 0,
        },
      }),
    );

    // Act: no data yet, then 3 periods at twice the target
    await evaluate();
    const before = await desiredCount(cluster, service);
    await putPeriods(namespace, 'Busy', 100, 3);
    await evaluate();

    // Assess: nothing on missing data; then 2 × 100 / 50
    expect(before).toBe(2);
    expect(await desiredCount(cluster, service)).toBe(4);
    const [out] =
      (
        await autoscaling.send(
          new DescribeScalingActivitiesCommand({
            ServiceNamespace: 'ecs',
            ResourceId: key.ResourceId,
          }),
        )
      ).ScalingActivities ?? [];
    expect(out).toMatchObject({
      Description: 'Setting desired count to 4.',
      Cause: expect.stringMatching(
        /^monitor alarm TargetTracking-service\/.+-AlarmHigh-.+ in state ALARM triggered policy load$/,
      ),
      StatusCode: 'Successful',
    });

    // Act: 15 periods far below 90 % of the target
    await putPeriods(namespace, 'Busy', 10, 15);
    await evaluate();

    // Assess: in proportionally, kept within the minimum: ceil(4 × 10 / 50) = 1
    expect(await desiredCount(cluster, service)).toBe(1);
  });

  it('step scaling adds the step its alarm breach falls in', async () => {
    // Prepare
    const { cluster, service, key } = await serviceWith(2);
    const namespace = uniqueName('Queue');
    await autoscaling.send(
      new RegisterScalableTargetCommand({ ...key, MinCapacity: 1, MaxCapacity: 10 }),
    );
    const { PolicyARN } = await autoscaling.send(
      new PutScalingPolicyCommand({
        ...key,
        PolicyName: 'queue-steps',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          Cooldown: 0,
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 20, ScalingAdjustment: 3 },
          ],
        },
      }),
    );
    const alarmName = uniqueName('queue-high');
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        Namespace: namespace,
        MetricName: 'Depth',
        Statistic: 'Average',
        Period: 10,
        EvaluationPeriods: 2,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [PolicyARN ?? ''],
      }),
    );

    // Act: 25 above the threshold for the alarm's two 10-second periods (and a little more)
    await putPeriods(namespace, 'Depth', 75, 15);
    await evaluate();

    // Assess: the +3 step (breach ≥ 20), and the alarm reads ALARM
    expect(await desiredCount(cluster, service)).toBe(5);
    const { MetricAlarms } = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [alarmName] }),
    );
    expect(MetricAlarms?.[0]).toMatchObject({
      AlarmName: alarmName,
      StateValue: 'ALARM',
      StateReason: expect.stringMatching(/^Threshold Crossed: 2 out of the last 2 datapoints/),
    });
  });

  it('a scheduled action sets the bounds when it comes due, and the count follows', async () => {
    // Prepare
    const { cluster, service, key } = await serviceWith(1);
    await autoscaling.send(
      new RegisterScalableTargetCommand({ ...key, MinCapacity: 1, MaxCapacity: 4 }),
    );
    const at = new Date(Math.ceil((Date.now() + 1_000) / 1000) * 1000);
    await autoscaling.send(
      new PutScheduledActionCommand({
        ...key,
        ScheduledActionName: 'rush',
        Schedule: `at(${at.toISOString().slice(0, 19)})`,
        ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 8 },
      }),
    );

    // Act: before it is due, then after
    await evaluate();
    const before = await desiredCount(cluster, service);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, at.getTime() - Date.now() + 200)),
    );
    await evaluate();

    // Assess
    expect(before).toBe(1);
    expect(await desiredCount(cluster, service)).toBe(3);
    const { ScalableTargets } = await autoscaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        ResourceIds: [key.ResourceId],
      }),
    );
    expect(ScalableTargets?.[0]).toMatchObject({ MinCapacity: 3, MaxCapacity: 8 });
    const { ScalingActivities } = await autoscaling.send(
      new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: key.ResourceId }),
    );
    expect(ScalingActivities?.[0]?.Cause).toBe('scheduled action name rush was triggered');
  });

  it('end to end: tasks that burn CPU scale the service out to its maximum on a pool that grows, and both back in when the load stops', async () => {
    // Prepare: a capacity provider whose instances hold two tasks each, and a service on it
    // whose tasks burn a CPU for their first 20 seconds, then idle
    const provider = uniqueName('burnpool');
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: provider,
        autoScalingGroupProvider: {
          autoScalingGroupArn: provider,
          managedScaling: { status: 'ENABLED', targetCapacity: 100, instanceWarmupPeriod: 0 },
        },
        tags: [
          { key: 'berth:instance-cpu', value: '1024' },
          { key: 'berth:instance-memory', value: '1024' },
          { key: 'berth:max-size', value: '4' },
        ],
      }),
    );
    const cluster = uniqueName('burn');
    await ecs.send(
      new CreateClusterCommand({
        clusterName: cluster,
        capacityProviders: [provider],
        defaultCapacityProviderStrategy: [{ capacityProvider: provider, weight: 1 }],
      }),
    );
    const family = uniqueName('burn');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        cpu: '512',
        memory: '256',
        containerDefinitions: [
          {
            name: 'burn',
            image: 'localhost/berth-busybox:latest',
            command: [
              'sh',
              '-c',
              'end=$(($(date +%s) + 20)); while [ "$(date +%s)" -lt "$end" ]; do :; done; exec sleep 600',
            ],
            stopTimeout: 2,
          },
        ],
      }),
    );
    const service = uniqueName('burn');
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: service,
        taskDefinition: family,
        desiredCount: 1,
      }),
    );
    const key = {
      ServiceNamespace: 'ecs' as const,
      ResourceId: `service/${cluster}/${service}`,
      ScalableDimension: 'ecs:service:DesiredCount' as const,
    };
    await autoscaling.send(
      new RegisterScalableTargetCommand({ ...key, MinCapacity: 1, MaxCapacity: 3 }),
    );
    await autoscaling.send(
      new PutScalingPolicyCommand({
        ...key,
        PolicyName: 'cpu',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'ECSServiceAverageCPUUtilization',
          },
          ScaleOutCooldown: 0,
          ScaleInCooldown: 0,
        },
      }),
    );
    const state = async () => {
      const { services } = await ecs.send(
        new DescribeServicesCommand({ cluster, services: [service] }),
      );
      const instances =
        (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ??
        [];
      return {
        desired: services?.[0]?.desiredCount,
        running: services?.[0]?.runningCount,
        hosts: instances.length,
      };
    };

    try {
      // Act + Assess: out to the maximum, and the pool from nothing to the two hosts 3 tasks need
      await evaluateUntil(
        lambda,
        state,
        (now) => now.desired === 3 && now.running === 3 && now.hosts === 2,
        120_000,
      );

      // Act + Assess: the burn ends; back in to the minimum, and the pool to the one host it needs
      await evaluateUntil(
        lambda,
        state,
        (now) => now.desired === 1 && now.running === 1 && now.hosts === 1,
        150_000,
      );
      const { ScalingActivities } = await autoscaling.send(
        new DescribeScalingActivitiesCommand({
          ServiceNamespace: 'ecs',
          ResourceId: key.ResourceId,
        }),
      );
      // Out as fast as the measured load says (1 → 3, perhaps by way of 2), then in to 1, each once.
      const counts = (ScalingActivities ?? [])
        .map((activity) => Number(/(\d+)\.$/.exec(activity.Description ?? '')?.[1]))
        .reverse();
      expect(counts.at(-1)).toBe(1);
      expect(counts.at(-2)).toBe(3);
      const outs = counts.slice(0, -1);
      expect(outs).toEqual([...new Set(outs)].sort((a, b) => a - b));
      expect(ScalingActivities?.every((activity) => activity.StatusCode === 'Successful')).toBe(
        true,
      );
    } finally {
      await ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
    }
  }, 300_000);
});
