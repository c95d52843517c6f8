import { InvalidParameterException } from '../errors';
import type { PageRequest } from '../model';
import { optionalInteger, optionalString, optionalStringList } from './shape';

/**
 * Readers for members that many operations share: required strings, the
 * `maxResults`/`nextToken` pair of every List operation, lists of
 * identifiers with an upper bound.
 */

function requiredString(value: unknown, path: string): string {
  const text = optionalString(value, path);
  if (text === undefined || text.trim() === '') {
    throw new InvalidParameterException(`${path} can not be blank.`);
  }
  return text;
}

/**
 * `maxResults` is 1–100 in every ECS List operation; the default page size is
 * 100 except where ECS says otherwise (ListServices: 10).
 */
function readPageRequest(body: Record<string, unknown>, defaultMaxResults = 100): PageRequest {
  const maxResults = optionalInteger(body.maxResults, 'maxResults') ?? defaultMaxResults;
  if (maxResults < 1 || maxResults > 100) {
    throw new InvalidParameterException('maxResults must be between 1 and 100.');
  }
  return { maxResults, nextToken: optionalString(body.nextToken, 'nextToken') };
}

/** A list of identifiers, required and non-empty, of at most `max` entries. */
function requiredIdentifierList(
  value: unknown,
  path: string,
  label: string,
  max: number,
): string[] {
  const list = optionalStringList(value, path);
  if (list === undefined || list.length === 0) {
    throw new InvalidParameterException(`${label} cannot be empty.`);
  }
  if (list.length > max) {
    throw new InvalidParameterException(
      `${label} cannot contain more than ${max} entries (got ${list.length}).`,
    );
  }
  return list;
}

export { readPageRequest, requiredIdentifierList, requiredString };
