import type { ArnContext } from '../arns';
import type { AlarmRepository, StoredAlarm } from '../ports/AlarmRepository';
import type { Clock } from '../ports/Clock';
import type { StepAlarm, StepAlarms } from '../ports/StepAlarms';
import { type AlarmDatapoint, evaluateAlarm } from './alarms';
import { InvalidNextToken } from './errors';
import type { MetricQueries } from './MetricQueries';
import type { DescribeAlarmsInput, PutMetricAlarmInput } from './validation';

/**
 * The local endpoint's metric alarms: PutMetricAlarm, DescribeAlarms and
 * DeleteAlarms, and their evaluation for step scaling policies.
 *
 * An alarm is evaluated when it is read (DescribeAlarms, and the scaling
 * evaluator every period) from its metric's last periods, with CloudWatch's
 * M-of-N and missing-data rules (./alarms.ts); a change of state is
 * recorded with its reason. Between reads nothing runs: a state nobody
 * reads needs no upkeep, and what a reader sees is never older than its
 * read.
 */

interface WireAlarm {
  readonly [member: string]: unknown;
}

const toWire = (alarm: StoredAlarm): WireAlarm => ({
  AlarmName: alarm.alarmName,
  AlarmArn: alarm.alarmArn,
  ...(alarm.alarmDescription === undefined ? {} : { AlarmDescription: alarm.alarmDescription }),
  AlarmConfigurationUpdatedTimestamp: new Date(alarm.configurationUpdatedAt),
  ActionsEnabled: alarm.actionsEnabled,
  OKActions: alarm.okActions,
  AlarmActions: alarm.alarmActions,
  InsufficientDataActions: alarm.insufficientDataActions,
  StateValue: alarm.status.state,
  StateReason: alarm.status.reason,
  ...(alarm.status.reasonData === undefined ? {} : { StateReasonData: alarm.status.reasonData }),
  StateUpdatedTimestamp: new Date(alarm.stateUpdatedAt),
  MetricName: alarm.metricName,
  Namespace: alarm.namespace,
  ...(/^p\d/.test(alarm.statistic)
    ? { ExtendedStatistic: alarm.statistic }
    : { Statistic: alarm.statistic }),
  Dimensions: alarm.dimensions.map(({ name, value }) => ({ Name: name, Value: value })),
  Period: alarm.periodSeconds,
  ...(alarm.unit === undefined ? {} : { Unit: alarm.unit }),
  EvaluationPeriods: alarm.evaluationPeriods,
  ...(alarm.datapointsToAlarm === undefined ? {} : { DatapointsToAlarm: alarm.datapointsToAlarm }),
  Threshold: alarm.threshold,
  ComparisonOperator: alarm.comparisonOperator,
  TreatMissingData: alarm.treatMissingData ?? 'missing',
  StateTransitionedTimestamp: new Date(alarm.stateUpdatedAt),
});

const decodeOffset = (token: string | undefined): number => {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidNextToken('The service cannot process the NextToken.');
  }
  return offset;
};

interface AlarmServiceDependencies {
  readonly alarms: AlarmRepository;
  readonly metricQueries: Pick<MetricQueries, 'series'>;
  readonly clock: Clock;
  readonly arns: ArnContext;
}

class AlarmService implements StepAlarms {
  readonly #deps: AlarmServiceDependencies;

  constructor(deps: AlarmServiceDependencies) {
    this.#deps = deps;
  }

  /** PutMetricAlarm: a new alarm starts INSUFFICIENT_DATA, as CloudWatch's do. */
  async put(input: PutMetricAlarmInput): Promise<void> {
    const now = this.#deps.clock.now();
    const existing = (await this.#deps.alarms.list()).find(
      (alarm) => alarm.alarmName === input.alarmName,
    );
    await this.#deps.alarms.save({
      ...input,
      alarmArn: `arn:aws:cloudwatch:${this.#deps.arns.region}:${this.#deps.arns.accountId}:alarm:${input.alarmName}`,
      configurationUpdatedAt: now,
      status: existing?.status ?? {
        state: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
      },
      stateUpdatedAt: existing?.stateUpdatedAt ?? now,
    });
  }

  /** DescribeAlarms, each alarm evaluated as it is read. */
  async describe(
    input: DescribeAlarmsInput,
  ): Promise<{ MetricAlarms: WireAlarm[]; CompositeAlarms: []; NextToken?: string }> {
    const now = this.#deps.clock.now();
    const selected = (await this.#deps.alarms.list())
      .filter(
        (alarm) =>
          (input.alarmNames === undefined || input.alarmNames.includes(alarm.alarmName)) &&
          (input.alarmNamePrefix === undefined ||
            alarm.alarmName.startsWith(input.alarmNamePrefix)) &&
          (input.actionPrefix === undefined ||
            [...alarm.alarmActions, ...alarm.okActions, ...alarm.insufficientDataActions].some(
              (action) => action.startsWith(input.actionPrefix ?? ''),
            )),
      )
      .sort((a, b) => (a.alarmName < b.alarmName ? -1 : 1));
    const evaluated = await Promise.all(selected.map((alarm) => this.#evaluate(alarm, now)));
    const matching = evaluated.filter(
      (alarm) => input.stateValue === undefined || alarm.status.state === input.stateValue,
    );
    const offset = decodeOffset(input.nextToken);
    const page = matching.slice(offset, offset + input.maxRecords);
    const next = offset + input.maxRecords;
    return {
      MetricAlarms: page.map(toWire),
      CompositeAlarms: [],
      ...(next < matching.length
        ? { NextToken: Buffer.from(String(next)).toString('base64') }
        : {}),
    };
  }

  async delete(names: readonly string[]): Promise<void> {
    await this.#deps.alarms.delete(names);
  }

  /** The alarms whose ALARM actions name the policy, evaluated now (StepAlarms). */
  async alarmsFor(policyArn: string, now: number): Promise<StepAlarm[]> {
    const alarms = (await this.#deps.alarms.list()).filter(
      (alarm) => alarm.actionsEnabled && alarm.alarmActions.includes(policyArn),
    );
    return Promise.all(
      alarms.map(async (alarm) => {
        const { status, latest } = await this.#evaluateWithValue(alarm, now);
        return {
          alarmName: alarm.alarmName,
          state: status.state,
          threshold: alarm.threshold,
          ...(latest === undefined ? {} : { value: latest }),
        };
      }),
    );
  }

  async #evaluate(alarm: StoredAlarm, now: number): Promise<StoredAlarm> {
    const { status } = await this.#evaluateWithValue(alarm, now);
    return status === alarm.status ? alarm : { ...alarm, status, stateUpdatedAt: now };
  }

  /** The alarm's state from its last periods, recorded when it changed; and the newest datapoint. */
  async #evaluateWithValue(
    alarm: StoredAlarm,
    now: number,
  ): Promise<{ status: StoredAlarm['status']; latest: number | undefined }> {
    const periodMs = alarm.periodSeconds * 1000;
    const endMs = Math.floor(now / periodMs) * periodMs;
    const startMs = endMs - alarm.evaluationPeriods * periodMs;
    const series = await this.#deps.metricQueries.series(
      [
        {
          id: 'alarm',
          returnData: true,
          metricStat: {
            namespace: alarm.namespace,
            metricName: alarm.metricName,
            dimensions: [...alarm.dimensions],
            periodSeconds: alarm.periodSeconds,
            stat: alarm.statistic,
            ...(alarm.unit === undefined ? {} : { unit: alarm.unit as never }),
          },
        },
      ],
      startMs,
      endMs,
    );
    const range: AlarmDatapoint[] = Array.from({ length: alarm.evaluationPeriods }, (_, index) => {
      const timestamp = startMs + index * periodMs;
      return { timestamp, value: series.get(timestamp) };
    });
    const latest = [...range].reverse().find((point) => point.value !== undefined)?.value;
    const evaluation = evaluateAlarm(alarm, alarm.status, range, now);
    if (!evaluation.changed) return { status: alarm.status, latest };
    const { changed: _changed, ...status } = evaluation;
    await this.#deps.alarms.saveState(alarm.alarmName, status, now, alarm.stateUpdatedAt);
    return { status, latest };
  }
}

export type { AlarmServiceDependencies };
export { AlarmService };
