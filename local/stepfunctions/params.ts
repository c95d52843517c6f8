import { SfnError } from './errors';

/**
 * Readers for request members. Bodies arrive as untyped JSON; each reader
 * returns the member as the operation needs it or throws the
 * `ValidationException` AWS answers, worded as AWS words it, so that no input
 * of any shape becomes a 500.
 */

type RequestBody = Record<string, unknown>;

const invalid = (member: string, value: unknown, constraint: string): SfnError =>
  new SfnError(
    'ValidationException',
    `1 validation error detected: Value ${JSON.stringify(value) ?? 'null'} at '${member}' failed to satisfy constraint: ${constraint}`,
  );

function optionalString(
  body: RequestBody,
  member: string,
  maxLength = 262_144,
): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(member, value, 'Member must be a string');
  if (value.length > maxLength) {
    throw invalid(member, value, `Member must have length less than or equal to ${maxLength}`);
  }
  return value;
}

function requiredString(body: RequestBody, member: string, maxLength?: number): string {
  const value = optionalString(body, member, maxLength);
  if (value === undefined) throw invalid(member, null, 'Member must not be null');
  if (value.length === 0) {
    throw invalid(member, value, 'Member must have length greater than or equal to 1');
  }
  return value;
}

function optionalInteger(
  body: RequestBody,
  member: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(member, value, 'Member must be an integer');
  }
  if (value < min)
    throw invalid(member, value, `Member must have value greater than or equal to ${min}`);
  if (value > max)
    throw invalid(member, value, `Member must have value less than or equal to ${max}`);
  return value;
}

function optionalBoolean(body: RequestBody, member: string): boolean | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(member, value, 'Member must be a boolean');
  return value;
}

function optionalEnum<T extends string>(
  body: RequestBody,
  member: string,
  values: readonly T[],
): T | undefined {
  const value = optionalString(body, member);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalid(member, value, `Member must satisfy enum value set: [${values.join(', ')}]`);
  }
  return value as T;
}

export {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  type RequestBody,
  requiredString,
};
