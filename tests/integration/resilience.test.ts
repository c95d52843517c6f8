import { readdirSync, readFileSync } from 'node:fs';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type StackProcess, startStackProcess } from '../../local/harness';
import { type AgentProcess, startAgentProcess } from '../helpers/agentProcess';
import { uniqueName } from '../helpers/clients';
import { eventually } from '../helpers/eventually';

/**
 * A stack of its own, with ECS's throttling on and small quotas, whose parts
 * are killed in turn while tasks run: it restarts them, and loses no task and
 * leaks no reservation.
 */

let stack: StackProcess;
let ecs: ECSClient;

beforeAll(async () => {
  stack = await startStackProcess({
    environment: {
      BERTH_THROTTLING: 'on',
      BERTH_QUOTA_CONTAINER_INSTANCES_PER_CLUSTER: '2',
      BERTH_QUOTA_SERVICES_PER_CLUSTER: '1',
      BERTH_QUOTA_TASKS_PER_SERVICE: '3',
      BERTH_QUOTA_PROVISIONING_TASKS_PER_CLUSTER: '2',
    },
  });
  ecs = new ECSClient({
    endpoint: stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    maxAttempts: 1,
  });
}, 240_000);

afterAll(async () => {
  ecs?.destroy();
  await stack?.stop();
});

/** Processes whose command line (and environment) match: the part itself, not its `sh` guard. */
const pidsOf = (matches: (argv: string[], environ: string) => boolean): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
        return matches(argv, environ) ? [Number(entry)] : [];
      } catch {
        return [];
      }
    });

/** Tries a call until the stack answers it (it may be restarting a part). */
const retried = <T>(call: () => Promise<T>): Promise<T> =>
  eventually(
    () =>
      call().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    (outcome) => 'value' in outcome,
    90_000,
  ).then((outcome) => (outcome as { value: T }).value);

const waitForOutput = (text: string) =>
  eventually(
    async () => stack.output(),
    (output) => output.includes(text),
    90_000,
  );

describe('Parts that die', () => {
  let agent: AgentProcess;
  afterAll(() => agent?.stop());

  it('restarts DynamoDB Local and serverless-offline, losing no task and leaking no reservation', async () => {
    // Prepare: a cluster, one real agent, a task that runs until stopped
    const cluster = uniqueName('resilient');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agent = await startAgentProcess({
      endpoint: stack.url,
      wsEndpoint: `ws://127.0.0.1:${stack.ports.websocket}`,
      cluster,
      cpu: 1024,
      memory: 2048,
    });
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: uniqueName('sleeper'),
        containerDefinitions: [
          { name: 'main', image: 'busybox', command: ['sleep', '600'], cpu: 128, memory: 128 },
        ],
      }),
    );
    const arns: string[] = [];
    const runTwo = async () => {
      const { tasks } = await retried(() =>
        ecs.send(
          new RunTaskCommand({
            cluster,
            taskDefinition: taskDefinition?.taskDefinitionArn,
            count: 2,
          }),
        ),
      );
      const launched = (tasks ?? []).map((task) => task.taskArn ?? '');
      expect(launched).toHaveLength(2);
      arns.push(...launched);
      await eventually(
        () => retried(() => ecs.send(new DescribeTasksCommand({ cluster, tasks: launched }))),
        (out) => out.tasks?.every((task) => task.lastStatus === 'RUNNING') === true,
        90_000,
      );
    };
    await runTwo();

    // Act 1: DynamoDB Local dies
    const dynamo = pidsOf(
      (argv) => argv[0] === 'java' && argv.includes(String(stack.ports.dynamodb)),
    );
    expect(dynamo).toHaveLength(1);
    process.kill(dynamo[0] ?? 0, 'SIGKILL');
    await waitForOutput('DynamoDB Local exited');
    await waitForOutput('DynamoDB Local is running again');
    await runTwo();

    // Act 2: serverless-offline dies
    const offline = pidsOf(
      (argv, environ) =>
        /node$/.test(argv[0] ?? '') &&
        argv.some((arg) => arg.endsWith('osls')) &&
        environ.includes(`BERTH_HTTP_PORT=${stack.ports.http}\0`),
    );
    expect(offline).toHaveLength(1);
    process.kill(offline[0] ?? 0, 'SIGKILL');
    await waitForOutput('serverless-offline exited');
    await waitForOutput('serverless-offline is running again');
    await runTwo();

    // Assess: every task stops, none is lost, and the instance has all of its resources back
    for (const task of arns) {
      await retried(() => ecs.send(new StopTaskCommand({ cluster, task })));
    }
    const described = await eventually(
      () => ecs.send(new DescribeTasksCommand({ cluster, tasks: arns })),
      (out) => out.tasks?.every((task) => task.lastStatus === 'STOPPED') === true,
      60_000,
    );
    expect(described.tasks).toHaveLength(6);
    expect(described.failures).toEqual([]);
    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster,
        containerInstances: [agent.containerInstanceArn],
      }),
    );
    const instance = containerInstances?.[0];
    const remaining = Object.fromEntries(
      (instance?.remainingResources ?? []).map((resource) => [
        resource.name,
        resource.integerValue,
      ]),
    );
    expect(remaining).toMatchObject({ CPU: 1024, MEMORY: 2048 });
    expect(instance).toMatchObject({ runningTasksCount: 0, pendingTasksCount: 0 });
  }, 300_000);
});

describe('A failing invocation', () => {
  it('fails alone: an asynchronous invocation that throws takes down no other request', async () => {
    // Prepare: how many times a part has died so far (the test above kills some on purpose)
    const deaths = () => stack.output().split(' exited (').length - 1;
    const before = deaths();
    const lambda = new LambdaClient({
      endpoint: `http://127.0.0.1:${stack.ports.lambda}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });

    // Act: the service scheduler's function, invoked as its waker does (InvocationType
    // Event), with a cluster name too long for a key, which DynamoDB refuses.
    const invoked = await lambda.send(
      new InvokeCommand({
        FunctionName: 'berth-local-reconcileServices',
        InvocationType: 'Event',
        Payload: JSON.stringify({ cluster: 'c'.repeat(3000), service: 'web' }),
      }),
    );
    lambda.destroy();

    // Assert: accepted, and for the next seconds every request is answered and nothing restarts
    expect(invoked.StatusCode).toBe(202);
    for (let check = 0; check < 20; check += 1) {
      await ecs.send(new ListClustersCommand({}));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(deaths()).toBe(before);
  }, 60_000);
});

describe('Quotas', () => {
  it('refuses a container instance, a service and a desired count over the cluster’s quotas', async () => {
    const cluster = uniqueName('quota');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const register = () =>
      ecs.send(
        new RegisterContainerInstanceCommand({
          cluster,
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
          ],
        }),
      );
    await register();
    await register();
    await expect(register()).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: `The cluster ${cluster} has reached the limit of 2 registered container instances.`,
    });

    const family = uniqueName('svc');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'main', image: 'busybox', memory: 64 }],
      }),
    );
    await expect(
      ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: 'big',
          taskDefinition: family,
          desiredCount: 4,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'desiredCount must be between 0 and 3.',
    });
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'one',
        taskDefinition: family,
        desiredCount: 0,
      }),
    );
    await expect(
      ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: 'two',
          taskDefinition: family,
          desiredCount: 0,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: `The cluster ${cluster} has reached the limit of 1 services.`,
    });

    const fargate = uniqueName('fargate');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: fargate,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'main', image: 'busybox' }],
      }),
    );
    await expect(
      ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: fargate,
          launchType: 'FARGATE',
          count: 3,
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-berth-a'] } },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: `The cluster ${cluster} has reached the limit of 2 tasks in PROVISIONING.`,
    });
  });
});

describe('Throttling', () => {
  it('answers ThrottlingException ("Rate exceeded") past a category’s burst, which the SDK retries', async () => {
    const family = uniqueName('burst');
    const register = () =>
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          containerDefinitions: [{ name: 'main', image: 'busybox', memory: 64 }],
        }),
      );
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, register));
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as { name: string; message: string }] : [],
    );
    // 20 at once, and about one a second after (fewer than 5 more while these ran).
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused[0]).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });

    // Reads have their own bucket; and the SDK's default retries wait for a token.
    const patient = new ECSClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });
    await expect(patient.send(new ListClustersCommand({}))).resolves.toBeDefined();
    const { taskDefinition } = await patient.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'main', image: 'busybox', memory: 64 }],
      }),
    );
    expect(taskDefinition?.family).toBe(family);
    patient.destroy();
  }, 120_000);
});
