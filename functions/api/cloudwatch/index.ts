import { InvalidParameterValueException } from '../../domain/metrics/errors';
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

/**
 * On AWS the metrics are in CloudWatch, and Berth's endpoint answers reads
 * of its own namespace only (`BERTH_METRICS_NAMESPACE`, `Berth/ECS`), with
 * its function's role: the console's charts, and any client, can read what
 * Berth wrote, and nothing else of the account's. Writes and alarms stay
 * CloudWatch's own.
 */
const ownNamespaceOnly = (namespaces: readonly (string | undefined)[], own: string): void => {
  const foreign = namespaces.findIndex((namespace) => namespace !== own);
  if (foreign !== -1 || namespaces.length === 0) {
    throw new InvalidParameterValueException(
      `Berth serves the metrics of its own namespace ${own} only, not ${namespaces[foreign] ?? 'every namespace'}.`,
    );
  }
};

const readOnlyOnAws = {
  GetMetricStatistics: (async (body, deps) => {
    const input = validateGetMetricStatistics(body, deps.clock.now());
    ownNamespaceOnly([input.namespace], deps.config.metricsNamespace);
    return deps.metricQueries.getMetricStatistics(input);
  }) satisfies Operation,
  GetMetricData: (async (body, deps) => {
    const input = validateGetMetricData(body);
    ownNamespaceOnly(
      input.queries.flatMap((query) => (query.metricStat ? [query.metricStat.namespace] : [])),
      deps.config.metricsNamespace,
    );
    return deps.metricQueries.getMetricData(input);
  }) satisfies Operation,
  ListMetrics: (async (body, deps) => {
    const input = validateListMetrics(body);
    ownNamespaceOnly([input.namespace], deps.config.metricsNamespace);
    return deps.metricQueries.listMetrics(input);
  }) satisfies Operation,
};

const cloudWatchReadOperations: OperationRegistry = withPrefix(
  CLOUDWATCH_TARGET_PREFIX,
  readOnlyOnAws,
);

const cloudWatchOperations: OperationRegistry = withPrefix(CLOUDWATCH_TARGET_PREFIX, {
  PutMetricData,
  GetMetricStatistics,
  GetMetricData,
  ListMetrics,
  PutMetricAlarm,
  DescribeAlarms,
  DeleteAlarms,
});

export {
  CLOUDWATCH_TARGET_PREFIX,
  cloudWatchOperations,
  cloudWatchReadOperations,
  ownNamespaceOnly,
};
