/**
 * The stored shapes of Application Auto Scaling, in the wire's PascalCase so
 * that Describe* can echo them back verbatim (the SDK reads `CreationTime`
 * and the like as they are). Berth scales ECS services only: every stored
 * item has `ServiceNamespace` `ecs`, `ScalableDimension`
 * `ecs:service:DesiredCount` and a `ResourceId` `service/<cluster>/<service>`.
 *
 * The enums are the service model's (botocore
 * `application-autoscaling/2016-02-06/service-2.json`), whole, so that a value
 * the real service knows but Berth does not support can be told apart from a
 * value that is not valid anywhere.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_Types.html
 */

const SERVICE_NAMESPACES = [
  'ecs',
  'elasticmapreduce',
  'ec2',
  'appstream',
  'dynamodb',
  'rds',
  'sagemaker',
  'custom-resource',
  'comprehend',
  'lambda',
  'cassandra',
  'kafka',
  'elasticache',
  'neptune',
  'workspaces',
] as const;

const SCALABLE_DIMENSIONS = [
  'ecs:service:DesiredCount',
  'ec2:spot-fleet-request:TargetCapacity',
  'elasticmapreduce:instancegroup:InstanceCount',
  'appstream:fleet:DesiredCapacity',
  'dynamodb:table:ReadCapacityUnits',
  'dynamodb:table:WriteCapacityUnits',
  'dynamodb:index:ReadCapacityUnits',
  'dynamodb:index:WriteCapacityUnits',
  'rds:cluster:ReadReplicaCount',
  'sagemaker:variant:DesiredInstanceCount',
  'custom-resource:ResourceType:Property',
  'comprehend:document-classifier-endpoint:DesiredInferenceUnits',
  'comprehend:entity-recognizer-endpoint:DesiredInferenceUnits',
  'lambda:function:ProvisionedConcurrency',
  'cassandra:table:ReadCapacityUnits',
  'cassandra:table:WriteCapacityUnits',
  'kafka:broker-storage:VolumeSize',
  'elasticache:cache-cluster:Nodes',
  'elasticache:replication-group:NodeGroups',
  'elasticache:replication-group:Replicas',
  'neptune:cluster:ReadReplicaCount',
  'sagemaker:variant:DesiredProvisionedConcurrency',
  'sagemaker:inference-component:DesiredCopyCount',
  'workspaces:workspacespool:DesiredUserSessions',
] as const;

const POLICY_TYPES = ['StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'] as const;

const METRIC_TYPES = [
  'DynamoDBReadCapacityUtilization',
  'DynamoDBWriteCapacityUtilization',
  'ALBRequestCountPerTarget',
  'RDSReaderAverageCPUUtilization',
  'RDSReaderAverageDatabaseConnections',
  'EC2SpotFleetRequestAverageCPUUtilization',
  'EC2SpotFleetRequestAverageNetworkIn',
  'EC2SpotFleetRequestAverageNetworkOut',
  'SageMakerVariantInvocationsPerInstance',
  'ECSServiceAverageCPUUtilization',
  'ECSServiceAverageMemoryUtilization',
  'AppStreamAverageCapacityUtilization',
  'ComprehendInferenceUtilization',
  'LambdaProvisionedConcurrencyUtilization',
  'CassandraReadCapacityUtilization',
  'CassandraWriteCapacityUtilization',
  'KafkaBrokerStorageUtilization',
  'ElastiCacheEngineCPUUtilization',
  'ElastiCacheDatabaseMemoryUsagePercentage',
  'ElastiCachePrimaryEngineCPUUtilization',
  'ElastiCacheReplicaEngineCPUUtilization',
  'ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage',
  'NeptuneReaderAverageCPUUtilization',
  'SageMakerVariantProvisionedConcurrencyUtilization',
  'ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage',
  'SageMakerInferenceComponentInvocationsPerCopy',
  'WorkSpacesAverageUserSessionsCapacityUtilization',
  'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
  'SageMakerVariantConcurrentRequestsPerModelHighResolution',
  'ECSServiceAverageCPUUtilizationHighResolution',
  'ECSServiceAverageMemoryUtilizationHighResolution',
] as const;

/**
 * The predefined metrics an ECS service can track in Berth. The 20-second
 * `…HighResolution` variants are left out: the evaluator works on one-minute
 * datapoints.
 */
const ECS_METRIC_TYPES = [
  'ECSServiceAverageCPUUtilization',
  'ECSServiceAverageMemoryUtilization',
  'ALBRequestCountPerTarget',
] as const;

const ADJUSTMENT_TYPES = ['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity'] as const;
const METRIC_AGGREGATION_TYPES = ['Average', 'Minimum', 'Maximum'] as const;
const METRIC_STATISTICS = ['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum'] as const;
const ACTIVITY_STATUS_CODES = [
  'Pending',
  'InProgress',
  'Successful',
  'Overridden',
  'Unfulfilled',
  'Failed',
] as const;

const ECS_NAMESPACE = 'ecs';
const ECS_DESIRED_COUNT = 'ecs:service:DesiredCount';

type ServiceNamespace = (typeof SERVICE_NAMESPACES)[number];
type ScalableDimension = (typeof SCALABLE_DIMENSIONS)[number];
type PolicyType = (typeof POLICY_TYPES)[number];
type MetricType = (typeof METRIC_TYPES)[number];
type EcsMetricType = (typeof ECS_METRIC_TYPES)[number];
type AdjustmentType = (typeof ADJUSTMENT_TYPES)[number];
type MetricAggregationType = (typeof METRIC_AGGREGATION_TYPES)[number];
type MetricStatistic = (typeof METRIC_STATISTICS)[number];
type ScalingActivityStatusCode = (typeof ACTIVITY_STATUS_CODES)[number];

/** The three members that name a scalable target, and so every item attached to one. */
interface ScalableTargetKey {
  readonly ServiceNamespace: typeof ECS_NAMESPACE;
  readonly ResourceId: string;
  readonly ScalableDimension: typeof ECS_DESIRED_COUNT;
}

interface SuspendedState {
  readonly DynamicScalingInSuspended: boolean;
  readonly DynamicScalingOutSuspended: boolean;
  readonly ScheduledScalingSuspended: boolean;
}

interface ScalableTarget extends ScalableTargetKey {
  readonly MinCapacity: number;
  readonly MaxCapacity: number;
  readonly RoleARN: string;
  readonly SuspendedState: SuspendedState;
  readonly CreationTime: Date;
  readonly ScalableTargetARN: string;
}

interface MetricDimension {
  readonly Name: string;
  readonly Value: string;
}

interface PredefinedMetricSpecification {
  readonly PredefinedMetricType: EcsMetricType;
  readonly ResourceLabel?: string;
}

interface TargetTrackingMetricStat {
  readonly Metric: {
    readonly MetricName?: string;
    readonly Namespace?: string;
    readonly Dimensions?: MetricDimension[];
  };
  readonly Stat: string;
  readonly Unit?: string;
}

interface TargetTrackingMetricDataQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly MetricStat?: TargetTrackingMetricStat;
  readonly ReturnData?: boolean;
}

/** Either one CloudWatch metric, or a metric-math query list (`Metrics`). */
type CustomizedMetricSpecification =
  | {
      readonly MetricName: string;
      readonly Namespace: string;
      readonly Dimensions?: MetricDimension[];
      readonly Statistic: MetricStatistic;
      readonly Unit?: string;
    }
  | { readonly Metrics: TargetTrackingMetricDataQuery[] };

interface TargetTrackingScalingPolicyConfiguration {
  readonly TargetValue: number;
  readonly PredefinedMetricSpecification?: PredefinedMetricSpecification;
  readonly CustomizedMetricSpecification?: CustomizedMetricSpecification;
  readonly ScaleOutCooldown?: number;
  readonly ScaleInCooldown?: number;
  readonly DisableScaleIn?: boolean;
}

interface StepAdjustment {
  readonly MetricIntervalLowerBound?: number;
  readonly MetricIntervalUpperBound?: number;
  readonly ScalingAdjustment: number;
}

interface StepScalingPolicyConfiguration {
  readonly AdjustmentType: AdjustmentType;
  readonly StepAdjustments: StepAdjustment[];
  readonly MinAdjustmentMagnitude?: number;
  readonly Cooldown?: number;
  readonly MetricAggregationType?: MetricAggregationType;
}

interface Alarm {
  readonly AlarmName: string;
  readonly AlarmARN: string;
}

interface ScalingPolicyBase extends ScalableTargetKey {
  readonly PolicyARN: string;
  readonly PolicyName: string;
  readonly Alarms: Alarm[];
  readonly CreationTime: Date;
}

type ScalingPolicy =
  | (ScalingPolicyBase & {
      readonly PolicyType: 'TargetTrackingScaling';
      readonly TargetTrackingScalingPolicyConfiguration: TargetTrackingScalingPolicyConfiguration;
    })
  | (ScalingPolicyBase & {
      readonly PolicyType: 'StepScaling';
      readonly StepScalingPolicyConfiguration: StepScalingPolicyConfiguration;
    });

interface ScalableTargetAction {
  readonly MinCapacity?: number;
  readonly MaxCapacity?: number;
}

interface ScheduledAction extends ScalableTargetKey {
  readonly ScheduledActionName: string;
  readonly ScheduledActionARN: string;
  readonly Schedule: string;
  readonly Timezone?: string;
  readonly StartTime?: Date;
  readonly EndTime?: Date;
  readonly ScalableTargetAction: ScalableTargetAction;
  readonly CreationTime: Date;
}

/** Why an activity did not change the capacity (`IncludeNotScaledActivities`). */
interface NotScaledReason {
  readonly Code: 'AlreadyAtMaxCapacity' | 'AlreadyAtMinCapacity' | 'AlreadyAtDesiredCapacity';
  readonly MaxCapacity?: number;
  readonly MinCapacity?: number;
  readonly CurrentCapacity?: number;
}

interface ScalingActivity extends ScalableTargetKey {
  readonly ActivityId: string;
  readonly Description: string;
  readonly Cause: string;
  readonly StartTime: Date;
  readonly EndTime?: Date;
  readonly StatusCode: ScalingActivityStatusCode;
  readonly StatusMessage?: string;
  readonly Details?: string;
  readonly NotScaledReasons?: NotScaledReason[];
}

/** Defaults of a new target's suspended state: nothing suspended. */
const NOTHING_SUSPENDED: SuspendedState = {
  DynamicScalingInSuspended: false,
  DynamicScalingOutSuspended: false,
  ScheduledScalingSuspended: false,
};

/** Cooldown, in seconds, when a policy does not give one (ECS's default, both directions). */
const DEFAULT_COOLDOWN_SECONDS = 300;

const RESOURCE_ID_PATTERN = /^service\/([^/]+)\/([^/]+)$/;

/**
 * The cluster and service an ECS `ResourceId` names, or undefined when the
 * text is not `service/<cluster>/<service>`. The evaluator needs the two
 * names apart to read the service and its metrics' dimensions.
 *
 * @example ecsServiceOf('service/default/web') // { cluster: 'default', service: 'web' }
 */
const ecsServiceOf = (resourceId: string): { cluster: string; service: string } | undefined => {
  const match = RESOURCE_ID_PATTERN.exec(resourceId);
  if (!match) return undefined;
  return { cluster: match[1] ?? '', service: match[2] ?? '' };
};

export type {
  AdjustmentType,
  Alarm,
  CustomizedMetricSpecification,
  EcsMetricType,
  MetricAggregationType,
  MetricDimension,
  MetricStatistic,
  MetricType,
  NotScaledReason,
  PolicyType,
  PredefinedMetricSpecification,
  ScalableDimension,
  ScalableTarget,
  ScalableTargetAction,
  ScalableTargetKey,
  ScalingActivity,
  ScalingActivityStatusCode,
  ScalingPolicy,
  ScheduledAction,
  ServiceNamespace,
  StepAdjustment,
  StepScalingPolicyConfiguration,
  SuspendedState,
  TargetTrackingMetricDataQuery,
  TargetTrackingMetricStat,
  TargetTrackingScalingPolicyConfiguration,
};
export {
  ACTIVITY_STATUS_CODES,
  ADJUSTMENT_TYPES,
  DEFAULT_COOLDOWN_SECONDS,
  ECS_DESIRED_COUNT,
  ECS_METRIC_TYPES,
  ECS_NAMESPACE,
  ecsServiceOf,
  METRIC_AGGREGATION_TYPES,
  METRIC_STATISTICS,
  METRIC_TYPES,
  NOTHING_SUSPENDED,
  POLICY_TYPES,
  SCALABLE_DIMENSIONS,
  SERVICE_NAMESPACES,
};
