/** Time, injected so that tests can fix it. */
interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

const systemClock: Clock = { now: () => Date.now() };

export type { Clock };
export { systemClock };
