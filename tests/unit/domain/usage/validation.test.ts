import { InvalidParameterException } from '../../../../functions/domain/errors';
import { validateGetUsageReportRequest } from '../../../../functions/domain/usage/validation';

const MAY_1 = Date.parse('2026-05-01T00:00:00Z');
const JUNE_1 = Date.parse('2026-06-01T00:00:00Z');

describe('Function: validateGetUsageReportRequest', () => {
  it.each([
    ['epoch seconds', { startTime: MAY_1 / 1000, endTime: JUNE_1 / 1000 }],
    ['ISO 8601 text', { startTime: '2026-05-01T00:00:00Z', endTime: '2026-06-01T00:00:00.000Z' }],
    ['one of each', { startTime: '2026-05-01T00:00:00Z', endTime: JUNE_1 / 1000 }],
  ])('reads a range given as %s, grouped by service by default', (_form, body) => {
    // Act
    const request = validateGetUsageReportRequest(body);

    // Assess
    expect(request).toEqual({ startTime: MAY_1, endTime: JUNE_1, groupBy: 'service' });
  });

  it('keeps the cluster, the grouping and fractional seconds', () => {
    // Act
    const request = validateGetUsageReportRequest({
      startTime: MAY_1 / 1000 + 0.25,
      endTime: JUNE_1 / 1000,
      cluster: 'prod',
      groupBy: 'family',
    });

    // Assess
    expect(request).toEqual({
      startTime: MAY_1 + 250,
      endTime: JUNE_1,
      cluster: 'prod',
      groupBy: 'family',
    });
  });

  it('accepts a range of exactly 366 days', () => {
    // Act
    const request = validateGetUsageReportRequest({
      startTime: MAY_1 / 1000,
      endTime: MAY_1 / 1000 + 366 * 86_400,
    });

    // Assess
    expect(request.endTime - request.startTime).toBe(366 * 86_400_000);
  });

  const range = { startTime: MAY_1 / 1000, endTime: JUNE_1 / 1000 };

  it.each([
    ['a body that is not an object', [], 'The request body must be a JSON object.'],
    ['a missing startTime', { endTime: range.endTime }, 'Missing required parameter startTime.'],
    ['a missing endTime', { startTime: range.startTime }, 'Missing required parameter endTime.'],
    [
      'unreadable text',
      { ...range, startTime: 'yesterday' },
      "Invalid value for parameter startTime: 'yesterday'. Expected epoch seconds or an ISO 8601 timestamp.",
    ],
    [
      'a time of the wrong type',
      { ...range, endTime: true },
      'Invalid value for parameter endTime: true. Expected epoch seconds or an ISO 8601 timestamp.',
    ],
    [
      'a negative time',
      { ...range, startTime: -1 },
      'Invalid value for parameter startTime: -1. Expected epoch seconds or an ISO 8601 timestamp.',
    ],
    [
      'a start after the end',
      { startTime: range.endTime, endTime: range.startTime },
      'The startTime must be before the endTime.',
    ],
    [
      'an empty range',
      { startTime: range.startTime, endTime: range.startTime },
      'The startTime must be before the endTime.',
    ],
    [
      'a range of 366 days and a second',
      { startTime: range.startTime, endTime: range.startTime + 366 * 86_400 + 1 },
      'The time range between startTime and endTime cannot exceed 366 days.',
    ],
    ['an empty cluster', { ...range, cluster: ' ' }, 'Cluster cannot be empty.'],
    [
      'a cluster that is not text',
      { ...range, cluster: 7 },
      'Invalid type for parameter cluster: expected a string, got number.',
    ],
    [
      'an unknown grouping',
      { ...range, groupBy: 'region' },
      "Invalid value for parameter groupBy: 'region'. Valid values are: cluster, service, family, task.",
    ],
  ])('rejects %s', (_case, body, message) => {
    // Act
    const read = () => validateGetUsageReportRequest(body);

    // Assess
    expect(read).toThrow(InvalidParameterException);
    expect(read).toThrow(message);
  });
});
