/**
 * How a step scaling policy learns that it is triggered: the alarms whose
 * ALARM actions name it. Locally these are Berth's own alarms
 * (`AlarmService`, evaluated from its metric store); on AWS they would be
 * CloudWatch's, read with DescribeAlarms.
 */

/** A step policy's alarm as the evaluator reads it. */
interface StepAlarm {
  readonly alarmName: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly threshold: number;
  /** The newest datapoint the alarm evaluated. */
  readonly value?: number | undefined;
}

interface StepAlarms {
  /** The alarms that act on `policyArn`, evaluated at `now` (epoch ms). */
  alarmsFor(policyArn: string, now: number): Promise<StepAlarm[]>;
}

export type { StepAlarm, StepAlarms };
