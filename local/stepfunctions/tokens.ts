import { randomBytes } from 'node:crypto';
import { SfnError } from './errors';
import { AbandonedTask, TaskFailure } from './failures';
import type { JsonValue } from './json';

/**
 * Task tokens for `.waitForTaskToken` states, which `aws-local-stepfunctions`
 * does not have. A Task handler asks for a token and waits on the promise it
 * comes with; `SendTaskSuccess`/`SendTaskFailure` settle it, and
 * `SendTaskHeartbeat` keeps it alive while `HeartbeatSeconds` applies.
 *
 * Tokens live in memory only. After a restart the executions that were
 * waiting run again from their input and hand out new tokens, so a token from
 * before the restart is answered `TaskTimedOut`, as AWS answers tokens whose
 * task is gone.
 */

interface PendingTask {
  token: string;
  executionArn: string;
  stateName: string;
  resolve: (output: JsonValue) => void;
  reject: (error: Error) => void;
  heartbeatSeconds?: number;
  heartbeatTimer?: NodeJS.Timeout;
  timeoutTimer?: NodeJS.Timeout;
}

interface CreateTokenOptions {
  executionArn: string;
  stateName: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

/**
 * The library times a Task out itself (with the error class its `Retry` and
 * `Catch` treat as a timeout); this table's timer only retires the token, a
 * little later so that the library's error always wins the race.
 */
const TIMEOUT_GRACE_MS = 100;

/** How many retired tokens are remembered to answer `TaskTimedOut` instead of `TaskDoesNotExist`. */
const RETIRED_TOKENS_KEPT = 10_000;

const TOKEN_PREFIX = 'berth1.';

const encodeToken = (executionArn: string): string =>
  `${TOKEN_PREFIX}${Buffer.from(JSON.stringify({ e: executionArn })).toString('base64url')}.${randomBytes(24).toString('base64url')}`;

/** The execution a token was made for, or `undefined` when it is not one of ours. */
const decodeToken = (token: string): string | undefined => {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const [encoded, secret] = token.slice(TOKEN_PREFIX.length).split('.');
  if (!encoded || !secret) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null && 'e' in decoded) {
      return typeof decoded.e === 'string' ? decoded.e : undefined;
    }
  } catch {
    // falls through: not a token of ours
  }
  return undefined;
};

class TaskTokens {
  private readonly pending = new Map<string, PendingTask>();
  private readonly retired = new Set<string>();

  /**
   * @param executionExists whether an execution is known, to tell a token
   *   whose task is gone (`TaskTimedOut`) from one that never existed.
   */
  constructor(private readonly executionExists: (executionArn: string) => boolean) {}

  /** A new token for a waiting Task state, and the promise `Send*` calls settle. */
  create(options: CreateTokenOptions): { token: string; result: Promise<JsonValue> } {
    const token = encodeToken(options.executionArn);
    const result = new Promise<JsonValue>((resolve, reject) => {
      const task: PendingTask = {
        token,
        executionArn: options.executionArn,
        stateName: options.stateName,
        resolve,
        reject,
        ...(options.heartbeatSeconds !== undefined
          ? { heartbeatSeconds: options.heartbeatSeconds }
          : {}),
      };
      if (options.timeoutSeconds !== undefined) {
        task.timeoutTimer = setTimeout(
          () => this.settle(task, { error: new TaskFailure('States.Timeout', 'Task timed out') }),
          options.timeoutSeconds * 1000 + TIMEOUT_GRACE_MS,
        );
        task.timeoutTimer.unref();
      }
      this.pending.set(token, task);
      this.armHeartbeat(task);
    });
    return { token, result };
  }

  /** `SendTaskSuccess`. */
  succeed(token: string, output: JsonValue): void {
    this.settle(this.require(token), { output });
  }

  /** `SendTaskFailure`: the state fails with `error` (default `States.TaskFailed`) and `cause`. */
  fail(token: string, error: string | undefined, cause: string | undefined): void {
    this.settle(this.require(token), {
      error: new TaskFailure(error ?? 'States.TaskFailed', cause ?? ''),
    });
  }

  /** `SendTaskHeartbeat`: restarts the `HeartbeatSeconds` clock. */
  heartbeat(token: string): void {
    this.armHeartbeat(this.require(token));
  }

  /**
   * Fails a wait from inside the server (its function could not be reached or
   * failed before calling back). Does nothing once the wait is over.
   */
  reject(token: string, error: Error): void {
    const task = this.pending.get(token);
    if (task) this.settle(task, { error });
  }

  /** Whether `token` is still waiting for a `Send*` call. */
  isPending(token: string): boolean {
    return this.pending.has(token);
  }

  /**
   * Ends every wait of an execution that stopped (or whose server is closing)
   * with an error no `Retry`/`Catch` can intercept, and retires its tokens.
   */
  abandonExecution(executionArn: string): void {
    for (const task of [...this.pending.values()]) {
      if (task.executionArn === executionArn) this.settle(task, { error: new AbandonedTask() });
    }
  }

  /** Abandons every wait (server shutdown). */
  close(): void {
    for (const task of [...this.pending.values()])
      this.settle(task, { error: new AbandonedTask() });
  }

  private require(token: string): PendingTask {
    const task = this.pending.get(token);
    if (task) return task;
    if (this.retired.has(token)) {
      throw new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    const executionArn = decodeToken(token);
    if (executionArn === undefined) throw new SfnError('InvalidToken', 'Invalid Token');
    if (this.executionExists(executionArn)) {
      throw new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  private armHeartbeat(task: PendingTask): void {
    if (task.heartbeatSeconds === undefined) return;
    clearTimeout(task.heartbeatTimer);
    task.heartbeatTimer = setTimeout(
      () =>
        this.settle(task, {
          error: new TaskFailure('States.HeartbeatTimeout', 'No heartbeat within HeartbeatSeconds'),
        }),
      task.heartbeatSeconds * 1000,
    );
    task.heartbeatTimer.unref();
  }

  private settle(task: PendingTask, outcome: { output: JsonValue } | { error: Error }): void {
    if (!this.pending.delete(task.token)) return;
    clearTimeout(task.heartbeatTimer);
    clearTimeout(task.timeoutTimer);
    this.retired.add(task.token);
    if (this.retired.size > RETIRED_TOKENS_KEPT) {
      const oldest = this.retired.values().next().value;
      if (oldest !== undefined) this.retired.delete(oldest);
    }
    if ('output' in outcome) task.resolve(outcome.output);
    else task.reject(outcome.error);
  }
}

export { type CreateTokenOptions, TaskTokens };
