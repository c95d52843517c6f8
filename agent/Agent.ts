import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from './ControlPlane';
import { ControlSocket } from './ControlSocket';
import type { AgentOptions } from './cli';
import {
  type AgentContainer,
  type AgentTask,
  DEFAULT_STOP_TIMEOUT_SECONDS,
  taskIdOf,
} from './protocol';
import { isRetryableError, Reporter } from './Reporter';
import {
  containerReportOf,
  decideAfterExit,
  decideAfterStart,
  decideTask,
  isLive,
  runningReportOf,
  stoppedReportOf,
} from './reconcile';
import type {
  ContainerExit,
  ContainerHandle,
  ContainerPaths,
  ContainerRuntime,
} from './runtimes/ContainerRuntime';
import {
  type AgentState,
  type ContainerState,
  emptyState,
  type StateFile,
  type TaskState,
} from './StateFile';
import { type AgentCredentials, presignSocketUrl } from './signing';
import { type ContainerReading, UsageMeter } from './usage';

/**
 * The host agent: registers the container instance, keeps one socket to
 * Berth, and reconciles what Berth wants (each task's desiredStatus) with what
 * runs here, reporting every change (docs/agent-protocol.md).
 *
 * The decisions themselves are pure functions in reconcile.ts; this class
 * carries them out, and saves its state before every step that must not be
 * repeated, so that a restart — even after SIGKILL — neither loses a task nor
 * starts one twice.
 */

interface AgentDependencies {
  readonly options: AgentOptions;
  /** What the socket's URL is presigned with; unsigned without (a stack that checks nothing). */
  readonly credentials?: AgentCredentials;
  readonly controlPlane: ControlPlane;
  readonly runtime: ContainerRuntime;
  readonly stateFile: StateFile;
  readonly agentVersion: string;
  /** Diagnostics (stderr). */
  readonly log: (line: string) => void;
  /** The one line a user waits for (stdout). */
  readonly print: (line: string) => void;
  readonly now?: () => number;
}

/** How long a stopped task is remembered, so that a repeated message never starts it again. */
const TOMBSTONE_MS = 60 * 60 * 1000;
/** How long a stopped task's folder (logs, exit codes) is kept, like ECS's task cleanup wait. */
const LOG_RETENTION_MS = 3 * 60 * 60 * 1000;
const PRUNE_INTERVAL_MS = 60 * 1000;
/** How long `--stop-tasks-on-exit` waits for Berth to acknowledge the final reports. */
const SHUTDOWN_REPORT_WAIT_MS = 10_000;

const keyOf = (taskArn: string, containerName: string): string =>
  `${taskArn}\u0000${containerName}`;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class Agent {
  private state: AgentState;
  private readonly handles = new Map<string, ContainerHandle>();
  private readonly reporter: Reporter;
  private socket?: ControlSocket;
  private pruneTimer?: NodeJS.Timeout;
  private metricsTimer?: NodeJS.Timeout;
  private readonly usageMeter = new UsageMeter();
  private measuring = false;
  private shuttingDown = false;
  private readonly now: () => number;

  constructor(private readonly dependencies: AgentDependencies) {
    this.now = dependencies.now ?? Date.now;
    this.state = emptyState(dependencies.options.cluster);
    this.reporter = new Reporter({
      send: (report) => dependencies.controlPlane.submit(report),
      onChange: () => this.persist(),
      log: dependencies.log,
    });
  }

  /** Loads the saved state, adopts surviving containers, registers, connects. */
  async start(): Promise<void> {
    const { options, stateFile, runtime } = this.dependencies;
    stateFile.lock();
    const saved = stateFile.load();
    if (saved && saved.cluster !== options.cluster) {
      throw new Error(
        `the state directory ${stateFile.directory} belongs to an agent of cluster ${saved.cluster}, not ${options.cluster}; use another --state-dir`,
      );
    }
    if (saved) this.state = saved;
    this.reporter.restore(this.state.reports);
    runtime.onExit((handle, exit) => this.containerExited(handle, exit));
    await this.recover();

    const arn = await this.register();
    this.state.containerInstanceArn = arn;
    this.persist();
    this.reporter.start();

    this.socket = new ControlSocket({
      endpoint: options.wsEndpoint,
      cluster: options.cluster,
      containerInstanceArn: arn,
      heartbeatMs: options.heartbeatSeconds * 1000,
      log: this.dependencies.log,
      onTasks: (tasks) => this.onTasks(tasks),
      onConnected: (first) => {
        if (first) {
          this.dependencies.print(`berth-agent registered ${arn} in cluster ${options.cluster}`);
        }
        // Berth is back: whatever it has not acknowledged goes now, not at the next backoff.
        this.reporter.kick();
      },
      onDisconnected: () => this.dependencies.log(`lost the socket to ${options.wsEndpoint}`),
      ...(this.dependencies.credentials
        ? {
            sign: (url: string) =>
              presignSocketUrl(
                url,
                this.dependencies.credentials as AgentCredentials,
                options.region,
              ),
          }
        : {}),
    });
    this.socket.start();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
    if (options.metricsSeconds > 0) {
      this.metricsTimer = setInterval(() => void this.sendUsage(), options.metricsSeconds * 1000);
      this.metricsTimer.unref();
    }
  }

  /**
   * Clean shutdown (SIGINT/SIGTERM): disconnects, leaving containers running
   * and the instance registered — or, with `--stop-tasks-on-exit`, stops
   * every task first and waits (a while) for its reports to be acknowledged.
   */
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    clearInterval(this.pruneTimer);
    clearInterval(this.metricsTimer);
    if (this.dependencies.options.stopTasksOnExit) {
      for (const task of this.state.tasks) {
        if (task.status !== 'STOPPED') task.desiredStatus = 'STOPPED';
      }
      // A task being started stops itself when its start loop sees desiredStatus STOPPED.
      while (this.state.tasks.some((task) => task.status === 'STARTING')) await sleep(20);
      await Promise.all(
        this.state.tasks
          .filter((task) => task.status !== 'STOPPED')
          .map((task) => this.stopTask(task, 'Task stopped because its agent shut down')),
      );
      await this.whenStopped();
      if (!(await this.reporter.idle(SHUTDOWN_REPORT_WAIT_MS))) {
        this.dependencies.log('some reports are unacknowledged; they are sent on the next start');
      }
    }
    await this.socket?.close();
    this.reporter.stop();
    this.dependencies.runtime.close();
    this.persist();
    this.dependencies.stateFile.unlock();
  }

  // --- Usage -------------------------------------------------------------

  /**
   * Measures every running container and sends the tasks' usage on the
   * socket (docs/agent-protocol.md §2), from which Berth makes ECS's
   * CPUUtilization and MemoryUtilization. A reading that finds the socket
   * closed is dropped: a late figure would only blur the next one.
   */
  async sendUsage(): Promise<void> {
    if (this.measuring || this.shuttingDown) return;
    this.measuring = true;
    try {
      const running = [...this.handles.values()];
      const usage = await this.dependencies.runtime.usage(running);
      const at = this.now();
      const readings: ContainerReading[] = [];
      for (const handle of running) {
        const reading = usage.get(handle.runtimeId);
        if (reading) {
          readings.push({
            taskArn: handle.taskArn,
            containerName: handle.containerName,
            usage: reading,
          });
        }
      }
      const tasks = this.usageMeter.rates(readings, at);
      if (tasks.length > 0) this.socket?.sendIfOpen({ action: 'metrics', timestamp: at, tasks });
    } catch (error) {
      this.dependencies.log(`cannot measure container usage: ${messageOf(error)}`);
    } finally {
      this.measuring = false;
    }
  }

  // --- Registration ------------------------------------------------------

  private async register(): Promise<string> {
    const { options, controlPlane, log, stateFile } = this.dependencies;
    const saved = this.state.containerInstanceArn;
    let delay = 500;
    let createdDefaultCluster = false;
    let reported = false;
    for (let attempts = 1; ; attempts += 1) {
      try {
        return await controlPlane.register({
          cluster: options.cluster,
          containerInstanceArn: saved,
          cpu: options.cpu,
          memory: options.memory,
          reservedPorts: options.reservedPorts,
          reservedUdpPorts: options.reservedUdpPorts,
          attributes: options.attributes,
          agentVersion: this.dependencies.agentVersion,
        });
      } catch (error) {
        if (isRetryableError(error, attempts)) {
          // Berth may still be starting (npm start and the agent launched together).
          if (!reported)
            log(`cannot register with ${options.endpoint} yet (${messageOf(error)}); retrying`);
          reported = true;
          await sleep(delay);
          delay = Math.min(delay * 2, 10_000);
          continue;
        }
        const name = (error as Error).name;
        if (
          name === 'ClusterNotFoundException' &&
          options.cluster === 'default' &&
          !createdDefaultCluster
        ) {
          // As the ECS agent does: the default cluster is created on first use.
          createdDefaultCluster = true;
          await controlPlane.createCluster('default');
          continue;
        }
        if (saved) {
          throw new Error(
            `Berth refused to re-register the saved container instance ${saved} (${name}: ${messageOf(error)}). If it was deregistered, remove ${stateFile.path} to register this host as a new instance.`,
          );
        }
        throw new Error(`RegisterContainerInstance failed: ${name}: ${messageOf(error)}`);
      }
    }
  }

  // --- Messages from Berth -------------------------------------------------

  /** One `tasks` message: act on the difference between each task's desired and actual state. */
  private onTasks(tasks: AgentTask[]): void {
    if (this.shuttingDown) return;
    for (const incoming of tasks) {
      const known = this.findTask(incoming.taskArn);
      const decision = decideTask(
        known,
        incoming,
        known !== undefined && this.reporter.pendingFor(known.taskArn) > 0,
      );
      if (known && incoming.version !== undefined && incoming.version > (known.version ?? -1)) {
        known.version = incoming.version;
      }
      switch (decision.action) {
        case 'start':
          this.background(this.startTask(incoming));
          break;
        case 'stop':
          this.requestStop(known!);
          break;
        case 'report-stopped':
          this.settleUnknown(incoming, decision.reason);
          break;
        case 'resend-final':
          this.reporter.submit(stoppedReportOf(known!, this.now()), { force: true });
          break;
        case 'none':
          break;
      }
    }
  }

  // --- Starting ----------------------------------------------------------

  private async startTask(incoming: AgentTask): Promise<void> {
    // Recorded (and saved) before anything runs: a repeated message now finds it.
    const task: TaskState = {
      taskArn: incoming.taskArn,
      cluster: incoming.cluster || this.dependencies.options.cluster,
      taskId: taskIdOf(incoming.taskArn),
      version: incoming.version,
      desiredStatus: 'RUNNING',
      status: 'STARTING',
      containers: incoming.containers.map((container) => ({
        name: container.name,
        essential: container.essential ?? true,
        stopTimeout: container.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
        status: 'PENDING',
      })),
      definition: incoming,
      pullStartedAt: this.now(),
    };
    this.state.tasks.push(task);
    this.persist();
    await this.continueStart(task);
  }

  /** Starts every container not tried yet; also resumes a start interrupted by a restart. */
  private async continueStart(task: TaskState): Promise<void> {
    for (const container of task.containers) {
      if (task.desiredStatus === 'STOPPED') break;
      if (container.status !== 'PENDING') continue;
      const definition = task.definition?.containers.find((c) => c.name === container.name);
      if (!task.definition || !definition) {
        this.failStart(container, 'CannotStartContainerError: no definition for this container');
        continue;
      }
      container.status = 'STARTING';
      this.persist();
      await this.startContainer(task, task.definition, definition, container);
    }
    this.afterStart(task);
  }

  private async startContainer(
    task: TaskState,
    definition: AgentTask,
    containerDefinition: AgentContainer,
    container: ContainerState,
  ): Promise<void> {
    try {
      const handle = await this.dependencies.runtime.start(
        definition,
        containerDefinition,
        this.pathsOf(task),
      );
      this.handles.set(keyOf(task.taskArn, container.name), handle);
      container.runtimeId = handle.runtimeId;
      container.startedAt = this.now();
      if (handle.networkBindings !== undefined) container.networkBindings = handle.networkBindings;
      if (handle.pullStartedAt !== undefined) container.pullStartedAt = handle.pullStartedAt;
      if (handle.pullStoppedAt !== undefined) container.pullStoppedAt = handle.pullStoppedAt;
      // An exit may already have been recorded; it must not be overwritten.
      if (container.status === 'STARTING') container.status = 'RUNNING';
      this.dependencies.log(
        `task ${task.taskId}: container ${container.name} started (${this.dependencies.runtime.name} ${handle.runtimeId})`,
      );
    } catch (error) {
      const message = messageOf(error);
      // ECS's reasons name their error (CannotStartContainerError, CannotPullContainerError, …).
      this.failStart(
        container,
        /^Cannot\w+Error: /.test(message) ? message : `CannotStartContainerError: ${message}`,
      );
      this.dependencies.log(`task ${task.taskId}: container ${container.name}: ${message}`);
    }
    this.persist();
  }

  private failStart(container: ContainerState, reason: string): void {
    container.status = 'STOPPED';
    container.exitCode = 1;
    container.reason = reason;
    container.stoppedAt = this.now();
  }

  private afterStart(task: TaskState): void {
    if (task.status !== 'STARTING') return;
    task.definition = undefined;
    const decision = decideAfterStart(task);
    if (decision.action === 'stop') {
      this.background(this.stopTask(task, decision.reason));
      return;
    }
    task.status = 'RUNNING';
    this.reporter.submit(runningReportOf(task, this.now()));
    this.persist();
    // Containers that ran and exited while the others were starting.
    for (const container of task.containers) {
      if (container.status === 'STOPPED' && container.runtimeId !== undefined) {
        this.applyExit(task, container);
      }
    }
  }

  // --- Exits and stopping ------------------------------------------------

  private containerExited(handle: ContainerHandle, exit: ContainerExit): void {
    const task = this.findTask(handle.taskArn);
    const container = task?.containers.find((c) => c.name === handle.containerName);
    this.handles.delete(keyOf(handle.taskArn, handle.containerName));
    if (!task || !container || container.status === 'STOPPED') return;
    container.status = 'STOPPED';
    container.runtimeId ??= handle.runtimeId;
    container.exitCode = exit.exitCode;
    container.reason = exit.reason;
    container.stoppedAt = this.now();
    this.dependencies.log(
      `task ${task.taskId}: container ${container.name} exited (${exit.exitCode ?? exit.reason})`,
    );
    // While starting, the consequences wait for the RUNNING report (afterStart).
    if (task.status === 'STARTING') {
      this.persist();
      return;
    }
    this.applyExit(task, container);
  }

  private applyExit(task: TaskState, container: ContainerState): void {
    const decision = decideAfterExit(task, container);
    if (decision.reportContainer) {
      this.reporter.submit({
        kind: 'container',
        taskArn: task.taskArn,
        cluster: task.cluster,
        ...containerReportOf(container),
      });
    }
    this.persist();
    if (decision.stopTask) this.background(this.stopTask(task, decision.stopTask.reason));
    else if (task.status === 'STOPPING' && !task.containers.some(isLive)) this.finishTask(task);
  }

  /** Berth wants the task stopped. A task still starting stops when its start loop ends. */
  private requestStop(task: TaskState): void {
    task.desiredStatus = 'STOPPED';
    this.persist();
    if (task.status === 'STARTING') return;
    this.background(this.stopTask(task, undefined));
  }

  private async stopTask(task: TaskState, reason: string | undefined): Promise<void> {
    if (task.status === 'STOPPING' || task.status === 'STOPPED') return;
    task.status = 'STOPPING';
    task.reason = reason;
    task.definition = undefined;
    for (const container of task.containers) {
      // Never started: nothing to signal.
      if (container.status === 'PENDING') container.status = 'STOPPED';
    }
    this.persist();
    await this.stopContainers(task);
  }

  /** SIGTERM, then SIGKILL after each container's stopTimeout; exits arrive through containerExited. */
  private async stopContainers(task: TaskState): Promise<void> {
    const live = task.containers.filter(isLive);
    if (live.length === 0) {
      this.finishTask(task);
      return;
    }
    await Promise.all(
      live.map(async (container) => {
        const handle = this.handles.get(keyOf(task.taskArn, container.name));
        if (!handle) {
          // Nothing to signal (should not happen): settle it rather than wait for ever.
          this.containerExited(
            {
              taskArn: task.taskArn,
              containerName: container.name,
              runtimeId: container.runtimeId ?? '',
            },
            { reason: 'CannotStopContainerError: the agent lost track of this container' },
          );
          return;
        }
        try {
          await this.dependencies.runtime.stop(handle, container.stopTimeout);
        } catch (error) {
          this.dependencies.log(
            `task ${task.taskId}: cannot stop container ${container.name}: ${messageOf(error)}`,
          );
        }
      }),
    );
  }

  private finishTask(task: TaskState): void {
    if (task.status === 'STOPPED') return;
    task.status = 'STOPPED';
    task.stoppedAt = this.now();
    task.definition = undefined;
    this.reporter.submit(stoppedReportOf(task, task.stoppedAt));
    this.persist();
    this.dependencies.log(`task ${task.taskId}: STOPPED${task.reason ? ` (${task.reason})` : ''}`);
  }

  /** A task this agent never ran (or no longer knows): a tombstone and a STOPPED report. */
  private settleUnknown(incoming: AgentTask, reason: string | undefined): void {
    const now = this.now();
    const task: TaskState = {
      taskArn: incoming.taskArn,
      cluster: incoming.cluster || this.dependencies.options.cluster,
      taskId: taskIdOf(incoming.taskArn),
      version: incoming.version,
      desiredStatus: incoming.desiredStatus,
      status: 'STOPPED',
      reason,
      containers: incoming.containers.map((container) => ({
        name: container.name,
        essential: container.essential ?? true,
        stopTimeout: container.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
        status: 'STOPPED',
      })),
      stoppedAt: now,
    };
    this.state.tasks.push(task);
    this.reporter.submit(stoppedReportOf(task, now));
    this.persist();
  }

  private async whenStopped(): Promise<void> {
    while (this.state.tasks.some((task) => task.status !== 'STOPPED')) await sleep(20);
  }

  // --- Restart -----------------------------------------------------------

  /**
   * After a restart: adopts every container the saved state says was started
   * (or being started), then resumes whatever was half done. Containers that
   * ended while the agent was away emit their exit through the runtime, and
   * are reported like any other exit.
   */
  private async recover(): Promise<void> {
    const { runtime, log } = this.dependencies;
    for (const task of this.state.tasks) {
      if (task.status === 'STOPPED') continue;
      for (const container of task.containers) {
        if (!isLive(container)) continue;
        const handle = await runtime.adopt({
          taskArn: task.taskArn,
          containerName: container.name,
          runtimeId: container.runtimeId,
          paths: this.pathsOf(task),
        });
        if (!handle) {
          container.status = 'STOPPED';
          container.reason = 'CannotStartContainerError: the agent stopped while starting it';
          container.stoppedAt = this.now();
          continue;
        }
        this.handles.set(keyOf(task.taskArn, container.name), handle);
        container.runtimeId = handle.runtimeId;
        container.startedAt ??= this.now();
        container.networkBindings ??= handle.networkBindings;
        if (container.status === 'STARTING') container.status = 'RUNNING';
        log(
          `task ${task.taskId}: adopted container ${container.name} (${runtime.name} ${handle.runtimeId})`,
        );
      }
    }
    this.persist();
    for (const task of this.state.tasks) {
      if (task.status === 'STARTING') this.background(this.continueStart(task));
      else if (task.status === 'STOPPING') this.background(this.stopContainers(task));
    }
  }

  // --- Bookkeeping -------------------------------------------------------

  /** Work that runs on its own; a bug there is logged, never an unhandled rejection that kills the agent. */
  private background(work: Promise<void>): void {
    work.catch((error: unknown) => this.dependencies.log(`internal error: ${messageOf(error)}`));
  }

  private findTask(taskArn: string): TaskState | undefined {
    return this.state.tasks.find((task) => task.taskArn === taskArn);
  }

  private pathsOf(task: TaskState): ContainerPaths {
    const taskDir = join(this.dependencies.options.stateDir, 'tasks', task.taskId);
    return { taskDir, scratchDir: join(taskDir, 'scratch') };
  }

  /**
   * Drops tombstones an hour after the task stopped (once fully reported):
   * long enough for any late or repeated message about it, short enough to
   * keep the state file small. A task's folder (its logs) is kept for 3 hours,
   * like ECS's task cleanup wait, and judged by the folder's age.
   */
  private prune(): void {
    const now = this.now();
    const before = this.state.tasks.length;
    this.state.tasks = this.state.tasks.filter((task) => {
      const old =
        task.status === 'STOPPED' &&
        (task.stoppedAt ?? 0) < now - TOMBSTONE_MS &&
        this.reporter.pendingFor(task.taskArn) === 0;
      if (old) {
        this.reporter.forget(task.taskArn);
        this.removeContainers(task);
      }
      return !old;
    });
    if (this.state.tasks.length !== before) this.persist();

    const tasksDir = join(this.dependencies.options.stateDir, 'tasks');
    const remembered = new Set(this.state.tasks.map((task) => task.taskId));
    let entries: string[] = [];
    try {
      entries = readdirSync(tasksDir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (remembered.has(entry)) continue;
      const folder = join(tasksDir, entry);
      try {
        if (statSync(folder).mtimeMs < now - LOG_RETENTION_MS) {
          rmSync(folder, { recursive: true, force: true });
        }
      } catch {
        // Removed meanwhile.
      }
    }
  }

  /**
   * Removes, now, what the runtime keeps of every stopped task (docker: its
   * containers): for an agent that leaves for good, such as a FARGATE host
   * taken down with its task.
   */
  async removeStoppedContainers(): Promise<void> {
    const { runtime } = this.dependencies;
    if (!runtime.removeTask) return;
    for (const task of this.state.tasks) {
      if (task.status === 'STOPPED') await runtime.removeTask(task.taskArn, this.pathsOf(task));
    }
  }

  /** What the runtime leaves of a forgotten task's containers (docker: the stopped containers). */
  private removeContainers(task: TaskState): void {
    const { runtime } = this.dependencies;
    if (!runtime.removeTask) return;
    this.background(
      runtime.removeTask(task.taskArn, this.pathsOf(task)).catch((error: unknown) => {
        this.dependencies.log(
          `task ${task.taskId}: cannot remove its containers: ${messageOf(error)}`,
        );
      }),
    );
  }

  private persist(): void {
    this.state.reports = this.reporter.snapshot();
    try {
      this.dependencies.stateFile.save(this.state);
    } catch (error) {
      this.dependencies.log(`cannot save ${this.dependencies.stateFile.path}: ${messageOf(error)}`);
    }
  }
}

export type { AgentDependencies };
export { Agent };
