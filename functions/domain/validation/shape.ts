import { InvalidParameterException } from '../errors';

/**
 * Type checks for request members. JSON 1.1 bodies arrive as `unknown`; these
 * readers turn a member into the type the operation expects or throw an
 * `InvalidParameterException` naming the member's path, so that no input of
 * any shape reaches the domain as the wrong type (and never becomes a 500).
 *
 * `undefined` and `null` both mean "absent", as in the AWS SDKs.
 *
 * @example
 * const family = optionalString(body.family, 'family');
 * const cpu = optionalInteger(container.cpu, `containerDefinitions[${i}].cpu`);
 */

type JsonObject = Record<string, unknown>;

const describeType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'structure';
  return typeof value;
};

const typeError = (path: string, expected: string, value: unknown): InvalidParameterException =>
  new InvalidParameterException(
    `Invalid type for parameter ${path}: expected ${expected}, got ${describeType(value)}.`,
  );

const isAbsent = (value: unknown): value is undefined | null =>
  value === undefined || value === null;

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(value: unknown, path: string): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') throw typeError(path, 'a string', value);
  return value;
}

function optionalInteger(value: unknown, path: string): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw typeError(path, 'an integer', value);
  return value;
}

function optionalNumber(value: unknown, path: string): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw typeError(path, 'a number', value);
  return value;
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'boolean') throw typeError(path, 'a boolean', value);
  return value;
}

function optionalObject(value: unknown, path: string): JsonObject | undefined {
  if (isAbsent(value)) return undefined;
  if (!isJsonObject(value)) throw typeError(path, 'a structure', value);
  return value;
}

function optionalList(value: unknown, path: string): unknown[] | undefined {
  if (isAbsent(value)) return undefined;
  if (!Array.isArray(value)) throw typeError(path, 'a list', value);
  return value;
}

function optionalStringList(value: unknown, path: string): string[] | undefined {
  const list = optionalList(value, path);
  return list?.map((item, index) => {
    if (typeof item !== 'string') throw typeError(`${path}[${index}]`, 'a string', item);
    return item;
  });
}

function optionalObjectList(value: unknown, path: string): JsonObject[] | undefined {
  const list = optionalList(value, path);
  return list?.map((item, index) => {
    if (!isJsonObject(item)) throw typeError(`${path}[${index}]`, 'a structure', item);
    return item;
  });
}

/** A map of string to string (`dockerLabels`, `options`, …). */
function optionalStringMap(value: unknown, path: string): Record<string, string> | undefined {
  const map = optionalObject(value, path);
  if (map === undefined) return undefined;
  for (const [key, item] of Object.entries(map)) {
    if (typeof item !== 'string') throw typeError(`${path}.${key}`, 'a string', item);
  }
  return map as Record<string, string>;
}

/** One of a closed set of values, as ECS's enums. */
function optionalEnum<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
): T | undefined {
  const text = optionalString(value, path);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new InvalidParameterException(
      `Invalid value for parameter ${path}: '${text}'. Valid values are: ${allowed.join(', ')}.`,
    );
  }
  return text as T;
}

export type { JsonObject };
export {
  isJsonObject,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalNumber,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
  optionalStringMap,
};
