import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { ecsClient, signedPost, stackUrl, uniqueName } from '../helpers/clients';

/**
 * Metered usage of FARGATE tasks: a task run and stopped through the ECS
 * API is billed as Fargate bills (per second, one minute at least), read
 * back with Berth's GetUsageReport and printed by `npm run usage`.
 */

const ecs = ecsClient();
const ROOT = resolve(__dirname, '..', '..');
/** us-east-1 Linux/x86 prices, the defaults. */
const PER_VCPU_HOUR = 0.04048;
const PER_GB_HOUR = 0.004445;

const getUsageReport = async (body: Record<string, unknown>) => {
  const response = await signedPost(
    JSON.stringify(body),
    {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Berth_20261201.GetUsageReport',
    },
    'berth',
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

afterAll(() => ecs.destroy());

describe('Metered usage', () => {
  it('bills a short FARGATE task one minute of its vCPU and memory, and prints it', async () => {
    // Prepare
    const cluster = uniqueName('usage');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const family = uniqueName('billed');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
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
    const startTime = Date.now() - 60_000;

    // Act: run it, stop it, and ask for the bill of the hour around it
    const { tasks } = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-berth-a'] } },
      }),
    );
    const taskArn = tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn }));
    await waitUntilTasksStopped(
      { client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { cluster, tasks: [taskArn] },
    );
    const { status, body } = await getUsageReport({
      startTime: startTime / 1000,
      endTime: (Date.now() + 5 * 60_000) / 1000,
      cluster,
      groupBy: 'family',
    });

    // Assess: 0.5 vCPU and 1 GB for the one-minute minimum
    expect(status).toBe(200);
    const rows = body.rows as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ cluster, family, tasks: 1 });
    expect(rows[0]?.vcpuHours).toBeCloseTo((0.5 * 60) / 3600, 9);
    expect(rows[0]?.gbHours).toBeCloseTo((1 * 60) / 3600, 9);
    expect(rows[0]?.total).toBeCloseTo(
      ((0.5 * 60) / 3600) * PER_VCPU_HOUR + (60 / 3600) * PER_GB_HOUR,
      9,
    );
    expect((body.total as Record<string, unknown>).total).toBe(rows[0]?.total);

    // Act + Assess: the command prints the same as a table
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(ROOT, 'scripts', 'usage.ts'),
        '--endpoint',
        stackUrl(),
        '--since',
        '1h',
        '--cluster',
        cluster,
        '--group-by',
        'family',
      ],
      { cwd: ROOT },
    );
    expect(stdout).toContain(family);
    expect(stdout).toMatch(/total/i);
  }, 120_000);

  it('refuses a range that ends before it starts, in ECS words', async () => {
    const { status, body } = await getUsageReport({ startTime: 2_000_000, endTime: 1_000_000 });

    expect(status).toBe(400);
    expect(body.__type).toBe('InvalidParameterException');
  });
});
