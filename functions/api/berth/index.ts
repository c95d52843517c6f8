import { clusterNameFrom } from '../../domain/arns';
import { validateGetUsageReportRequest } from '../../domain/usage/validation';
import {
  BERTH_TARGET_PREFIX,
  type Operation,
  type OperationRegistry,
  withPrefix,
} from '../registry';

/**
 * Berth's own operations, beside ECS's: `Berth_20261201.GetUsageReport`
 * answers the metered usage and cost of FARGATE tasks over a time range,
 * grouped by cluster, service, family or task (`npm run usage` prints it).
 */

const GetUsageReport: Operation = async (body, { usageReports }) => {
  const request = validateGetUsageReportRequest(body);
  const report = await usageReports.report({
    ...request,
    ...(request.cluster === undefined ? {} : { cluster: clusterNameFrom(request.cluster) }),
  });
  // Times as the wire has them (epoch seconds), like every other timestamp.
  return { ...report, from: new Date(report.from), to: new Date(report.to) };
};

const berthOperations: OperationRegistry = withPrefix(BERTH_TARGET_PREFIX, { GetUsageReport });

export { berthOperations };
