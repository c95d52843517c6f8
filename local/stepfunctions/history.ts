import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { TaskSpec } from './definitions';
import type { HistoryEventInit } from './wire';

/**
 * Translates the event log of `aws-local-stepfunctions` into Step Functions
 * history events (`TaskStateEntered`, `LambdaFunctionFailed`,
 * `MapIterationStarted`, …) so `GetExecutionHistory` reads as it does on AWS.
 *
 * Not translated: the library's retry and catch markers (AWS has no such
 * events; a retry shows as the Task being scheduled again) and its execution
 * start and end events, which the executor writes itself from the run's
 * result. Parallel branches have no events on AWS either.
 */

type LibraryEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer Event> ? Event : never;

const json = (value: unknown): string => JSON.stringify(value ?? null);

const causeText = (cause: unknown): string => (typeof cause === 'string' ? cause : json(cause));

const isTimeout = (error: string): boolean =>
  error === 'States.Timeout' || error === 'States.HeartbeatTimeout';

const taskFailed = (spec: TaskSpec, error: string, cause: string): HistoryEventInit => {
  if (spec.kind === 'lambda') {
    return isTimeout(error)
      ? { type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: { error, cause } }
      : { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error, cause } };
  }
  const resource = spec.kind === 'invoke' ? 'invoke' : 'invoke.waitForTaskToken';
  return isTimeout(error)
    ? {
        type: 'TaskTimedOut',
        taskTimedOutEventDetails: { resourceType: 'lambda', resource, error, cause },
      }
    : {
        type: 'TaskFailed',
        taskFailedEventDetails: { resourceType: 'lambda', resource, error, cause },
      };
};

/** The history events for one library event (often none). */
function translateEvent(event: LibraryEvent, tasks: Map<string, TaskSpec>): HistoryEventInit[] {
  switch (event.type) {
    case 'StateEntered':
      return [
        {
          type: `${event.state.type}StateEntered` as HistoryEventType,
          stateEnteredEventDetails: {
            name: event.state.name,
            input: json(event.state.input),
            inputDetails: { truncated: false },
          },
        },
      ];
    case 'StateExited': {
      const exited: HistoryEventInit = {
        type: `${event.state.type}StateExited` as HistoryEventType,
        stateExitedEventDetails: {
          name: event.state.name,
          output: json(event.state.output),
          outputDetails: { truncated: false },
        },
      };
      if (event.state.type === 'Map') return [{ type: 'MapStateSucceeded' }, exited];
      if (event.state.type === 'Parallel') return [{ type: 'ParallelStateSucceeded' }, exited];
      return [exited];
    }
    case 'StateFailed': {
      if (event.state.type === 'Map') return [{ type: 'MapStateFailed' }];
      if (event.state.type === 'Parallel') return [{ type: 'ParallelStateFailed' }];
      const spec = event.state.type === 'Task' ? tasks.get(event.state.name) : undefined;
      return spec ? [taskFailed(spec, event.Error, causeText(event.Cause))] : [];
    }
    case 'MapIterationStarted':
      return [
        {
          type: 'MapIterationStarted',
          mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index },
        },
      ];
    case 'MapIterationSucceeded':
      return [
        {
          type: 'MapIterationSucceeded',
          mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index },
        },
      ];
    case 'MapIterationFailed':
      return [
        {
          type: 'MapIterationFailed',
          mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index },
        },
      ];
    default:
      return [];
  }
}

export { causeText, type LibraryEvent, translateEvent };
