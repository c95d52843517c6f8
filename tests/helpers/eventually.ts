/**
 * Reads until `done` says yes, every 100 ms, for at most `ms`; fails with the
 * last value read, so that a test that times out says what it saw.
 */
const eventually = async <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 20_000,
): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export { eventually };
