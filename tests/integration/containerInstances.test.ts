import {
  AttributeLimitExceededException,
  ClientException,
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteAttributesCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListAttributesCommand,
  ListContainerInstancesCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  TargetNotFoundException,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { credentials, ecsClient, uniqueName } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { type SimulatedAgent, startSimulatedAgent } from '../helpers/simulatedAgent';
import { agentUpgradeStatus } from '../helpers/sockets';

const ecs = ecsClient();
const wsUrl = () => process.env.BERTH_TEST_WS_URL ?? '';

const newCluster = async () => {
  const cluster = uniqueName('hosts');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  return cluster;
};

describe('Container instances through the ECS API', () => {
  const open: SimulatedAgent[] = [];
  afterAll(async () => {
    await Promise.all(open.map((agent) => agent.close()));
    ecs.destroy();
  });

  it('registers a host outside EC2 with its resources and built-in attributes', async () => {
    const cluster = await newCluster();

    const agent = await startSimulatedAgent({
      ecs,
      wsUrl: wsUrl(),
      cluster,
      cpu: 2048,
      memory: 4096,
      attributes: { 'ecs.availability-zone': 'us-east-1b', team: 'platform' },
    });
    open.push(agent);
    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster,
        containerInstances: [agent.containerInstanceArn],
      }),
    );
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));

    const instance = containerInstances?.[0];
    expect(agent.containerInstanceArn).toMatch(
      new RegExp(`^arn:aws:ecs:us-east-1:000000000000:container-instance/${cluster}/[0-9a-f]{32}$`),
    );
    expect(instance).toMatchObject({
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: 0,
    });
    expect(instance?.registeredResources?.find((r) => r.name === 'CPU')?.integerValue).toBe(2048);
    expect(instance?.remainingResources?.find((r) => r.name === 'PORTS')?.stringSetValue).toEqual([
      '22',
    ]);
    expect(instance?.attributes).toEqual(
      expect.arrayContaining([
        { name: 'ecs.availability-zone', value: 'us-east-1b' },
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'team', value: 'platform' },
      ]),
    );
    expect(clusters?.[0]?.registeredContainerInstancesCount).toBe(1);
  });

  it('reports agentConnected false until the agent connects', async () => {
    const cluster = await newCluster();
    const agent = await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster, connect: false });

    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster,
        containerInstances: [agent.containerInstanceArn],
      }),
    );

    expect(containerInstances?.[0]?.agentConnected).toBe(false);
  });

  it('lists instances with a cluster query language filter and a status', async () => {
    const cluster = await newCluster();
    const a = await startSimulatedAgent({
      ecs,
      wsUrl: wsUrl(),
      cluster,
      attributes: { 'ecs.availability-zone': 'us-east-1a' },
    });
    const b = await startSimulatedAgent({
      ecs,
      wsUrl: wsUrl(),
      cluster,
      attributes: { 'ecs.availability-zone': 'us-east-1b' },
    });
    open.push(a, b);
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster,
        containerInstances: [b.containerInstanceArn],
        status: 'DRAINING',
      }),
    );

    const inB = await ecs.send(
      new ListContainerInstancesCommand({
        cluster,
        filter: 'attribute:ecs.availability-zone in [us-east-1b, us-east-1c]',
      }),
    );
    const draining = await ecs.send(
      new ListContainerInstancesCommand({ cluster, status: 'DRAINING' }),
    );
    const all = await ecs.send(new ListContainerInstancesCommand({ cluster }));
    const broken = ecs.send(
      new ListContainerInstancesCommand({ cluster, filter: 'attribute:ecs.os-type ==' }),
    );

    expect(inB.containerInstanceArns).toEqual([b.containerInstanceArn]);
    expect(draining.containerInstanceArns).toEqual([b.containerInstanceArn]);
    expect(all.containerInstanceArns?.sort()).toEqual(
      [a.containerInstanceArn, b.containerInstanceArn].sort(),
    );
    await expect(broken).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('gives a DRAINING instance no new tasks', async () => {
    const cluster = await newCluster();
    const family = uniqueName('drain');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'c', image: 'i', memory: 64 }],
      }),
    );
    const agent = await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster });
    open.push(agent);
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster,
        containerInstances: [agent.containerInstanceArn],
        status: 'DRAINING',
      }),
    );

    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));

    expect(run.tasks).toEqual([]);
    expect(run.failures?.[0]?.arn).toBe(agent.containerInstanceArn);
  });

  it('puts, lists and deletes custom attributes within ECS limits', async () => {
    const cluster = await newCluster();
    const agent = await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster });
    open.push(agent);
    const targetId = agent.containerInstanceArn;

    await ecs.send(
      new PutAttributesCommand({
        cluster,
        attributes: [{ name: 'stack', value: 'blue', targetId }],
      }),
    );
    const listed = await ecs.send(
      new ListAttributesCommand({
        cluster,
        targetType: 'container-instance',
        attributeName: 'stack',
      }),
    );
    await ecs.send(
      new DeleteAttributesCommand({ cluster, attributes: [{ name: 'stack', targetId }] }),
    );
    const after = await ecs.send(
      new ListAttributesCommand({
        cluster,
        targetType: 'container-instance',
        attributeName: 'stack',
      }),
    );
    const tooMany = ecs.send(
      new PutAttributesCommand({
        cluster,
        attributes: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, value: 'v', targetId })),
      }),
    );
    const badName = ecs.send(
      new PutAttributesCommand({
        cluster,
        attributes: [{ name: 'bad name!', value: 'v', targetId }],
      }),
    );
    const unknown = ecs.send(
      new PutAttributesCommand({
        cluster,
        attributes: [{ name: 'x', value: 'y', targetId: 'ffffffffffffffffffffffffffffffff' }],
      }),
    );

    expect(listed.attributes).toEqual([
      { name: 'stack', value: 'blue', targetType: 'container-instance', targetId },
    ]);
    expect(after.attributes).toEqual([]);
    await Promise.all([
      expect(tooMany).rejects.toBeInstanceOf(AttributeLimitExceededException),
      expect(badName).rejects.toBeInstanceOf(InvalidParameterException),
      expect(unknown).rejects.toBeInstanceOf(TargetNotFoundException),
    ]);
  });

  it('deregisters an idle instance; refuses a busy one unless forced', async () => {
    const cluster = await newCluster();
    const family = uniqueName('busy');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'c', image: 'i', memory: 64 }],
      }),
    );
    const idle = await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster });
    const busy = await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster });
    open.push(idle, busy);
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster,
        containerInstances: [idle.containerInstanceArn],
        status: 'DRAINING',
      }),
    );
    await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster,
        containerInstances: [busy.containerInstanceArn],
      }),
    );
    expect(
      (containerInstances?.[0]?.pendingTasksCount ?? 0) +
        (containerInstances?.[0]?.runningTasksCount ?? 0),
    ).toBeGreaterThan(0);

    const refused = ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster,
        containerInstance: busy.containerInstanceArn,
      }),
    );
    const idleGone = await ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster,
        containerInstance: idle.containerInstanceArn,
      }),
    );
    const forced = await ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster,
        containerInstance: busy.containerInstanceArn,
        force: true,
      }),
    );

    await expect(refused).rejects.toThrow('Found running tasks on the instance.');
    expect(idleGone.containerInstance?.status).toBe('INACTIVE');
    expect(forced.containerInstance?.status).toBe('INACTIVE');
    const listed = await ecs.send(new ListContainerInstancesCommand({ cluster }));
    expect(listed.containerInstanceArns).toEqual([]);
  });

  it.each([
    ['no totalResources', { totalResources: undefined }, InvalidParameterException],
    ['an unknown cluster', { cluster: 'never-created-cluster' }, ClusterNotFoundException],
  ])('refuses a registration with %s', async (_case, input, errorClass) => {
    const cluster = await newCluster();

    await expect(
      ecs.send(
        new RegisterContainerInstanceCommand({
          cluster,
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
          ],
          ...input,
        }),
      ),
    ).rejects.toBeInstanceOf(errorClass);
  });

  it('answers ClientException for an empty describe', async () => {
    const cluster = await newCluster();

    await expect(
      ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [] })),
    ).rejects.toBeInstanceOf(ClientException);
  });

  it('refuses an agent socket without an instance, for an unknown one and for a deregistered one', async () => {
    // Prepare
    const cluster = await newCluster();
    const gone = await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster, connect: false });
    await ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster,
        containerInstance: gone.containerInstanceArn,
      }),
    );
    const upgrade = (query: string) => agentUpgradeStatus(wsUrl(), query, credentials);

    // Act
    const withoutInstance = await upgrade(`cluster=${cluster}`);
    const unknown = await upgrade(
      `cluster=${cluster}&containerInstance=ffffffffffffffffffffffffffffffff`,
    );
    const deregistered = await upgrade(
      `cluster=${cluster}&containerInstance=${encodeURIComponent(gone.containerInstanceArn)}`,
    );

    // Assess
    expect([withoutInstance, unknown, deregistered]).toEqual([400, 404, 404]);
    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster,
        containerInstances: [gone.containerInstanceArn],
      }),
    );
    expect(containerInstances?.[0]).toMatchObject({ status: 'INACTIVE', agentConnected: false });
  });

  it('tells an agent, at each heartbeat, its own tasks not yet stopped, also after it registers again', async () => {
    // Prepare: two agents; two tasks on the first (one of them stopped since), one on the second
    const cluster = await newCluster();
    const [first, second] = [
      await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster }),
      await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster }),
    ];
    open.push(first, second);
    const family = uniqueName('heard');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 64, memory: 32 }],
      }),
    );
    const startOn = async (agent: SimulatedAgent) => {
      const { tasks } = await ecs.send(
        new StartTaskCommand({
          cluster,
          taskDefinition: family,
          containerInstances: [agent.containerInstanceArn],
        }),
      );
      return tasks?.[0]?.taskArn ?? '';
    };
    const kept = await startOn(first);
    const stopped = await startOn(first);
    await startOn(second);
    await ecs.send(new StopTaskCommand({ cluster, task: stopped }));
    await eventually(
      () => ecs.send(new DescribeTasksCommand({ cluster, tasks: [stopped] })),
      (out) => out.tasks?.[0]?.lastStatus === 'STOPPED',
    );
    /** The tasks of the agent's next heartbeat answer (one message, recorded at once). */
    const heartbeatAnswer = async (agent: SimulatedAgent) => {
      agent.seen.length = 0;
      agent.heartbeat();
      const seen = await eventually(
        async () => agent.seen.map((task) => task.taskArn),
        (arns) => arns.length > 0,
      );
      return seen;
    };

    // Act + assess: its one task not stopped, not the other agent's
    await expect(heartbeatAnswer(first)).resolves.toEqual([kept]);
    // Registered again (as an agent does when it restarts): the same
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster,
        containerInstanceArn: first.containerInstanceArn,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
        ],
      }),
    );
    await expect(heartbeatAnswer(first)).resolves.toEqual([kept]);
  });
});
