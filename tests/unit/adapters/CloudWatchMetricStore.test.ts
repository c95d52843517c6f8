import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchMetricStore } from '../../../functions/adapters/cloudwatch/CloudWatchMetricStore';
import { sampleOfStatistics, sampleOfValue } from '../../../functions/domain/metrics/model';

const identity = (namespace = 'Berth/ECS') => ({
  namespace,
  metricName: 'CPUUtilization',
  dimensions: [
    { name: 'ClusterName', value: 'demo' },
    { name: 'ServiceName', value: 'web' },
  ],
});

const MINUTE = 60_000;

describe('Class: CloudWatchMetricStore', () => {
  const client = new CloudWatchClient({ region: 'us-east-1' });
  const cloudWatch = mockClient(client);
  const store = new CloudWatchMetricStore({ region: 'us-east-1', client });

  beforeEach(() => cloudWatch.reset());

  it('puts samples as statistic sets, one request per namespace and 1,000 data at most', async () => {
    // Prepare
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const many = Array.from({ length: 1001 }, (_, index) => ({
      identity: identity(),
      sample: sampleOfStatistics(index * 1000, { sampleCount: 2, sum: 10, minimum: 4, maximum: 6 }),
    }));

    // Act
    await store.put([...many, { identity: identity('Custom'), sample: sampleOfValue(0, 5) }]);

    // Assess
    const calls = cloudWatch.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.Namespace, input.MetricData?.length])).toEqual([
      ['Berth/ECS', 1000],
      ['Berth/ECS', 1],
      ['Custom', 1],
    ]);
    expect(calls[0]?.MetricData?.[0]).toMatchObject({
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: 'demo' },
        { Name: 'ServiceName', Value: 'web' },
      ],
      StatisticValues: { SampleCount: 2, Sum: 10, Minimum: 4, Maximum: 6 },
    });
    expect(calls[2]?.MetricData?.[0]).toMatchObject({ Values: [5], Counts: [1] });
  });

  it('reads each minute back as one statistic-set sample, across pages', async () => {
    // Prepare
    const at = (minute: number) => new Date(minute * MINUTE);
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'samplecount', Timestamps: [at(1)], Values: [3] },
          { Id: 'sum', Timestamps: [at(1)], Values: [150] },
          { Id: 'minimum', Timestamps: [at(1)], Values: [40] },
          { Id: 'maximum', Timestamps: [at(1)], Values: [60] },
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'samplecount', Timestamps: [at(2)], Values: [1] },
          { Id: 'sum', Timestamps: [at(2)], Values: [70] },
          { Id: 'minimum', Timestamps: [at(2)], Values: [70] },
          { Id: 'maximum', Timestamps: [at(2)], Values: [70] },
        ],
      });

    // Act
    const samples = await store.readSamples(identity(), 0, 3 * MINUTE);

    // Assess
    expect(samples).toEqual([
      { timestamp: MINUTE, sampleCount: 3, sum: 150, minimum: 40, maximum: 60 },
      { timestamp: 2 * MINUTE, sampleCount: 1, sum: 70, minimum: 70, maximum: 70 },
    ]);
    const first = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(first?.MetricDataQueries?.map((query) => query.MetricStat?.Stat)).toEqual([
      'SampleCount',
      'Sum',
      'Minimum',
      'Maximum',
    ]);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe('more');
  });

  it('lists metrics with the filter passed through', async () => {
    // Prepare
    cloudWatch.on(ListMetricsCommand).resolves({
      Metrics: [
        {
          Namespace: 'Berth/ECS',
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'ClusterName', Value: 'demo' }],
        },
      ],
    });

    // Act
    const metrics = await store.listMetrics({
      namespace: 'Berth/ECS',
      dimensions: [{ name: 'ClusterName' }],
    });

    // Assess
    expect(metrics).toEqual([
      {
        namespace: 'Berth/ECS',
        metricName: 'CPUUtilization',
        dimensions: [{ name: 'ClusterName', value: 'demo' }],
      },
    ]);
    expect(cloudWatch.commandCalls(ListMetricsCommand)[0]?.args[0].input).toMatchObject({
      Namespace: 'Berth/ECS',
      Dimensions: [{ Name: 'ClusterName' }],
    });
  });
});
