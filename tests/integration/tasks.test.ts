import {
  ClientException,
  ClusterNotFoundException,
  ConflictException,
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  SubmitTaskStateChangeCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import fc from 'fast-check';
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

/** What the one-minute `sweepTasks` schedule does, now and with no grace period. */
const invokeSweeper = () =>
  lambda.send(
    new InvokeCommand({
      FunctionName: 'berth-local-sweepTasks',
      Payload: Buffer.from(JSON.stringify({ graceSeconds: 0 })),
    }),
  );
const wsUrl = () => process.env.BERTH_TEST_WS_URL ?? '';

const setup = async (agents: Parameters<typeof startSimulatedAgent>[0][] = []) => {
  const cluster = uniqueName('tasks');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const family = uniqueName('app');
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 256, memory: 512 }],
    }),
  );
  const started: SimulatedAgent[] = [];
  for (const agent of agents) started.push(await startSimulatedAgent({ ...agent, cluster }));
  return { cluster, family, agents: started };
};

const remaining = async (cluster: string, arn: string) => {
  const { containerInstances } = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }),
  );
  const resources = containerInstances?.[0]?.remainingResources ?? [];
  return {
    cpu: resources.find((r) => r.name === 'CPU')?.integerValue,
    memory: resources.find((r) => r.name === 'MEMORY')?.integerValue,
    running: containerInstances?.[0]?.runningTasksCount,
    pending: containerInstances?.[0]?.pendingTasksCount,
  };
};

describe('Tasks through the ECS API', () => {
  const open: SimulatedAgent[] = [];
  afterAll(async () => {
    await Promise.all(open.map((agent) => agent.close()));
    ecs.destroy();
    lambda.destroy();
  });

  it('runs a task to RUNNING and stops it to STOPPED, giving the reservation back', async () => {
    // Prepare
    const { cluster, family, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);
    const instance = agents[0]!.containerInstanceArn;

    // Act
    const run = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, startedBy: 'me' }),
    );
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    const whileRunning = await remaining(cluster, instance);
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'done here' }));
    await waitUntilTasksStopped(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );

    // Assess
    expect(run.failures).toEqual([]);
    expect(run.tasks?.[0]).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      containerInstanceArn: instance,
      group: `family:${family}`,
      startedBy: 'me',
      launchType: 'EC2',
    });
    expect(whileRunning).toEqual({ cpu: 768, memory: 1536, running: 1, pending: 0 });
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    expect(tasks?.[0]).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'done here',
    });
    expect(tasks?.[0]?.startedAt).toBeInstanceOf(Date);
    expect(tasks?.[0]?.stoppedAt).toBeInstanceOf(Date);
    // Handed to its agent (connectivity) before it ran; no health checks run, so UNKNOWN.
    expect(tasks?.[0]).toMatchObject({ connectivity: 'CONNECTED', healthStatus: 'UNKNOWN' });
    expect(tasks?.[0]?.connectivityAt?.getTime()).toBeGreaterThanOrEqual(
      tasks?.[0]?.createdAt?.getTime() ?? Number.NaN,
    );
    expect(tasks?.[0]?.connectivityAt?.getTime()).toBeLessThanOrEqual(
      tasks?.[0]?.startedAt?.getTime() ?? Number.NaN,
    );
    expect(tasks?.[0]?.containers?.[0]?.healthStatus).toBe('UNKNOWN');
    expect(await remaining(cluster, instance)).toEqual({
      cpu: 1024,
      memory: 2048,
      running: 0,
      pending: 0,
    });
  });

  it('runs no workflow step between the hand-over and a stop, and announces each status once', async () => {
    // Prepare
    const { cluster, family, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);
    const events = await subscribe('detail-type=ECS%20Task%20State%20Change');
    const sfn = new SFNClient({
      endpoint: process.env.BERTH_TEST_SFN_URL,
      region: 'us-east-1',
      credentials,
    });
    const statesEntered = async (taskArn: string) => {
      const { events: history } = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: `arn:aws:states:us-east-1:000000000000:execution:berth-local-task-lifecycle:task-${taskArn.split('/').at(-1)}`,
          maxResults: 1000,
        }),
      );
      return (history ?? []).flatMap((event) =>
        event.type === 'TaskStateEntered' ? [event.stateEnteredEventDetails?.name] : [],
      );
    };

    // Act
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    const whileRunning = await statesEntered(taskArn);
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn }));
    await waitUntilTasksStopped(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    const statuses = await eventually(
      async () =>
        events.received
          .filter((event) => event.detail.taskArn === taskArn)
          .map((event) => event.detail.lastStatus),
      (seen) => seen.includes('STOPPED'),
    );
    const afterStop = await statesEntered(taskArn);
    await events.close();
    sfn.destroy();

    // Assess: Provision hands over and waits; RUNNING resumes nothing; StopTask does.
    expect(whileRunning).toEqual(['Provision']);
    expect(afterStop).toEqual(['Provision', 'WaitForStop', 'Finalize']);
    expect(statuses.filter((status) => status === 'PENDING')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'RUNNING')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'STOPPED')).toHaveLength(1);
  });

  it('gives an awsvpc task on EC2 its own network interface, and the agent its address', async () => {
    // Prepare
    const { cluster, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);
    const family = uniqueName('vpc');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'awsvpc',
        containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 128, memory: 64 }],
      }),
    );

    // Act
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-berth-c'] } },
      }),
    );
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn }));
    await waitUntilTasksStopped(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    const after = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));

    // Assess: on the user's instance, with an address of the subnet, which the agent was told.
    const address = tasks?.[0]?.attachments?.[0]?.details?.find(
      (detail) => detail.name === 'privateIPv4Address',
    )?.value;
    expect(tasks?.[0]).toMatchObject({
      launchType: 'EC2',
      containerInstanceArn: agents[0]?.containerInstanceArn,
      attachments: [{ type: 'ElasticNetworkInterface', status: 'ATTACHED' }],
    });
    expect(address).toMatch(/^172\.31\.(3[2-9]|4[0-7])\.\d+$/);
    const pushed = agents[0]?.seen.find((task) => task.taskArn === taskArn) as
      | { awsvpc?: { ipv4Address?: string; subnetId?: string } }
      | undefined;
    expect(pushed?.awsvpc).toMatchObject({ ipv4Address: address, subnetId: 'subnet-berth-c' });
    expect(after.tasks?.[0]?.attachments?.[0]?.status).toBe('DELETED');
  });

  it('fails what does not fit with ECS reasons in the same response', async () => {
    const { cluster, family, agents } = await setup([
      { ecs, wsUrl: wsUrl(), cluster: '', memory: 1024 },
    ]);
    open.push(...agents);

    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, count: 3 }));

    expect(run.tasks).toHaveLength(2);
    expect(run.failures).toEqual([
      { arn: agents[0]!.containerInstanceArn, reason: 'RESOURCE:MEMORY' },
    ]);
  });

  it('answers InvalidParameterException when the cluster has no instances', async () => {
    const { cluster, family } = await setup();

    const attempt = ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));

    await expect(attempt).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(attempt).rejects.toThrow('No Container Instances were found in your cluster.');
  });

  it('refuses an unknown task definition and a count over 10, and names an unknown cluster first', async () => {
    const { cluster, family } = await setup();

    const refused = await ecs
      .send(new RunTaskCommand({ cluster, taskDefinition: 'never-registered' }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientException);
    expect(refused).toMatchObject({ message: 'TaskDefinition not found.' });
    // Both unknown (they are read at once): the cluster is what the error names.
    await expect(
      ecs.send(
        new RunTaskCommand({ cluster: uniqueName('nowhere'), taskDefinition: 'never-registered' }),
      ),
    ).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(
      ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, count: 11 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('is idempotent by clientToken, and refuses the token with other parameters', async () => {
    const { cluster, family, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);
    const clientToken = uniqueName('token');

    const first = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, clientToken }),
    );
    const again = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, clientToken }),
    );
    const other = ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, clientToken, count: 2 }),
    );

    expect(again.tasks?.map((t) => t.taskArn)).toEqual(first.tasks?.map((t) => t.taskArn));
    await expect(other).rejects.toBeInstanceOf(ConflictException);
    const listed = await ecs.send(new ListTasksCommand({ cluster }));
    expect(listed.taskArns).toHaveLength(1);
  });

  it('replays a clientToken whose tasks now fill the cluster, instead of reporting no room', async () => {
    // Prepare: one instance with room for exactly one task (256 of 256 CPU).
    const { cluster, family, agents } = await setup([
      { ecs, wsUrl: wsUrl(), cluster: '', cpu: 256, memory: 8192 },
    ]);
    open.push(...agents);
    const clientToken = uniqueName('token');
    const first = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, clientToken }),
    );

    // Act: the same call again (a retry after a lost answer), then one without the token.
    const again = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, clientToken }),
    );
    const another = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));

    // Assert
    expect(first.tasks).toHaveLength(1);
    expect(again.tasks?.map((t) => t.taskArn)).toEqual(first.tasks?.map((t) => t.taskArn));
    expect(again.failures).toEqual([]);
    expect(another.tasks).toEqual([]);
    expect(another.failures?.[0]?.reason).toBe('RESOURCE:CPU');
  });

  it('writes nothing from a stale workflow input: a Provision that comes after a stop reads the task afresh', async () => {
    // Prepare: a task that ran and stopped.
    const { cluster, family, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    const taskId = taskArn.split('/').at(-1) ?? '';
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 30 }, { cluster, tasks: [taskArn] });
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn }));
    await waitUntilTasksStopped({ client: ecs, maxWaitTime: 30 }, { cluster, tasks: [taskArn] });
    const before = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })))
      .tasks?.[0];

    // Act: Provision, late, with the task as the workflow's input had it when RunTask created it.
    const created = {
      id: taskId,
      cluster,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      version: 1,
    };
    const invoked = await lambda.send(
      new InvokeCommand({
        FunctionName: 'berth-local-provisionTask',
        Payload: Buffer.from(
          JSON.stringify({ cluster, taskId, token: 'a-stale-token', execution: { created } }),
        ),
      }),
    );

    // Assert: nothing handed over, nothing changed.
    expect(invoked.FunctionError).toBeUndefined();
    const after = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })))
      .tasks?.[0];
    expect(after?.lastStatus).toBe('STOPPED');
    expect(after?.version).toBe(before?.version);
  });

  it('never oversubscribes an instance under a storm of concurrent RunTask calls', async () => {
    // Prepare: 3 instances of 1024 CPU; each task takes 256, so at most 12 fit.
    const { cluster, family, agents } = await setup([
      { ecs, wsUrl: wsUrl(), cluster: '', memory: 8192 },
      { ecs, wsUrl: wsUrl(), cluster: '', memory: 8192 },
      { ecs, wsUrl: wsUrl(), cluster: '', memory: 8192 },
    ]);
    open.push(...agents);

    // Act
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, count: 2 })),
      ),
    );

    // Assess
    const placed = results.flatMap((r) => r.tasks ?? []);
    const failed = results.flatMap((r) => r.failures ?? []);
    expect(placed.length).toBe(12);
    expect(placed.length + failed.length).toBe(60);
    expect(failed.every((f) => f.reason === 'RESOURCE:CPU')).toBe(true);
    for (const agent of agents) {
      const left = await remaining(cluster, agent.containerInstanceArn);
      expect(left.cpu).toBe(0);
    }
  });

  it('fails a task its agent never starts with TaskFailedToStart and releases it', async () => {
    const { cluster, family, agents } = await setup([
      { ecs, wsUrl: wsUrl(), cluster: '', behaviour: 'ignore' },
    ]);
    open.push(...agents);

    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    // The start deadline is 4 s in the test stack; the one-minute sweeper enforces it.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    await invokeSweeper();
    const stopped = await eventually(
      () => ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })),
      (out) => out.tasks?.[0]?.lastStatus === 'STOPPED',
      30_000,
    );

    expect(stopped.tasks?.[0]).toMatchObject({ stopCode: 'TaskFailedToStart' });
    expect(await remaining(cluster, agents[0]!.containerInstanceArn)).toMatchObject({
      cpu: 1024,
      memory: 2048,
      pending: 0,
    });
  });

  it('settles a task whose agent never confirms the stop, once its stopTimeout has passed', async () => {
    // Prepare: a RUNNING task whose containers get 1 s to stop; then the agent goes deaf.
    const { cluster, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);
    const family = uniqueName('deaf');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          { name: 'app', image: 'busybox', cpu: 256, memory: 512, stopTimeout: 1 },
        ],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    agents[0]!.behave('ignore');

    // Act
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'going away' }));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stillStopping = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    await invokeSweeper();
    const stopped = await eventually(
      () => ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })),
      (out) => out.tasks?.[0]?.lastStatus === 'STOPPED',
      30_000,
    );

    // Assess
    expect(stillStopping.tasks?.[0]?.lastStatus).toBe('STOPPING');
    expect(stopped.tasks?.[0]).toMatchObject({
      desiredStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'going away',
    });
    expect(stopped.tasks?.[0]?.executionStoppedAt).toBeInstanceOf(Date);
    expect(await remaining(cluster, agents[0]!.containerInstanceArn)).toEqual({
      cpu: 1024,
      memory: 2048,
      running: 0,
      pending: 0,
    });
  });

  it('starts a task on a named instance with StartTask, with overrides, group and tags', async () => {
    const { cluster, family, agents } = await setup([
      { ecs, wsUrl: wsUrl(), cluster: '' },
      { ecs, wsUrl: wsUrl(), cluster: '' },
    ]);
    open.push(...agents);
    const target = agents[1]!.containerInstanceArn;

    const started = await ecs.send(
      new StartTaskCommand({
        cluster,
        taskDefinition: family,
        containerInstances: [target, 'ffffffffffffffffffffffffffffffff'],
        group: 'batch',
        tags: [{ key: 'owner', value: 'me' }],
        overrides: {
          containerOverrides: [
            { name: 'app', command: ['echo', 'hi'], environment: [{ name: 'K', value: 'V' }] },
          ],
        },
      }),
    );
    const arn = started.tasks?.[0]?.taskArn ?? '';
    const { tasks } = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: [arn], include: ['TAGS'] }),
    );

    expect(started.tasks?.[0]).toMatchObject({ containerInstanceArn: target, group: 'batch' });
    expect(started.failures?.[0]?.reason).toBe('MISSING');
    expect(tasks?.[0]?.tags).toEqual([{ key: 'owner', value: 'me' }]);
    expect(tasks?.[0]?.overrides?.containerOverrides?.[0]?.command).toEqual(['echo', 'hi']);
  });

  it.each([
    [
      'six strategies',
      { placementStrategy: Array.from({ length: 6 }, () => ({ type: 'random' as const })) },
    ],
    [
      'a binpack on an unknown field',
      { placementStrategy: [{ type: 'binpack' as const, field: 'disk' }] },
    ],
    [
      'an unparsable memberOf',
      { placementConstraints: [{ type: 'memberOf' as const, expression: 'attribute:x ==' }] },
    ],
    [
      'an override of an unknown container',
      { overrides: { containerOverrides: [{ name: 'nope' }] } },
    ],
  ])('refuses %s with InvalidParameterException', async (_case, input) => {
    const { cluster, family, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);

    await expect(
      ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, ...input })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('describes unknown tasks as MISSING failures and lists by filters', async () => {
    const { cluster, family, agents } = await setup([{ ecs, wsUrl: wsUrl(), cluster: '' }]);
    open.push(...agents);
    const run = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, startedBy: 'tester' }),
    );
    const taskArn = run.tasks?.[0]?.taskArn ?? '';

    const described = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: [taskArn, 'ffffffffffffffffffffffffffffffff'] }),
    );
    const byStartedBy = await ecs.send(new ListTasksCommand({ cluster, startedBy: 'tester' }));
    const byFamily = await ecs.send(new ListTasksCommand({ cluster, family }));
    const byInstance = await ecs.send(
      new ListTasksCommand({ cluster, containerInstance: agents[0]!.containerInstanceArn }),
    );
    const stopped = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED' }));

    expect(described.tasks?.map((t) => t.taskArn)).toEqual([taskArn]);
    expect(described.failures?.[0]?.reason).toBe('MISSING');
    expect(byStartedBy.taskArns).toEqual([taskArn]);
    expect(byFamily.taskArns).toEqual([taskArn]);
    expect(byInstance.taskArns).toEqual([taskArn]);
    expect(stopped.taskArns).toEqual([]);
  });

  it('applies agent reports idempotently and never moves a task backwards, in any order', async () => {
    // Prepare: an agent that reports nothing by itself, with room for every run.
    const { cluster, family, agents } = await setup([
      { ecs, wsUrl: wsUrl(), cluster: '', cpu: 65_536, memory: 131_072, behaviour: 'ignore' },
    ]);
    open.push(...agents);
    const rank = (status: string | undefined) =>
      ['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'].indexOf(
        status ?? '',
      );
    const reports = fc.array(fc.constantFrom('PENDING', 'RUNNING', 'STOPPED'), {
      minLength: 1,
      maxLength: 6,
    });

    // Act and assess, for random sequences of reports (repeats, stale ones, any order)
    await fc.assert(
      fc.asyncProperty(reports, async (sequence) => {
        const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
        const task = run.tasks?.[0]?.taskArn ?? '';
        // Once PENDING (handed to the agent), only reports move the task until it stops.
        await eventually(
          async () =>
            (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }))).tasks?.[0]
              ?.lastStatus,
          (status) => status === 'PENDING',
        );
        let previous = { rank: rank('PENDING'), startedAt: 0 };
        let last: string | undefined;
        for (const status of sequence) {
          await ecs.send(
            new SubmitTaskStateChangeCommand({
              cluster,
              task,
              status,
              containers: [{ containerName: 'app', status }],
            }),
          );
          const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }));
          const now = {
            rank: rank(tasks?.[0]?.lastStatus),
            startedAt: tasks?.[0]?.startedAt?.getTime() ?? 0,
          };
          // Never backwards; a repeated report changes nothing a user sees.
          expect(now.rank).toBeGreaterThanOrEqual(previous.rank);
          // (Once stopping, the workflow itself moves the task on; leave it out.)
          if (status === last && previous.rank < rank('STOPPING')) {
            expect(now.rank).toBe(previous.rank);
            expect(now.startedAt).toBe(previous.startedAt);
          }
          if (status === 'RUNNING' && previous.rank < rank('STOPPING')) {
            expect(now.rank).toBe(rank('RUNNING'));
          }
          if (status === 'STOPPED') expect(now.rank).toBeGreaterThanOrEqual(rank('DEPROVISIONING'));
          previous = now;
          last = status;
        }
      }),
      { numRuns: 12 },
    );
  });
});
