import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { startStackProcess } from '../../local/harness';
import { type AgentProcess, startAgentProcess } from '../helpers/agentProcess';
import { ecsClient, stackUrl, uniqueName } from '../helpers/clients';

/**
 * What a new user does: start the stack, start two agents, run tasks with
 * strategies and constraints — and the tasks really run as processes and
 * really stop.
 */

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const registerSleeper = async (ecs: ECSClient, family: string, command = 'sleep 120') =>
  ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'main',
          image: 'process',
          cpu: 128,
          memory: 64,
          command: ['sh', '-c', command],
          stopTimeout: 2,
        },
      ],
    }),
  );

const running = (ecs: ECSClient, cluster: string, tasks: string[]) =>
  waitUntilTasksRunning(
    { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    { cluster, tasks },
  );
const stopped = (ecs: ECSClient, cluster: string, tasks: string[]) =>
  waitUntilTasksStopped(
    { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    { cluster, tasks },
  );

describe('berth-agent end to end', () => {
  const ecs = ecsClient();
  const agents: AgentProcess[] = [];
  let cluster: string;
  let a: AgentProcess;
  let b: AgentProcess;

  beforeAll(async () => {
    cluster = uniqueName('e2e');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const common = {
      endpoint: stackUrl(),
      wsEndpoint: process.env.BERTH_TEST_WS_URL ?? '',
      cluster,
    };
    a = await startAgentProcess({ ...common, attributes: ['ecs.availability-zone=us-east-1a'] });
    b = await startAgentProcess({ ...common, attributes: ['ecs.availability-zone=us-east-1b'] });
    agents.push(a, b);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    ecs.destroy();
  });

  it('spreads tasks over zones, really runs them, and really stops them', async () => {
    const family = uniqueName('spread');
    await registerSleeper(ecs, family);

    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        count: 4,
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
      }),
    );
    const arns = (run.tasks ?? []).map((task) => task.taskArn ?? '');
    await running(ecs, cluster, arns);
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
    const pids = (described.tasks ?? []).map((task) => Number(task.containers?.[0]?.runtimeId));

    expect(run.failures).toEqual([]);
    const perInstance = new Map<string, number>();
    for (const task of run.tasks ?? []) {
      const instance = task.containerInstanceArn ?? '';
      perInstance.set(instance, (perInstance.get(instance) ?? 0) + 1);
    }
    expect([...perInstance.values()]).toEqual([2, 2]);
    // Each task carries its instance's zone, in RunTask's answer and in DescribeTasks.
    const zoneOf = (instanceArn: string | undefined) =>
      instanceArn === a.containerInstanceArn ? 'us-east-1a' : 'us-east-1b';
    for (const task of [...(run.tasks ?? []), ...(described.tasks ?? [])]) {
      expect(task.availabilityZone).toBe(zoneOf(task.containerInstanceArn));
    }
    expect(pids.every((pid) => Number.isInteger(pid) && alive(pid))).toBe(true);

    for (const arn of arns) await ecs.send(new StopTaskCommand({ cluster, task: arn }));
    await stopped(ecs, cluster, arns);
    await new Promise((done) => setTimeout(done, 200));
    expect(pids.some(alive)).toBe(false);
  });

  it('honours a memberOf constraint in the cluster query language', async () => {
    const family = uniqueName('member');
    await registerSleeper(ecs, family);

    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        count: 3,
        placementConstraints: [
          { type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1b' },
        ],
      }),
    );
    const arns = (run.tasks ?? []).map((task) => task.taskArn ?? '');
    await running(ecs, cluster, arns);

    expect(
      (run.tasks ?? []).every((task) => task.containerInstanceArn === b.containerInstanceArn),
    ).toBe(true);
    for (const arn of arns) await ecs.send(new StopTaskCommand({ cluster, task: arn }));
    await stopped(ecs, cluster, arns);
  });

  it('stops a task whose essential container exits, with its exit code', async () => {
    const family = uniqueName('exit');
    await registerSleeper(ecs, family, 'sleep 1; exit 3');

    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const arn = run.tasks?.[0]?.taskArn ?? '';
    await stopped(ecs, cluster, [arn]);
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }));

    expect(tasks?.[0]).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    expect(tasks?.[0]?.containers?.[0]?.exitCode).toBe(3);
  });

  it('settles every task when an agent and then the whole stack are killed mid-flight', async () => {
    // Prepare: a stack of its own, so that killing it leaves the others alone.
    const stack = await startStackProcess({
      environment: { BERTH_TASK_START_TIMEOUT_SECONDS: '4' },
    });
    const own = ecsClient(stack.url);
    const ws = `ws://127.0.0.1:${stack.ports.websocket}`;
    const name = uniqueName('crash');
    await own.send(new CreateClusterCommand({ clusterName: name }));
    const family = uniqueName('crash');
    await registerSleeper(own, family);
    const agent = await startAgentProcess({ endpoint: stack.url, wsEndpoint: ws, cluster: name });
    const run = await own.send(
      new RunTaskCommand({ cluster: name, taskDefinition: family, count: 3 }),
    );
    const arns = (run.tasks ?? []).map((task) => task.taskArn ?? '');
    await running(own, name, arns);

    // Act: kill the agent, then the whole stack, hard; bring both back on the same state.
    await agent.stop('SIGKILL');
    await stack.stop('SIGKILL');
    const again = await startStackProcess({
      dataDir: stack.dataDir,
      ports: stack.ports,
      environment: { BERTH_TASK_START_TIMEOUT_SECONDS: '4' },
    });
    const client = ecsClient(again.url);
    const back = await startAgentProcess({
      endpoint: again.url,
      wsEndpoint: ws,
      cluster: name,
      stateDir: agent.stateDir,
    });
    try {
      // Assess: the same instance, its tasks still RUNNING (adopted, not restarted)…
      expect(back.containerInstanceArn).toBe(agent.containerInstanceArn);
      const { tasks } = await client.send(new DescribeTasksCommand({ cluster: name, tasks: arns }));
      expect(tasks?.map((task) => task.lastStatus)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
      // …and every one of them settles when stopped, its reservation given back.
      for (const arn of arns) await client.send(new StopTaskCommand({ cluster: name, task: arn }));
      await stopped(client, name, arns);
      const { containerInstances } = await client.send(
        new DescribeContainerInstancesCommand({
          cluster: name,
          containerInstances: [back.containerInstanceArn],
        }),
      );
      const remaining = containerInstances?.[0]?.remainingResources?.find((r) => r.name === 'CPU');
      expect(remaining?.integerValue).toBe(1024);
      expect(containerInstances?.[0]?.runningTasksCount).toBe(0);
    } finally {
      await back.stop();
      client.destroy();
      own.destroy();
      await again.stop();
    }
  }, 240_000);
});
