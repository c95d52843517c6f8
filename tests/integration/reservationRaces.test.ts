import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  waitUntilTasksRunning,
} from '@aws-sdk/client-ecs';
import { DynamoDbContainerInstanceRepository } from '../../functions/adapters/dynamodb/DynamoDbContainerInstanceRepository';
import {
  createDocumentClient,
  DynamoDbTable,
  type Key,
} from '../../functions/adapters/dynamodb/DynamoDbTable';
import { DynamoDbTaskRepository } from '../../functions/adapters/dynamodb/DynamoDbTaskRepository';
import { instanceIdFrom } from '../../functions/domain/containerInstances/ContainerInstanceService';
import { taskIdFrom } from '../../functions/domain/tasks/identifiers';
import { credentials, ecsClient, uniqueName } from '../helpers/clients';
import { startSimulatedAgent } from '../helpers/simulatedAgent';

/**
 * Interleavings that the API alone cannot time: the repositories run against
 * the stack's DynamoDB Local, and a hook runs a competing write at the exact
 * moment between one operation's read and its write.
 */

/** A table that runs `between` once, right after the first read of `key`. */
class InterleavingTable extends DynamoDbTable {
  between: (() => Promise<void>) | undefined;

  override async get(key: Key) {
    const item = await super.get(key);
    const competing = this.between;
    if (competing && String(key.sk).startsWith('INSTANCE#')) {
      this.between = undefined;
      await competing();
    }
    return item;
  }
}

describe('Reservations under interleaved writes', () => {
  const ecs = ecsClient();
  afterAll(() => ecs.destroy());

  it('a re-registration that read the instance before a task gave its room back does not take the room again', async () => {
    // Prepare: one task holding 256 CPU on a 1024 CPU instance.
    const cluster = uniqueName('race');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const family = uniqueName('race');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'c', image: 'i', cpu: 256, memory: 128 }],
      }),
    );
    const agent = await startSimulatedAgent({
      ecs,
      wsUrl: process.env.BERTH_TEST_WS_URL ?? '',
      cluster,
      cpu: 1024,
      memory: 2048,
    });
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    // RUNNING: its workflow now only waits, so nothing else writes the task meanwhile.
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 30, minDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    const taskId = taskIdFrom(taskArn);
    const instanceId = instanceIdFrom(agent.containerInstanceArn);
    // The adapters take their credentials from the environment, as in Lambda.
    process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey;
    const table = new InterleavingTable(
      createDocumentClient({
        region: 'us-east-1',
        endpoint: process.env.BERTH_TEST_DYNAMODB_URL,
      }),
      'berth-local-resources',
    );
    const tasks = new DynamoDbTaskRepository(table);
    const instances = new DynamoDbContainerInstanceRepository(table);
    const before = await instances.get(cluster, instanceId);
    expect(before?.remainingCpu).toBe(768);

    // Act: re-register (same totals); between its read and its write the task
    // is settled and gives its 256 CPU back.
    table.between = async () => {
      const task = await tasks.get(cluster, taskId);
      if (!task) throw new Error('task vanished');
      const released = await tasks.apply({
        task,
        next: {
          ...task,
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          reservationHeld: false,
          version: task.version + 1,
        },
      });
      expect(released).toBe(true);
    };
    await instances.reRegister(
      cluster,
      instanceId,
      {
        totalCpu: 1024,
        totalMemory: 2048,
        hostPorts: before?.hostPorts ?? [],
        attributes: before?.attributes ?? {},
        versionInfo: before?.versionInfo ?? {},
      },
      Date.now(),
    );

    // Assess: the release stands; nothing is held any more.
    expect(table.between).toBeUndefined();
    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster,
        containerInstances: [agent.containerInstanceArn],
      }),
    );
    const remaining = containerInstances?.[0]?.remainingResources ?? [];
    expect(remaining.find((resource) => resource.name === 'CPU')?.integerValue).toBe(1024);
    expect(remaining.find((resource) => resource.name === 'MEMORY')?.integerValue).toBe(2048);
    await agent.close();
  });
});
