import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
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

const client = (credentials: Credentials): ECSClient =>
  new ECSClient({
    // The API is the origin that served the console.
    endpoint: window.location.origin,
    region: credentials.region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
    },
    maxAttempts: 2,
  });

const api = (credentials: Credentials) => {
  const ecs = client(credentials);
  return {
    async clusters() {
      const { clusterArns = [] } = await ecs.send(new ListClustersCommand({}));
      if (clusterArns.length === 0) return [];
      const { clusters = [] } = await ecs.send(
        new DescribeClustersCommand({ clusters: clusterArns.slice(0, 100) }),
      );
      return clusters.sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''));
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
    async families() {
      const { families = [] } = await ecs.send(
        new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE' }),
      );
      return families;
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

export type { Api, Credentials };
export { api };
