import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { credentials, dynamoDbClient, ecsClient, uniqueName } from '../helpers/clients';
import { subscribe } from '../helpers/events';
import { startSimulatedAgent } from '../helpers/simulatedAgent';

describe('ECS events', () => {
  const ecs = ecsClient();
  afterAll(() => ecs.destroy());

  it('delivers every task and container instance state change to local subscribers, in order', async () => {
    // Prepare
    const tasksStream = await subscribe('detail-type=ECS%20Task%20State%20Change');
    const instancesStream = await subscribe(
      'detail-type=ECS%20Container%20Instance%20State%20Change',
    );
    const cluster = uniqueName('events');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const family = uniqueName('ev');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'c', image: 'i', memory: 64 }],
      }),
    );
    const agent = await startSimulatedAgent({
      ecs,
      wsUrl: process.env.BERTH_TEST_WS_URL ?? '',
      cluster,
    });

    // Act
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn }));
    await waitUntilTasksStopped(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await agent.close();
    const disconnectedSeen = Date.now() + 10_000;
    const lastConnectivity = () =>
      instancesStream.received
        .filter((event) => event.resources.includes(agent.containerInstanceArn))
        .at(-1)?.detail.agentConnected;
    while (Date.now() < disconnectedSeen && lastConnectivity() !== false) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await tasksStream.close();
    await instancesStream.close();

    // Assess
    const ours = tasksStream.received.filter((event) => event.resources.includes(taskArn));
    expect(
      ours.every((event) => event.source === 'aws.ecs' && event.account === '000000000000'),
    ).toBe(true);
    expect(ours.map((event) => event.detail.lastStatus)).toEqual([
      'PROVISIONING',
      'PENDING',
      'RUNNING',
      'STOPPING',
      'DEPROVISIONING',
      'STOPPED',
    ]);
    // One version per change a user sees: the workflow's bookkeeping adds none.
    const versions = ours.map((event) => event.detail.version ?? 0);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
    const instanceEvents = instancesStream.received.filter((event) =>
      event.resources.includes(agent.containerInstanceArn),
    );
    expect(instanceEvents.some((event) => event.detail.status === 'ACTIVE')).toBe(true);
    // The agent's socket opening and closing are changes of agentConnected, each a new version.
    const connectivity = instanceEvents.map((event) => event.detail.agentConnected);
    expect(connectivity).toContain(true);
    expect(connectivity.at(-1)).toBe(false);
    const instanceVersions = instanceEvents.map((event) => event.detail.version ?? 0);
    expect(new Set(instanceVersions).size).toBe(instanceVersions.length);
    expect(instanceVersions).toEqual([...instanceVersions].sort((a, b) => a - b));
  });

  it('disconnects an agent that fell silent without closing its socket, and reconnects it when it speaks', async () => {
    // Prepare: a connected agent last heard from ten minutes ago.
    const instancesStream = await subscribe(
      'detail-type=ECS%20Container%20Instance%20State%20Change',
    );
    const cluster = uniqueName('silent');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const agent = await startSimulatedAgent({
      ecs,
      wsUrl: process.env.BERTH_TEST_WS_URL ?? '',
      cluster,
    });
    const id = agent.containerInstanceArn.split('/').at(-1) ?? '';
    const dynamo = dynamoDbClient();
    await dynamo.send(
      new UpdateItemCommand({
        TableName: 'berth-local-resources',
        Key: { pk: { S: `CLUSTER#${cluster}` }, sk: { S: `INSTANCE#${id}` } },
        UpdateExpression: 'SET lastSeenAt = :then',
        ExpressionAttributeValues: { ':then': { N: String(Date.now() - 10 * 60_000) } },
      }),
    );
    const lambda = new LambdaClient({
      endpoint: process.env.BERTH_TEST_LAMBDA_URL,
      region: 'us-east-1',
      credentials,
    });
    const connected = async () =>
      (
        await ecs.send(
          new DescribeContainerInstancesCommand({
            cluster,
            containerInstances: [agent.containerInstanceArn],
          }),
        )
      ).containerInstances?.[0]?.agentConnected;
    const ours = () =>
      instancesStream.received.filter((event) =>
        event.resources.includes(agent.containerInstanceArn),
      );
    const waitForEvent = async (agentConnected: boolean, after: number) => {
      const deadline = Date.now() + 10_000;
      while (
        Date.now() < deadline &&
        !ours()
          .slice(after)
          .some((event) => event.detail.agentConnected === agentConnected)
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    // Act: the one-minute schedule runs; later the agent speaks again.
    const eventsBeforeSweep = ours().length;
    const swept = await lambda.send(
      new InvokeCommand({ FunctionName: 'berth-local-sweepAgents', Payload: Buffer.from('{}') }),
    );
    const result = JSON.parse(Buffer.from(swept.Payload ?? []).toString()) as {
      disconnected: number;
    };
    await waitForEvent(false, eventsBeforeSweep);
    const afterSweep = await connected();
    const eventsBeforeHeartbeat = ours().length;
    agent.heartbeat();
    await waitForEvent(true, eventsBeforeHeartbeat);
    const afterHeartbeat = await connected();
    await agent.close();
    await instancesStream.close();
    dynamo.destroy();
    lambda.destroy();

    // Assess
    expect(result.disconnected).toBeGreaterThanOrEqual(1);
    expect(afterSweep).toBe(false);
    expect(afterHeartbeat).toBe(true);
    const connectivity = ours()
      .slice(eventsBeforeSweep)
      .map((event) => event.detail.agentConnected);
    expect(connectivity.slice(0, 2)).toEqual([false, true]);
    const versions = ours().map((event) => event.detail.version ?? 0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });
});
