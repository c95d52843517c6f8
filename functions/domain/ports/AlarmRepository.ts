import type { AlarmStatus } from '../metrics/alarms';
import type { PutMetricAlarmInput } from '../metrics/validation';

/**
 * The local CloudWatch endpoint's metric alarms (PutMetricAlarm). On AWS
 * alarms are CloudWatch's own; locally Berth keeps them and evaluates them
 * from its metric store, for step scaling policies and for DescribeAlarms.
 */

interface StoredAlarm extends PutMetricAlarmInput {
  readonly alarmArn: string;
  readonly configurationUpdatedAt: number;
  readonly status: AlarmStatus;
  readonly stateUpdatedAt: number;
}

interface AlarmRepository {
  /** Creates or replaces an alarm by name. */
  save(alarm: StoredAlarm): Promise<void>;
  /** Every alarm, by name (a local stack holds a handful). */
  list(): Promise<StoredAlarm[]>;
  /** Deletes the alarms named; unknown names are ignored, as CloudWatch ignores them. */
  delete(names: readonly string[]): Promise<void>;
  /**
   * Records a new state, only if the alarm's state was last updated at
   * `previousUpdatedAt` (two evaluations racing record one change).
   */
  saveState(
    name: string,
    status: AlarmStatus,
    at: number,
    previousUpdatedAt: number,
  ): Promise<boolean>;
}

export type { AlarmRepository, StoredAlarm };
