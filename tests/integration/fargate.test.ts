import { readFileSync } from 'node:fs';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  type ECSClient,
  InvalidParameterException,
  ListContainerInstancesCommand,
  PlatformUnknownException,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
  UpdateContainerInstancesStateCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import Docker from 'dockerode';
import { managedInstanceId } from '../../functions/domain/tasks/identifiers';
import { startStackProcess } from '../../local/harness';
import { dynamoDbClient, ecsClient, uniqueName } from '../helpers/clients';
import { subscribe } from '../helpers/events';
import { eventually } from '../helpers/eventually';

/**
 * FARGATE through the public API, as a user runs it: no container instance
 * of the user's, an address of the named subnet for each task, a host that
 * Berth brings up for the task and takes down after it — and every error on
 * the way in ECS's words.
 */

const ecs = ecsClient();
const capacityUrl = () => process.env.BERTH_TEST_CAPACITY_URL ?? '';
const SUBNETS = ['subnet-berth-a', 'subnet-berth-b', 'subnet-berth-c'];
const CIDRS: Record<string, string> = {
  'subnet-berth-a': '172.31.0.0/20',
  'subnet-berth-b': '172.31.16.0/20',
  'subnet-berth-c': '172.31.32.0/20',
  'subnet-berth-tiny': '10.213.250.0/28',
};
const ZONES: Record<string, string> = {
  'subnet-berth-a': 'us-east-1a',
  'subnet-berth-b': 'us-east-1b',
  'subnet-berth-c': 'us-east-1c',
  'subnet-berth-tiny': 'us-east-1c',
};

/** The error a call rejects with; fails the test when it succeeds. */
const errorOf = async (call: Promise<unknown>): Promise<Error> => {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the call to fail, but it succeeded.');
};

const inCidr = (ip: string, cidr: string): boolean => {
  const toNumber = (text: string) =>
    text.split('.').reduce((value, part) => value * 256 + Number(part), 0);
  const [base = '', prefix = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const offset = toNumber(ip) - toNumber(base);
  // Inside, and neither one of the four reserved at the start nor the broadcast address.
  return offset >= 4 && offset < size - 1;
};

/**
 * Whether a process runs: there, and not a zombie (a container whose parent,
 * the killed stack, is gone is reaped by init — or, on some machines, never).
 */
const running = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

const detail = (task: Task, name: string) =>
  task.attachments?.[0]?.details?.find((pair) => pair.name === name)?.value;

const hostsRunning = async (): Promise<string[]> => {
  const response = await fetch(`${capacityUrl()}/hosts`);
  return ((await response.json()) as { hosts: string[] }).hosts;
};

/** The sort keys of a cluster's partition that begin with `prefix`, as the table holds them. */
const storedKeys = async (cluster: string, prefix: string): Promise<string[]> => {
  const dynamo = dynamoDbClient();
  try {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: 'berth-local-resources',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: `CLUSTER#${cluster}` }, ':prefix': { S: prefix } },
        ProjectionExpression: 'sk',
      }),
    );
    return (page.Items ?? []).map((item) => item.sk?.S ?? '');
  } finally {
    dynamo.destroy();
  }
};

const describe1 = async (cluster: string, arns: string[]) =>
  (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];

/** A FARGATE task definition of the smallest size (0.25 vCPU, 512 MiB) with one container. */
const registerFargate = async (
  client: ECSClient,
  container: { image: string; command: string[] },
): Promise<string> => {
  const family = uniqueName('fg');
  await client.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'main', stopTimeout: 2, ...container }],
    }),
  );
  return family;
};

const setup = async () => {
  const cluster = uniqueName('fargate');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const family = await registerFargate(ecs, {
    image: 'localhost/berth-busybox:latest',
    command: ['sh', '-c', 'sleep 600'],
  });
  return { cluster, family };
};

const network = (subnets: string[]) => ({ awsvpcConfiguration: { subnets } });

const stopAll = async (cluster: string, arns: string[]) => {
  await Promise.all(arns.map((task) => ecs.send(new StopTaskCommand({ cluster, task }))));
  await waitUntilTasksStopped(
    { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    { cluster, tasks: arns },
  );
};

describe('FARGATE: errors in ECS words', () => {
  let cluster: string;
  let family: string;
  beforeAll(async () => {
    ({ cluster, family } = await setup());
  });

  it.each([
    [
      'no network configuration',
      {},
      InvalidParameterException,
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    ],
    [
      'an unknown subnet',
      { networkConfiguration: network(['subnet-nope']) },
      InvalidParameterException,
      "Error retrieving subnet information for [subnet-nope]: The subnet ID 'subnet-nope' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
    ],
    [
      'no subnets',
      { networkConfiguration: network([]) },
      InvalidParameterException,
      'subnets can not be empty.',
    ],
    [
      'a platform version that does not exist',
      { networkConfiguration: network(SUBNETS), platformVersion: '9.9.9' },
      PlatformUnknownException,
      'The specified platform version (9.9.9) does not exist.',
    ],
  ])('refuses %s', async (_case, extra, type, message) => {
    // Act
    const error = await errorOf(
      ecs.send(
        new RunTaskCommand({ cluster, taskDefinition: family, launchType: 'FARGATE', ...extra }),
      ),
    );
    // Assess
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
  });

  it('refuses a task definition that is not compatible with FARGATE', async () => {
    // Prepare
    const ec2Only = uniqueName('ec2only');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: ec2Only,
        containerDefinitions: [{ name: 'main', image: 'busybox', memory: 64 }],
      }),
    );
    // Act
    const error = await errorOf(
      ecs.send(new RunTaskCommand({ cluster, taskDefinition: ec2Only, launchType: 'FARGATE' })),
    );
    // Assess
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe('Task definition does not support launch_type FARGATE.');
  });

  it('refuses a launch type together with a capacity provider strategy', async () => {
    const error = await errorOf(
      ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: family,
          launchType: 'FARGATE',
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
          networkConfiguration: network(SUBNETS),
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toMatch(/launch type and capacity provider strategy/);
  });

  it('refuses a platform version on the EC2 launch type', async () => {
    const error = await errorOf(
      ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: family,
          launchType: 'EC2',
          platformVersion: 'LATEST',
          networkConfiguration: network(SUBNETS),
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe(
      'The platform version must be null when specifying an EC2 launch type.',
    );
  });
});

describe('FARGATE: tasks run with their own address and host', () => {
  it('runs a task with no container instance of the user, then gives everything back', async () => {
    // Prepare
    const { cluster, family } = await setup();
    const stream = await subscribe('source=aws.ecs');
    // Act
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: network(['subnet-berth-b']),
      }),
    );
    const arn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: [arn] },
    );
    // Assess: as RunTask answered it…
    const launched = run.tasks?.[0];
    expect(launched?.lastStatus).toBe('PROVISIONING');
    expect(launched?.attachments?.[0]).toMatchObject({
      type: 'ElasticNetworkInterface',
      status: 'PRECREATED',
      details: [{ name: 'subnetId', value: 'subnet-berth-b' }],
    });
    // …and as it runs.
    const [task] = await describe1(cluster, [arn]);
    expect(task).toMatchObject({
      lastStatus: 'RUNNING',
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
      availabilityZone: 'us-east-1b',
      cpu: '256',
      memory: '512',
      connectivity: 'CONNECTED',
      ephemeralStorage: { sizeInGiB: 20 },
    });
    expect(task?.containerInstanceArn).toBeUndefined();
    expect(task?.attachments?.[0]?.status).toBe('ATTACHED');
    const address = detail(task as Task, 'privateIPv4Address') ?? '';
    expect(inCidr(address, CIDRS['subnet-berth-b'] ?? '')).toBe(true);
    expect(detail(task as Task, 'networkInterfaceId')).toMatch(/^eni-[0-9a-f]{17}$/);
    expect(detail(task as Task, 'macAddress')).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(detail(task as Task, 'privateDnsName')).toBe(
      `ip-${address.replaceAll('.', '-')}.ec2.internal`,
    );
    expect(task?.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address).toBe(address);
    expect(task?.pullStartedAt).toBeInstanceOf(Date);
    expect(task?.pullStoppedAt).toBeInstanceOf(Date);
    // The user sees no instance, and the cluster counts none.
    const listed = await ecs.send(new ListContainerInstancesCommand({ cluster }));
    expect(listed.containerInstanceArns).toEqual([]);
    const [described] =
      (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters ?? [];
    expect(described).toMatchObject({
      registeredContainerInstancesCount: 0,
      runningTasksCount: 1,
    });
    expect((await hostsRunning()).length).toBeGreaterThan(0);
    // The host is kept outside the key range placement reads (`INSTANCE#`), so
    // that many FARGATE tasks do not make every EC2 placement in the cluster dearer.
    const taskId = arn.split('/').at(-1) ?? '';
    expect(await storedKeys(cluster, 'INSTANCE#')).toEqual([]);
    expect(await storedKeys(cluster, 'HOST#')).toEqual([`HOST#${managedInstanceId(taskId)}`]);

    // Act: stop it.
    await stopAll(cluster, [arn]);
    // Assess: the address is given back and the host is gone.
    const [stopped] = await describe1(cluster, [arn]);
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' });
    expect(stopped?.attachments?.[0]?.status).toBe('DELETED');
    await eventually(
      hostsRunning,
      (hosts) => !hosts.some((host) => host.startsWith(`${cluster}/`)),
    );
    await eventually(
      () => storedKeys(cluster, 'HOST#'),
      (keys) => keys.length === 0,
    );
    // The events tell the task's whole life, and nothing of its host.
    await stream.close();
    const ofCluster = stream.received.filter((event) =>
      JSON.stringify(event.detail).includes(`cluster/${cluster}"`),
    );
    expect(
      ofCluster
        .filter((event) => event['detail-type'] === 'ECS Task State Change')
        .map((event) => event.detail.lastStatus),
    ).toEqual(
      expect.arrayContaining(['PROVISIONING', 'PENDING', 'RUNNING', 'DEPROVISIONING', 'STOPPED']),
    );
    expect(
      ofCluster.filter((event) => event['detail-type'] === 'ECS Container Instance State Change'),
    ).toEqual([]);
  });

  it("does not let a user drain or deregister a FARGATE task's own host", async () => {
    // Prepare: a running task, and the ARN its hidden host has (derived from the task's id)
    const { cluster, family } = await setup();
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: network(['subnet-berth-a']),
      }),
    );
    const arn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: [arn] },
    );
    const host = `arn:aws:ecs:us-east-1:000000000000:container-instance/${cluster}/${managedInstanceId(arn.split('/').at(-1) ?? '')}`;

    // Act
    const drained = await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster,
        containerInstances: [host],
        status: 'DRAINING',
      }),
    );
    const deregistered = await errorOf(
      ecs.send(
        new DeregisterContainerInstanceCommand({ cluster, containerInstance: host, force: true }),
      ),
    );

    // Assert: as if there were no such instance, and the task runs on
    expect(drained.containerInstances).toEqual([]);
    expect(drained.failures).toEqual([{ arn: host, reason: 'MISSING' }]);
    expect(deregistered.message).toBe('The referenced container instance was not found.');
    expect((await describe1(cluster, [arn]))[0]?.lastStatus).toBe('RUNNING');
    await stopAll(cluster, [arn]);
  });

  it('gives each of many concurrent tasks its own address, spread over the subnets', async () => {
    // Prepare
    const { cluster, family } = await setup();
    // Act: 20 tasks in two requests at once.
    const runs = await Promise.all(
      [1, 2].map(() =>
        ecs.send(
          new RunTaskCommand({
            cluster,
            taskDefinition: family,
            count: 10,
            launchType: 'FARGATE',
            networkConfiguration: network(SUBNETS),
          }),
        ),
      ),
    );
    const arns = runs.flatMap((run) => (run.tasks ?? []).map((task) => task.taskArn ?? ''));
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 90, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: arns },
    );
    // Assess
    const tasks = await describe1(cluster, arns);
    const addresses = tasks.map((task) => detail(task, 'privateIPv4Address'));
    expect(new Set(addresses).size).toBe(20);
    for (const task of tasks) {
      const subnet = detail(task, 'subnetId') ?? '';
      expect(inCidr(detail(task, 'privateIPv4Address') ?? '', CIDRS[subnet] ?? '')).toBe(true);
      expect(task.availabilityZone).toBe(ZONES[subnet]);
    }
    // Round-robin from a random start: every zone gets 6 or 7 of the 20.
    const perSubnet = SUBNETS.map(
      (subnet) => tasks.filter((task) => detail(task, 'subnetId') === subnet).length,
    );
    expect(Math.min(...perSubnet)).toBeGreaterThanOrEqual(6);
    await stopAll(cluster, arns);
  }, 120_000);

  it('fails a task whose subnet is full with ECS reason, and reuses addresses given back', async () => {
    // Prepare: subnet-berth-tiny (a /28) has eleven addresses, .4 to .14.
    const { cluster, family } = await setup();
    const runIn = async (count: number) =>
      (
        await ecs.send(
          new RunTaskCommand({
            cluster,
            taskDefinition: family,
            count,
            launchType: 'FARGATE',
            networkConfiguration: network(['subnet-berth-tiny']),
          }),
        )
      ).tasks?.map((task) => task.taskArn ?? '') ?? [];
    // Act: twelve tasks at once.
    const arns = (await Promise.all([runIn(6), runIn(6)])).flat();
    const settled = await eventually(
      () => describe1(cluster, arns),
      (tasks) =>
        tasks.filter((task) => task.lastStatus === 'RUNNING').length === 11 &&
        tasks.some((task) => task.lastStatus === 'STOPPED'),
      90_000,
    );
    // Assess
    const failed = settled.find((task) => task.lastStatus === 'STOPPED');
    expect(failed).toMatchObject({
      stopCode: 'TaskFailedToStart',
      stoppedReason:
        "ResourceInitializationError: unable to assign an address to the task's network interface: there are not enough free addresses in subnet 'subnet-berth-tiny' (InsufficientFreeAddressesInSubnet)",
    });
    expect(failed?.attachments?.[0]?.status).toBe('DELETED');
    const running = settled.filter((task) => task.lastStatus === 'RUNNING');
    expect(new Set(running.map((task) => detail(task, 'privateIPv4Address')))).toEqual(
      new Set(Array.from({ length: 11 }, (_, index) => `10.213.250.${index + 4}`)),
    );

    // Act: one stops; its address serves a new task.
    const freed = running[0];
    await stopAll(cluster, [freed?.taskArn ?? '']);
    const [again = ''] = await runIn(1);
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: [again] },
    );
    const [reused] = await describe1(cluster, [again]);
    expect(detail(reused as Task, 'privateIPv4Address')).toBe(
      detail(freed as Task, 'privateIPv4Address'),
    );
    await stopAll(cluster, [...running.slice(1).map((task) => task.taskArn ?? ''), again]);
  }, 180_000);

  it('launches on the FARGATE_SPOT capacity provider of a strategy, and on the cluster default', async () => {
    // Prepare
    const cluster = uniqueName('fargate-cp');
    await ecs.send(
      new CreateClusterCommand({
        clusterName: cluster,
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      }),
    );
    const { family } = await setup();
    // Act
    const spot = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        networkConfiguration: network(SUBNETS),
      }),
    );
    const byDefault = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        networkConfiguration: network(SUBNETS),
      }),
    );
    // Assess
    expect(spot.tasks?.[0]).toMatchObject({
      launchType: 'FARGATE',
      capacityProviderName: 'FARGATE_SPOT',
    });
    expect(byDefault.tasks?.[0]).toMatchObject({
      launchType: 'FARGATE',
      capacityProviderName: 'FARGATE',
    });
    const arns = [spot, byDefault].map((run) => run.tasks?.[0]?.taskArn ?? '');
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: arns },
    );
    await stopAll(cluster, arns);
  });

  it('runs a FARGATE task as a real container that has the address of its interface', async () => {
    // Prepare: the suite's stack runs FARGATE hosts on Podman's Docker API.
    const socketPath = process.env.BERTH_TEST_DOCKER_SOCKET;
    if (!socketPath) {
      throw new Error('BERTH_TEST_DOCKER_SOCKET is not set: Podman is needed (see .ci/run)');
    }
    const { cluster, family } = await setup();
    // Act
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: network(['subnet-berth-c']),
      }),
    );
    const arn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: [arn] },
    );
    // Assess
    const [task] = await describe1(cluster, [arn]);
    const runtimeId = task?.containers?.[0]?.runtimeId ?? '';
    const docker = new Docker({ socketPath });
    const inspected = await docker.getContainer(runtimeId).inspect();
    const addresses = Object.values(inspected.NetworkSettings.Networks).map(
      (settings) => settings.IPAddress,
    );
    expect(addresses).toContain(detail(task as Task, 'privateIPv4Address'));
    expect(inspected.Config.Labels?.['com.amazonaws.ecs.task-arn']).toBe(arn);
    // A Fargate task's size is its container's limit.
    expect(inspected.HostConfig.Memory).toBe(512 * 1024 * 1024);

    // Stopped, the task leaves no container behind: its host removes them as it goes.
    await stopAll(cluster, [arn]);
    await eventually(
      () =>
        docker
          .getContainer(runtimeId)
          .inspect()
          .then(
            () => 'still there',
            (error: { statusCode?: number }) => String(error.statusCode),
          ),
      (outcome) => outcome === '404',
    );
  });

  it('fails a FARGATE task whose image cannot be had, giving back its address and host', async () => {
    // Prepare
    const { cluster } = await setup();
    const family = await registerFargate(ecs, {
      image: 'localhost/berth-no-such-image:1',
      command: ['true'],
    });
    // Act
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: network(SUBNETS),
      }),
    );
    const arn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksStopped(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: [arn] },
    );
    // Assess
    const [task] = await describe1(cluster, [arn]);
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    expect(task?.stoppedReason).toMatch(/^CannotPullContainerError: /);
    expect(task?.attachments?.[0]?.status).toBe('DELETED');
    await eventually(
      hostsRunning,
      (hosts) => !hosts.some((host) => host.startsWith(`${cluster}/`)),
    );
  });

  it('keeps FARGATE tasks running through a crash of the whole stack, and settles them after', async () => {
    // Prepare: a stack of its own (hosts as processes), so that killing it leaves the others alone.
    const environment = { BERTH_CONTAINER_RUNTIME: 'process' };
    const stack = await startStackProcess({ environment });
    const own = ecsClient(stack.url);
    const cluster = uniqueName('fargate-crash');
    await own.send(new CreateClusterCommand({ clusterName: cluster }));
    const family = await registerFargate(own, {
      image: 'process',
      command: ['sh', '-c', 'sleep 600'],
    });
    const run = await own.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        count: 2,
        launchType: 'FARGATE',
        networkConfiguration: network(SUBNETS),
      }),
    );
    const arns = (run.tasks ?? []).map((task) => task.taskArn ?? '');
    await waitUntilTasksRunning(
      { client: own, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: arns },
    );
    const before = (await own.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
    const pids = before.map((task) => Number(task.containers?.[0]?.runtimeId));
    own.destroy();

    // Act: kill the stack hard, with its capacity host; bring it back on the same state.
    await stack.stop('SIGKILL');
    const again = await startStackProcess({
      dataDir: stack.dataDir,
      ports: stack.ports,
      environment,
    });
    const client = ecsClient(again.url);
    try {
      // Assess: the containers never stopped, and the tasks are still RUNNING…
      for (const pid of pids) expect(running(pid)).toBe(true);
      const after = (await client.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks;
      expect(after?.map((task) => task.lastStatus)).toEqual(['RUNNING', 'RUNNING']);
      // …their hosts came back (so a stop reaches the containers)…
      await Promise.all(arns.map((task) => client.send(new StopTaskCommand({ cluster, task }))));
      await waitUntilTasksStopped(
        { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
        { cluster, tasks: arns },
      );
      const stopped = (await client.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks;
      expect(stopped?.map((task) => task.containers?.[0]?.exitCode)).toEqual([143, 143]);
      expect(stopped?.map((task) => task.attachments?.[0]?.status)).toEqual(['DELETED', 'DELETED']);
      for (const pid of pids) expect(running(pid)).toBe(false);
      // …and are gone afterwards.
      await eventually(
        async () =>
          (
            (await (await fetch(`http://127.0.0.1:${again.ports.capacity}/hosts`)).json()) as {
              hosts: string[];
            }
          ).hosts,
        (hosts) => hosts.length === 0,
      );
    } finally {
      client.destroy();
      await again.stop();
    }
  }, 240_000);
});
