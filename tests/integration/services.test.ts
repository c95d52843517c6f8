import {
  ClusterContainsServicesException,
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Service,
  ServiceNotFoundException,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  waitUntilServicesInactive,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type AgentProcess, startAgentProcess } from '../helpers/agentProcess';
import { credentials, ecsClient, uniqueName } from '../helpers/clients';
import { subscribe } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { type SimulatedAgent, startSimulatedAgent } from '../helpers/simulatedAgent';

const ecs = ecsClient();
const lambda = new LambdaClient({
  endpoint: process.env.BERTH_TEST_LAMBDA_URL,
  region: 'us-east-1',
  credentials,
});
/** The error a call ends with (undefined when it succeeds). */
const errorOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );
const wsUrl = () => process.env.BERTH_TEST_WS_URL ?? '';

/** What the one-minute schedule does: the scheduler's sweep over every service. */
const sweep = () =>
  lambda.send(
    new InvokeCommand({
      FunctionName: 'berth-local-reconcileServices',
      Payload: Buffer.from(JSON.stringify({})),
    }),
  );

const open: SimulatedAgent[] = [];

const setup = async (
  agentCount: number,
  cpu = 1024,
  behaviour?: Parameters<typeof startSimulatedAgent>[0]['behaviour'],
) => {
  const cluster = uniqueName('svc');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const family = uniqueName('web');
  const register = async (image: string) =>
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'web', image, cpu: 256, memory: 256 }],
      }),
    );
  await register('busybox:1');
  for (let i = 0; i < agentCount; i += 1) {
    const agent = await startSimulatedAgent({
      ecs,
      wsUrl: wsUrl(),
      cluster,
      cpu,
      memory: 4096,
      attributes: { 'ecs.availability-zone': `us-east-1${'abc'[i % 3]}` },
      ...(behaviour ? { behaviour } : {}),
    });
    open.push(agent);
  }
  return { cluster, family, register, agents: open.slice(-agentCount) };
};

const describe1 = async (cluster: string, service: string): Promise<Service> => {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster, services: [service] }),
  );
  const found = services?.[0];
  if (!found) throw new Error(`service ${service} not described`);
  return found;
};

const runningTasks = async (cluster: string, serviceName: string) =>
  (await ecs.send(new ListTasksCommand({ cluster, serviceName }))).taskArns ?? [];

/** The instances the service's RUNNING tasks are on (a task that stopped meanwhile is left out). */
const hostsOf = async (cluster: string, serviceName: string) => {
  const arns = await runningTasks(cluster, serviceName);
  if (arns.length === 0) return [];
  const { tasks } = await ecs.send(
    new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }),
  );
  return (tasks ?? [])
    .filter((task) => task.lastStatus === 'RUNNING')
    .map((task) => task.containerInstanceArn)
    .sort();
};

/** `aws ecs wait services-stable`, polling every second. */
const waitStable = (cluster: string, serviceName: string, maxWaitTime = 60) =>
  waitUntilServicesStable(
    { client: ecs, maxWaitTime, minDelay: 1, maxDelay: 1 },
    { cluster, services: [serviceName] },
  );

afterAll(async () => {
  await Promise.all(open.map((agent) => agent.close()));
  ecs.destroy();
  lambda.destroy();
});

describe('Services through the ECS API', () => {
  it('keeps the desired count running, replaces a stopped task, scales, and is deleted', async () => {
    // Prepare
    const { cluster, family } = await setup(2);
    const name = uniqueName('api');

    // Act: create, and wait as the CLI does (aws ecs wait services-stable)
    const { service } = await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 3,
      }),
    );
    await waitStable(cluster, name);

    // Assert
    expect(service).toMatchObject({
      serviceName: name,
      status: 'ACTIVE',
      desiredCount: 3,
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
    });
    const stable = await describe1(cluster, name);
    expect(stable).toMatchObject({ runningCount: 3, pendingCount: 0 });
    expect(stable.deployments).toHaveLength(1);
    expect(stable.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
    expect(stable.events?.map((event) => event.message)).toEqual(
      expect.arrayContaining([
        `(service ${name}) has reached a steady state.`,
        expect.stringMatching(
          new RegExp(
            `^\\(service ${name}\\) has started 3 tasks: \\(task \\w+\\) \\(task \\w+\\) \\(task \\w+\\)\\.$`,
          ),
        ),
      ]),
    );
    const tasks = await runningTasks(cluster, name);
    expect(tasks).toHaveLength(3);

    // Act: a task dies (a user stops it); the scheduler replaces it
    await ecs.send(new StopTaskCommand({ cluster, task: tasks[0], reason: 'killed by the test' }));
    await eventually(
      () => runningTasks(cluster, name),
      (arns) => arns.length === 3 && !arns.includes(tasks[0] as string),
    );

    // Act: scale in to 1
    await ecs.send(new UpdateServiceCommand({ cluster, service: name, desiredCount: 1 }));
    await eventually(
      () => describe1(cluster, name),
      (s) => s.runningCount === 1 && s.pendingCount === 0,
    );
    expect(await runningTasks(cluster, name)).toHaveLength(1);

    // Act: delete (refused while scaled above 0 without force)
    const refused = await errorOf(ecs.send(new DeleteServiceCommand({ cluster, service: name })));
    expect(refused).toMatchObject({
      name: InvalidParameterException.name,
      message: 'The service cannot be stopped while it is scaled above 0.',
    });
    const { service: deleted } = await ecs.send(
      new DeleteServiceCommand({ cluster, service: name, force: true }),
    );
    expect(deleted?.status).toBe('DRAINING');
    await waitUntilServicesInactive(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, services: [name] },
    );
    expect(await runningTasks(cluster, name)).toEqual([]);
    const { serviceArns } = await ecs.send(new ListServicesCommand({ cluster }));
    expect(serviceArns).toEqual([]);
  });

  it('rolls a new revision within the bounds at every step', async () => {
    // Prepare: 4 tasks of revision 1, then watch every task event
    const { cluster, family, register } = await setup(3);
    const name = uniqueName('roll');
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 4,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 150 },
      }),
    );
    await waitStable(cluster, name);
    const stream = await subscribe('detail-type=ECS%20Task%20State%20Change');
    // The four tasks of revision 1 are where the replay starts from.
    const state = new Map<string, { last: string; desired: string; definition: string }>();
    const { tasks: before } = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: await runningTasks(cluster, name) }),
    );
    for (const task of before ?? []) {
      state.set(task.taskArn ?? '', {
        last: task.lastStatus ?? '',
        desired: task.desiredStatus ?? '',
        definition: task.taskDefinitionArn ?? '',
      });
    }
    expect([...state.values()].filter((t) => t.last === 'RUNNING')).toHaveLength(4);

    // Act: a new revision
    const revision2 = (await register('busybox:2')).taskDefinition?.taskDefinitionArn;
    await ecs.send(new UpdateServiceCommand({ cluster, service: name, taskDefinition: revision2 }));
    await waitStable(cluster, name, 90);
    await stream.close();

    // Assert: replay the task events in order and check the bounds after each one
    let peak = 0;
    let fewestHealthy = Number.POSITIVE_INFINITY;
    for (const event of stream.received) {
      const detail = event.detail as {
        taskArn?: string;
        lastStatus?: string;
        desiredStatus?: string;
        group?: string;
        taskDefinitionArn?: string;
      };
      if (detail.group !== `service:${name}` || !detail.taskArn) continue;
      state.set(detail.taskArn, {
        last: detail.lastStatus ?? '',
        desired: detail.desiredStatus ?? '',
        definition: detail.taskDefinitionArn ?? '',
      });
      const tasks = [...state.values()];
      const occupying = tasks.filter((t) => t.last !== 'STOPPED').length;
      const healthy = tasks.filter((t) => t.last === 'RUNNING' && t.desired === 'RUNNING').length;
      peak = Math.max(peak, occupying);
      fewestHealthy = Math.min(fewestHealthy, healthy);
    }
    // floor(4 × 150%) = 6 at most, and the roll used that room; ceil(4 × 50%) = 2 healthy at least.
    expect(peak).toBeLessThanOrEqual(6);
    expect(peak).toBeGreaterThan(4);
    expect(fewestHealthy).toBeGreaterThanOrEqual(2);
    const rolled = await describe1(cluster, name);
    expect(rolled.taskDefinition).toBe(revision2);
    expect(rolled.deployments).toHaveLength(1);
    expect(rolled.deployments?.[0]).toMatchObject({
      taskDefinition: revision2,
      rolloutState: 'COMPLETED',
      runningCount: 4,
    });
  });

  it('fails a revision whose tasks cannot start and rolls back to the last completed one', async () => {
    // Prepare: agents that fail every task of the image `broken` (as a failed pull does)
    const { cluster, family, register } = await setup(2, 1024, (task) =>
      task.containers.some((container) => container.image === 'broken') ? 'fail' : 'run',
    );
    const name = uniqueName('breaker');
    const { service } = await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 2,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await waitStable(cluster, name);
    const first = (await describe1(cluster, name)).deployments?.[0]?.id;
    const deployments = await subscribe('detail-type=ECS%20Deployment%20State%20Change');

    // Act: roll to a revision that cannot start
    const broken = (await register('broken')).taskDefinition?.taskDefinitionArn;
    await ecs.send(new UpdateServiceCommand({ cluster, service: name, taskDefinition: broken }));
    const rolledBack = await eventually(
      () => describe1(cluster, name),
      (s) =>
        s.deployments?.length === 1 &&
        s.deployments[0]?.rolloutState === 'COMPLETED' &&
        s.deployments[0]?.rolloutStateReason?.startsWith('ECS deployment') === true &&
        s.taskDefinition === service?.taskDefinition,
      60_000,
    );
    // The deployment's events reach the stream after its record changes, so the
    // rollback's COMPLETED may still be on its way when the service reads it.
    const eventNames = () =>
      deployments.received.map((event) => (event.detail as { eventName?: string }).eventName);
    await eventually(
      async () => eventNames(),
      (names) =>
        names.lastIndexOf('SERVICE_DEPLOYMENT_COMPLETED') >
        names.indexOf('SERVICE_DEPLOYMENT_FAILED'),
      10_000,
    );
    await deployments.close();

    // Assert: back on the first revision, with ECS's events and messages
    expect(rolledBack).toMatchObject({ runningCount: 2, taskDefinition: service?.taskDefinition });
    const messages = rolledBack.events?.map((event) => event.message) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /\(deployment ecs-svc\/\d{19}\) deployment failed: tasks failed to start\.$/,
        ),
        `(service ${name}) has reached a steady state.`,
      ]),
    );
    const changes = deployments.received.map((event) => ({
      name: (event.detail as { eventName?: string }).eventName,
      reason: (event.detail as { reason?: string }).reason,
    }));
    expect(changes).toEqual(
      expect.arrayContaining([
        { name: 'SERVICE_DEPLOYMENT_IN_PROGRESS', reason: expect.stringMatching(/in progress\.$/) },
        {
          name: 'SERVICE_DEPLOYMENT_FAILED',
          reason: 'ECS deployment circuit breaker: task failed to start.',
        },
        {
          name: 'SERVICE_DEPLOYMENT_IN_PROGRESS',
          reason: `ECS deployment circuit breaker: rolling back to deploymentId ${first}.`,
        },
        { name: 'SERVICE_DEPLOYMENT_COMPLETED', reason: expect.stringMatching(/completed\.$/) },
      ]),
    );
  });

  it('replaces the tasks of a drained instance and of a deregistered one elsewhere', async () => {
    // Prepare: two tasks, one on each of two instances, and a third, empty instance
    const { cluster, family, agents } = await setup(3);
    const name = uniqueName('drain');
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 2,
        placementConstraints: [{ type: 'distinctInstance' }],
      }),
    );
    await waitStable(cluster, name);
    const instanceOf = () => hostsOf(cluster, name);
    const used = await instanceOf();
    const [drained, deregistered] = used;
    expect(new Set(used).size).toBe(2);

    // Act: drain one
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster,
        containerInstances: [drained as string],
        status: 'DRAINING',
      }),
    );

    // Assert: its task moved to the instance that was free
    const free = agents.map((a) => a.containerInstanceArn).find((arn) => !used.includes(arn));
    await eventually(
      instanceOf,
      (now) => now.length === 2 && now.includes(free) && !now.includes(drained),
    );

    // Act: deregister the other one (its agent never says its task stopped)
    await ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster,
        containerInstance: deregistered as string,
        force: true,
      }),
    );

    // Assert: with one ACTIVE instance left and distinctInstance, one task runs and the
    // scheduler says why it cannot place the other
    const last = await eventually(
      () => describe1(cluster, name),
      (s) =>
        (s.events ?? []).some((event) =>
          event.message?.includes(
            'was unable to place a task because no container instance met all of its requirements.',
          ),
        ),
    );
    expect(last.desiredCount).toBe(2);
    expect(await instanceOf()).toEqual([free]);
  });

  it('launches exactly the desired count however often its scheduler is woken', async () => {
    // Prepare: agents that never report, so every task launched stays in view as PENDING
    const { cluster, family } = await setup(2, 4096, 'ignore');
    const name = uniqueName('race');
    const wake = () =>
      lambda.send(
        new InvokeCommand({
          FunctionName: 'berth-local-reconcileServices',
          Payload: Buffer.from(JSON.stringify({ cluster, service: name })),
        }),
      );

    // Act: the service is created, and its scheduler woken twenty more times at once
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 5,
        deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 },
      }),
    );
    await Promise.all(Array.from({ length: 20 }, wake));

    // Assert: five tasks, never a sixth
    const tasks = await eventually(
      () => runningTasks(cluster, name),
      (arns) => arns.length >= 5,
    );
    await sweep();
    expect(tasks).toHaveLength(5);
    expect(await runningTasks(cluster, name)).toHaveLength(5);
    expect((await describe1(cluster, name)).pendingCount).toBe(5);
  });

  it('runs a DAEMON service on every instance that meets its constraints, including later ones', async () => {
    // Prepare: two web instances and a db one
    const cluster = uniqueName('daemon');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const family = uniqueName('log');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'log', image: 'busybox', cpu: 64, memory: 64 }],
      }),
    );
    const join = async (role: string) => {
      const agent = await startSimulatedAgent({
        ecs,
        wsUrl: wsUrl(),
        cluster,
        attributes: { role },
      });
      open.push(agent);
      return agent;
    };
    const [web1, web2, db] = [await join('web'), await join('web'), await join('db')];
    const name = uniqueName('agent');
    const placed = () => hostsOf(cluster, name);

    // Act
    const { service } = await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        schedulingStrategy: 'DAEMON',
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:role == web' }],
      }),
    );

    // Assert: one task on each web instance, none on db
    expect(service).toMatchObject({
      schedulingStrategy: 'DAEMON',
      deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 },
    });
    const web = [web1?.containerInstanceArn, web2?.containerInstanceArn].sort();
    await eventually(placed, (arns) => JSON.stringify(arns) === JSON.stringify(web));
    expect((await placed()).includes(db?.containerInstanceArn)).toBe(false);

    // Act: a web instance joins, one drains
    const web3 = await join('web');
    await eventually(
      placed,
      (arns) => arns.length === 3 && arns.includes(web3.containerInstanceArn),
    );
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster,
        containerInstances: [web1?.containerInstanceArn as string],
        status: 'DRAINING',
      }),
    );

    // Assert: none on the drained one; the desired count follows the instances
    await eventually(
      placed,
      (arns) => arns.length === 2 && !arns.includes(web1?.containerInstanceArn),
    );
    const described = await eventually(
      () => describe1(cluster, name),
      (s) => s.desiredCount === 2 && s.runningCount === 2,
    );
    expect(described.desiredCount).toBe(2);
  });

  it('runs a FARGATE service: each task with an address of its subnets, no instance of the user', async () => {
    // Prepare
    const cluster = uniqueName('svc-fargate');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const family = uniqueName('fg');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'main',
            image: 'localhost/berth-busybox:latest',
            command: ['sh', '-c', 'sleep 600'],
            stopTimeout: 2,
          },
        ],
      }),
    );
    const name = uniqueName('api');

    // Act
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: ['subnet-berth-a', 'subnet-berth-b'] },
        },
      }),
    );
    await waitStable(cluster, name, 90);

    // Assert
    const { tasks } = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: await runningTasks(cluster, name) }),
    );
    expect(tasks).toHaveLength(2);
    for (const task of tasks ?? []) {
      expect(task).toMatchObject({
        launchType: 'FARGATE',
        lastStatus: 'RUNNING',
        group: `service:${name}`,
      });
      const address = task.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address');
      expect(address?.value).toMatch(/^172\.31\./);
    }
    expect((await describe1(cluster, name)).launchType).toBe('FARGATE');

    // Act: delete it
    await ecs.send(new DeleteServiceCommand({ cluster, service: name, force: true }));
    await waitUntilServicesInactive(
      { client: ecs, maxWaitTime: 90, minDelay: 1, maxDelay: 1 },
      { cluster, services: [name] },
    );
    expect(await runningTasks(cluster, name)).toEqual([]);
  });

  it('replaces the tasks of an agent that is stopped (SIGTERM, --stop-tasks-on-exit) on another host', async () => {
    // Prepare: three real agents, a service of two tasks on distinct instances
    const cluster = uniqueName('svc-agents');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const family = uniqueName('sleep');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'main',
            image: 'process',
            cpu: 128,
            memory: 64,
            command: ['sh', '-c', 'sleep 600'],
          },
        ],
      }),
    );
    const agents: AgentProcess[] = [];
    try {
      for (let i = 0; i < 3; i += 1) {
        agents.push(
          await startAgentProcess({
            endpoint: process.env.BERTH_TEST_URL ?? '',
            wsEndpoint: wsUrl(),
            cluster,
            extraArgs: ['--stop-tasks-on-exit'],
          }),
        );
      }
      const name = uniqueName('web');
      await ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: name,
          taskDefinition: family,
          desiredCount: 2,
          placementConstraints: [{ type: 'distinctInstance' }],
        }),
      );
      await waitStable(cluster, name);
      const hosts = () => hostsOf(cluster, name);
      const before = await hosts();
      const victim = agents.find((agent) => before.includes(agent.containerInstanceArn));
      const spare = agents.find((agent) => !before.includes(agent.containerInstanceArn));

      // Act: the agent is stopped as a host going down stops it
      await victim?.stop('SIGTERM');

      // Assert: its task stopped and another took its place on the spare host
      const after = await eventually(
        hosts,
        (now) => now.length === 2 && now.includes(spare?.containerInstanceArn),
        30_000,
      );
      expect(after).not.toContain(victim?.containerInstanceArn);
      await ecs.send(new DeleteServiceCommand({ cluster, service: name, force: true }));
      await waitUntilServicesInactive(
        { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
        { cluster, services: [name] },
      );
    } finally {
      await Promise.all(agents.map((agent) => agent.stop('SIGTERM')));
    }
  });

  it("tags its tasks with the service's or the task definition's tags, and ECS's managed tags", async () => {
    // Prepare
    const cluster = uniqueName('svc-tags');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    open.push(await startSimulatedAgent({ ecs, wsUrl: wsUrl(), cluster }));
    const family = uniqueName('tagged');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'web', image: 'busybox', cpu: 64, memory: 64 }],
        tags: [{ key: 'owner', value: 'definition' }],
      }),
    );
    const tagsOfTasks = async (serviceName: string) => {
      const arns = await eventually(
        () => runningTasks(cluster, serviceName),
        (found) => found.length === 1,
      );
      const { tasks } = await ecs.send(
        new DescribeTasksCommand({ cluster, tasks: arns, include: ['TAGS'] }),
      );
      return tasks?.[0]?.tags;
    };

    // Act
    for (const [serviceName, propagateTags] of [
      ['from-definition', 'TASK_DEFINITION'],
      ['from-service', 'SERVICE'],
    ] as const) {
      await ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName,
          taskDefinition: family,
          desiredCount: 1,
          propagateTags,
          enableECSManagedTags: true,
          tags: [{ key: 'owner', value: 'service' }],
        }),
      );
    }

    // Assert
    expect(await tagsOfTasks('from-definition')).toEqual([
      { key: 'owner', value: 'definition' },
      { key: 'aws:ecs:clusterName', value: cluster },
      { key: 'aws:ecs:serviceName', value: 'from-definition' },
    ]);
    expect(await tagsOfTasks('from-service')).toEqual([
      { key: 'owner', value: 'service' },
      { key: 'aws:ecs:clusterName', value: cluster },
      { key: 'aws:ecs:serviceName', value: 'from-service' },
    ]);
  });

  it('lists services by ten, filters them, and shows tags when asked', async () => {
    // Prepare: twelve services, one of them tagged
    const { cluster, family } = await setup(0);
    const names = Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    for (const serviceName of names) {
      await ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName,
          taskDefinition: family,
          desiredCount: 0,
          ...(serviceName === 'svc-00' ? { tags: [{ key: 'team', value: 'web' }] } : {}),
        }),
      );
    }

    // Act
    const first = await ecs.send(new ListServicesCommand({ cluster }));
    const second = await ecs.send(new ListServicesCommand({ cluster, nextToken: first.nextToken }));
    const fargate = await ecs.send(new ListServicesCommand({ cluster, launchType: 'FARGATE' }));
    const withTags = await ecs.send(
      new DescribeServicesCommand({ cluster, services: ['svc-00'], include: ['TAGS'] }),
    );
    const withoutTags = await ecs.send(
      new DescribeServicesCommand({ cluster, services: ['svc-00'] }),
    );

    // Assert
    expect(first.serviceArns).toHaveLength(10);
    expect(second.serviceArns).toHaveLength(2);
    expect(second.nextToken).toBeUndefined();
    expect(
      [...(first.serviceArns ?? []), ...(second.serviceArns ?? [])].map((arn) =>
        arn.split('/').at(-1),
      ),
    ).toEqual(names);
    expect(fargate.serviceArns).toEqual([]);
    expect(withTags.services?.[0]?.tags).toEqual([{ key: 'team', value: 'web' }]);
    expect(withoutTags.services?.[0]?.tags).toBeUndefined();
  });

  it('answers bad requests with ECS errors', async () => {
    const { cluster, family } = await setup(0);
    const name = uniqueName('bad');
    const cases = [
      [{ cluster, taskDefinition: family, desiredCount: 1 }, 'serviceName can not be blank.'],
      [{ cluster, serviceName: name, desiredCount: 1 }, 'taskDefinition can not be blank.'],
      [
        {
          cluster,
          serviceName: name,
          taskDefinition: family,
          schedulingStrategy: 'DAEMON',
          desiredCount: 1,
        },
        'The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again',
      ],
      [
        {
          cluster,
          serviceName: name,
          taskDefinition: family,
          desiredCount: 1,
          deploymentConfiguration: { maximumPercent: 50 },
        },
        'deploymentConfiguration.maximumPercent must be between 100 and 200.',
      ],
    ] as const;
    for (const [input, message] of cases) {
      const error = await errorOf(ecs.send(new CreateServiceCommand(input as never)));
      expect(error).toMatchObject({ name: InvalidParameterException.name, message });
    }
    expect(
      await errorOf(
        ecs.send(
          new CreateServiceCommand({
            cluster: 'nope',
            serviceName: name,
            taskDefinition: family,
            desiredCount: 0,
          }),
        ),
      ),
    ).toMatchObject({ name: ClusterNotFoundException.name });
    expect(
      await errorOf(
        ecs.send(new UpdateServiceCommand({ cluster, service: 'missing', desiredCount: 1 })),
      ),
    ).toMatchObject({ name: ServiceNotFoundException.name, message: 'Service not found.' });
    // A second service of the same name, without the first one's clientToken.
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 0,
        clientToken: 'one',
      }),
    );
    const again = await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: family,
        desiredCount: 0,
        clientToken: 'one',
      }),
    );
    expect(again.service?.serviceName).toBe(name);
    expect(
      await errorOf(
        ecs.send(
          new CreateServiceCommand({
            cluster,
            serviceName: name,
            taskDefinition: family,
            desiredCount: 0,
          }),
        ),
      ),
    ).toMatchObject({
      name: InvalidParameterException.name,
      message: 'Creation of service was not idempotent.',
    });
    // RunTask cannot take a service's tags: it starts no service's task.
    expect(
      await errorOf(
        ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, propagateTags: 'SERVICE' })),
      ),
    ).toMatchObject({
      name: InvalidParameterException.name,
      message: 'The propagateTags value SERVICE is only valid for tasks that a service starts.',
    });
    // A cluster with an ACTIVE service cannot be deleted.
    expect(await errorOf(ecs.send(new DeleteClusterCommand({ cluster })))).toMatchObject({
      name: ClusterContainsServicesException.name,
      message: 'The Cluster cannot be deleted while Services are active.',
    });
    const { services, failures } = await ecs.send(
      new DescribeServicesCommand({ cluster, services: [name, 'ghost'] }),
    );
    expect(services?.map((s) => s.serviceName)).toEqual([name]);
    expect(failures).toEqual([
      { arn: expect.stringMatching(new RegExp(`:service/${cluster}/ghost$`)), reason: 'MISSING' },
    ]);
    // With no instance in the cluster, the scheduler says why it cannot place.
    await ecs.send(new UpdateServiceCommand({ cluster, service: name, desiredCount: 1 }));
    await sweep();
    const described = await eventually(
      () => describe1(cluster, name),
      (s) => (s.events ?? []).length > 0,
    );
    expect(described.events?.[0]?.message).toBe(
      `(service ${name}) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
    );
  });
});
