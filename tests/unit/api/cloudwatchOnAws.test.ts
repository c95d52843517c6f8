import { ownNamespaceOnly } from '../../../functions/api/cloudwatch';
import { awsOperations, localOperations } from '../../../functions/api/operations';
import type { Operation } from '../../../functions/api/registry';
import { InvalidParameterValueException } from '../../../functions/domain/metrics/errors';

const CLOUDWATCH = 'GraniteServiceVersion20100801';

describe('CloudWatch on Berth’s endpoint', () => {
  it('answers every CloudWatch operation locally, and only reads on AWS', () => {
    const onAws = Object.keys(awsOperations).filter((target) => target.startsWith(CLOUDWATCH));
    const local = Object.keys(localOperations).filter((target) => target.startsWith(CLOUDWATCH));
    expect(onAws.sort()).toEqual(
      ['GetMetricData', 'GetMetricStatistics', 'ListMetrics'].map(
        (name) => `${CLOUDWATCH}.${name}`,
      ),
    );
    expect(local).toEqual(
      expect.arrayContaining([`${CLOUDWATCH}.PutMetricData`, `${CLOUDWATCH}.PutMetricAlarm`]),
    );
  });

  it.each([
    ['its own namespace', ['Berth/ECS'], undefined],
    ['its own namespace twice', ['Berth/ECS', 'Berth/ECS'], undefined],
    ['another namespace', ['Berth/ECS', 'AWS/EC2'], 'not AWS/EC2'],
    ['no namespace (every one)', [undefined], 'not every namespace'],
    ['nothing named', [], 'not every namespace'],
  ])('on AWS reads %s', (_, namespaces, refusal) => {
    const read = () => ownNamespaceOnly(namespaces, 'Berth/ECS');
    if (refusal === undefined) expect(read).not.toThrow();
    else {
      expect(read).toThrow(InvalidParameterValueException);
      expect(read).toThrow(
        `Berth serves the metrics of its own namespace Berth/ECS only, ${refusal}.`,
      );
    }
  });

  it('reads through the metric queries only for its own namespace', async () => {
    const getMetricData = jest.fn(async () => ({ MetricDataResults: [] }));
    const deps = {
      clock: { now: () => Date.now() },
      config: { metricsNamespace: 'Berth/ECS' },
      metricQueries: { getMetricData },
    } as unknown as Parameters<Operation>[1];
    const operation = awsOperations[`${CLOUDWATCH}.GetMetricData`] as Operation;
    const query = (namespace: string) => ({
      StartTime: 1_700_000_000,
      EndTime: 1_700_003_600,
      MetricDataQueries: [
        {
          Id: 'cpu',
          MetricStat: {
            Metric: { Namespace: namespace, MetricName: 'CPUUtilization' },
            Period: 60,
            Stat: 'Average',
          },
        },
      ],
    });
    const caller = {} as Parameters<Operation>[2];

    await expect(operation(query('Berth/ECS'), deps, caller)).resolves.toEqual({
      MetricDataResults: [],
    });
    await expect(operation(query('AWS/RDS'), deps, caller)).rejects.toThrow(
      InvalidParameterValueException,
    );
    expect(getMetricData).toHaveBeenCalledTimes(1);
  });
});
