import { outputTail, type RunningPart, supervise } from '../../../local/supervisor';

/** A part that exits when told to, and says so. */
const fakePart = () => {
  let exit: (status: number | string | null) => void = () => {};
  const part: RunningPart & { die(status: number | string): void; stopped: boolean } = {
    exited: new Promise((resolve) => {
      exit = resolve;
    }),
    lastLines: () => ['line one', 'line two'],
    stopped: false,
    die: (status) => exit(status),
    stop: async () => {
      part.stopped = true;
      exit(0);
    },
  };
  return part;
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('supervise', () => {
  it('reports a part that exits, with its last lines, and starts it again', async () => {
    const parts = [fakePart(), fakePart()];
    const warnings: string[] = [];
    let started = 0;
    const supervised = await supervise({
      name: 'DynamoDB Local',
      start: async () => parts[started++] ?? fakePart(),
      warn: (line) => warnings.push(line),
      giveUp: () => {
        throw new Error('should not give up');
      },
      backoffMs: [1],
    });
    parts[0]?.die(137);
    for (let i = 0; i < 20 && supervised.restarts === 0; i += 1) await tick();

    expect(supervised.restarts).toBe(1);
    expect(supervised.current()).toBe(parts[1]);
    expect(warnings[0]).toBe(
      'DynamoDB Local exited (137); its last lines:\n  line one\n  line two',
    );
    expect(warnings).toContain('DynamoDB Local is running again');
    await supervised.stop();
    expect(parts[1]?.stopped).toBe(true);
  });

  it('gives up after too many failures in the window, with the reason', async () => {
    const reasons: string[] = [];
    const parts: ReturnType<typeof fakePart>[] = [];
    const supervised = await supervise({
      name: 'serverless-offline',
      start: async () => {
        const part = fakePart();
        parts.push(part);
        return part;
      },
      warn: () => {},
      giveUp: (reason) => reasons.push(reason),
      backoffMs: [1],
      maxFailures: 2,
      windowMs: 60_000,
    });
    for (let round = 0; round < 3; round += 1) {
      parts.at(-1)?.die(1);
      for (let i = 0; i < 20 && parts.length < round + 2 && reasons.length === 0; i += 1) {
        await tick();
      }
    }
    expect(reasons).toEqual(['serverless-offline exited 3 times within 60 s (last: 1)']);
    await supervised.stop();
  });

  it('counts a failed start as a failure and tries again', async () => {
    let attempts = 0;
    const first = fakePart();
    const warnings: string[] = [];
    const supervised = await supervise({
      name: 'part',
      start: async () => {
        attempts += 1;
        if (attempts === 1) return first;
        if (attempts === 2) throw new Error('port taken');
        return fakePart();
      },
      warn: (line) => warnings.push(line),
      giveUp: () => {},
      backoffMs: [1],
    });
    first.die(1);
    for (let i = 0; i < 40 && supervised.restarts === 0; i += 1) await tick();
    expect(attempts).toBe(3);
    expect(warnings).toContain('part did not start: port taken');
    await supervised.stop();
  });

  it('does not restart a part it was asked to stop', async () => {
    const part = fakePart();
    let starts = 0;
    const supervised = await supervise({
      name: 'part',
      start: async () => {
        starts += 1;
        return part;
      },
      warn: () => {},
      giveUp: () => {},
      backoffMs: [1],
    });
    await supervised.stop();
    await tick();
    expect(starts).toBe(1);
  });
});

describe('outputTail', () => {
  it('keeps the last lines, across chunks that split them', () => {
    const tail = outputTail(2);
    tail.add('one\ntw');
    tail.add('o\nthree\nfo');
    expect(tail.lines()).toEqual(['three', 'fo']);
  });
});
