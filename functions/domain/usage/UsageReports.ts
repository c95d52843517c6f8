import type { Clock } from '../ports/Clock';
import type { UsageRepository } from '../ports/UsageRepository';
import type { TaskRecord } from '../tasks/model';
import { usageRecordOf } from './model';
import type { FargatePrices } from './prices';
import { type UsageReport, usageReport } from './report';
import type { GetUsageReportRequest } from './validation';

/**
 * Metered usage of FARGATE tasks: records written as tasks start and stop
 * (`meter`, called on every task transition), and Berth's own API operation
 * GetUsageReport over them, with the configured prices.
 */

interface UsageReportsDependencies {
  readonly usage: UsageRepository;
  readonly prices: FargatePrices;
  readonly clock: Clock;
}

class UsageReports {
  readonly #deps: UsageReportsDependencies;

  constructor(deps: UsageReportsDependencies) {
    this.#deps = deps;
  }

  /**
   * After a task's transition: a FARGATE task's usage record is written when
   * it first has a billing start (its host began pulling, or it runs), when
   * that start changes, and when it stops. Other transitions write nothing.
   */
  async meter(current: TaskRecord, next: TaskRecord): Promise<void> {
    if (next.launchType !== 'FARGATE') return;
    const record = usageRecordOf(next);
    if (!record) return;
    const before = usageRecordOf(current);
    // Written when billing starts, when its start moves (a pull start reported late), and at the end.
    const changed =
      before === undefined ||
      before.billingStart !== record.billingStart ||
      before.billingEnd !== record.billingEnd;
    if (changed) await this.#deps.usage.save(record, next.createdAt);
  }

  async report(request: GetUsageReportRequest): Promise<UsageReport> {
    const records = await this.#deps.usage.overlapping(
      request.startTime,
      request.endTime,
      request.cluster,
    );
    return usageReport(records, {
      from: request.startTime,
      to: request.endTime,
      groupBy: request.groupBy,
      prices: this.#deps.prices,
      now: this.#deps.clock.now(),
    });
  }
}

export type { UsageReportsDependencies };
export { UsageReports };
