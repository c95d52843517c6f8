import { randomUUID } from 'node:crypto';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { functionNameOf } from './arns';
import { isJsonObject, type JsonObject, type JsonValue, toJson } from './json';

/**
 * Turns the repo's ASL files into definitions `aws-local-stepfunctions` can run
 * with the same meaning they have on AWS.
 *
 * - `{"Fn::GetAtt": [fn, "Arn"]}` (what serverless-step-functions resolves at
 *   package time) becomes the function's ARN.
 * - Each Task state is classified (plain Lambda ARN, `lambda:invoke`,
 *   `lambda:invoke.waitForTaskToken`) so the server can run it through its own
 *   handler; anything else is refused up front rather than failing mid-run.
 * - `$$.Task.Token` references become a placeholder, because the library has
 *   no task tokens: the handler substitutes a real token at run time.
 * - Timeouts are bounded. The library defaults a Task to 60 s (AWS: 99999999 s)
 *   and Node timers overflow above 2^31-1 ms (≈24.8 days) and then fire at
 *   once, so absent or larger timeouts are set to that ceiling.
 * - State names must be unique across the whole machine (AWS insists too):
 *   the library keys Task handlers by state name, nested Map and Parallel
 *   states included, so a duplicate would silently share a handler.
 * - JSONata is refused: the library would ignore it silently.
 */

type TaskKind = 'lambda' | 'invoke' | 'waitForTaskToken';

/** What the server needs to know to run one Task state. */
interface TaskSpec {
  stateName: string;
  kind: TaskKind;
  /** The `Resource` field, with `Fn::GetAtt` resolved. */
  resource: string;
  /** For a plain Lambda ARN resource; the integrations name the function in `Parameters`. */
  functionName?: string;
  /** `TimeoutSeconds` as written (absent when not written or given by a path). */
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

interface PreparedDefinition {
  /** `Fn::GetAtt` resolved and nothing else: what `DescribeStateMachine` shows. */
  resolved: JsonObject;
  /** What the library runs. */
  runnable: StateMachineDefinition;
  /** Every Task state, nested ones included, by (unique) state name. */
  tasks: Map<string, TaskSpec>;
}

/** Longest delay a Node timer honours, in whole seconds. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+(:[^:]+)?$/;
const TASK_TOKEN_PATH = '$$.Task.Token';

/**
 * Stands in for `$$.Task.Token` in prepared definitions. Random per process so
 * that no real input can collide with it.
 */
const TASK_TOKEN_PLACEHOLDER = `berth-local:task-token:${randomUUID()}`;

/** A definition this server cannot run faithfully; raised when the server starts. */
class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
}

const getAttTarget = (value: JsonValue): { logicalName: string; attribute: string } | undefined => {
  if (!isJsonObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'Fn::GetAtt') return undefined;
  const target = value['Fn::GetAtt'];
  if (Array.isArray(target) && target.length === 2) {
    const [logicalName, attribute] = target;
    if (typeof logicalName === 'string' && typeof attribute === 'string') {
      return { logicalName, attribute };
    }
  }
  if (typeof target === 'string' && target.includes('.')) {
    const at = target.indexOf('.');
    return { logicalName: target.slice(0, at), attribute: target.slice(at + 1) };
  }
  throw new DefinitionError(`Malformed Fn::GetAtt: ${JSON.stringify(target)}`);
};

/**
 * Replaces each `{"Fn::GetAtt": [logicalName, "Arn"]}` (or the
 * `"logicalName.Arn"` short form) anywhere in `asl` by `resolveArn(logicalName)`,
 * as serverless-step-functions does when it packages the state machine.
 * Returns a copy; `asl` is not changed.
 */
function resolveDefinition(asl: unknown, resolveArn: (logicalName: string) => string): JsonValue {
  const visit = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(visit);
    if (!isJsonObject(value)) return value;
    const target = getAttTarget(value);
    if (target) {
      if (target.attribute !== 'Arn') {
        throw new DefinitionError(
          `Fn::GetAtt ${target.logicalName}.${target.attribute} is not supported locally (only .Arn)`,
        );
      }
      return resolveArn(target.logicalName);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item)]));
  };
  return visit(toJson(asl));
}

/** Calls `visit` on every state, descending into Map processors and Parallel branches. */
function forEachState(
  machine: JsonObject,
  visit: (name: string, state: JsonObject, machine: JsonObject) => void,
): void {
  const states = machine.States;
  if (!isJsonObject(states)) throw new DefinitionError('"States" must be an object');
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) throw new DefinitionError(`State "${name}" must be an object`);
    visit(name, state, machine);
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (!isJsonObject(processor)) {
        throw new DefinitionError(`Map state "${name}" needs an ItemProcessor`);
      }
      if (
        isJsonObject(processor.ProcessorConfig) &&
        processor.ProcessorConfig.Mode === 'DISTRIBUTED'
      ) {
        throw new DefinitionError(`Map state "${name}": distributed Map is not supported locally`);
      }
      forEachState(processor, visit);
    }
    if (state.Type === 'Parallel') {
      const branches = state.Branches;
      if (!Array.isArray(branches))
        throw new DefinitionError(`Parallel state "${name}" needs Branches`);
      for (const branch of branches) {
        if (!isJsonObject(branch))
          throw new DefinitionError(`Parallel state "${name}": bad branch`);
        forEachState(branch, visit);
      }
    }
  }
}

/**
 * Rewrites every `"<field>.$": "$$.Task.Token"` in `parameters` to
 * `"<field>": TASK_TOKEN_PLACEHOLDER`, in place. Returns how many it found.
 */
function replaceTaskTokenReferences(parameters: JsonValue): number {
  let found = 0;
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isJsonObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      if (key.endsWith('.$') && item === TASK_TOKEN_PATH) {
        delete value[key];
        value[key.slice(0, -2)] = TASK_TOKEN_PLACEHOLDER;
        found += 1;
      } else {
        visit(item);
      }
    }
  };
  visit(parameters);
  return found;
}

/** Puts the real token where `replaceTaskTokenReferences` left the placeholder. */
function substituteTaskToken(value: JsonValue, token: string): JsonValue {
  if (value === TASK_TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => substituteTaskToken(item, token));
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, substituteTaskToken(item, token)]),
  );
}

const positiveInteger = (value: JsonValue | undefined, what: string): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new DefinitionError(`${what} must be a positive integer`);
  }
  return value;
};

const classify = (name: string, resource: string): TaskKind => {
  if (resource === LAMBDA_INVOKE) return 'invoke';
  if (resource === LAMBDA_INVOKE_WAIT) return 'waitForTaskToken';
  if (LAMBDA_FUNCTION_ARN.test(resource)) return 'lambda';
  throw new DefinitionError(
    `Task state "${name}": resource ${resource} is not supported locally ` +
      `(use a Lambda function ARN, ${LAMBDA_INVOKE} or ${LAMBDA_INVOKE_WAIT})`,
  );
};

/**
 * Lets `States.Timeout` retriers and catchers also match heartbeat lapses, as
 * on AWS, where a lapsed heartbeat fails the state with
 * `States.HeartbeatTimeout` and `States.Timeout` matches both.
 */
const widenTimeoutMatchers = (state: JsonObject): void => {
  for (const field of ['Retry', 'Catch']) {
    const rules = state[field];
    if (!Array.isArray(rules)) continue;
    for (const rule of rules) {
      if (!isJsonObject(rule) || !Array.isArray(rule.ErrorEquals)) continue;
      const errors = rule.ErrorEquals;
      if (errors.includes('States.Timeout') && !errors.includes('States.HeartbeatTimeout')) {
        errors.push('States.HeartbeatTimeout');
      }
    }
  }
};

const prepareTask = (name: string, state: JsonObject): TaskSpec => {
  const resource = state.Resource;
  if (typeof resource !== 'string') {
    throw new DefinitionError(
      `Task state "${name}": Resource must be a string, got ${JSON.stringify(resource)}`,
    );
  }
  const kind = classify(name, resource);
  if (kind !== 'lambda') {
    const parameters = state.Parameters;
    if (
      !isJsonObject(parameters) ||
      (parameters.FunctionName === undefined && parameters['FunctionName.$'] === undefined)
    ) {
      throw new DefinitionError(`Task state "${name}": ${resource} needs Parameters.FunctionName`);
    }
    if (kind === 'waitForTaskToken' && replaceTaskTokenReferences(parameters) === 0) {
      throw new DefinitionError(
        `Task state "${name}": ${resource} must pass "<field>.$": "${TASK_TOKEN_PATH}" in Parameters`,
      );
    }
  }
  if (state.HeartbeatSecondsPath !== undefined) {
    throw new DefinitionError(
      `Task state "${name}": HeartbeatSecondsPath is not supported locally`,
    );
  }
  const timeoutSeconds = positiveInteger(
    state.TimeoutSeconds,
    `Task state "${name}": TimeoutSeconds`,
  );
  const heartbeatSeconds = positiveInteger(
    state.HeartbeatSeconds,
    `Task state "${name}": HeartbeatSeconds`,
  );
  if (timeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
    state.TimeoutSeconds = MAX_TIMER_SECONDS;
  } else if (timeoutSeconds !== undefined && timeoutSeconds > MAX_TIMER_SECONDS) {
    state.TimeoutSeconds = MAX_TIMER_SECONDS;
  }
  if (heartbeatSeconds !== undefined) widenTimeoutMatchers(state);
  return {
    stateName: name,
    kind,
    resource,
    ...(kind === 'lambda' ? { functionName: functionNameOf(resource) } : {}),
    ...(timeoutSeconds !== undefined
      ? { timeoutSeconds: Math.min(timeoutSeconds, MAX_TIMER_SECONDS) }
      : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
  };
};

/**
 * Resolves and rewrites one state machine definition (see the file comment),
 * throwing a `DefinitionError` that names the offending state when the
 * definition cannot run locally as it would on AWS.
 */
function prepareDefinition(
  asl: unknown,
  resolveArn: (logicalName: string) => string,
): PreparedDefinition {
  const resolved = resolveDefinition(asl, resolveArn);
  if (!isJsonObject(resolved) || typeof resolved.StartAt !== 'string') {
    throw new DefinitionError('A definition needs "StartAt" and "States"');
  }
  const runnable = toJson(resolved) as JsonObject;
  if (runnable.QueryLanguage === 'JSONata') {
    throw new DefinitionError('JSONata is not supported locally: use JSONPath');
  }
  const timeout = positiveInteger(runnable.TimeoutSeconds, 'TimeoutSeconds');
  if (timeout !== undefined && timeout > MAX_TIMER_SECONDS)
    runnable.TimeoutSeconds = MAX_TIMER_SECONDS;

  const seen = new Set<string>();
  const tasks = new Map<string, TaskSpec>();
  forEachState(runnable, (name, state) => {
    if (seen.has(name)) {
      throw new DefinitionError(`State name "${name}" is used twice; names must be unique`);
    }
    seen.add(name);
    if (state.QueryLanguage === 'JSONata') {
      throw new DefinitionError(`State "${name}": JSONata is not supported locally: use JSONPath`);
    }
    if (state.Type === 'Task') tasks.set(name, prepareTask(name, state));
  });
  return { resolved, runnable: runnable as unknown as StateMachineDefinition, tasks };
}

export {
  DefinitionError,
  MAX_TIMER_SECONDS,
  type PreparedDefinition,
  prepareDefinition,
  resolveDefinition,
  substituteTaskToken,
  TASK_TOKEN_PLACEHOLDER,
  type TaskKind,
  type TaskSpec,
};
