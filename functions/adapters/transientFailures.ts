/**
 * What the SDK's standard retry strategy counts as transient, for the calls
 * Berth sends without an SDK client (`AwsJsonClient`, the agents' push, the
 * scheduler's wake-up, the root key's read), the delay it waits before the
 * next try, and the loop that tries again.
 */

/** Error names (or `__type`s) of a call that timed out. */
const TRANSIENT_TYPES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** A request that got no answer: refused, reset (a kept-alive socket the server closed), timed out. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Whether a thrown error means that no answer came (so another try may get one). */
const gotNoAnswer = (failure: unknown): boolean => {
  const { code, name } = (failure ?? {}) as { code?: unknown; name?: unknown };
  return NETWORK_CODES.has(String(code)) || TRANSIENT_TYPES.has(String(name));
};

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 20_000;

/** Full jitter on an exponential base, as the SDK's standard strategy: before try `attempt + 1`. */
const retryDelayMs = (attempt: number): number =>
  Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);

const sleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Throttling (429) or a server error (5xx): an answer worth asking again for. */
const isTransientStatus = (answer: { readonly status: number }): boolean =>
  answer.status === 429 || answer.status >= 500;

/**
 * Sends until an answer that `isTransient` does not call transient (by
 * default: anything but throttling and server errors) comes back, or
 * `attempts` tries are spent (then the last answer, or the last error, is
 * the result); a try that gets no answer is tried again too. The one retry
 * loop of the calls Berth sends without an SDK client.
 */
const sendRetried = async <Answer extends { readonly status: number }>(
  send: () => Promise<Answer>,
  attempts: number,
  isTransient: (answer: Answer) => boolean = isTransientStatus,
): Promise<Answer> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const answer = await send();
      if (!isTransient(answer) || attempt >= attempts) return answer;
    } catch (error) {
      if (!gotNoAnswer(error) || attempt >= attempts) throw error;
    }
    await sleep(retryDelayMs(attempt));
  }
};

export { sendRetried, TRANSIENT_TYPES };
