/**
 * The client faults of the Step Functions API, as the SDK knows them. Each is
 * answered as HTTP 400 with `{"__type", "message"}`, which `@aws-sdk/client-sfn`
 * turns into the matching exception class (`ExecutionDoesNotExist`, …), so
 * callers can branch on error types exactly as they would against AWS.
 *
 * Anything thrown that is not an `SfnError` is a bug in this server and is
 * answered as a 500 `InternalFailure` without details.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
 */

type SfnErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'SerializationException'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'UnknownOperationException'
  | 'ValidationException';

class SfnError extends Error {
  readonly statusCode = 400;

  constructor(
    readonly errorType: SfnErrorType,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }

  toJSON(): { __type: string; message: string } {
    return { __type: this.errorType, message: this.message };
  }
}

export { SfnError, type SfnErrorType };
