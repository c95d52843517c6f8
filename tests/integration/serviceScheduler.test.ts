import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { DynamoDbContainerInstanceRepository } from '../../functions/adapters/dynamodb/DynamoDbContainerInstanceRepository';
import { DynamoDbServiceRepository } from '../../functions/adapters/dynamodb/DynamoDbServiceRepository';
import {
  createDocumentClient,
  DynamoDbTable,
} from '../../functions/adapters/dynamodb/DynamoDbTable';
import type { TaskRepository } from '../../functions/domain/ports/TaskRepository';
import {
  DEFAULT_DEPLOYMENT_CONFIGURATION,
  type ServiceRecord,
} from '../../functions/domain/services/model';
import { ServiceScheduler } from '../../functions/domain/services/ServiceScheduler';
import { taskArn } from '../../functions/domain/tasks/identifiers';
import type { TaskRecord } from '../../functions/domain/tasks/model';
import type { TaskLauncher } from '../../functions/domain/tasks/TaskLauncher';
import type { TaskLifecycle } from '../../functions/domain/tasks/TaskLifecycle';
import { credentials, ecsClient, uniqueName } from '../helpers/clients';

/**
 * The scheduler's lease against the stack's DynamoDB Local, with many
 * schedulers in one process at once (serverless-offline runs one invocation
 * of a function at a time; Lambda does not). The tasks they launch are kept
 * in memory and appear only after a delay, which widens the window in which
 * two schedulers without a lease would both launch.
 */

const ARNS = { accountId: '000000000000', region: 'us-east-1' };

// The adapters take their credentials from the environment, as in Lambda.
process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey;
const table = new DynamoDbTable(
  createDocumentClient({ region: 'us-east-1', endpoint: process.env.BERTH_TEST_DYNAMODB_URL }),
  'berth-local-resources',
);

const newService = (cluster: string, name: string, desiredCount: number): ServiceRecord => ({
  cluster,
  name,
  status: 'ACTIVE',
  schedulingStrategy: 'REPLICA',
  desiredCount,
  runningCount: 0,
  pendingCount: 0,
  deploymentConfiguration: DEFAULT_DEPLOYMENT_CONFIGURATION,
  deployments: [
    {
      id: 'ecs-svc/1000000000000000001',
      status: 'PRIMARY',
      family: 'web',
      revision: 1,
      launchType: 'EC2',
      placementConstraints: [],
      placementStrategy: [],
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      failedTasks: 0,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment ecs-svc/1000000000000000001 in progress.',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    },
  ],
  loadBalancers: [],
  propagateTags: 'NONE',
  enableECSManagedTags: false,
  tags: [],
  events: [],
  steady: false,
  createdAt: Date.now(),
  version: 1,
});

/**
 * A scheduler over the real service repository, whose tasks live in
 * `launched`: RunTask adds them there (after `delayMs`, as an index shows
 * writes late), the index shows what `indexed` says, reads by key find them.
 */
const schedulerOver = (
  services: DynamoDbServiceRepository,
  options: { indexed?: boolean; delayMs?: number } = {},
) => {
  const launched: TaskRecord[] = [];
  let calls = 0;
  const scheduler = new ServiceScheduler({
    services,
    tasks: {
      listForService: async () => (options.indexed === false ? [] : [...launched]),
      getMany: async (_cluster: string, ids: readonly string[]) =>
        launched.filter((task) => ids.includes(task.id)),
    } as unknown as TaskRepository,
    instances: new DynamoDbContainerInstanceRepository(table),
    launcher: {
      run: async (body: { count: number; startedBy: string }) => {
        calls += 1;
        const made = Array.from({ length: body.count }, (_, i) => ({
          id: `t${calls}-${i}`,
          startedBy: body.startedBy,
          lastStatus: 'PENDING',
          desiredStatus: 'RUNNING',
          launchType: 'EC2',
        }));
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        launched.push(...(made as unknown as TaskRecord[]));
        // As RunTask answers: full task ARNs.
        return { tasks: made.map((t) => ({ taskArn: taskArn(ARNS, 'c', t.id) })), failures: [] };
      },
    } as unknown as TaskLauncher,
    lifecycle: {} as TaskLifecycle,
    events: { publish: async () => undefined },
    waker: { wake: async () => undefined },
    constraintsMatcher: () => () => true,
    clock: { now: () => Date.now() },
    arns: ARNS,
  });
  return { scheduler, launched };
};

describe('The service scheduler under concurrent wake-ups', () => {
  const ecs = ecsClient();
  afterAll(() => ecs.destroy());

  it('twenty schedulers woken at once launch exactly the desired count, and the last wake-up is served', async () => {
    // Prepare
    const cluster = uniqueName('lease');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const name = uniqueName('web');
    const services = new DynamoDbServiceRepository(table);
    expect((await services.create(newService(cluster, name, 5), 5000)).outcome).toBe('created');
    // The new tasks show up a little later, as a read of an index may.
    const { scheduler, launched } = schedulerOver(services, { delayMs: 30 });

    // Act
    await Promise.all(Array.from({ length: 20 }, () => scheduler.reconcile(cluster, name)));

    // Assert: five launched, and the service says so; nobody holds the lease any more
    expect(launched).toHaveLength(5);
    const service = await services.get(cluster, name);
    expect(service?.pendingCount).toBe(5);
    expect(service?.events.filter((event) => event.message.includes('has started')).length).toBe(1);
    expect(await services.tryLease(cluster, name, 'probe', Date.now() + 1000, Date.now())).toBe(
      'acquired',
    );
  });

  it('does not launch again what an index that lags its writes does not show yet', async () => {
    // Prepare: an index that never shows the service's tasks (a GSI behind its writes)
    const cluster = uniqueName('lag');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const name = uniqueName('web');
    const services = new DynamoDbServiceRepository(table);
    await services.create(newService(cluster, name, 3), 5000);
    const { scheduler, launched } = schedulerOver(services, { indexed: false });

    // Act: woken three times, one after the other
    for (let i = 0; i < 3; i += 1) await scheduler.reconcile(cluster, name);

    // Assert
    expect(launched).toHaveLength(3);
  });

  it('a scheduler that died holding the lease delays the service only until the lease runs out', async () => {
    // Prepare: a lease taken by a scheduler that then died, for half a second
    const cluster = uniqueName('dead');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const name = uniqueName('web');
    const services = new DynamoDbServiceRepository(table);
    await services.create(newService(cluster, name, 2), 5000);
    expect(await services.tryLease(cluster, name, 'dead', Date.now() + 500, Date.now())).toBe(
      'acquired',
    );
    const { scheduler, launched } = schedulerOver(services);

    // Act and assert: woken while the dead one's lease holds, nothing happens…
    await scheduler.reconcile(cluster, name);
    expect(launched).toHaveLength(0);
    // …and once it has run out, the next wake-up (or the sweep) does the work.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await scheduler.reconcile(cluster, name);
    expect(launched).toHaveLength(2);
  });
});
