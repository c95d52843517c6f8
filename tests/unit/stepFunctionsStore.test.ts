import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExecutionRecord, ExecutionStore } from '../../local/stepfunctions/store';

/**
 * The local Step Functions server's store: changes are appended to a journal
 * (coalesced), the snapshot is rewritten only when the journal outgrows it,
 * and what was written survives a process that never closed the store.
 */

const quiet = { info: () => {}, error: () => {} };
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

const record = (name: string): ExecutionRecord => ({
  executionArn: `arn:aws:states:us-east-1:000000000000:execution:machine:${name}`,
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:machine',
  name,
  input: '{}',
  status: 'RUNNING',
  startDate: 1,
  redriveCount: 0,
  history: [],
});

describe('ExecutionStore', () => {
  let dataDir: string;
  const opened: ExecutionStore[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-store-'));
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const open = async (options?: { compactAfterBytes?: number }) => {
    const store = await ExecutionStore.open(dataDir, quiet, options);
    opened.push(store);
    return store;
  };

  it('brings back every change of a store that was never closed (a killed stack), latest state first', async () => {
    const crashed = await open();
    const first = record('first');
    const second = record('second');
    crashed.add(first);
    crashed.add(second);
    crashed.append(first, { type: 'ExecutionStarted' });
    crashed.append(first, { type: 'PassStateEntered' });
    await settle();
    first.status = 'SUCCEEDED';
    crashed.append(first, { type: 'ExecutionSucceeded' });
    crashed.changed(first);
    await settle();
    // Not closed: as if the process died here. A second store reads the same folder.
    opened.splice(0);

    const reopened = await open();

    expect(reopened.get(first.executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      history: [
        { id: 1, type: 'ExecutionStarted' },
        { id: 2, type: 'PassStateEntered' },
        { id: 3, type: 'ExecutionSucceeded' },
      ],
    });
    expect(reopened.get(second.executionArn)?.status).toBe('RUNNING');
  });

  it('makes a started execution durable before it answers, without waiting for the coalesced append', async () => {
    const crashed = await open();
    const started = record('started');
    crashed.add(started);
    await crashed.durable(started);
    opened.splice(0);

    expect((await open()).get(started.executionArn)?.name).toBe('started');
  });

  it('appends changes instead of rewriting the snapshot, and folds the journal in once it outgrows it', async () => {
    const store = await open({ compactAfterBytes: 20_000 });
    await settle(); // the snapshot taken at open
    const directory = join(dataDir, 'stepfunctions');
    const snapshotBefore = await readFile(join(directory, 'executions.json'), 'utf8');
    const busy = record('busy');
    store.add(busy);
    store.append(busy, { type: 'ExecutionStarted' });
    await settle();

    // A small change goes to the journal; the snapshot is left as it was.
    expect(await readFile(join(directory, 'executions.json'), 'utf8')).toBe(snapshotBefore);
    expect((await readdir(directory)).some((file) => file.startsWith('executions.journal.'))).toBe(
      true,
    );

    // Enough changes to outgrow the threshold: the snapshot now holds them, older journals go.
    for (let i = 0; i < 40; i += 1) {
      store.append(busy, {
        type: 'PassStateEntered',
        stateEnteredEventDetails: { name: 'x'.repeat(100) },
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await settle();
    const snapshot = JSON.parse(await readFile(join(directory, 'executions.json'), 'utf8')) as {
      journal: number;
      executions: ExecutionRecord[];
    };
    const journals = (await readdir(directory))
      .filter((file) => file.startsWith('executions.journal.'))
      .map((file) => Number(file.slice('executions.journal.'.length)));

    expect(snapshot.executions.find((e) => e.name === 'busy')?.history.length).toBeGreaterThan(1);
    expect(journals.every((number) => number >= snapshot.journal)).toBe(true);
  });
});
