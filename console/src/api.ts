import {
  ApplicationAutoScalingClient,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateServiceCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';

/**
 * The console's only way to Berth: its public ECS API, through the
 * unmodified AWS SDK, signed in the browser with the key the user entered.
 * No private route: what the console can do, the CLI can do.
 */

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

/** Every client talks to the origin that served the console: Berth's one endpoint. */
const settings = (credentials: Credentials) => ({
  endpoint: window.location.origin,
  region: credentials.region,
  credentials: {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
  },
  maxAttempts: 2,
});

/** A point of a metric's series. */
interface Point {
  readonly at: number;
  readonly value: number;
}

/** `metricsNamespace`: where ECS's utilization metrics are (the stack says, in its config). */
const api = (credentials: Credentials, metricsNamespace = 'AWS/ECS') => {
  const ecs = new ECSClient(settings(credentials));
  const scaling = new ApplicationAutoScalingClient(settings(credentials));
  const cloudWatch = new CloudWatchClient(settings(credentials));
  return {
    async clusters() {
      const { clusterArns = [] } = await ecs.send(new ListClustersCommand({}));
      if (clusterArns.length === 0) return [];
      const { clusters = [] } = await ecs.send(
        new DescribeClustersCommand({ clusters: clusterArns.slice(0, 100) }),
      );
      return clusters.sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''));
    },
    /** The cluster's capacity providers, described with their tags, and its default strategy. */
    async capacity(cluster: string) {
      const { clusters = [] } = await ecs.send(
        new DescribeClustersCommand({ clusters: [cluster] }),
      );
      const names = clusters[0]?.capacityProviders ?? [];
      const strategy = clusters[0]?.defaultCapacityProviderStrategy ?? [];
      if (names.length === 0) return { providers: [], strategy };
      const { capacityProviders = [] } = await ecs.send(
        new DescribeCapacityProvidersCommand({ capacityProviders: names, include: ['TAGS'] }),
      );
      return { providers: capacityProviders, strategy };
    },
    async instances(cluster: string) {
      const { containerInstanceArns = [] } = await ecs.send(
        new ListContainerInstancesCommand({ cluster }),
      );
      if (containerInstanceArns.length === 0) return [];
      const { containerInstances = [] } = await ecs.send(
        new DescribeContainerInstancesCommand({
          cluster,
          containerInstances: containerInstanceArns,
        }),
      );
      return containerInstances;
    },
    async tasks(cluster: string) {
      const [running, stopped] = await Promise.all(
        (['RUNNING', 'STOPPED'] as const).map((desiredStatus) =>
          ecs.send(new ListTasksCommand({ cluster, desiredStatus })),
        ),
      );
      const arns = [...(running?.taskArns ?? []), ...(stopped?.taskArns ?? [])].slice(0, 100);
      if (arns.length === 0) return [];
      const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
      return tasks.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    },
    async task(cluster: string, task: string) {
      const { tasks = [], failures = [] } = await ecs.send(
        new DescribeTasksCommand({ cluster, tasks: [task] }),
      );
      const found = tasks[0];
      if (!found) throw new Error(`Task ${task}: ${failures[0]?.reason ?? 'MISSING'}`);
      return found;
    },
    async families() {
      const { families = [] } = await ecs.send(
        new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE' }),
      );
      return families;
    },
    async services(cluster: string) {
      const { serviceArns = [] } = await ecs.send(new ListServicesCommand({ cluster }));
      const described = await Promise.all(
        Array.from({ length: Math.ceil(serviceArns.length / 10) }, (_, index) =>
          ecs.send(
            new DescribeServicesCommand({
              cluster,
              services: serviceArns.slice(index * 10, index * 10 + 10),
            }),
          ),
        ),
      );
      return described
        .flatMap((out) => out.services ?? [])
        .sort((a, b) => (a.serviceName ?? '').localeCompare(b.serviceName ?? ''));
    },
    createService: (
      cluster: string,
      serviceName: string,
      taskDefinition: string,
      desiredCount: number,
    ) => ecs.send(new CreateServiceCommand({ cluster, serviceName, taskDefinition, desiredCount })),
    updateService: (
      cluster: string,
      service: string,
      change: { desiredCount?: number; taskDefinition?: string },
    ) => ecs.send(new UpdateServiceCommand({ cluster, service, ...change })),
    async scaling(cluster: string, service: string) {
      const ResourceId = `service/${cluster}/${service}`;
      const [policies, activities] = await Promise.all([
        scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId })),
        scaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId })),
      ]);
      return {
        policies: policies.ScalingPolicies ?? [],
        activities: activities.ScalingActivities ?? [],
      };
    },
    /** ECS's utilization metrics of a service (or of a cluster, without one), the last hour by minute. */
    async utilization(cluster: string, service?: string): Promise<Record<string, Point[]>> {
      const dimensions = [
        { Name: 'ClusterName', Value: cluster },
        ...(service ? [{ Name: 'ServiceName', Value: service }] : []),
      ];
      const end = new Date();
      const { MetricDataResults = [] } = await cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(end.getTime() - 3_600_000),
          EndTime: end,
          MetricDataQueries: ['CPUUtilization', 'MemoryUtilization'].map((name) => ({
            Id: name.toLowerCase(),
            Label: name,
            MetricStat: {
              Metric: { Namespace: metricsNamespace, MetricName: name, Dimensions: dimensions },
              Period: 60,
              Stat: 'Average',
            },
          })),
        }),
      );
      return Object.fromEntries(
        MetricDataResults.map((result) => [
          result.Label ?? result.Id ?? '',
          (result.Timestamps ?? [])
            .map((at, index) => ({ at: at.getTime(), value: result.Values?.[index] ?? 0 }))
            .sort((a, b) => a.at - b.at),
        ]),
      );
    },
    runTask: (cluster: string, taskDefinition: string) =>
      ecs.send(new RunTaskCommand({ cluster, taskDefinition })),
    stopTask: (cluster: string, task: string) =>
      ecs.send(new StopTaskCommand({ cluster, task, reason: 'Stopped from the console' })),
    drain: (cluster: string, containerInstance: string) =>
      ecs.send(
        new UpdateContainerInstancesStateCommand({
          cluster,
          containerInstances: [containerInstance],
          status: 'DRAINING',
        }),
      ),
  };
};

type Api = ReturnType<typeof api>;

export type { Api, Credentials, Point };
export { api };
