import { EcsError } from '../../../../functions/domain/errors';
import {
  checkStepIntervals,
  readDeleteScalingPolicy,
  readDeleteScheduledAction,
  readDeregisterScalableTarget,
  readDescribeScalableTargets,
  readDescribeScalingActivities,
  readDescribeScalingPolicies,
  readDescribeScheduledActions,
  readPutScalingPolicy,
  readPutScheduledAction,
  readRegisterScalableTarget,
  registeredBounds,
} from '../../../../functions/domain/scaling/validation';

const failureOf = (read: () => unknown): string | undefined => {
  try {
    read();
    return undefined;
  } catch (error) {
    if (!(error instanceof EcsError)) throw error;
    return `${error.errorType}: ${error.message}`;
  }
};

const KEY = {
  ServiceNamespace: 'ecs',
  ResourceId: 'service/c/web',
  ScalableDimension: 'ecs:service:DesiredCount',
};
const CPU = { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' };
const tracking = (configuration: Record<string, unknown>) => ({
  ...KEY,
  PolicyName: 'cpu',
  PolicyType: 'TargetTrackingScaling',
  TargetTrackingScalingPolicyConfiguration: configuration,
});
const stepping = (configuration: Record<string, unknown>) => ({
  ...KEY,
  PolicyName: 'steps',
  PolicyType: 'StepScaling',
  StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', ...configuration },
});

describe('Function: readRegisterScalableTarget', () => {
  it('reads a registration', () => {
    expect(
      readRegisterScalableTarget({
        ...KEY,
        MinCapacity: 1,
        MaxCapacity: 4,
        SuspendedState: { DynamicScalingInSuspended: true },
      }),
    ).toEqual({
      ...KEY,
      MinCapacity: 1,
      MaxCapacity: 4,
      SuspendedState: { DynamicScalingInSuspended: true },
    });
  });

  it.each([
    [
      'every missing key member at once',
      {},
      "ValidationException: 3 validation errors detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null; Value null at 'resourceId' failed to satisfy constraint: Member must not be null; Value null at 'scalableDimension' failed to satisfy constraint: Member must not be null",
    ],
    [
      'an unknown namespace',
      { ...KEY, ServiceNamespace: 'ecz' },
      "ValidationException: 1 validation error detected: Value 'ecz' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [appstream, cassandra, comprehend, custom-resource, dynamodb, ec2, ecs, elasticache, elasticmapreduce, kafka, lambda, neptune, rds, sagemaker, workspaces]",
    ],
    [
      'a namespace the real service knows',
      { ...KEY, ServiceNamespace: 'dynamodb' },
      'ValidationException: Berth supports only ECS services: ServiceNamespace dynamodb is not supported, use ecs.',
    ],
    [
      'a dimension the real service knows',
      { ...KEY, ScalableDimension: 'dynamodb:table:ReadCapacityUnits' },
      'ValidationException: Berth supports only ECS services: ScalableDimension dynamodb:table:ReadCapacityUnits is not supported, use ecs:service:DesiredCount.',
    ],
    [
      'an empty resource id',
      { ...KEY, ResourceId: '' },
      "ValidationException: 1 validation error detected: Value '' at 'resourceId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'a resource id that is not a service',
      { ...KEY, ResourceId: 'table/orders' },
      'ValidationException: Unsupported service namespace, resource type or scalable dimension',
    ],
    [
      'a negative minimum',
      { ...KEY, MinCapacity: -1 },
      "ValidationException: 1 validation error detected: Value -1 at 'minCapacity' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ],
    [
      'a minimum above the maximum',
      { ...KEY, MinCapacity: 5, MaxCapacity: 2 },
      'ValidationException: Minimum capacity cannot be greater than maximum capacity',
    ],
    [
      'a capacity that is not an integer',
      { ...KEY, MinCapacity: 1.5 },
      'ValidationException: Invalid type for parameter MinCapacity: expected an integer, got number.',
    ],
  ])('rejects %s', (_case, body, message) => {
    expect(failureOf(() => readRegisterScalableTarget(body))).toBe(message);
  });
});

describe('Function: registeredBounds', () => {
  it.each([
    [
      'takes both bounds of a new target',
      undefined,
      { MinCapacity: 1, MaxCapacity: 3 },
      { MinCapacity: 1, MaxCapacity: 3 },
    ],
    [
      'keeps a bound left out on update',
      { MinCapacity: 1, MaxCapacity: 3 },
      { MaxCapacity: 6 },
      { MinCapacity: 1, MaxCapacity: 6 },
    ],
  ])('%s', (_case, existing, request, expected) => {
    expect(registeredBounds(existing, request)).toEqual(expected);
  });

  it.each([
    [
      'a new target without both bounds',
      undefined,
      { MinCapacity: 1 },
      'ValidationException: MinCapacity and MaxCapacity are required to register a new scalable target.',
    ],
    [
      'a new minimum above the kept maximum',
      { MinCapacity: 1, MaxCapacity: 3 },
      { MinCapacity: 4 },
      'ValidationException: Minimum capacity cannot be greater than maximum capacity',
    ],
  ])('refuses %s', (_case, existing, request, message) => {
    expect(failureOf(() => registeredBounds(existing, request))).toBe(message);
  });
});

describe('the other target-key operations', () => {
  it.each([
    ['DeregisterScalableTarget', () => readDeregisterScalableTarget(KEY), KEY],
    [
      'DeleteScalingPolicy',
      () => readDeleteScalingPolicy({ ...KEY, PolicyName: 'cpu' }),
      { ...KEY, PolicyName: 'cpu' },
    ],
    [
      'DeleteScheduledAction',
      () => readDeleteScheduledAction({ ...KEY, ScheduledActionName: 'night' }),
      { ...KEY, ScheduledActionName: 'night' },
    ],
  ])('read %s', (_case, read, expected) => {
    expect(read()).toEqual(expected);
  });

  it.each([
    [
      'DeleteScalingPolicy without a name',
      () => readDeleteScalingPolicy(KEY),
      "ValidationException: 1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null",
    ],
    [
      'DeleteScheduledAction without a name',
      () => readDeleteScheduledAction(KEY),
      "ValidationException: 1 validation error detected: Value null at 'scheduledActionName' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a body that is not an object',
      () => readDeregisterScalableTarget([]),
      'ValidationException: The request body must be a JSON object.',
    ],
  ])('reject %s', (_case, read, message) => {
    expect(failureOf(read)).toBe(message);
  });
});

describe('the Describe operations', () => {
  it.each([
    [
      'DescribeScalableTargets',
      () =>
        readDescribeScalableTargets({
          ServiceNamespace: 'ecs',
          ResourceIds: ['service/c/web'],
          MaxResults: 50,
        }),
      { ServiceNamespace: 'ecs', ResourceIds: ['service/c/web'], MaxResults: 50 },
    ],
    [
      'DescribeScalingPolicies',
      () =>
        readDescribeScalingPolicies({
          ServiceNamespace: 'ecs',
          PolicyNames: ['cpu'],
          NextToken: 't',
        }),
      { ServiceNamespace: 'ecs', PolicyNames: ['cpu'], NextToken: 't' },
    ],
    [
      'DescribeScheduledActions',
      () => readDescribeScheduledActions({ ...KEY, ScheduledActionNames: ['night'] }),
      { ...KEY, ScheduledActionNames: ['night'] },
    ],
    [
      'DescribeScalingActivities',
      () => readDescribeScalingActivities({ ServiceNamespace: 'ecs' }),
      { ServiceNamespace: 'ecs', IncludeNotScaledActivities: false },
    ],
  ])('read %s', (_case, read, expected) => {
    expect(read()).toEqual(expected);
  });

  it.each([
    [
      'MaxResults 0',
      { ServiceNamespace: 'ecs', MaxResults: 0 },
      "ValidationException: 1 validation error detected: Value 0 at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'MaxResults 51',
      { ServiceNamespace: 'ecs', MaxResults: 51 },
      "ValidationException: 1 validation error detected: Value 51 at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    ],
    [
      'no namespace',
      {},
      "ValidationException: 1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null",
    ],
    [
      'another service’s namespace',
      { ServiceNamespace: 'lambda' },
      'ValidationException: Berth supports only ECS services: ServiceNamespace lambda is not supported, use ecs.',
    ],
    [
      '51 resource ids',
      {
        ServiceNamespace: 'ecs',
        ResourceIds: Array.from({ length: 51 }, (_, i) => `service/c/s${i}`),
      },
      expect.stringContaining(
        "at 'resourceIds' failed to satisfy constraint: Member must have length less than or equal to 50",
      ),
    ],
  ])('reject %s', (_case, body, message) => {
    expect(failureOf(() => readDescribeScalableTargets(body))).toEqual(message);
  });
});

describe('Function: readPutScalingPolicy for target tracking', () => {
  it('reads a CPU policy', () => {
    expect(
      readPutScalingPolicy(
        tracking({ TargetValue: 70, PredefinedMetricSpecification: CPU, ScaleInCooldown: 60 }),
      ),
    ).toEqual({
      ...KEY,
      PolicyName: 'cpu',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 70,
        PredefinedMetricSpecification: CPU,
        ScaleInCooldown: 60,
      },
    });
  });

  it.each([
    [
      'an ALB policy with its label',
      {
        PredefinedMetricType: 'ALBRequestCountPerTarget',
        ResourceLabel: 'app/lb/1a/targetgroup/tg/2b',
      },
    ],
  ])('reads %s', (_case, specification) => {
    expect(
      readPutScalingPolicy(
        tracking({ TargetValue: 100, PredefinedMetricSpecification: specification }),
      ),
    ).toMatchObject({
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: specification },
    });
  });

  it.each([
    [
      'a customized metric',
      {
        MetricName: 'Backlog',
        Namespace: 'App',
        Statistic: 'Average',
        Dimensions: [{ Name: 'Queue', Value: 'q' }],
      },
    ],
    [
      'metric math',
      {
        Metrics: [
          {
            Id: 'm1',
            MetricStat: { Metric: { MetricName: 'Backlog', Namespace: 'App' }, Stat: 'Sum' },
            ReturnData: false,
          },
          { Id: 'e1', Expression: 'm1 / 2', ReturnData: true },
        ],
      },
    ],
  ])('reads %s', (_case, specification) => {
    expect(
      readPutScalingPolicy(
        tracking({ TargetValue: 10, CustomizedMetricSpecification: specification }),
      ),
    ).toMatchObject({
      TargetTrackingScalingPolicyConfiguration: { CustomizedMetricSpecification: specification },
    });
  });

  it.each([
    [
      'a missing target value',
      { PredefinedMetricSpecification: CPU },
      "ValidationException: 1 validation error detected: Value null at 'targetTrackingScalingPolicyConfiguration.targetValue' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a target value of 0',
      { TargetValue: 0, PredefinedMetricSpecification: CPU },
      'ValidationException: TargetValue must be greater than 0',
    ],
    [
      'no metric',
      { TargetValue: 50 },
      'ValidationException: Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified',
    ],
    [
      'two metrics',
      {
        TargetValue: 50,
        PredefinedMetricSpecification: CPU,
        CustomizedMetricSpecification: { MetricName: 'x', Namespace: 'y', Statistic: 'Sum' },
      },
      'ValidationException: Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified',
    ],
    [
      'an unknown metric type',
      { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'CPU' } },
      expect.stringContaining(
        "Value 'CPU' at 'targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType' failed to satisfy constraint: Member must satisfy enum value set: [ALBRequestCountPerTarget,",
      ),
    ],
    [
      'another service’s metric type',
      {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' },
      },
      'ValidationException: Berth supports only ECS services: PredefinedMetricType DynamoDBReadCapacityUtilization is not supported, use one of ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget.',
    ],
    [
      'ALB without a label',
      {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' },
      },
      'ValidationException: ResourceLabel is required for the predefined metric ALBRequestCountPerTarget',
    ],
    [
      'ALB with a malformed label',
      {
        TargetValue: 50,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: 'tg',
        },
      },
      'ValidationException: Invalid ResourceLabel tg: expected app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>',
    ],
    [
      'a label on CPU',
      {
        TargetValue: 50,
        PredefinedMetricSpecification: { ...CPU, ResourceLabel: 'app/lb/1/targetgroup/tg/2' },
      },
      'ValidationException: ResourceLabel can be specified only for the predefined metric ALBRequestCountPerTarget',
    ],
    [
      'a negative cooldown',
      { TargetValue: 50, PredefinedMetricSpecification: CPU, ScaleOutCooldown: -1 },
      "ValidationException: 1 validation error detected: Value -1 at 'targetTrackingScalingPolicyConfiguration.scaleOutCooldown' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ],
    [
      'a customized metric without its statistic',
      { TargetValue: 50, CustomizedMetricSpecification: { MetricName: 'x', Namespace: 'y' } },
      "ValidationException: 1 validation error detected: Value null at 'targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.statistic' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a customized metric with an unknown statistic',
      {
        TargetValue: 50,
        CustomizedMetricSpecification: { MetricName: 'x', Namespace: 'y', Statistic: 'p99' },
      },
      "ValidationException: 1 validation error detected: Value 'p99' at 'targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.statistic' failed to satisfy constraint: Member must satisfy enum value set: [Average, Maximum, Minimum, SampleCount, Sum]",
    ],
    [
      'both metric forms',
      {
        TargetValue: 50,
        CustomizedMetricSpecification: { MetricName: 'x', Metrics: [{ Id: 'e', Expression: '1' }] },
      },
      'ValidationException: CustomizedMetricSpecification cannot specify both Metrics and MetricName',
    ],
    [
      'metric math with two results',
      {
        TargetValue: 50,
        CustomizedMetricSpecification: {
          Metrics: [
            { Id: 'a', Expression: '1' },
            { Id: 'b', Expression: '2' },
          ],
        },
      },
      'ValidationException: Exactly one metric data query must have ReturnData set to true',
    ],
    [
      'a query with both sources',
      {
        TargetValue: 50,
        CustomizedMetricSpecification: {
          Metrics: [{ Id: 'a', Expression: '1', MetricStat: { Metric: {}, Stat: 'Sum' } }],
        },
      },
      'ValidationException: Metric query a must specify exactly one of Expression and MetricStat',
    ],
    [
      'a query id in capitals',
      {
        TargetValue: 50,
        CustomizedMetricSpecification: { Metrics: [{ Id: 'A', Expression: '1' }] },
      },
      'ValidationException: Invalid metric query Id A: it must start with a lowercase letter and contain only letters, numbers and underscores',
    ],
  ])('rejects %s', (_case, configuration, message) => {
    expect(failureOf(() => readPutScalingPolicy(tracking(configuration)))).toEqual(message);
  });
});

describe('Function: readPutScalingPolicy for step scaling', () => {
  it('reads a step policy', () => {
    const configuration = {
      AdjustmentType: 'PercentChangeInCapacity',
      MinAdjustmentMagnitude: 2,
      MetricAggregationType: 'Maximum',
      Cooldown: 60,
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 10 },
        { MetricIntervalLowerBound: 10, ScalingAdjustment: 30 },
      ],
    };
    expect(readPutScalingPolicy(stepping(configuration))).toMatchObject({
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: configuration,
    });
  });

  it.each([
    [
      'no steps',
      { StepAdjustments: [] },
      'ValidationException: StepAdjustments must contain at least one step adjustment',
    ],
    [
      '21 steps',
      {
        StepAdjustments: Array.from({ length: 21 }, (_, i) => ({
          MetricIntervalLowerBound: i,
          ...(i < 20 ? { MetricIntervalUpperBound: i + 1 } : {}),
          ScalingAdjustment: 1,
        })),
      },
      'ValidationException: There can be at most 20 step adjustments per scaling policy',
    ],
    [
      'an unknown adjustment type',
      {
        AdjustmentType: 'Double',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
      "ValidationException: 1 validation error detected: Value 'Double' at 'stepScalingPolicyConfiguration.adjustmentType' failed to satisfy constraint: Member must satisfy enum value set: [ChangeInCapacity, ExactCapacity, PercentChangeInCapacity]",
    ],
    [
      'a step without its adjustment',
      { StepAdjustments: [{ MetricIntervalLowerBound: 0 }] },
      "ValidationException: 1 validation error detected: Value null at 'stepScalingPolicyConfiguration.stepAdjustments.1.member.scalingAdjustment' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a minimum magnitude with ChangeInCapacity',
      {
        MinAdjustmentMagnitude: 2,
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
      'ValidationException: MinAdjustmentMagnitude can be specified only when AdjustmentType is PercentChangeInCapacity',
    ],
    [
      'a negative exact capacity',
      {
        AdjustmentType: 'ExactCapacity',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: -1 }],
      },
      'ValidationException: ScalingAdjustment cannot be negative when AdjustmentType is ExactCapacity',
    ],
    [
      'an unknown aggregation',
      {
        MetricAggregationType: 'Median',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
      "ValidationException: 1 validation error detected: Value 'Median' at 'stepScalingPolicyConfiguration.metricAggregationType' failed to satisfy constraint: Member must satisfy enum value set: [Average, Maximum, Minimum]",
    ],
  ])('rejects %s', (_case, configuration, message) => {
    expect(failureOf(() => readPutScalingPolicy(stepping(configuration)))).toBe(message);
  });

  it.each([
    [
      'a predictive policy',
      { ...KEY, PolicyName: 'p', PolicyType: 'PredictiveScaling' },
      'ValidationException: Berth supports only StepScaling and TargetTrackingScaling policies for ECS services.',
    ],
    [
      'an unknown policy type',
      { ...KEY, PolicyName: 'p', PolicyType: 'Magic' },
      "ValidationException: 1 validation error detected: Value 'Magic' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [PredictiveScaling, StepScaling, TargetTrackingScaling]",
    ],
    [
      'a step policy without its configuration',
      { ...KEY, PolicyName: 'p', PolicyType: 'StepScaling' },
      'ValidationException: StepScalingPolicyConfiguration is required for a StepScaling policy',
    ],
    [
      'a target tracking policy without its configuration',
      { ...KEY, PolicyName: 'p', PolicyType: 'TargetTrackingScaling' },
      'ValidationException: TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy',
    ],
    [
      'a step policy with a target tracking configuration',
      {
        ...stepping({ StepAdjustments: [] }),
        TargetTrackingScalingPolicyConfiguration: { TargetValue: 1 },
      },
      'ValidationException: TargetTrackingScalingPolicyConfiguration cannot be specified for a StepScaling policy',
    ],
    [
      'a policy name with a control character',
      { ...KEY, PolicyName: 'a\nb' },
      "ValidationException: 1 validation error detected: Value 'a\nb' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{Print}+",
    ],
    [
      'a policy name of 257 characters',
      { ...KEY, PolicyName: 'x'.repeat(257) },
      expect.stringContaining('Member must have length less than or equal to 256'),
    ],
  ])('rejects %s', (_case, body, message) => {
    expect(failureOf(() => readPutScalingPolicy(body))).toEqual(message);
  });
});

describe('Function: checkStepIntervals', () => {
  const step = (lower: number | undefined, upper: number | undefined) => ({
    ...(lower === undefined ? {} : { MetricIntervalLowerBound: lower }),
    ...(upper === undefined ? {} : { MetricIntervalUpperBound: upper }),
    ScalingAdjustment: 1,
  });

  it.each([
    ['steps above the threshold from 0', [step(0, 10), step(10, undefined)]],
    ['steps above starting past 0', [step(10, 20), step(20, undefined)]],
    ['steps below the threshold', [step(-10, 0), step(undefined, -10)]],
    ['steps across the threshold', [step(undefined, -5), step(-5, 5), step(5, undefined)]],
  ])('accepts %s', (_case, steps) => {
    expect(() => checkStepIntervals(steps)).not.toThrow();
  });

  it.each([
    [
      'a step open at both ends',
      [step(undefined, undefined)],
      'Both lower and upper bounds of a step adjustment cannot be left unspecified',
    ],
    [
      'a step whose bounds are reversed',
      [step(10, 5), step(5, undefined)],
      'The upper bound of a step adjustment must be greater than its lower bound',
    ],
    [
      'two open lower bounds',
      [step(undefined, -10), step(undefined, 0)],
      'At most one step adjustment can have a null lower bound',
    ],
    [
      'two open upper bounds',
      [step(0, undefined), step(10, undefined)],
      'At most one step adjustment can have a null upper bound',
    ],
    [
      'a negative lower bound with no open one',
      [step(-10, 0)],
      'There must be a StepAdjustment with an unspecified lower bound (i.e., lower bound is null) when one StepAdjustment has a negative lower bound',
    ],
    [
      'a positive upper bound with no open one',
      [step(0, 10)],
      'There must be a StepAdjustment with an unspecified upper bound (i.e., upper bound is null) when one StepAdjustment has a positive upper bound',
    ],
    [
      'overlapping steps',
      [step(0, 15), step(10, undefined)],
      'Step adjustment intervals cannot overlap',
    ],
    [
      'a gap between steps',
      [step(0, 10), step(20, undefined)],
      'Step adjustment intervals cannot have gaps',
    ],
  ])('rejects %s', (_case, steps, message) => {
    expect(failureOf(() => checkStepIntervals(steps))).toBe(`ValidationException: ${message}`);
  });
});

describe('Function: readPutScheduledAction', () => {
  it('reads an action with its schedule, zone and window', () => {
    // Act
    const request = readPutScheduledAction({
      ...KEY,
      ScheduledActionName: 'weekday-morning',
      Schedule: 'cron(0 8 ? * MON-FRI *)',
      Timezone: 'Europe/Paris',
      StartTime: 1_704_067_200,
      EndTime: '2025-01-01T00:00:00Z',
      ScalableTargetAction: { MinCapacity: 4, MaxCapacity: 10 },
    });

    // Assess
    expect(request).toMatchObject({
      ...KEY,
      ScheduledActionName: 'weekday-morning',
      Schedule: 'cron(0 8 ? * MON-FRI *)',
      parsedSchedule: { kind: 'cron' },
      Timezone: 'Europe/Paris',
      StartTime: new Date('2024-01-01T00:00:00Z'),
      EndTime: new Date('2025-01-01T00:00:00Z'),
      ScalableTargetAction: { MinCapacity: 4, MaxCapacity: 10 },
    });
  });

  it.each([
    [
      'a name with a slash',
      { ScheduledActionName: 'a/b' },
      expect.stringContaining(
        "Value 'a/b' at 'scheduledActionName' failed to satisfy constraint: Member must satisfy regular expression pattern:",
      ),
    ],
    [
      'a name with a trailing space',
      { ScheduledActionName: 'night ' },
      expect.stringContaining(
        "Value 'night ' at 'scheduledActionName' failed to satisfy constraint: Member must satisfy regular expression pattern:",
      ),
    ],
    [
      'a bad schedule',
      { Schedule: 'cron(0 8 * * *)' },
      'ValidationException: Invalid schedule expression: cron(0 8 * * *). A cron expression has six fields: minutes hours day-of-month month day-of-week year.',
    ],
    [
      'an unknown zone',
      { Schedule: 'rate(1 day)', Timezone: 'Moon/Base' },
      'ValidationException: Invalid Timezone Moon/Base: expected an IANA time zone name',
    ],
    [
      'an end before the start',
      { StartTime: 200, EndTime: 100 },
      'ValidationException: EndTime must be after StartTime',
    ],
    [
      'a timestamp that is no date',
      { StartTime: 'tomorrow' },
      'ValidationException: Invalid timestamp for StartTime: tomorrow',
    ],
    [
      'a minimum above the maximum',
      { ScalableTargetAction: { MinCapacity: 5, MaxCapacity: 1 } },
      'ValidationException: Minimum capacity cannot be greater than maximum capacity',
    ],
    [
      'a negative capacity',
      { ScalableTargetAction: { MaxCapacity: -2 } },
      "ValidationException: 1 validation error detected: Value -2 at 'scalableTargetAction.maxCapacity' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ],
  ])('rejects %s', (_case, members, message) => {
    expect(
      failureOf(() => readPutScheduledAction({ ...KEY, ScheduledActionName: 'night', ...members })),
    ).toEqual(message);
  });
});
