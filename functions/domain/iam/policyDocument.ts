import { MalformedPolicyDocumentException } from './errors';

/**
 * An identity-based policy in IAM's grammar, read once (at PutUserPolicy) into
 * a form the evaluator walks without re-checking. What IAM refuses, this
 * refuses with IAM's code, `MalformedPolicyDocument`.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

type Effect = 'Allow' | 'Deny';

/** One operator applied to its keys: `{"StringEquals": {"ecs:cluster": ["a", "b"]}}`. */
interface ConditionClause {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** Condition key names are case-insensitive: kept lower-cased. */
  readonly key: string;
  readonly values: readonly string[];
}

interface Statement {
  readonly sid?: string;
  readonly effect: Effect;
  /** `Action` (listed actions) or `NotAction` (every action but these). */
  readonly actions: { readonly not: boolean; readonly patterns: readonly string[] };
  readonly resources: { readonly not: boolean; readonly patterns: readonly string[] };
  readonly conditions: readonly ConditionClause[];
}

interface PolicyDocument {
  /** `2012-10-17` substitutes policy variables; `2008-10-17` (or none) reads them literally. */
  readonly version: '2012-10-17' | '2008-10-17';
  readonly statements: readonly Statement[];
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'Principal',
  'NotPrincipal',
]);

/** Operators Berth evaluates; anything else is refused when the policy is put. */
const BASE_OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'Null',
]);

const syntaxError = (): MalformedPolicyDocumentException =>
  new MalformedPolicyDocumentException('Syntax errors in policy.');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string or a non-empty list of strings (IAM's `string | [string]`). */
const stringList = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) throw syntaxError();
  return list as string[];
};

/** Condition values may be written as JSON booleans and numbers: IAM compares their text. */
const conditionValues = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw syntaxError();
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'boolean' || typeof item === 'number') return String(item);
    throw syntaxError();
  });
};

const ACTION_PATTERN = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;

/** `ForAnyValue:StringLikeIfExists` → its base operator, `StringLike`. */
const baseOperator = (operator: string): string => {
  const withoutSet = operator.replace(/^(ForAnyValue|ForAllValues):/, '');
  return withoutSet.endsWith('IfExists') && withoutSet !== 'Null'
    ? withoutSet.slice(0, -'IfExists'.length)
    : withoutSet;
};

const readConditions = (value: unknown): ConditionClause[] => {
  if (value === undefined) return [];
  if (!isObject(value)) throw syntaxError();
  const clauses: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(value)) {
    if (!BASE_OPERATORS.has(baseOperator(operator)) || !isObject(keys)) throw syntaxError();
    for (const [key, values] of Object.entries(keys)) {
      clauses.push({ operator, key: key.toLowerCase(), values: conditionValues(values) });
    }
  }
  return clauses;
};

const readPair = (
  statement: Record<string, unknown>,
  positive: string,
  negative: string,
): { not: boolean; patterns: string[] } => {
  const hasPositive = statement[positive] !== undefined;
  const hasNegative = statement[negative] !== undefined;
  if (hasPositive === hasNegative) throw syntaxError();
  return hasPositive
    ? { not: false, patterns: stringList(statement[positive]) }
    : { not: true, patterns: stringList(statement[negative]) };
};

const readStatement = (value: unknown): Statement => {
  if (!isObject(value)) throw syntaxError();
  if (value.Principal !== undefined || value.NotPrincipal !== undefined) {
    throw new MalformedPolicyDocumentException('Policy document should not specify a principal.');
  }
  if (!Object.keys(value).every((key) => STATEMENT_KEYS.has(key))) throw syntaxError();
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') throw syntaxError();
  if (
    value.Sid !== undefined &&
    (typeof value.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(value.Sid))
  ) {
    throw syntaxError();
  }
  const actions = readPair(value, 'Action', 'NotAction');
  if (!actions.patterns.every((pattern) => ACTION_PATTERN.test(pattern))) throw syntaxError();
  return {
    ...(typeof value.Sid === 'string' ? { sid: value.Sid } : {}),
    effect: value.Effect,
    actions,
    resources: readPair(value, 'Resource', 'NotResource'),
    conditions: readConditions(value.Condition),
  };
};

/** Reads a policy document's text, refusing what IAM would. */
const parsePolicyDocument = (text: string): PolicyDocument => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw syntaxError();
  }
  if (!isObject(json)) throw syntaxError();
  if (!Object.keys(json).every((key) => ['Version', 'Id', 'Statement'].includes(key))) {
    throw syntaxError();
  }
  const version = json.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') throw syntaxError();
  if (json.Statement === undefined) throw syntaxError();
  const statements = Array.isArray(json.Statement) ? json.Statement : [json.Statement];
  return { version, statements: statements.map(readStatement) };
};

export type { ConditionClause, Effect, PolicyDocument, Statement };
export { baseOperator, parsePolicyDocument };
