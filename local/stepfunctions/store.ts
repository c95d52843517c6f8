import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { isJsonObject } from './json';
import type { Logger } from './logger';
import { epochSeconds, type HistoryEventInit, type WireHistoryEvent } from './wire';

/**
 * Executions, kept in memory and written under `${dataDir}/stepfunctions/` so
 * that `npm start` can be stopped (or killed) and started again without losing
 * them (Berth's "state survives a restart").
 *
 * - `executions.journal.<n>` gets one line per changed execution (the whole
 *   record, a later line replacing an earlier one on load): changes are
 *   coalesced into one append every few tens of milliseconds, and a single
 *   execution is made durable at once for the moments a caller is told about
 *   it (`StartExecution`, `StopExecution`). A torn last line is skipped.
 * - `executions.json` holds every execution, rewritten (a temporary file
 *   renamed over the real one, so a crash leaves the old or the new file, never
 *   half of one) only when the journal has outgrown it: rewriting every running
 *   execution on each change cost the stack a fifth of its CPU under load
 *   (ADR 7). Each `executions.json` names the journal begun when its contents
 *   were taken; older journals are covered by it and deleted, newer ones are
 *   replayed on load.
 *
 * Finished executions are dropped 24 h after they stopped, a local stand-in
 * for AWS's 90-day retention that keeps the files small.
 */

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The input as given (a JSON string), kept to restart the execution. */
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** How many times the execution was restarted after the server died under it. */
  redriveCount: number;
  redriveDate?: number;
  history: WireHistoryEvent[];
}

const SNAPSHOT_FILE = 'executions.json';
const JOURNAL_PREFIX = 'executions.journal.';
const FORMAT_VERSION = 1;
const COALESCE_MS = 25;
/**
 * The journal is folded into a new snapshot once it is this big and bigger than
 * the snapshot: each fold serialises every running execution again, a sixth of
 * this server's CPU under `npm run bench -- e2e` at 4 MB; replaying 16 MB on a
 * restart takes a fraction of a second.
 */
const COMPACT_AFTER_BYTES = 16 * 1024 * 1024;
const RETENTION_SECONDS = 24 * 60 * 60;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

const isRecord = (value: unknown): value is ExecutionRecord =>
  isJsonObject(value) &&
  typeof value.executionArn === 'string' &&
  typeof value.stateMachineArn === 'string' &&
  typeof value.name === 'string' &&
  typeof value.input === 'string' &&
  typeof value.status === 'string' &&
  typeof value.startDate === 'number' &&
  typeof value.redriveCount === 'number' &&
  Array.isArray(value.history);

const journalNumber = (file: string): number | undefined => {
  if (!file.startsWith(JOURNAL_PREFIX)) return undefined;
  const number = Number(file.slice(JOURNAL_PREFIX.length));
  return Number.isSafeInteger(number) && number >= 0 ? number : undefined;
};

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

class ExecutionStore {
  private readonly executions = new Map<string, ExecutionRecord>();
  /** JSON of finished executions, which no longer change: only running ones are serialised again. */
  private readonly serialised = new Map<string, string>();
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;

  // The snapshot (executions.json) and what changed since the last append.
  private readonly changedRecords = new Set<ExecutionRecord>();
  private compactWanted = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private snapshotting: Promise<void> | undefined;
  private snapshotBytes = 0;
  private journalBytes = 0;

  // The journal: lines waiting to be appended, and the append in progress.
  private journal = 0;
  private lines: string[] = [];
  private lineWaiters: Waiter[] = [];
  private appending: Promise<void> | undefined;
  /**
   * The journal being appended to, kept open: opening and closing it for
   * every append was a tenth of this server's CPU under `npm run bench`.
   */
  private journalFile: { number: number; handle: FileHandle } | undefined;

  private constructor(
    private readonly directory: string,
    private readonly logger: Logger,
    private readonly compactAfterBytes: number,
  ) {
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  /**
   * Loads the executions saved under `dataDir`. A snapshot that cannot be read
   * as JSON is set aside (renamed `*.corrupt-<time>`) rather than stopping the
   * stack from starting.
   */
  static async open(
    dataDir: string,
    logger: Logger,
    options: { compactAfterBytes?: number } = {},
  ): Promise<ExecutionStore> {
    const directory = join(dataDir, 'stepfunctions');
    await mkdir(directory, { recursive: true });
    const store = new ExecutionStore(
      directory,
      logger,
      options.compactAfterBytes ?? COMPACT_AFTER_BYTES,
    );
    await store.load();
    store.prune();
    // Fold the replayed journals into a fresh snapshot.
    store.compactWanted = true;
    store.schedule();
    return store;
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn);
  }

  all(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  add(record: ExecutionRecord): void {
    this.executions.set(record.executionArn, record);
    this.changed(record);
  }

  /** How many history events of each type were written since the server started (`GET /stats`). */
  readonly eventCounts = new Map<string, number>();

  /** Numbers, stamps and appends a history event. */
  append(record: ExecutionRecord, event: HistoryEventInit): void {
    const type = event.type ?? 'Unknown';
    this.eventCounts.set(type, (this.eventCounts.get(type) ?? 0) + 1);
    const previous = record.history.at(-1);
    record.history.push({
      ...event,
      id: (previous?.id ?? 0) + 1,
      previousEventId: previous?.id ?? 0,
      timestamp: epochSeconds(),
    });
    this.changed(record);
  }

  /** Schedules a (coalesced) append of the record as it will then be. */
  changed(record: ExecutionRecord): void {
    this.changedRecords.add(record);
    this.schedule();
  }

  /** Resolves once `record`, as it is now, would survive a crash. */
  durable(record: ExecutionRecord): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.changedRecords.delete(record);
    const done = this.appendLine(`${JSON.stringify(record)}\n`);
    this.schedule();
    return done;
  }

  private appendLine(line: string): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.lines.push(line);
      this.lineWaiters.push({ resolve, reject });
    });
    if (!this.appending) void this.appendLines();
    return done;
  }

  private schedule(): void {
    if (this.closed || this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), COALESCE_MS);
  }

  /** Appends what changed; folds the journal into a snapshot once it has grown past it. */
  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    for (const record of this.changedRecords) {
      // A pruned execution is not written again.
      if (this.executions.get(record.executionArn) === record) {
        void this.appendLine(`${JSON.stringify(record)}\n`).catch(() => {});
      }
    }
    this.changedRecords.clear();
    if (
      this.compactWanted ||
      this.journalBytes > Math.max(this.compactAfterBytes, this.snapshotBytes)
    ) {
      this.compactWanted = false;
      await this.snapshot();
    }
  }

  /** Drops executions that finished more than 24 h ago. */
  prune(now = epochSeconds()): number {
    let pruned = 0;
    for (const [arn, record] of this.executions) {
      if (record.status !== 'RUNNING' && (record.stopDate ?? now) < now - RETENTION_SECONDS) {
        this.executions.delete(arn);
        this.serialised.delete(arn);
        pruned += 1;
      }
    }
    if (pruned > 0) {
      this.compactWanted = true;
      this.schedule();
    }
    return pruned;
  }

  /** Writes what is pending and stops writing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruneTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.appending) await this.appending.catch(() => {});
    await this.snapshotting;
    this.changedRecords.clear();
    await this.snapshot();
    await this.journalFile?.handle.close();
    this.journalFile = undefined;
  }

  private path(file: string): string {
    return join(this.directory, file);
  }

  private async load(): Promise<void> {
    const files = await readdir(this.directory);
    let covered = 0;
    if (files.includes(SNAPSHOT_FILE)) {
      const text = await readFile(this.path(SNAPSHOT_FILE), 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        const aside = `${SNAPSHOT_FILE}.corrupt-${Date.now()}`;
        await rename(this.path(SNAPSHOT_FILE), this.path(aside));
        this.logger.error('Unreadable executions file set aside', { file: this.path(aside) });
      }
      if (isJsonObject(parsed)) {
        if (typeof parsed.journal === 'number') covered = parsed.journal;
        const executions = Array.isArray(parsed.executions) ? parsed.executions : [];
        for (const record of executions) this.restore(record);
      }
    }
    const journals = files
      .map(journalNumber)
      .filter((number): number is number => number !== undefined)
      .sort((a, b) => a - b);
    for (const number of journals.filter((candidate) => candidate >= covered)) {
      const text = await readFile(this.path(`${JOURNAL_PREFIX}${number}`), 'utf8');
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          this.restore(JSON.parse(line));
        } catch {
          // A line cut short by a crash: the record it carried was never acknowledged.
        }
      }
    }
    this.journal = Math.max(covered, ...journals) + 1;
  }

  private restore(record: unknown): void {
    if (isRecord(record)) this.executions.set(record.executionArn, record);
    else this.logger.error('Skipping a malformed execution record', { record });
  }

  private async appendLines(): Promise<void> {
    while (this.lines.length > 0) {
      const lines = this.lines;
      const waiters = this.lineWaiters;
      this.lines = [];
      this.lineWaiters = [];
      const text = lines.join('');
      this.journalBytes += text.length;
      this.appending = this.appendToJournal(text);
      try {
        await this.appending;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        this.logger.error('Could not append to the executions journal', { error: String(error) });
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.appending = undefined;
  }

  /** Appends to the current journal, opening it (and closing the previous one) when it changed. */
  private async appendToJournal(text: string): Promise<void> {
    if (this.journalFile?.number !== this.journal) {
      const previous = this.journalFile;
      this.journalFile = undefined;
      await previous?.handle.close();
      const number = this.journal;
      this.journalFile = {
        number,
        handle: await open(this.path(`${JOURNAL_PREFIX}${number}`), 'a'),
      };
    }
    await this.journalFile.handle.appendFile(text);
  }

  /** The snapshot's contents, reusing the JSON of executions that have finished. */
  private contents(journal: number): string {
    const parts: string[] = [];
    for (const [arn, record] of this.executions) {
      if (record.status === 'RUNNING') {
        parts.push(JSON.stringify(record));
        continue;
      }
      let text = this.serialised.get(arn);
      if (text === undefined) {
        text = JSON.stringify(record);
        this.serialised.set(arn, text);
      }
      parts.push(text);
    }
    return `{"version":${FORMAT_VERSION},"journal":${journal},"executions":[\n${parts.join(',\n')}\n]}\n`;
  }

  private async snapshot(): Promise<void> {
    if (this.snapshotting) return;
    // Lines appended from now on go to a new journal, which this snapshot does not cover.
    this.journal += 1;
    this.journalBytes = 0;
    const covered = this.journal;
    const temporary = this.path(`${SNAPSHOT_FILE}.${process.pid}.tmp`);
    this.snapshotting = (async () => {
      const contents = this.contents(covered);
      this.snapshotBytes = contents.length;
      await writeFile(temporary, contents);
      await rename(temporary, this.path(SNAPSHOT_FILE));
      for (const file of await readdir(this.directory)) {
        const number = journalNumber(file);
        if (number !== undefined && number < covered) await unlink(this.path(file)).catch(() => {});
      }
    })();
    try {
      await this.snapshotting;
    } catch (error) {
      // The journals are still there; the next flush tries again.
      this.compactWanted = true;
      this.logger.error('Could not write the executions file', {
        directory: this.directory,
        error: String(error),
      });
    } finally {
      this.snapshotting = undefined;
    }
  }
}

export { type ExecutionRecord, ExecutionStore };
