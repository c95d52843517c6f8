import { isJsonObject } from './json';

/**
 * How a Task state fails. `aws-local-stepfunctions` matches `Retry` and `Catch`
 * `ErrorEquals` against `error.name` and puts `error.message` in the catcher's
 * `Cause`, so a failure is an `Error` whose name is the Step Functions error
 * and whose message is the cause, shaped as on AWS.
 */

/** A Task failure that `Retry`/`Catch` can match (including `States.ALL` and `States.TaskFailed`). */
class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Raised into a Task whose execution was stopped or whose server is shutting
 * down. The library reads `isRetryable`/`isCatchable` off errors: neither, so
 * no `Retry` re-runs the task and no `Catch` moves the execution on.
 */
class AbandonedTask extends Error {
  override readonly name = 'States.Runtime';
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor() {
    super('The execution is no longer running');
  }
}

/**
 * The error payload a Lambda returns when its handler throws
 * (`{"errorType", "errorMessage", "trace"}`); serverless-offline sends it as the
 * invoke result and always with `errorType: "Error"`.
 */
const isLambdaErrorPayload = (
  value: unknown,
): value is { errorType: string; errorMessage: string } =>
  isJsonObject(value) &&
  typeof value.errorType === 'string' &&
  typeof value.errorMessage === 'string';

/**
 * The failure for a Lambda error payload: the error is the payload's
 * `errorType` and the cause the whole payload as JSON, as Step Functions
 * reports a function error.
 */
const failureFromPayload = (payload: { errorType: string; errorMessage: string }): TaskFailure =>
  new TaskFailure(payload.errorType, JSON.stringify(payload));

/**
 * The failure for an invoke that threw. An error carrying `errorType` is a
 * function error; one carrying `$metadata` is a Lambda service error, which
 * Step Functions names `Lambda.<Exception>`; anything else keeps its name.
 */
const failureFromThrown = (thrown: unknown): TaskFailure => {
  if (thrown instanceof TaskFailure) return thrown;
  if (isJsonObject(thrown) && isLambdaErrorPayload(thrown)) return failureFromPayload(thrown);
  if (thrown instanceof Error) {
    const details = thrown as Error & { errorType?: unknown; $metadata?: unknown };
    if (typeof details.errorType === 'string') {
      return new TaskFailure(
        details.errorType,
        JSON.stringify({ errorType: details.errorType, errorMessage: thrown.message }),
      );
    }
    const name = details.$metadata !== undefined ? `Lambda.${thrown.name}` : thrown.name || 'Error';
    return new TaskFailure(name, JSON.stringify({ errorType: name, errorMessage: thrown.message }));
  }
  return new TaskFailure(
    'Error',
    JSON.stringify({ errorType: 'Error', errorMessage: String(thrown) }),
  );
};

export { AbandonedTask, failureFromPayload, failureFromThrown, isLambdaErrorPayload, TaskFailure };
