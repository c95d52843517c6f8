import './polyfill';
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
} from 'aws-local-stepfunctions';
import { causeText, translateEvent } from './history';
import { type JsonValue, parseJson } from './json';
import type { Logger } from './logger';
import type { LoadedMachine } from './machines';
import type { ExecutionRecord, ExecutionStore } from './store';
import { createTaskHandlers, type InvokeLambda } from './tasks';
import type { TaskTokens } from './tokens';
import { epochSeconds, type HistoryEventInit } from './wire';

/**
 * Runs executions with `aws-local-stepfunctions` and keeps their records
 * (status, output, error, history) up to date in the store.
 *
 * Executions are durable the way the local stack can make them: one that was
 * RUNNING when the server died is run again from its original input when the
 * server starts (its history notes an `ExecutionRedriven`). That is
 * at-least-once execution: every step the repo's state machines call must be
 * idempotent (conditional writes, version checks), because a step that
 * completed before the crash runs again.
 */

interface ExecutorOptions {
  store: ExecutionStore;
  tokens: TaskTokens;
  machines: Map<string, LoadedMachine>;
  invokeLambda: InvokeLambda;
  invokeLambdaAsync?: (functionName: string, payload: unknown) => Promise<void>;
  logger: Logger;
}

interface ActiveRun {
  /** False once stopped or abandoned by a closing server: nothing more is recorded. */
  active: boolean;
  abort: () => void;
  done: Promise<void>;
}

type Outcome =
  | { status: 'SUCCEEDED'; output: JsonValue }
  | {
      status: Exclude<ExecutionStatus, 'RUNNING' | 'SUCCEEDED' | 'PENDING_REDRIVE'>;
      error?: string;
      cause?: string;
    };

/** How long to let the library's event stream drain after a run settles. */
const EVENT_DRAIN_MS = 1000;

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

class Executor {
  private readonly runs = new Map<string, ActiveRun>();

  constructor(private readonly options: ExecutorOptions) {}

  /**
   * Runs a stored execution: a new one (`resumed: false`, history starts with
   * `ExecutionStarted`) or one the server died under (`resumed: true`,
   * `ExecutionRedriven`, then the run from the start).
   */
  run(record: ExecutionRecord, { resumed }: { resumed: boolean }): void {
    const { store, tokens, logger } = this.options;
    const machine = this.options.machines.get(record.stateMachineArn);
    if (resumed) {
      record.redriveCount += 1;
      record.redriveDate = epochSeconds();
      store.append(record, {
        type: 'ExecutionRedriven',
        executionRedrivenEventDetails: { redriveCount: record.redriveCount },
      });
    } else {
      store.append(record, {
        type: 'ExecutionStarted',
        executionStartedEventDetails: {
          input: record.input,
          inputDetails: { truncated: false },
          ...(machine ? { roleArn: machine.roleArn } : {}),
        },
      });
    }
    if (!machine) {
      this.finish(record, {
        status: 'FAILED',
        error: 'States.Runtime',
        cause: `State machine ${record.stateMachineArn} is no longer defined`,
      });
      return;
    }

    const run: ActiveRun = { active: true, abort: () => {}, done: Promise.resolve() };
    const isActive = (): boolean => run.active && record.status === 'RUNNING';
    const append = (event: HistoryEventInit): void => {
      if (isActive()) store.append(record, event);
    };
    const handlers = createTaskHandlers(machine.prepared.tasks, {
      executionArn: record.executionArn,
      region: machine.parsedArn.region,
      tokens,
      invokeLambda: this.options.invokeLambda,
      ...(this.options.invokeLambdaAsync
        ? { invokeLambdaAsync: this.options.invokeLambdaAsync }
        : {}),
      isActive,
      record: append,
    });
    const execution = machine.machine.run(parseJson(record.input)?.value ?? {}, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          RoleArn: machine.roleArn,
          StartTime: new Date(record.startDate * 1000).toISOString(),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    run.abort = execution.abort;

    const drained = (async () => {
      for await (const event of execution.eventLogs) {
        for (const historyEvent of translateEvent(event, machine.prepared.tasks))
          append(historyEvent);
      }
    })();
    run.done = (async () => {
      let outcome: Outcome;
      try {
        outcome = { status: 'SUCCEEDED', output: (await execution.result) as JsonValue };
      } catch (error) {
        outcome = this.outcomeOf(error, record);
      }
      await Promise.race([drained.catch(() => {}), delay(EVENT_DRAIN_MS)]);
      this.runs.delete(record.executionArn);
      tokens.abandonExecution(record.executionArn);
      if (run.active) this.finish(record, outcome);
    })().catch((error: unknown) => {
      logger.error('Execution bookkeeping failed', {
        executionArn: record.executionArn,
        error: error instanceof Error ? error.stack : String(error),
      });
    });
    this.runs.set(record.executionArn, run);
  }

  /** `StopExecution`: the execution is ABORTED at once; its current step is abandoned. */
  stop(record: ExecutionRecord, error: string | undefined, cause: string | undefined): void {
    if (record.status !== 'RUNNING') return;
    record.status = 'ABORTED';
    record.stopDate = epochSeconds();
    if (error !== undefined) record.error = error;
    if (cause !== undefined) record.cause = cause;
    this.options.store.append(record, {
      type: 'ExecutionAborted',
      executionAbortedEventDetails: {
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
      },
    });
    const run = this.runs.get(record.executionArn);
    if (run) {
      run.active = false;
      run.abort();
    }
    this.options.tokens.abandonExecution(record.executionArn);
    this.options.logger.info('Execution stopped', { executionArn: record.executionArn });
  }

  /**
   * Abandons every run without recording an end: their records stay RUNNING,
   * so the next start of the server runs them again.
   */
  async close(): Promise<void> {
    const runs = [...this.runs.values()];
    for (const run of runs) {
      run.active = false;
      run.abort();
    }
    this.options.tokens.close();
    await Promise.all(runs.map((run) => run.done));
  }

  private outcomeOf(error: unknown, record: ExecutionRecord): Outcome {
    if (error instanceof ExecutionError) {
      const failure = error.cause instanceof Error ? error.cause : undefined;
      return {
        status: 'FAILED',
        error: failure?.name ?? 'States.Runtime',
        cause: failure ? causeText(failure.message) : error.message,
      };
    }
    if (error instanceof ExecutionTimeoutError) {
      return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' };
    }
    if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
    this.options.logger.error('Execution failed unexpectedly', {
      executionArn: record.executionArn,
      error: error instanceof Error ? error.stack : String(error),
    });
    return { status: 'FAILED', error: 'States.Runtime', cause: String(error) };
  }

  private finish(record: ExecutionRecord, outcome: Outcome): void {
    if (record.status !== 'RUNNING') return;
    const { store, logger } = this.options;
    record.stopDate = epochSeconds();
    if (outcome.status === 'SUCCEEDED') {
      record.output = JSON.stringify(outcome.output ?? null);
      store.append(record, {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: {
          output: record.output,
          outputDetails: { truncated: false },
        },
      });
    } else {
      if (outcome.error !== undefined) record.error = outcome.error;
      if (outcome.cause !== undefined) record.cause = outcome.cause;
      const details = {
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
      };
      if (outcome.status === 'FAILED') {
        store.append(record, { type: 'ExecutionFailed', executionFailedEventDetails: details });
      } else if (outcome.status === 'TIMED_OUT') {
        store.append(record, { type: 'ExecutionTimedOut', executionTimedOutEventDetails: details });
      } else {
        store.append(record, { type: 'ExecutionAborted', executionAbortedEventDetails: details });
      }
    }
    record.status = outcome.status;
    store.changed(record);
    logger.info('Execution finished', { executionArn: record.executionArn, status: record.status });
  }
}

export { Executor, type ExecutorOptions };
