import {
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { type AgentProcess, startAgentProcess } from '../helpers/agentProcess';
import { cloudWatchClient, ecsClient, stackUrl, uniqueName } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { failureOf } from '../helpers/scaling';

/**
 * ECS's utilization metrics from a real agent's measurements, read back with
 * the unmodified CloudWatch client (AWS JSON 1.0) from the local endpoint.
 */

const ecs = ecsClient();
const cloudWatch = cloudWatchClient();
const agents: AgentProcess[] = [];
const errorOf = failureOf;
const MINUTE = 60_000;

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  ecs.destroy();
  cloudWatch.destroy();
});

describe('CloudWatch metrics on the local endpoint', () => {
  it("turns a busy service task's measured use into CPUUtilization and MemoryUtilization", async () => {
    // Prepare: one agent measuring every second, a service whose task burns a CPU
    const cluster = uniqueName('metrics');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agents.push(
      await startAgentProcess({
        endpoint: stackUrl(),
        wsEndpoint: process.env.BERTH_TEST_WS_URL ?? '',
        cluster,
        cpu: 2048,
        extraArgs: ['--metrics-seconds', '1'],
      }),
    );
    const family = uniqueName('burn');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'burn', image: 'busybox', command: ['sh', '-c', 'while :; do :; done'] },
        ],
      }),
    );
    const serviceName = uniqueName('busy');
    await ecs.send(
      new CreateServiceCommand({ cluster, serviceName, taskDefinition: family, desiredCount: 1 }),
    );
    const dimensions = [
      { Name: 'ClusterName', Value: cluster },
      { Name: 'ServiceName', Value: serviceName },
    ];

    try {
      // Act: read it back as `aws cloudwatch get-metric-statistics` does
      const statistics = await eventually(
        () =>
          cloudWatch.send(
            new GetMetricStatisticsCommand({
              Namespace: 'AWS/ECS',
              MetricName: 'CPUUtilization',
              Dimensions: dimensions,
              StartTime: new Date(Date.now() - 5 * MINUTE),
              EndTime: new Date(Date.now() + MINUTE),
              Period: 60,
              Statistics: ['Average', 'Maximum', 'SampleCount'],
            }),
          ),
        (out) => (out.Datapoints ?? []).reduce((n, point) => n + (point.SampleCount ?? 0), 0) >= 2,
        45_000,
      );

      // Assess: a busy loop is most of a vCPU, many times the 256 units reserved
      const point = statistics.Datapoints?.at(-1);
      expect(statistics.Label).toBe('CPUUtilization');
      expect(point?.Unit).toBe('Percent');
      expect(point?.Maximum).toBeGreaterThan(100);
      expect(point?.Timestamp).toBeInstanceOf(Date);
      const memory = await cloudWatch.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/ECS',
          MetricName: 'MemoryUtilization',
          Dimensions: dimensions,
          StartTime: new Date(Date.now() - 5 * MINUTE),
          EndTime: new Date(Date.now() + MINUTE),
          Period: 60,
          Statistics: ['Maximum'],
        }),
      );
      expect(memory.Datapoints?.[0]?.Maximum).toBeGreaterThan(0);
      expect(memory.Datapoints?.[0]?.Maximum).toBeLessThan(100);

      // The metric is listed, under the cluster alone too.
      const listed = await cloudWatch.send(
        new ListMetricsCommand({
          Namespace: 'AWS/ECS',
          Dimensions: [{ Name: 'ClusterName', Value: cluster }],
        }),
      );
      expect(
        (listed.Metrics ?? []).map((metric) => [metric.MetricName, metric.Dimensions?.length]),
      ).toEqual(
        expect.arrayContaining([
          ['CPUUtilization', 1],
          ['CPUUtilization', 2],
          ['MemoryUtilization', 2],
        ]),
      );

      // GetMetricData: a MetricStat and an expression over it.
      const data = await cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 5 * MINUTE),
          EndTime: new Date(Date.now() + MINUTE),
          MetricDataQueries: [
            {
              Id: 'cpu',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ECS',
                  MetricName: 'CPUUtilization',
                  Dimensions: dimensions,
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
            { Id: 'quarter', Expression: 'cpu / 4', Label: 'a quarter' },
          ],
        }),
      );
      const [cpu, quarter] = data.MetricDataResults ?? [];
      expect(cpu?.StatusCode).toBe('Complete');
      expect(cpu?.Values?.length).toBeGreaterThan(0);
      expect(quarter?.Label).toBe('a quarter');
      expect(quarter?.Values?.[0]).toBeCloseTo((cpu?.Values?.[0] ?? 0) / 4, 6);
    } finally {
      await ecs.send(new DeleteServiceCommand({ cluster, service: serviceName, force: true }));
    }
  }, 90_000);

  it('keeps what PutMetricData puts, and answers statistics over it', async () => {
    // Prepare
    const namespace = uniqueName('Custom');
    const now = Date.now();

    // Act
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: [
          { MetricName: 'Queue', Value: 4, Unit: 'Count', Timestamp: new Date(now - 1000) },
          { MetricName: 'Queue', Values: [1, 7], Counts: [2, 1], Unit: 'Count' },
          {
            MetricName: 'Queue',
            StatisticValues: { SampleCount: 2, Sum: 10, Minimum: 3, Maximum: 7 },
            Unit: 'Count',
          },
        ],
      }),
    );
    const out = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName: 'Queue',
        StartTime: new Date(now - 10 * MINUTE),
        EndTime: new Date(now + 10 * MINUTE),
        Period: 3600,
        Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum', 'Average'],
      }),
    );

    // Assess: 1 + 3 + 2 samples, 4 + 9 + 10 in all
    expect(out.Datapoints).toHaveLength(1);
    expect(out.Datapoints?.[0]).toMatchObject({
      SampleCount: 6,
      Sum: 23,
      Minimum: 1,
      Maximum: 7,
      Unit: 'Count',
    });
    expect(out.Datapoints?.[0]?.Average).toBeCloseTo(23 / 6, 9);
  });

  it.each([
    [
      'an EndTime before the StartTime',
      { StartTime: new Date(Date.now()), EndTime: new Date(Date.now() - MINUTE) },
      InvalidParameterValueException,
      /StartTime must be less than the parameter EndTime/,
    ],
    [
      'more than 1,440 datapoints',
      { StartTime: new Date(Date.now() - 2 * 24 * 60 * MINUTE), EndTime: new Date(Date.now()) },
      InvalidParameterCombinationException,
      /exceeds the limit of 1440/,
    ],
  ])('refuses %s with CloudWatch error', async (_case, times, type, message) => {
    // Act
    const error = await errorOf(
      cloudWatch.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/ECS',
          MetricName: 'CPUUtilization',
          Period: 60,
          Statistics: ['Average'],
          ...times,
        }),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a put into an AWS/ namespace', async () => {
    const error = await errorOf(
      cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/ECS',
          MetricData: [{ MetricName: 'x', Value: 1 }],
        }),
      ),
    );

    expect(error).toBeInstanceOf(InvalidParameterValueException);
  });
});
