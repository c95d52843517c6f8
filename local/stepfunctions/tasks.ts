import { randomUUID } from 'node:crypto';
import type { RunOptions } from 'aws-local-stepfunctions';
import { functionNameOf } from './arns';
import { substituteTaskToken, type TaskSpec } from './definitions';
import {
  AbandonedTask,
  failureFromPayload,
  failureFromThrown,
  isLambdaErrorPayload,
  TaskFailure,
} from './failures';
import { isJsonObject, type JsonObject, type JsonValue, toJson } from './json';
import type { TaskTokens } from './tokens';
import type { HistoryEventInit } from './wire';

/**
 * The handlers that run every Task state of one execution, given to
 * `aws-local-stepfunctions` as `overrides.taskResourceLocalHandlers` (keyed by
 * state name, nested Map and Parallel states included) so that no Task ever
 * reaches the library's own AWS Lambda client: every function is called
 * through `invokeLambda`, i.e. serverless-offline's invoke endpoint.
 *
 * Each handler also writes the Task's history events (scheduled, started,
 * submitted, succeeded); failures and timeouts are written from the library's
 * `StateFailed` event, which sees every way a Task can fail.
 */

type InvokeLambda = (functionName: string, payload: unknown) => Promise<unknown>;

type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

interface TaskRunContext {
  executionArn: string;
  region: string;
  tokens: TaskTokens;
  invokeLambda: InvokeLambda;
  invokeLambdaAsync?: (functionName: string, payload: unknown) => Promise<void>;
  /** False once the execution was stopped or the server is closing. */
  isActive: () => boolean;
  record: (event: HistoryEventInit) => void;
}

/**
 * The library calls a handler in the same tick in which it queues the
 * `StateEntered` event, and its event stream is consumed asynchronously.
 * Waiting one macrotask lets that event be written first, so history reads in
 * the order things happened.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Calls a function and turns a function error (returned or thrown) into a `TaskFailure`. */
const invoke = async (
  context: TaskRunContext,
  functionName: string,
  payload: JsonValue,
): Promise<JsonValue> => {
  let result: unknown;
  try {
    result = await context.invokeLambda(functionName, payload);
  } catch (thrown) {
    throw failureFromThrown(thrown);
  }
  if (isLambdaErrorPayload(result)) throw failureFromPayload(result);
  return toJson(result);
};

/** `FunctionName`, `Payload` and `InvocationType` of a `lambda:invoke` Task's effective parameters. */
const invokeParameters = (
  spec: TaskSpec,
  parameters: JsonValue,
): { functionName: string; payload: JsonValue; invocationType: string } => {
  const values: JsonObject = isJsonObject(parameters) ? parameters : {};
  if (typeof values.FunctionName !== 'string' || values.FunctionName === '') {
    throw new TaskFailure(
      'States.Runtime',
      `Task state "${spec.stateName}": Parameters.FunctionName must be a non-empty string`,
    );
  }
  return {
    functionName: functionNameOf(values.FunctionName),
    // Without a Payload the function gets an empty event.
    payload: values.Payload ?? {},
    invocationType:
      typeof values.InvocationType === 'string' ? values.InvocationType : 'RequestResponse',
  };
};

/** What Step Functions' optimised Lambda integration returns: the function's result wrapped. */
const invokeResponse = (payload: JsonValue, statusCode: number): JsonObject => {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: { 'X-Amzn-RequestId': [requestId] },
      HttpHeaders: { 'X-Amzn-RequestId': requestId },
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
};

/** `Resource: arn:aws:lambda:…:function:name`: the Lambda's result is the Task's result. */
const lambdaHandler =
  (spec: TaskSpec, context: TaskRunContext) =>
  async (input: JsonValue): Promise<JsonValue> => {
    await nextTurn();
    if (!context.isActive()) throw new AbandonedTask();
    context.record({
      type: 'LambdaFunctionScheduled',
      lambdaFunctionScheduledEventDetails: {
        resource: spec.resource,
        input: JSON.stringify(input),
        inputDetails: { truncated: false },
        ...(spec.timeoutSeconds !== undefined ? { timeoutInSeconds: spec.timeoutSeconds } : {}),
      },
    });
    context.record({ type: 'LambdaFunctionStarted' });
    const output = await invoke(context, spec.functionName ?? functionNameOf(spec.resource), input);
    context.record({
      type: 'LambdaFunctionSucceeded',
      lambdaFunctionSucceededEventDetails: {
        output: JSON.stringify(output),
        outputDetails: { truncated: false },
      },
    });
    return output;
  };

const scheduled = (
  spec: TaskSpec,
  context: TaskRunContext,
  parameters: JsonValue,
): HistoryEventInit => ({
  type: 'TaskScheduled',
  taskScheduledEventDetails: {
    resourceType: 'lambda',
    resource: spec.kind === 'invoke' ? 'invoke' : 'invoke.waitForTaskToken',
    region: context.region,
    parameters: JSON.stringify(parameters),
    ...(spec.timeoutSeconds !== undefined ? { timeoutInSeconds: spec.timeoutSeconds } : {}),
    ...(spec.heartbeatSeconds !== undefined ? { heartbeatInSeconds: spec.heartbeatSeconds } : {}),
  },
});

const succeeded = (spec: TaskSpec, output: JsonValue): HistoryEventInit => ({
  type: 'TaskSucceeded',
  taskSucceededEventDetails: {
    resourceType: 'lambda',
    resource: spec.kind === 'invoke' ? 'invoke' : 'invoke.waitForTaskToken',
    output: JSON.stringify(output),
    outputDetails: { truncated: false },
  },
});

/**
 * Hands a payload to a function without waiting for its result
 * (`invokeLambdaAsync`, else `invokeLambda` left running). Rejects only when
 * the function could not be reached; a function error arriving later is
 * passed to `onFunctionError`.
 */
const submit = async (
  context: TaskRunContext,
  functionName: string,
  payload: JsonValue,
  onFunctionError: (failure: TaskFailure) => void = () => {},
): Promise<void> => {
  if (context.invokeLambdaAsync) {
    try {
      await context.invokeLambdaAsync(functionName, payload);
    } catch (thrown) {
      throw failureFromThrown(thrown);
    }
    return;
  }
  invoke(context, functionName, payload).then(
    () => {},
    (failure: TaskFailure) => onFunctionError(failure),
  );
};

/** `Resource: arn:aws:states:::lambda:invoke`: the result comes wrapped, the Lambda's in `Payload`. */
const invokeHandler =
  (spec: TaskSpec, context: TaskRunContext) =>
  async (input: JsonValue): Promise<JsonValue> => {
    await nextTurn();
    if (!context.isActive()) throw new AbandonedTask();
    const { functionName, payload, invocationType } = invokeParameters(spec, input);
    context.record(scheduled(spec, context, input));
    context.record({
      type: 'TaskStarted',
      taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' },
    });
    let output: JsonObject;
    if (invocationType === 'Event') {
      await submit(context, functionName, payload);
      output = invokeResponse('', 202);
    } else {
      output = invokeResponse(await invoke(context, functionName, payload), 200);
    }
    context.record(succeeded(spec, output));
    return output;
  };

/**
 * `Resource: arn:aws:states:::lambda:invoke.waitForTaskToken`: the function
 * gets a fresh token where the definition said `$$.Task.Token`, and the Task
 * waits until `SendTaskSuccess` (its output is the Task's result),
 * `SendTaskFailure`, `TimeoutSeconds` or `HeartbeatSeconds`.
 */
const waitForTaskTokenHandler =
  (spec: TaskSpec, context: TaskRunContext) =>
  async (input: JsonValue): Promise<JsonValue> => {
    await nextTurn();
    if (!context.isActive()) throw new AbandonedTask();
    const { functionName } = invokeParameters(spec, input);
    const { token, result } = context.tokens.create({
      executionArn: context.executionArn,
      stateName: spec.stateName,
      ...(spec.timeoutSeconds !== undefined ? { timeoutSeconds: spec.timeoutSeconds } : {}),
      ...(spec.heartbeatSeconds !== undefined ? { heartbeatSeconds: spec.heartbeatSeconds } : {}),
    });
    const parameters = substituteTaskToken(input, token);
    const { payload } = invokeParameters(spec, parameters);
    context.record(scheduled(spec, context, parameters));
    context.record({
      type: 'TaskStarted',
      taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' },
    });
    submit(context, functionName, payload, (failure) => context.tokens.reject(token, failure)).then(
      () => {
        if (!context.tokens.isPending(token)) return;
        context.record({
          type: 'TaskSubmitted',
          taskSubmittedEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke.waitForTaskToken',
            output: JSON.stringify(invokeResponse('', 202)),
            outputDetails: { truncated: false },
          },
        });
      },
      (failure: TaskFailure) => context.tokens.reject(token, failure),
    );
    const output = await result;
    context.record(succeeded(spec, output));
    return output;
  };

/** One handler per Task state of the machine, nested states included. */
function createTaskHandlers(tasks: Map<string, TaskSpec>, context: TaskRunContext): TaskHandlers {
  const handlers: TaskHandlers = {};
  for (const [name, spec] of tasks) {
    const handler =
      spec.kind === 'lambda'
        ? lambdaHandler(spec, context)
        : spec.kind === 'invoke'
          ? invokeHandler(spec, context)
          : waitForTaskTokenHandler(spec, context);
    // The library stops awaiting a Task whose timeout fired or whose execution
    // ended; a rejection that arrives after that must not become an unhandled
    // rejection that takes the whole server down. Whoever still awaits the
    // promise gets the rejection all the same.
    handlers[name] = (input: JsonValue) => {
      const pending = handler(input);
      pending.catch(() => {});
      return pending;
    };
  }
  return handlers;
}

export { createTaskHandlers, type InvokeLambda, type TaskRunContext };
