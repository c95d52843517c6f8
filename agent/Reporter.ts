/**
 * The agent's reports to Berth (docs/agent-protocol.md §5): every task and
 * container state change goes out through SubmitTaskStateChange or
 * SubmitContainerStateChange, in order per task, retried until Berth answers.
 *
 * - Ordered: one task's reports are sent one at a time, in the order they
 *   were submitted; different tasks do not wait for each other.
 * - Idempotent: a report that would repeat or move a task or container
 *   backwards (RUNNING after STOPPED) is dropped here, and Berth ignores
 *   repeats too. Once the task's STOPPED report is submitted, container
 *   reports for it are moot (the task report carries every container).
 * - Retried: a failure without an answer (network, 5xx, throttling) is
 *   retried with backoff, for ever; `kick()` retries at once (on reconnect).
 *   A client error (4xx) is an answer: logged and dropped, the queue moves on.
 * - Durable: the queue is part of the agent's state file (`snapshot()`), so
 *   reports survive a restart of the agent.
 */

import type { NetworkBinding } from '@aws-sdk/client-ecs';

type ReportStatus = 'RUNNING' | 'STOPPED';

interface ContainerReport {
  readonly containerName: string;
  readonly runtimeId?: string;
  readonly status: ReportStatus;
  readonly exitCode?: number;
  readonly reason?: string;
  readonly networkBindings?: NetworkBinding[];
}

interface TaskReport {
  readonly kind: 'task';
  readonly taskArn: string;
  readonly cluster: string;
  readonly status: ReportStatus;
  readonly reason?: string;
  readonly containers: ContainerReport[];
  /** Epoch ms. */
  readonly pullStartedAt?: number;
  readonly pullStoppedAt?: number;
  readonly executionStoppedAt?: number;
}

interface ContainerStateReport extends ContainerReport {
  readonly kind: 'container';
  readonly taskArn: string;
  readonly cluster: string;
}

type Report = TaskReport | ContainerStateReport;

/** How far each stream of one task has got: the task's own, and one per container. */
interface Progress {
  task?: ReportStatus;
  containers?: Record<string, ReportStatus>;
}

interface ReporterSnapshot {
  readonly pending: Report[];
  readonly submitted: Record<string, Progress>;
}

interface ReporterDependencies {
  /** Sends one report; resolves when Berth has answered with success. */
  send(report: Report): Promise<void>;
  /** Whether a failure deserves another try (no answer) or is final (an answer); see isRetryableError. */
  isRetryable?(error: unknown, attempts: number): boolean;
  /** Called after every change of the queue, to persist `snapshot()`. */
  onChange?(): void;
  log?(line: string): void;
  /** Backoff between retries of one task's head report. */
  retry?: { readonly initialMs: number; readonly maxMs: number };
}

const RANK: Record<ReportStatus, number> = { RUNNING: 1, STOPPED: 2 };

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** How often a ClientException ("… try again") is retried before it counts as a refusal. */
const CLIENT_EXCEPTION_ATTEMPTS = 10;

/**
 * Whether a failed call deserves another try, `attempts` tries in. SDK errors
 * carry `$fault`: anything without an answer (ECONNREFUSED, a timeout, a 5xx)
 * and throttling is retried for ever; ECS's generic ClientException (Berth
 * uses it for "too many concurrent changes; try again") a few times; any
 * other client error is Berth's final answer.
 */
const isRetryableError = (error: unknown, attempts = 1): boolean => {
  const details = error as {
    name?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (details?.$fault !== 'client') return true;
  if (THROTTLING.has(details.name ?? '')) return true;
  if (details.$metadata?.httpStatusCode === 429) return true;
  return details.name === 'ClientException' && attempts < CLIENT_EXCEPTION_ATTEMPTS;
};

/** Whether `status` moves a stream forward from `current`. */
const advances = (current: ReportStatus | undefined, status: ReportStatus): boolean =>
  current === undefined || RANK[status] > RANK[current];

/**
 * The pure rule behind idempotence: whether `report` is news given what was
 * already submitted for its task, and the progress after it.
 */
const admit = (
  progress: Progress | undefined,
  report: Report,
): { readonly admitted: boolean; readonly progress: Progress } => {
  const current: Progress = { ...progress, containers: { ...progress?.containers } };
  if (report.kind === 'task') {
    if (!advances(current.task, report.status)) return { admitted: false, progress: current };
    current.task = report.status;
    for (const container of report.containers) {
      if (advances(current.containers?.[container.containerName], container.status)) {
        current.containers![container.containerName] = container.status;
      }
    }
    return { admitted: true, progress: current };
  }
  if (current.task === 'STOPPED') return { admitted: false, progress: current };
  if (!advances(current.containers?.[report.containerName], report.status)) {
    return { admitted: false, progress: current };
  }
  current.containers![report.containerName] = report.status;
  return { admitted: true, progress: current };
};

class Reporter {
  private readonly queues = new Map<string, Report[]>();
  private readonly submitted = new Map<string, Progress>();
  private readonly draining = new Set<string>();
  private readonly wakers = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();
  private started = false;
  private stopped = false;

  constructor(private readonly dependencies: ReporterDependencies) {}

  restore(snapshot: ReporterSnapshot): void {
    for (const [taskArn, progress] of Object.entries(snapshot.submitted)) {
      this.submitted.set(taskArn, progress);
    }
    for (const report of snapshot.pending) this.queueOf(report.taskArn).push(report);
  }

  snapshot(): ReporterSnapshot {
    return {
      pending: [...this.queues.values()].flat(),
      submitted: Object.fromEntries(this.submitted),
    };
  }

  /**
   * Queues a report unless it is a repeat or a step backwards. `force`
   * re-sends a final report Berth seems not to have applied (it must still
   * not move backwards). Returns whether it was queued.
   */
  submit(report: Report, options: { readonly force?: boolean } = {}): boolean {
    const { admitted, progress } = admit(this.submitted.get(report.taskArn), report);
    if (!admitted && !(options.force && this.pendingFor(report.taskArn) === 0)) return false;
    this.submitted.set(report.taskArn, progress);
    this.queueOf(report.taskArn).push(report);
    this.dependencies.onChange?.();
    this.drain(report.taskArn);
    return true;
  }

  /** Starts sending (what was restored and what comes next). */
  start(): void {
    this.started = true;
    for (const taskArn of this.queues.keys()) this.drain(taskArn);
  }

  /** Stops sending; what is unsent stays in the snapshot. */
  stop(): void {
    this.stopped = true;
    this.kick();
  }

  /** Retries every waiting report now (the control plane is back). */
  kick(): void {
    for (const wake of [...this.wakers]) wake();
  }

  pendingFor(taskArn: string): number {
    return this.queues.get(taskArn)?.length ?? 0;
  }

  pendingCount(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  /** Forgets a task whose reports are all acknowledged (the agent dropped its tombstone). */
  forget(taskArn: string): void {
    if (this.pendingFor(taskArn) === 0) {
      this.queues.delete(taskArn);
      this.submitted.delete(taskArn);
    }
  }

  /** Resolves true once nothing is pending, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.pendingCount() === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(value);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  private queueOf(taskArn: string): Report[] {
    let queue = this.queues.get(taskArn);
    if (!queue) {
      queue = [];
      this.queues.set(taskArn, queue);
    }
    return queue;
  }

  /** One sender per task: this is what keeps a task's reports in order. */
  private drain(taskArn: string): void {
    if (!this.started || this.stopped || this.draining.has(taskArn)) return;
    this.draining.add(taskArn);
    void this.run(taskArn).finally(() => {
      this.draining.delete(taskArn);
      if (this.pendingCount() === 0) for (const wake of [...this.idleWaiters]) wake();
    });
  }

  private async run(taskArn: string): Promise<void> {
    const retry = this.dependencies.retry ?? { initialMs: 250, maxMs: 5_000 };
    const isRetryable = this.dependencies.isRetryable ?? isRetryableError;
    let delay = retry.initialMs;
    let attempts = 0;
    for (;;) {
      if (this.stopped) return;
      const queue = this.queues.get(taskArn);
      const report = queue?.[0];
      if (!queue || !report) return;
      attempts += 1;
      try {
        await this.dependencies.send(report);
      } catch (error) {
        if (isRetryable(error, attempts)) {
          if (delay === retry.initialMs) {
            this.dependencies.log?.(
              `report ${describeReport(report)} failed (${(error as Error).message}); retrying`,
            );
          }
          await this.sleep(delay);
          delay = Math.min(delay * 2, retry.maxMs);
          continue;
        }
        this.dependencies.log?.(
          `report ${describeReport(report)} refused by Berth: ${(error as Error).message}`,
        );
      }
      delay = retry.initialMs;
      attempts = 0;
      queue.shift();
      this.dependencies.onChange?.();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}

const describeReport = (report: Report): string =>
  report.kind === 'task'
    ? `task ${report.taskArn} ${report.status}`
    : `container ${report.containerName} of ${report.taskArn} ${report.status}`;

export type {
  ContainerReport,
  ContainerStateReport,
  Progress,
  Report,
  ReporterDependencies,
  ReporterSnapshot,
  ReportStatus,
  TaskReport,
};
export { admit, isRetryableError, Reporter };
