import type { AwsJsonClient } from '../adapters/AwsJsonClient';
import { WebSocketAgentNotifier } from '../adapters/apigateway/WebSocketAgentNotifier';
import {
  HttpCapacityProvisioner,
  UnavailableCapacityProvisioner,
} from '../adapters/capacity/HttpCapacityProvisioner';
import { CloudWatchMetricStore } from '../adapters/cloudwatch/CloudWatchMetricStore';
import { DynamoDbAlarmRepository } from '../adapters/dynamodb/DynamoDbAlarmRepository';
import { DynamoDbCapacityProviderRepository } from '../adapters/dynamodb/DynamoDbCapacityProviderRepository';
import { DynamoDbClusterRepository } from '../adapters/dynamodb/DynamoDbClusterRepository';
import { DynamoDbContainerInstanceRepository } from '../adapters/dynamodb/DynamoDbContainerInstanceRepository';
import { DynamoDbIdentityRepository } from '../adapters/dynamodb/DynamoDbIdentityRepository';
import { DynamoDbMetricStore } from '../adapters/dynamodb/DynamoDbMetricStore';
import { DynamoDbScalingRepository } from '../adapters/dynamodb/DynamoDbScalingRepository';
import { DynamoDbServiceRepository } from '../adapters/dynamodb/DynamoDbServiceRepository';
import { createDocumentClient, DynamoDbTable } from '../adapters/dynamodb/DynamoDbTable';
import { DynamoDbTaskDefinitionRepository } from '../adapters/dynamodb/DynamoDbTaskDefinitionRepository';
import { DynamoDbTaskRepository } from '../adapters/dynamodb/DynamoDbTaskRepository';
import { DynamoDbUsageRepository } from '../adapters/dynamodb/DynamoDbUsageRepository';
import { EventBridgePublisher } from '../adapters/eventbridge/EventBridgePublisher';
import { AesSecretSealer } from '../adapters/iam/AesSecretSealer';
import { readRootKeyFromSecretsManager } from '../adapters/iam/SecretsManagerRootKey';
import { LambdaServiceWaker } from '../adapters/lambda/LambdaServiceWaker';
import {
  createStepFunctionsClient,
  StepFunctionsWorkflowStarter,
} from '../adapters/stepfunctions/StepFunctionsWorkflowStarter';
import { CapacityEvaluator } from '../domain/capacity/CapacityEvaluator';
import { CapacityProviderService } from '../domain/capacity/CapacityProviderService';
import { ClusterService } from '../domain/clusters/ClusterService';
import { ContainerInstanceService } from '../domain/containerInstances/ContainerInstanceService';
import { toPlacementInstance } from '../domain/containerInstances/placementView';
import { IdentityService, type RootKey } from '../domain/iam/IdentityService';
import { AlarmService } from '../domain/metrics/AlarmService';
import { ClusterReservations } from '../domain/metrics/ClusterReservations';
import { MetricQueries } from '../domain/metrics/MetricQueries';
import { UsageRecorder } from '../domain/metrics/UsageRecorder';
import type { ContainerInstanceRecord } from '../domain/model';
import { evaluate, parseExpression } from '../domain/placement/queryLanguage';
import type { AgentNotifier } from '../domain/ports/AgentNotifier';
import { type Clock, systemClock } from '../domain/ports/Clock';
import type { ContainerInstanceRepository } from '../domain/ports/ContainerInstanceRepository';
import type { MetricStore } from '../domain/ports/MetricStore';
import { ScalingEvaluator } from '../domain/scaling/ScalingEvaluator';
import { ScalingManager } from '../domain/scaling/ScalingManager';
import { ServiceManager } from '../domain/services/ServiceManager';
import { ServiceScheduler } from '../domain/services/ServiceScheduler';
import { TaggingService } from '../domain/tags/TaggingService';
import { TaskDefinitionService } from '../domain/taskDefinitions/TaskDefinitionService';
import { placeOnRecords } from '../domain/tasks/placement';
import { createTaskServices, type TaskServices } from '../domain/tasks/TaskService';
import { RequestThrottle } from '../domain/throttling/RequestThrottle';
import { UsageReports } from '../domain/usage/UsageReports';
import { type BerthConfig, loadConfig } from './environment';

/**
 * The composition root: the one place where adapters are chosen and wired
 * into the domain services. Built once per process (a Lambda container or an
 * offline worker) and reused by every request, so that SDK clients and their
 * keep-alive connections are never set up per request.
 */

interface Dependencies {
  readonly config: BerthConfig;
  readonly instanceRepository: ContainerInstanceRepository;
  readonly containerInstances: ContainerInstanceService;
  readonly tasks: TaskServices;
  readonly agents: AgentNotifier;
  /** A ListContainerInstances `filter`, compiled once: does an instance match it? */
  instanceFilter(expression: string): (record: ContainerInstanceRecord) => boolean;
  readonly table: DynamoDbTable;
  readonly stepFunctions: AwsJsonClient;
  readonly clusters: ClusterService;
  readonly taskDefinitions: TaskDefinitionService;
  readonly tagging: TaggingService;
  readonly services: ServiceManager;
  readonly scheduler: ServiceScheduler;
  readonly metrics: MetricStore;
  /** Agents' `metrics` messages → ECS's utilization metrics. */
  readonly usage: UsageRecorder;
  /** The local CloudWatch endpoint's operations. */
  readonly metricQueries: MetricQueries;
  /** The local CloudWatch endpoint's metric alarms. */
  readonly alarms: AlarmService;
  /** Application Auto Scaling's API. */
  readonly scalingManager: ScalingManager;
  /** The scheduled evaluation of scaling policies and scheduled actions. */
  readonly scalingEvaluator: ScalingEvaluator;
  /** Metered usage of FARGATE tasks. */
  readonly usageReports: UsageReports;
  /** Capacity providers of the user's own (pools of Berth-started instances). */
  readonly capacityProviders: CapacityProviderService;
  /** Managed scaling of those pools. */
  readonly capacityEvaluator: CapacityEvaluator;
  /** ECS's CPUReservation / MemoryReservation per cluster, published by the scaling schedule. */
  readonly clusterReservations: ClusterReservations;
  readonly clock: Clock;
  /** IAM's users, keys and policies, and who signs with a key. */
  readonly identities: IdentityService;
  /** ECS's API throttling, when on. */
  readonly throttle: RequestThrottle | undefined;
}

const rootKeyOf = (config: BerthConfig) => async (): Promise<RootKey | undefined> => {
  const source = config.rootKey;
  if (source === undefined) return undefined;
  if (source.kind === 'environment') return source;
  return readRootKeyFromSecretsManager({ region: config.region, secretArn: source.secretArn });
};

const createDependencies = (config: BerthConfig): Dependencies => {
  const arns = { accountId: config.accountId, region: config.region };
  const table = new DynamoDbTable(
    createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint }),
    config.tableName,
  );
  const clusterRepository = new DynamoDbClusterRepository(table);
  const taskDefinitionRepository = new DynamoDbTaskDefinitionRepository(table);
  const stepFunctions = createStepFunctionsClient({
    region: config.region,
    endpoint: config.stepFunctionsEndpoint,
  });
  const workflows = new StepFunctionsWorkflowStarter(
    stepFunctions,
    {
      taskDefinitionCleanup: config.stateMachineArn('taskDefinitionCleanup'),
      taskLifecycle: config.stateMachineArn('taskLifecycle'),
    },
    { taskDefinitionCleanupIntervalSeconds: config.taskDefinitionCleanupIntervalSeconds },
  );
  const clock = systemClock;
  const instanceRepository = new DynamoDbContainerInstanceRepository(table);
  const events = new EventBridgePublisher(
    { region: config.region, endpoint: config.eventsEndpoint },
    config.eventBusName,
    config.eventSource,
  );
  const serviceRepository = new DynamoDbServiceRepository(table);
  const serviceWaker = new LambdaServiceWaker(
    { region: config.region, endpoint: config.lambdaEndpoint },
    config.schedulerFunctionName,
  );
  const containerInstances = new ContainerInstanceService({
    clusters: clusterRepository,
    instances: instanceRepository,
    events,
    clock,
    arns,
    disconnectAfterMs: config.agentDisconnectSeconds * 1000,
    instancesPerCluster: config.quotas.containerInstancesPerCluster,
    wakeServices: async (cluster) => {
      const live = await serviceRepository.listLive(cluster);
      await Promise.all(live.map((service) => serviceWaker.wake(cluster, service.name)));
    },
  });
  const isConnected = (record: ContainerInstanceRecord) =>
    containerInstances.agentConnected(record);
  const viewOf = (record: ContainerInstanceRecord) =>
    toPlacementInstance(
      record,
      containerInstances.instanceArn(record.cluster, record.id),
      isConnected(record),
    );
  /** An expression of the cluster query language, compiled once: does an instance match it? */
  const instanceFilter = (expression: string) => {
    const compiled = parseExpression(expression);
    return (record: ContainerInstanceRecord) => evaluate(compiled, viewOf(record));
  };
  const taskDefinitions = new TaskDefinitionService({
    taskDefinitions: taskDefinitionRepository,
    workflows,
    clock,
    arns,
  });
  const agents = new WebSocketAgentNotifier({
    endpoint: config.websocketEndpoint,
    region: config.region,
  });
  const taskRepository = new DynamoDbTaskRepository(table);
  const resolveTaskDefinition = (reference: string) => taskDefinitions.resolve(reference);
  const usageReports = new UsageReports({
    usage: new DynamoDbUsageRepository(table),
    prices: config.fargatePrices,
    clock,
  });
  const metrics: MetricStore =
    config.metricsStore === 'cloudwatch'
      ? new CloudWatchMetricStore({ region: config.region })
      : new DynamoDbMetricStore(table);
  const metricQueries = new MetricQueries({ metrics, clock });
  const alarms = new AlarmService({
    alarms: new DynamoDbAlarmRepository(table),
    metricQueries,
    clock,
    arns,
  });
  const services = new ServiceManager({
    services: serviceRepository,
    clusters: clusterRepository,
    resolveTaskDefinition,
    waker: serviceWaker,
    events,
    subnets: config.subnets,
    clock,
    arns,
    quotas: config.quotas,
  });
  const scalingRepository = new DynamoDbScalingRepository(table);
  const capacityProviderRepository = new DynamoDbCapacityProviderRepository(table);
  const capacityProvisioner =
    config.capacityEndpoint === undefined
      ? new UnavailableCapacityProvisioner()
      : new HttpCapacityProvisioner(config.capacityEndpoint);
  const capacityProviders = new CapacityProviderService({
    providers: capacityProviderRepository,
    clusters: clusterRepository,
    // A provider still has something in a cluster while its pool has instances there.
    inUse: async (cluster, provider) =>
      (await instanceRepository.listLive(cluster)).some(
        (instance) => instance.capacityProviderName === provider,
      ),
    clock,
    arns,
  });
  // Application Auto Scaling changes a service as a user would: through UpdateService.
  const setDesiredCount = async (cluster: string, service: string, desiredCount: number) => {
    await services.update({ cluster, service, desiredCount });
  };
  const tasks = createTaskServices({
    clusters: clusterRepository,
    instances: instanceRepository,
    tasks: taskRepository,
    resolveTaskDefinition,
    place: (records, ask) => placeOnRecords(records.map(viewOf), ask),
    agents,
    events,
    instanceChangeEvents: (records) => containerInstances.changeEvents(records),
    agentLost: (connectionId, owner) => containerInstances.agentLost(connectionId, owner),
    workflows,
    capacity: capacityProvisioner,
    services: serviceRepository,
    serviceWaker,
    meterUsage: (current, next) => usageReports.meter(current, next),
    subnets: config.subnets,
    clock,
    arns,
    settings: {
      startTimeoutSeconds: config.taskStartTimeoutSeconds,
      stoppedRetentionSeconds: 3 * 3600,
      provisioningTasksPerCluster: config.quotas.provisioningTasksPerCluster,
    },
  });
  return {
    config,
    throttle: config.throttling ? new RequestThrottle(() => clock.now()) : undefined,
    identities: new IdentityService(new DynamoDbIdentityRepository(table), clock, {
      accountId: config.accountId,
      rootKey: rootKeyOf(config),
      sealerFor: (rootSecret) => new AesSecretSealer(rootSecret),
    }),
    instanceRepository,
    containerInstances,
    tasks,
    agents,
    instanceFilter,
    table,
    stepFunctions,
    clusters: new ClusterService({
      clusters: clusterRepository,
      clock: systemClock,
      arns,
      readCapacityProviders: (value) => capacityProviders.readProviders(value),
    }),
    capacityProviders,
    clusterReservations: new ClusterReservations({
      clusters: clusterRepository,
      instances: instanceRepository,
      metrics,
      clock,
      namespace: config.metricsNamespace,
    }),
    capacityEvaluator: new CapacityEvaluator({
      providers: capacityProviderRepository,
      clusters: clusterRepository,
      instances: instanceRepository,
      services: serviceRepository,
      resolveTaskDefinition,
      capacity: capacityProvisioner,
      metrics,
      metricQueries,
      clock,
      arns,
      periodSeconds: config.scalingPeriodSeconds,
      namespace: config.metricsNamespace,
      instancesPerCluster: config.quotas.containerInstancesPerCluster,
    }),
    taskDefinitions,
    tagging: new TaggingService({
      clusters: clusterRepository,
      taskDefinitions: taskDefinitionRepository,
    }),
    services,
    scheduler: new ServiceScheduler({
      services: serviceRepository,
      tasks: taskRepository,
      instances: instanceRepository,
      launcher: tasks.launcher,
      lifecycle: tasks.lifecycle,
      events,
      waker: serviceWaker,
      // memberOf expressions in the cluster query language; distinctInstance holds by nature.
      constraintsMatcher: (constraints) => {
        const filters = constraints.flatMap((constraint) =>
          constraint.type === 'memberOf' && constraint.expression !== undefined
            ? [instanceFilter(constraint.expression)]
            : [],
        );
        return (record) => filters.every((matches) => matches(record));
      },
      clock,
      arns,
    }),
    metrics,
    metricQueries,
    alarms,
    usageReports,
    scalingManager: new ScalingManager({
      scaling: scalingRepository,
      services: serviceRepository,
      setDesiredCount,
      clock,
      arns,
    }),
    scalingEvaluator: new ScalingEvaluator({
      scaling: scalingRepository,
      services: serviceRepository,
      setDesiredCount,
      metricQueries,
      stepAlarms: alarms,
      clock,
      namespace: config.metricsNamespace,
      periodSeconds: config.scalingPeriodSeconds,
    }),
    clock,
    usage: new UsageRecorder({
      tasks: taskRepository,
      metrics,
      clock,
      namespace: config.metricsNamespace,
    }),
  };
};

let cached: Dependencies | undefined;

/** The process-wide dependencies, built on first use. */
const dependencies = (): Dependencies => {
  cached ??= createDependencies(loadConfig());
  return cached;
};

export type { Dependencies };
export { createDependencies, dependencies };
