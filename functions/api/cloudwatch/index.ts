import {
  validateDeleteAlarms,
  validateDescribeAlarms,
  validateGetMetricData,
  validateGetMetricStatistics,
  validateListMetrics,
  validatePutMetricAlarm,
  validatePutMetricData,
} from '../../domain/metrics/validation';
import { type Operation, type OperationRegistry, withPrefix } from '../registry';

/**
 * The CloudWatch operations of the local endpoint (AWS JSON 1.0, target
 * prefix `GraniteServiceVersion20100801`, as `@aws-sdk/client-cloudwatch`
 * and the AWS CLI speak it), answered only where Berth keeps the metrics
 * itself; on AWS the clients talk to CloudWatch.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/Welcome.html
 */

const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801';

const PutMetricData: Operation = async (body, { metricQueries, clock }) => {
  await metricQueries.putMetricData(validatePutMetricData(body, clock.now()));
  return {};
};

const GetMetricStatistics: Operation = (body, { metricQueries, clock }) =>
  metricQueries.getMetricStatistics(validateGetMetricStatistics(body, clock.now()));

const GetMetricData: Operation = (body, { metricQueries }) =>
  metricQueries.getMetricData(validateGetMetricData(body));

const ListMetrics: Operation = (body, { metricQueries }) =>
  metricQueries.listMetrics(validateListMetrics(body));

const PutMetricAlarm: Operation = async (body, { alarms }) => {
  await alarms.put(validatePutMetricAlarm(body));
  return {};
};

const DescribeAlarms: Operation = (body, { alarms }) =>
  alarms.describe(validateDescribeAlarms(body));

const DeleteAlarms: Operation = async (body, { alarms }) => {
  await alarms.delete(validateDeleteAlarms(body).alarmNames);
  return {};
};

const cloudWatchOperations: OperationRegistry = withPrefix(CLOUDWATCH_TARGET_PREFIX, {
  PutMetricData,
  GetMetricStatistics,
  GetMetricData,
  ListMetrics,
  PutMetricAlarm,
  DescribeAlarms,
  DeleteAlarms,
});

export { CLOUDWATCH_TARGET_PREFIX, cloudWatchOperations };
