import { DynamoDbMetricStore } from '../../functions/adapters/dynamodb/DynamoDbMetricStore';
import { DynamoDbScalingRepository } from '../../functions/adapters/dynamodb/DynamoDbScalingRepository';
import {
  createDocumentClient,
  DynamoDbTable,
} from '../../functions/adapters/dynamodb/DynamoDbTable';
import { MetricQueries } from '../../functions/domain/metrics/MetricQueries';
import { sampleOfValue } from '../../functions/domain/metrics/model';
import { ScalingEvaluator } from '../../functions/domain/scaling/ScalingEvaluator';
import type { ServiceRecord } from '../../functions/domain/services/model';
import { credentials, uniqueName } from '../helpers/clients';

/**
 * The evaluator's claim on a target, against the stack's DynamoDB Local
 * with many evaluators in one process at once (serverless-offline runs one
 * invocation of a function at a time; Lambda and a late schedule do not).
 * Setting the desired count is slow on purpose, which widens the window in
 * which two evaluators without a claim would both scale the target.
 */

process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey;
const table = new DynamoDbTable(
  createDocumentClient({ region: 'us-east-1', endpoint: process.env.BERTH_TEST_DYNAMODB_URL }),
  'berth-local-resources',
);
const PERIOD_SECONDS = 2;

describe('Class: ScalingEvaluator, against DynamoDB Local', () => {
  it('scales a target once when ten evaluators run at the same moment', async () => {
    // Prepare: a target at 2 tasks whose metric sits at twice the target value
    const scaling = new DynamoDbScalingRepository(table);
    const metrics = new DynamoDbMetricStore(table);
    const cluster = uniqueName('claim');
    const key = {
      ServiceNamespace: 'ecs' as const,
      ResourceId: `service/${cluster}/web`,
      ScalableDimension: 'ecs:service:DesiredCount' as const,
    };
    const now = Date.now();
    await scaling.saveTarget({
      ...key,
      MinCapacity: 1,
      MaxCapacity: 10,
      RoleARN: 'role',
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
      CreationTime: new Date(now - 60_000),
      ScalableTargetARN: 'arn',
    });
    await scaling.savePolicy({
      ...key,
      PolicyName: 'load',
      PolicyARN: 'arn:policy',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 50,
        CustomizedMetricSpecification: {
          Namespace: cluster,
          MetricName: 'Load',
          Statistic: 'Average',
        },
        ScaleOutCooldown: 0,
      },
      Alarms: [{ AlarmName: `TargetTracking-${key.ResourceId}-AlarmHigh-x`, AlarmARN: 'a' }],
      CreationTime: new Date(now - 60_000),
    });
    const periodMs = PERIOD_SECONDS * 1000;
    const end = Math.floor(now / periodMs) * periodMs;
    await metrics.put(
      Array.from({ length: 4 }, (_, index) => ({
        identity: { namespace: cluster, metricName: 'Load', dimensions: [] },
        sample: sampleOfValue(end - (index + 1) * periodMs + 100, 100),
      })),
    );
    let desiredCount = 2;
    const calls: number[] = [];
    const service = (): ServiceRecord =>
      ({ cluster, name: 'web', status: 'ACTIVE', desiredCount }) as ServiceRecord;
    const evaluator = () =>
      new ScalingEvaluator({
        scaling,
        services: { get: async () => service() },
        setDesiredCount: async (_cluster, _service, count) => {
          calls.push(count);
          await new Promise((resolve) => setTimeout(resolve, 200));
          desiredCount = count;
        },
        metricQueries: new MetricQueries({ metrics, clock: { now: () => now } }),
        stepAlarms: { alarmsFor: async () => [] },
        clock: { now: () => now },
        namespace: 'AWS/ECS',
        periodSeconds: PERIOD_SECONDS,
      });

    // Act
    await Promise.all(Array.from({ length: 10 }, () => evaluator().evaluate(key)));

    // Assess: one scale-out (2 × 100 / 50), one activity, and the claim is given back
    expect(calls).toEqual([4]);
    const activities = await scaling.listActivities(
      { resourceIds: [key.ResourceId], scalableDimension: key.ScalableDimension },
      { maxResults: 50 },
    );
    expect(activities.items.map((activity) => activity.Description)).toEqual([
      'Setting desired count to 4.',
    ]);
    expect(await scaling.claimEvaluation(key, now, now + 1000)).toBe(true);
  });
});
