/**
 * Keeps a part of the local stack running (DynamoDB Local, serverless-offline):
 * when it exits on its own, the terminal hears at once (its exit status and
 * last lines), and it is started again with its state (its data on disk) after
 * a backoff of 1, 2, 4, 8, 16 s. A part that keeps failing — more than
 * `maxFailures` exits or failed starts within `windowMs` — stops the stack with
 * a clear reason, rather than leave it half-alive.
 */

interface RunningPart {
  /** Resolves with the exit code (or signal) when the part ends. */
  readonly exited: Promise<number | string | null>;
  /** What it printed last (for the report of its death). */
  lastLines(): string[];
  stop(): Promise<void>;
}

interface SupervisorOptions<Part extends RunningPart> {
  readonly name: string;
  readonly start: () => Promise<Part>;
  /** Always shown to the user (stderr of `npm start`). */
  readonly warn: (line: string) => void;
  /** The part cannot be kept up: the stack stops with this reason. */
  readonly giveUp: (reason: string) => void;
  /** After each restart, for what depends on the part (e.g. tables to ensure). */
  readonly restarted?: (part: Part) => Promise<void>;
  readonly backoffMs?: readonly number[];
  readonly maxFailures?: number;
  readonly windowMs?: number;
}

interface Supervised<Part> {
  current(): Part;
  /** How many times the part has been started again. */
  readonly restarts: number;
  stop(): Promise<void>;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

const supervise = async <Part extends RunningPart>(
  options: SupervisorOptions<Part>,
): Promise<Supervised<Part>> => {
  const backoff = options.backoffMs ?? [1_000, 2_000, 4_000, 8_000, 16_000];
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 120_000;
  let part = await options.start();
  let stopping = false;
  let restarts = 0;
  const failures: number[] = [];

  /** Counts a failure; false when there have been too many to go on. */
  const failed = (): boolean => {
    const now = Date.now();
    failures.push(now);
    while (failures.length > 0 && (failures[0] ?? now) < now - windowMs) failures.shift();
    return failures.length <= maxFailures;
  };

  const restart = async (): Promise<void> => {
    for (;;) {
      const delay = backoff[Math.min(failures.length - 1, backoff.length - 1)] ?? 1_000;
      options.warn(`Restarting ${options.name} in ${delay / 1000} s`);
      await sleep(delay);
      if (stopping) return;
      try {
        const next = await options.start();
        if (stopping) {
          await next.stop();
          return;
        }
        part = next;
        restarts += 1;
        await options.restarted?.(next);
        options.warn(`${options.name} is running again`);
        watch(next);
        return;
      } catch (error) {
        options.warn(
          `${options.name} did not start: ${error instanceof Error ? error.message : String(error)}`,
        );
        if (!failed()) {
          options.giveUp(
            `${options.name} failed ${failures.length} times within ${windowMs / 1000} s`,
          );
          return;
        }
      }
    }
  };

  const watch = (watched: Part): void => {
    void watched.exited.then(async (status) => {
      if (stopping || watched !== part) return;
      const lines = watched.lastLines().slice(-10);
      options.warn(
        `${options.name} exited (${status ?? 'unknown'})${
          lines.length > 0
            ? `; its last lines:\n${lines.map((line) => `  ${line}`).join('\n')}`
            : ''
        }`,
      );
      if (!failed()) {
        options.giveUp(
          `${options.name} exited ${failures.length} times within ${windowMs / 1000} s (last: ${status ?? 'unknown'})`,
        );
        return;
      }
      await restart();
    });
  };
  watch(part);

  return {
    current: () => part,
    get restarts() {
      return restarts;
    },
    stop: async () => {
      stopping = true;
      await part.stop();
    },
  };
};

/** The last `count` lines of what a process printed, kept as it prints. */
const outputTail = (count = 20) => {
  let lines: string[] = [];
  let partial = '';
  return {
    add(chunk: Buffer | string): void {
      const text = partial + chunk.toString();
      const split = text.split('\n');
      partial = split.pop() ?? '';
      lines = [...lines, ...split.filter((line) => line.trim() !== '')].slice(-count);
    },
    lines: (): string[] => (partial.trim() === '' ? lines : [...lines, partial]).slice(-count),
  };
};

export type { RunningPart, Supervised };
export { outputTail, supervise };
