import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentState, emptyState, StateFile } from '../../../agent/StateFile';

/**
 * The agent's state survives a SIGKILL at any instant: each save is one
 * numbered line appended to the journal, folded into agent.json once the
 * journal is big, and loading takes the newest whole state of the two.
 */

const withArn = (arn: string, extra: Partial<AgentState> = {}): AgentState => ({
  ...emptyState('demo'),
  containerInstanceArn: arn,
  ...extra,
});

describe('StateFile', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'berth-state-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('loads nothing on a first start, then the last state saved', () => {
    const file = new StateFile(directory);

    expect(file.load()).toBeUndefined();
    file.save(withArn('first'));
    file.save(withArn('second'));

    expect(new StateFile(directory).load()?.containerInstanceArn).toBe('second');
  });

  it('skips a last line cut short by a kill', () => {
    const file = new StateFile(directory);
    file.save(withArn('whole'));
    appendFileSync(file.journalPath, '{"format":1,"seq":99,"cluster":"demo","containerInst');

    expect(new StateFile(directory).load()?.containerInstanceArn).toBe('whole');
  });

  it('folds a big journal into agent.json and keeps the newest state', () => {
    const file = new StateFile(directory);
    const bulky = { pending: [], submitted: { note: 'x'.repeat(20_000) } } as never;
    for (let i = 0; i < 30; i += 1) file.save(withArn(`state-${i}`, { reports: bulky }));

    const snapshot = JSON.parse(readFileSync(file.path, 'utf8')) as AgentState;

    expect(snapshot.seq).toBeGreaterThan(1);
    expect(statSync(file.journalPath, { throwIfNoEntry: false })?.size ?? 0).toBeLessThan(
      256 * 1024,
    );
    expect(new StateFile(directory).load()?.containerInstanceArn).toBe('state-29');
  });

  it('prefers agent.json over older journal lines left by a kill during the fold', () => {
    const file = new StateFile(directory);
    file.save(withArn('old'));
    // As if the fold had renamed a newer agent.json but died before removing the journal.
    writeFileSync(file.path, JSON.stringify(withArn('newer', { seq: 5 })));

    expect(new StateFile(directory).load()?.containerInstanceArn).toBe('newer');
  });

  it('reads an agent.json written before journals existed, and numbers later saves after it', () => {
    writeFileSync(join(directory, 'agent.json'), JSON.stringify(withArn('legacy')));
    const file = new StateFile(directory);

    expect(file.load()?.containerInstanceArn).toBe('legacy');
    file.save(withArn('after'));
    expect(new StateFile(directory).load()?.containerInstanceArn).toBe('after');
  });

  it('numbers a save after what the folder holds even when it did not load first', () => {
    const writer = new StateFile(directory);
    for (let i = 0; i < 3; i += 1) writer.save(withArn(`writer-${i}`));
    writeFileSync(writer.path, JSON.stringify(withArn('snapshot', { seq: 10 })));

    new StateFile(directory).save(withArn('latest'));

    expect(new StateFile(directory).load()?.containerInstanceArn).toBe('latest');
  });

  it('refuses a corrupt agent.json instead of starting over', () => {
    writeFileSync(join(directory, 'agent.json'), '{not json');

    expect(() => new StateFile(directory).load()).toThrow();
  });
});
