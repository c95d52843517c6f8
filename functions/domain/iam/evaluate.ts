import {
  baseOperator,
  type ConditionClause,
  type PolicyDocument,
  type Statement,
} from './policyDocument';

/**
 * IAM's evaluation of identity-based policies, for one request: denied by
 * default; a matching Deny wins over everything; otherwise a matching Allow
 * allows. A statement matches when its action, its resource and every one of
 * its conditions match.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

interface AccessRequest {
  /** `ecs:RunTask`. */
  readonly action: string;
  /** The resource's ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /**
   * The request's condition keys, lower-cased (`ecs:cluster`,
   * `aws:resourcetag/team`, `aws:tagkeys`, `aws:username`): each with its
   * values; single-valued keys have one. An absent key is not in the map.
   */
  readonly context: ReadonlyMap<string, readonly string[]>;
}

type Decision = 'allow' | 'implicitDeny' | 'explicitDeny';

/** `*` matches any run of characters, `?` one; everything else is itself. */
const wildcardRegex = (pattern: string, flags = ''): RegExp =>
  new RegExp(
    `^${pattern
      .split('')
      .map((ch) =>
        ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'),
      )
      .join('')}$`,
    `s${flags}`,
  );

const patternCache = new Map<string, RegExp>();
const wildcardMatches = (pattern: string, text: string, ignoreCase = false): boolean => {
  const cacheKey = `${ignoreCase ? 'i' : 'c'}${pattern}`;
  let regex = patternCache.get(cacheKey);
  if (!regex) {
    regex = wildcardRegex(pattern, ignoreCase ? 'i' : '');
    if (patternCache.size > 10_000) patternCache.clear();
    patternCache.set(cacheKey, regex);
  }
  return regex.test(text);
};

/**
 * An ARN pattern against an ARN, segment by segment (partition, service,
 * region, account, resource), so that a `*` stays within its segment except
 * in the last, where it may span `/` and `:`.
 */
const arnMatches = (pattern: string, arn: string): boolean => {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (patternParts.length !== arnParts.length) return false;
  return patternParts.every((part, index) => wildcardMatches(part, arnParts[index] ?? ''));
};

const splitArn = (arn: string): string[] => {
  const parts = arn.split(':');
  return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
};

/**
 * Policy variables (`${aws:username}`), substituted only under Version
 * 2012-10-17; a variable the request has no single value for leaves the
 * pattern matching nothing.
 */
const substitute = (
  pattern: string,
  version: PolicyDocument['version'],
  context: AccessRequest['context'],
): string | undefined => {
  if (version !== '2012-10-17' || !pattern.includes('${')) return pattern;
  let unresolved = false;
  const text = pattern.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name === '*' || name === '?' || name === '$') return `\uE000${name}`;
    const values = context.get(name.trim().toLowerCase());
    if (values?.length !== 1) {
      unresolved = true;
      return '';
    }
    // A substituted value matches itself only: its own wildcards are escaped below.
    return (values[0] ?? '').replace(/[*?]/g, (ch) => `\uE000${ch}`);
  });
  if (unresolved) return undefined;
  return text;
};

/** Turns the escapes left by `substitute` into literal characters for the matchers. */
const literalAware = (pattern: string, text: string, match: (p: string, t: string) => boolean) => {
  if (!pattern.includes('\uE000')) return match(pattern, text);
  // Split on escaped characters and require them literally.
  const pieces = pattern.split(/\uE000(.)/s);
  let regexSource = '^';
  for (let index = 0; index < pieces.length; index += 1) {
    const piece = pieces[index] ?? '';
    if (index % 2 === 1) {
      regexSource += piece.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    } else {
      regexSource += wildcardRegex(piece).source.slice(1, -1);
    }
  }
  return new RegExp(`${regexSource}$`, 's').test(text);
};

/** One policy value against one request value, for the operator's base. */
const valueMatches = (base: string, policyValue: string, requestValue: string): boolean => {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return policyValue.replace(/\uE000/g, '') === requestValue;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return policyValue.replace(/\uE000/g, '').toLowerCase() === requestValue.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return literalAware(policyValue, requestValue, (p, t) => wildcardMatches(p, t));
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnMatches(policyValue.replace(/\uE000/g, ''), requestValue);
    case 'Bool':
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    default:
      return false;
  }
};

const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

const conditionHolds = (
  clause: ConditionClause,
  version: PolicyDocument['version'],
  context: AccessRequest['context'],
): boolean => {
  const base = baseOperator(clause.operator);
  const requestValues = context.get(clause.key);
  const present = requestValues !== undefined && requestValues.length > 0;
  if (base === 'Null') {
    return clause.values.some((value) => (value.toLowerCase() === 'true') === !present);
  }
  const setOperator = clause.operator.startsWith('ForAllValues:')
    ? 'all'
    : clause.operator.startsWith('ForAnyValue:')
      ? 'any'
      : 'single';
  const ifExists = clause.operator.endsWith('IfExists');
  const negated = NEGATED.has(base);
  if (!present) {
    if (ifExists || setOperator === 'all') return true;
    return setOperator === 'single' && negated;
  }
  const policyValues = clause.values
    .map((value) => substitute(value, version, context))
    .filter((value): value is string => value !== undefined);
  // Positive operators: some policy value matches; negated: none does.
  const satisfies = (requestValue: string): boolean => {
    const anyMatch = policyValues.some((value) => valueMatches(base, value, requestValue));
    return negated ? !anyMatch : anyMatch;
  };
  if (setOperator === 'all') return requestValues.every(satisfies);
  if (setOperator === 'any') return requestValues.some(satisfies);
  return negated ? requestValues.every(satisfies) : requestValues.some(satisfies);
};

const statementMatches = (
  statement: Statement,
  version: PolicyDocument['version'],
  request: AccessRequest,
): boolean => {
  const actionListed = statement.actions.patterns.some((pattern) =>
    wildcardMatches(pattern, request.action, true),
  );
  if (actionListed === statement.actions.not) return false;
  const resourceListed = statement.resources.patterns.some((pattern) => {
    const resolved = substitute(pattern, version, request.context);
    return (
      resolved !== undefined && literalAware(resolved, request.resource, (p, t) => arnMatches(p, t))
    );
  });
  if (resourceListed === statement.resources.not) return false;
  return statement.conditions.every((clause) => conditionHolds(clause, version, request.context));
};

/** The decision of a set of identity-based policies on one request. */
const evaluatePolicies = (
  policies: readonly PolicyDocument[],
  request: AccessRequest,
): Decision => {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (!statementMatches(statement, policy.version, request)) continue;
      if (statement.effect === 'Deny') return 'explicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicitDeny';
};

export type { AccessRequest, Decision };
export { arnMatches, evaluatePolicies, wildcardMatches };
