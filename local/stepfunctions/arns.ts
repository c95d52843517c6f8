import { SfnError } from './errors';

/**
 * ARNs and names as Step Functions shapes them. Executions are addressed by
 * ARNs derived from their state machine's
 * (`arn:aws:states:us-east-1:000000000000:execution:<machine>:<execution>`), so
 * clients that build or parse ARNs themselves keep working locally.
 */

interface StatesArn {
  partition: string;
  region: string;
  account: string;
  resourceType: 'stateMachine' | 'execution';
  stateMachineName: string;
  executionName?: string;
}

const STATES_ARN =
  /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):(stateMachine|execution):([^:\s]+)(?::([^:\s]+))?$/;

/** Parses a state machine or execution ARN; `undefined` when `arn` is not one. */
const parseStatesArn = (arn: string): StatesArn | undefined => {
  const match = STATES_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, resourceType, stateMachineName, executionName] = match;
  if (!partition || !region || !account || !stateMachineName) return undefined;
  if (resourceType === 'stateMachine') {
    if (executionName !== undefined) return undefined;
    return { partition, region, account, resourceType, stateMachineName };
  }
  if (executionName === undefined) return undefined;
  return { partition, region, account, resourceType: 'execution', stateMachineName, executionName };
};

/** Checks that `arn` is a state machine ARN, answering `InvalidArn` like AWS otherwise. */
const requireStateMachineArn = (arn: string): StatesArn => {
  const parsed = parseStatesArn(arn);
  if (parsed?.resourceType !== 'stateMachine') {
    throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  }
  return parsed;
};

/** Checks that `arn` is an execution ARN, answering `InvalidArn` like AWS otherwise. */
const requireExecutionArn = (arn: string): StatesArn => {
  const parsed = parseStatesArn(arn);
  if (parsed?.resourceType !== 'execution') {
    throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  }
  return parsed;
};

/** The ARN AWS gives an execution named `name` of the state machine `stateMachineArn`. */
const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * The Lambda ARN for `functionName` in the state machine's region and account:
 * what `Fn::GetAtt [fn, Arn]` becomes, so definitions look as they do on AWS.
 */
const lambdaArnOf = (stateMachine: StatesArn, functionName: string): string =>
  `arn:${stateMachine.partition}:lambda:${stateMachine.region}:${stateMachine.account}:function:${functionName}`;

/**
 * The function name in any of the forms Lambda accepts for `FunctionName`:
 * a full ARN (`arn:aws:lambda:…:function:name[:qualifier]`), a partial ARN
 * (`123456789012:function:name`), or a name with an optional `:qualifier`.
 * serverless-offline only knows plain names, so the qualifier is dropped.
 */
const functionNameOf = (reference: string): string => {
  const marker = ':function:';
  const at = reference.indexOf(marker);
  const rest = at >= 0 ? reference.slice(at + marker.length) : reference;
  return rest.split(':')[0] ?? rest;
};

/**
 * The execution role shown in `DescribeStateMachine` and history. Locally no
 * role is assumed; the SDK's shapes require one.
 */
const roleArnOf = (stateMachine: StatesArn): string =>
  `arn:${stateMachine.partition}:iam::${stateMachine.account}:role/berth-local-stepfunctions`;

// Step Functions' naming rule: 1–80 characters, none of whitespace, brackets,
// wildcards, the listed punctuation, or control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is about control characters
const FORBIDDEN_IN_NAMES = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** Whether `name` is acceptable as an execution name (`InvalidName` otherwise). */
const isValidName = (name: string): boolean =>
  name.length >= 1 && name.length <= 80 && !FORBIDDEN_IN_NAMES.test(name);

export {
  executionArnOf,
  functionNameOf,
  isValidName,
  lambdaArnOf,
  parseStatesArn,
  requireExecutionArn,
  requireStateMachineArn,
  roleArnOf,
  type StatesArn,
};
