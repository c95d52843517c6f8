/**
 * JSON values as Step Functions sees them. Execution input and output, task
 * results and history details are all JSON; these helpers keep `unknown` from
 * leaking past the edges of the server.
 */

type JsonPrimitive = null | boolean | number | string;
type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
type JsonObject = { [key: string]: JsonValue };

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses `text` as JSON, returning `undefined` instead of throwing so that each
 * caller can answer with the error type its operation documents
 * (`InvalidExecutionInput`, `InvalidOutput`, `SerializationException`).
 */
const parseJson = (text: string): { value: JsonValue } | undefined => {
  try {
    return { value: JSON.parse(text) as JsonValue };
  } catch {
    return undefined;
  }
};

/**
 * Turns whatever a Lambda or a caller handed over into plain JSON (dropping
 * `undefined`, functions and class identity), as a real round trip over the
 * wire would.
 */
const toJson = (value: unknown): JsonValue => {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
};

export { isJsonObject, type JsonObject, type JsonPrimitive, type JsonValue, parseJson, toJson };
