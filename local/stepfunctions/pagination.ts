import { SfnError } from './errors';

/**
 * `maxResults`/`nextToken` paging as the List and Get operations do it: a page
 * holds `maxResults` items (0 or absent: 100), and `nextToken` is opaque to
 * callers. Here it encodes the offset of the next item; a token that does not
 * decode is answered `InvalidToken`.
 */

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

const encodeToken = (offset: number): string =>
  Buffer.from(JSON.stringify({ offset })).toString('base64url');

const decodeToken = (token: string): number => {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof decoded === 'object' &&
      decoded !== null &&
      'offset' in decoded &&
      typeof decoded.offset === 'number' &&
      Number.isInteger(decoded.offset) &&
      decoded.offset >= 0
    ) {
      return decoded.offset;
    }
  } catch {
    // falls through to InvalidToken
  }
  throw new SfnError('InvalidToken', `Invalid Token: '${token}'`);
};

/** One page of `items`. */
function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const size = maxResults === undefined || maxResults === 0 ? DEFAULT_PAGE_SIZE : maxResults;
  const start = nextToken === undefined ? 0 : decodeToken(nextToken);
  const page = items.slice(start, start + size);
  const next = start + size;
  return next < items.length ? { page, nextToken: encodeToken(next) } : { page };
}

export { MAX_PAGE_SIZE, paginate };
