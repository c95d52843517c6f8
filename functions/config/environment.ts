import { parseSubnets, type Subnet } from '../domain/network/subnets';
import { DEFAULT_FARGATE_PRICES, type FargatePrices, readPrices } from '../domain/usage/prices';

/**
 * Configuration, read once at module load (cold start) so that a missing
 * variable fails the first request loudly instead of some later one quietly.
 *
 * The same handler code runs on AWS and under serverless-offline; only these
 * values differ. Offline, CloudFormation references in `serverless.yml`
 * environment arrive unresolved, so values that are ARNs on AWS are built
 * from the account, region and names instead (`IS_OFFLINE` is set by
 * serverless-offline).
 */

const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
};

const optionalEnv = (name: string): string | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
};

/** The region Berth runs in. */
const readRegion = (): string =>
  optionalEnv('BERTH_REGION') ?? optionalEnv('AWS_REGION') ?? 'us-east-1';

/** Whether serverless-offline runs the handlers (it sets `IS_OFFLINE`). */
const readOffline = (): boolean => optionalEnv('IS_OFFLINE') !== undefined;

/** Where ECS's utilization metrics are: `AWS/ECS` locally, as ECS writes them; Berth's own namespace on AWS. */
const readMetricsNamespace = (offline: boolean): string =>
  optionalEnv('BERTH_METRICS_NAMESPACE') ?? (offline ? 'AWS/ECS' : 'Berth/ECS');

interface BerthConfig {
  /** Under serverless-offline (the local stack), not on AWS. */
  readonly offline: boolean;
  /** Account id written into every ARN Berth mints. */
  readonly accountId: string;
  /** Region written into every ARN Berth mints. */
  readonly region: string;
  readonly tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); undefined on AWS. */
  readonly dynamoDbEndpoint: string | undefined;
  /** Step Functions endpoint override (the local server); undefined on AWS. */
  readonly stepFunctionsEndpoint: string | undefined;
  /** ARN of a state machine from its name in `serverless.yml`. */
  stateMachineArn(name: StateMachineName): string;
  /** Seconds between two checks of the task-definition clean-up workflow. */
  readonly taskDefinitionCleanupIntervalSeconds: number;
  /** EventBridge endpoint override (the local events server); undefined on AWS. */
  readonly eventsEndpoint: string | undefined;
  readonly eventBusName: string;
  /** Events' `source`: ECS's `aws.ecs` locally; on AWS (which refuses `aws.` sources) `berth.ecs`. */
  readonly eventSource: string;
  /** Where PostToConnection reaches the agents' WebSocket API. */
  readonly websocketEndpoint: string;
  /** A task that has not reached RUNNING this long after RunTask fails with TaskFailedToStart. */
  readonly taskStartTimeoutSeconds: number;
  /** An agent not heard from for this long is disconnected (no new tasks). */
  readonly agentDisconnectSeconds: number;
  /** The subnets awsvpc tasks take addresses from (`BERTH_SUBNETS`, else the default network). */
  readonly subnets: Subnet[];
  /** Lambda endpoint override (serverless-offline's invoke endpoint); undefined on AWS. */
  readonly lambdaEndpoint: string | undefined;
  /** The service scheduler's function, invoked asynchronously to wake it. */
  readonly schedulerFunctionName: string;
  /** Where FARGATE tasks' hosts are provisioned; undefined: nowhere (they fail to start). */
  readonly capacityEndpoint: string | undefined;
  /**
   * `GET /health` adds the requests sent so far per operation (the bench's
   * per-task budget): locally, where every handler shares one process.
   */
  readonly reportRequestCounts: boolean;
  /**
   * Where metrics live: `table` (Berth's table, read back by the local
   * CloudWatch endpoint) locally, `cloudwatch` on AWS. `BERTH_METRICS_STORE`.
   */
  readonly metricsStore: 'table' | 'cloudwatch';
  /**
   * The namespace of ECS's utilization metrics: `AWS/ECS` locally, as ECS
   * writes them; on AWS `AWS/` is CloudWatch's own, so `Berth/ECS`.
   * `BERTH_METRICS_NAMESPACE`.
   */
  readonly metricsNamespace: string;
  /**
   * The length of a scaling alarm's datapoint: 60 s, as Application Auto
   * Scaling's alarms have it. Tests shorten it (`BERTH_SCALING_PERIOD_SECONDS`)
   * to compress time.
   */
  readonly scalingPeriodSeconds: number;
  /**
   * Fargate prices for metered usage: us-east-1's public prices unless
   * `BERTH_FARGATE_PRICES` (JSON, members of FargatePrices) overrides some.
   */
  readonly fargatePrices: FargatePrices;
  /**
   * `sigv4`: every request is verified (SigV4) and authorized (IAM policies);
   * always so on AWS. `none`: any key is accepted, as LocalStack does (the
   * local default). `BERTH_AUTH`.
   */
  readonly auth: 'none' | 'sigv4';
  /** Where the root key pair comes from; required with `sigv4`. */
  readonly rootKey: RootKeySource | undefined;
  /** ECS's API throttling (token buckets per category): on AWS by default, off locally. `BERTH_THROTTLING`. */
  readonly throttling: boolean;
  /** The service quotas that protect the control plane; ECS's defaults unless `BERTH_QUOTA_*` says. */
  readonly quotas: Quotas;
}

interface Quotas {
  readonly containerInstancesPerCluster: number;
  readonly servicesPerCluster: number;
  readonly tasksPerService: number;
  readonly provisioningTasksPerCluster: number;
}

const quota = (name: string, fallback: number): number => {
  const text = optionalEnv(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not ${text}`);
  return value;
};

const onOff = (name: string, fallback: boolean): boolean => {
  const text = optionalEnv(name);
  if (text === undefined) return fallback;
  if (text !== 'on' && text !== 'off') throw new Error(`${name} must be on or off, not ${text}`);
  return text === 'on';
};

type RootKeySource =
  | { readonly kind: 'environment'; readonly accessKeyId: string; readonly secretAccessKey: string }
  | { readonly kind: 'secretsManager'; readonly secretArn: string };

/**
 * On AWS signatures are always verified, whatever the environment says: a
 * deployed Berth must not be reachable without (issue 10). Locally it is
 * the user's choice, off by default.
 */
const readAuth = (
  offline: boolean,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Pick<BerthConfig, 'auth' | 'rootKey'> => {
  const read = (name: string) => environment[name] || undefined;
  const mode = read('BERTH_AUTH');
  if (mode !== undefined && mode !== 'none' && mode !== 'sigv4') {
    throw new Error(`BERTH_AUTH must be none or sigv4, not ${mode}`);
  }
  if (!offline && mode === 'none') {
    throw new Error(
      'BERTH_AUTH=none is for the local stack only: on AWS Berth verifies every request',
    );
  }
  const auth = offline && mode !== 'sigv4' ? 'none' : 'sigv4';
  const accessKeyId = read('BERTH_ROOT_ACCESS_KEY_ID');
  const secretAccessKey = read('BERTH_ROOT_SECRET_ACCESS_KEY');
  // Offline the secret's reference in serverless.yml arrives unresolved: only AWS has one.
  const secretArn = offline ? undefined : read('BERTH_ROOT_SECRET_ARN');
  const rootKey: RootKeySource | undefined =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { kind: 'environment', accessKeyId, secretAccessKey }
      : secretArn !== undefined
        ? { kind: 'secretsManager', secretArn }
        : undefined;
  if (auth === 'sigv4' && rootKey === undefined) {
    throw new Error(
      'BERTH_AUTH=sigv4 needs a root key: BERTH_ROOT_ACCESS_KEY_ID and BERTH_ROOT_SECRET_ACCESS_KEY (or BERTH_ROOT_SECRET_ARN on AWS)',
    );
  }
  return { auth, rootKey };
};

/** The state machines of `statemachines/`, by the `name` they carry in serverless.yml. */
const STATE_MACHINES = {
  taskDefinitionCleanup: 'task-definition-cleanup',
  taskLifecycle: 'task-lifecycle',
} as const;
type StateMachineName = keyof typeof STATE_MACHINES;

const loadConfig = (): BerthConfig => {
  const accountId = optionalEnv('BERTH_ACCOUNT_ID') ?? '000000000000';
  const region = readRegion();
  const prefix = requiredEnv('BERTH_STATE_MACHINE_PREFIX');
  const offline = readOffline();
  const arnPrefix = offline
    ? `arn:aws:states:${region}:${accountId}:stateMachine:`
    : requiredEnv('BERTH_STATE_MACHINE_ARN_PREFIX');
  return {
    offline,
    accountId,
    region,
    tableName: requiredEnv('BERTH_TABLE_NAME'),
    dynamoDbEndpoint: optionalEnv('BERTH_DYNAMODB_ENDPOINT'),
    stepFunctionsEndpoint: optionalEnv('BERTH_SFN_ENDPOINT'),
    stateMachineArn: (name) => `${arnPrefix}${prefix}-${STATE_MACHINES[name]}`,
    taskDefinitionCleanupIntervalSeconds: Number(
      optionalEnv('BERTH_TASK_DEFINITION_CLEANUP_INTERVAL_SECONDS') ?? '60',
    ),
    eventsEndpoint: optionalEnv('BERTH_EVENTS_ENDPOINT'),
    eventBusName: optionalEnv('BERTH_EVENT_BUS') ?? 'default',
    eventSource: optionalEnv('BERTH_EVENT_SOURCE') ?? (offline ? 'aws.ecs' : 'berth.ecs'),
    websocketEndpoint: offline
      ? `http://127.0.0.1:${optionalEnv('BERTH_WEBSOCKET_PORT') ?? '3001'}`
      : requiredEnv('BERTH_WEBSOCKET_ENDPOINT'),
    taskStartTimeoutSeconds: Number(optionalEnv('BERTH_TASK_START_TIMEOUT_SECONDS') ?? '300'),
    agentDisconnectSeconds: Number(optionalEnv('BERTH_AGENT_DISCONNECT_SECONDS') ?? '60'),
    subnets: parseSubnets(optionalEnv('BERTH_SUBNETS')),
    lambdaEndpoint: offline
      ? `http://127.0.0.1:${optionalEnv('BERTH_LAMBDA_PORT') ?? '3002'}`
      : undefined,
    schedulerFunctionName: requiredEnv('BERTH_SCHEDULER_FUNCTION'),
    capacityEndpoint: offline
      ? `http://127.0.0.1:${optionalEnv('BERTH_CAPACITY_PORT') ?? '8085'}`
      : optionalEnv('BERTH_CAPACITY_ENDPOINT'),
    reportRequestCounts: offline,
    metricsStore:
      (optionalEnv('BERTH_METRICS_STORE') ?? (offline ? 'table' : 'cloudwatch')) === 'cloudwatch'
        ? 'cloudwatch'
        : 'table',
    metricsNamespace: readMetricsNamespace(offline),
    scalingPeriodSeconds: Number(optionalEnv('BERTH_SCALING_PERIOD_SECONDS') ?? '60'),
    fargatePrices: ((prices) =>
      prices === undefined ? DEFAULT_FARGATE_PRICES : readPrices(prices))(
      optionalEnv('BERTH_FARGATE_PRICES'),
    ),
    ...readAuth(offline),
    throttling: onOff('BERTH_THROTTLING', !offline),
    quotas: {
      containerInstancesPerCluster: quota('BERTH_QUOTA_CONTAINER_INSTANCES_PER_CLUSTER', 5000),
      servicesPerCluster: quota('BERTH_QUOTA_SERVICES_PER_CLUSTER', 5000),
      tasksPerService: quota('BERTH_QUOTA_TASKS_PER_SERVICE', 5000),
      provisioningTasksPerCluster: quota('BERTH_QUOTA_PROVISIONING_TASKS_PER_CLUSTER', 300),
    },
  };
};

export type { BerthConfig, Quotas, RootKeySource, StateMachineName };
export { loadConfig, readAuth, readMetricsNamespace, readOffline, readRegion, STATE_MACHINES };
