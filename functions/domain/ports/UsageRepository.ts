import type { UsageRecord } from '../usage/model';

/**
 * What Berth keeps of each FARGATE task for metering, longer than the task
 * itself (a STOPPED task is forgotten after hours; its bill is not). A
 * record is written when the task starts to be billed and written again,
 * with its end, when it stops; both writes put the whole record, so a
 * repeated one changes nothing.
 */
interface UsageRepository {
  /**
   * `createdAt` is the task's creation (epoch ms): it never changes and never
   * follows the billing start, so it keys the record while the billing start
   * may still move earlier (a pull start reported after the task ran).
   */
  save(record: UsageRecord, createdAt: number): Promise<void>;
  /** The records whose billing may overlap [from, to): begun before `to`, not ended before `from`. */
  overlapping(from: number, to: number, cluster?: string): Promise<UsageRecord[]>;
}

export type { UsageRepository };
