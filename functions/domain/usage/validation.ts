import { InvalidParameterException } from '../errors';
import { isJsonObject, optionalEnum, optionalString } from '../validation/shape';
import { USAGE_GROUPINGS, type UsageGrouping } from './report';

/**
 * The request of `GetUsageReport`, Berth's own operation on the ECS endpoint
 * (ECS has no such operation): FARGATE usage and cost over a range.
 *
 *   { "startTime": 1767225600 | "2026-01-01T00:00:00Z",
 *     "endTime": …, "cluster": "default", "groupBy": "service" }
 *
 * Timestamps come as the JSON protocol sends them (epoch seconds, which may
 * carry a fraction) or as ISO 8601 text, as the SDKs and a person at a CLI
 * write them. Messages follow ECS's wording for invalid parameters.
 */

/** A year and a day: a leap year's report, with room for the range's own day. */
const MAX_RANGE_DAYS = 366;
const MS_PER_DAY = 86_400_000;
const DEFAULT_GROUPING: UsageGrouping = 'service';

interface GetUsageReportRequest {
  /** Epoch ms, inclusive. */
  readonly startTime: number;
  /** Epoch ms, exclusive. */
  readonly endTime: number;
  /** A cluster name or ARN, as the request gave it; all clusters when absent. */
  readonly cluster?: string | undefined;
  readonly groupBy: UsageGrouping;
}

const readTimestamp = (value: unknown, path: string): number => {
  if (value === undefined || value === null) {
    throw new InvalidParameterException(`Missing required parameter ${path}.`);
  }
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) {
      throw new InvalidParameterException(
        `Invalid value for parameter ${path}: '${value}'. Expected epoch seconds or an ISO 8601 timestamp.`,
      );
    }
    return parsed;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}: ${JSON.stringify(value)}. Expected epoch seconds or an ISO 8601 timestamp.`,
    );
  }
  return Math.round(value * 1000);
};

/**
 * Reads a `GetUsageReport` body into the report's range (epoch ms), the
 * cluster it is limited to and the grouping (`service` when absent).
 *
 * @example
 * validateGetUsageReportRequest({ startTime: '2026-05-01T00:00:00Z', endTime: 1780272000 });
 * // { startTime: 1777593600000, endTime: 1780272000000, groupBy: 'service' }
 * @throws InvalidParameterException for a body that is not an object, a
 *   missing or unreadable time, a start not before the end, a range longer
 *   than 366 days, an empty cluster or a grouping it does not know.
 */
function validateGetUsageReportRequest(body: unknown): GetUsageReportRequest {
  if (!isJsonObject(body)) {
    throw new InvalidParameterException('The request body must be a JSON object.');
  }
  const startTime = readTimestamp(body.startTime, 'startTime');
  const endTime = readTimestamp(body.endTime, 'endTime');
  if (startTime >= endTime) {
    throw new InvalidParameterException('The startTime must be before the endTime.');
  }
  if (endTime - startTime > MAX_RANGE_DAYS * MS_PER_DAY) {
    throw new InvalidParameterException(
      `The time range between startTime and endTime cannot exceed ${MAX_RANGE_DAYS} days.`,
    );
  }
  const cluster = optionalString(body.cluster, 'cluster');
  if (cluster !== undefined && cluster.trim() === '') {
    throw new InvalidParameterException('Cluster cannot be empty.');
  }
  const groupBy = optionalEnum(body.groupBy, 'groupBy', USAGE_GROUPINGS) ?? DEFAULT_GROUPING;
  return { startTime, endTime, ...(cluster === undefined ? {} : { cluster }), groupBy };
}

export type { GetUsageReportRequest };
export { MAX_RANGE_DAYS, validateGetUsageReportRequest };
