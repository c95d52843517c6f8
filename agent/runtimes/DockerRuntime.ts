import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import Docker from 'dockerode';
import type { AgentContainer, AgentTask } from '../protocol';
import {
  CannotPullContainerError,
  CannotStartContainerError,
  type ContainerExit,
  type ContainerHandle,
  type ContainerPaths,
  type ContainerRecord,
  type ContainerRuntime,
  type ContainerUsage,
  type ExitListener,
} from './ContainerRuntime';
import {
  awsvpcNetworkName,
  containerNameOf,
  createOptionsOf,
  exitOf,
  kernelLogShowsOom,
  LABELS,
  networkBindingsOf,
  networkModeOf,
  usageOfStats,
} from './dockerMapping';

/**
 * The `docker` runtime: every container of a task is a real container of a
 * Docker Engine API — Docker itself, or Podman's `podman system service`
 * (agent/README.md, "Docker runtime").
 *
 * - Images: used as they are when present (inspect first), pulled otherwise,
 *   the pull bounded by `pullTimeoutMs`; a pull that fails (Podman reports
 *   failures inside the progress stream, the call itself succeeds) fails
 *   the container with `CannotPullContainerError: …`.
 * - Every container carries labels naming its task, container, cluster,
 *   task definition and this agent (its state directory), which is how a
 *   restarted agent finds its own containers and only those.
 * - Exits are watched through one events stream per runtime (`die` events),
 *   each then read back with `inspect` (exit code, OOM kill) and emitted
 *   once; every watched container is also checked when the stream
 *   (re)connects and every 30 s, so an event lost on the way only
 *   delays an exit. Not a `wait` long-poll per container: Podman before 4.5
 *   spins a core on every open `wait` (containers/podman#18150).
 * - Stopped containers stay (their logs: `docker logs`) until the agent
 *   forgets the task (an hour after it stopped), then `removeTask` removes them.
 */

interface DockerRuntimeOptions {
  /** The Docker API's unix socket. */
  readonly socketPath: string;
  /**
   * The value of the `berth.agent-state-dir` label, which agent owns a
   * container; by default the state directory, read from the paths the agent
   * gives (`<stateDir>/tasks/<taskId>`).
   */
  readonly agent?: string;
  /** How long getting one image may take; 5 minutes. */
  readonly pullTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** The kernel log (`dmesg`), read to recognise OOM kills Podman does not flag; undefined when unreadable. */
  readonly kernelLog?: () => Promise<string | undefined>;
  /** A Docker client (tests); built from socketPath otherwise. */
  readonly docker?: Docker;
}

interface Watch {
  readonly handle: ContainerHandle;
  readonly container: Docker.Container;
  settled: boolean;
  /** A check is running; `recheck` asks for one more after it (an event arrived meanwhile). */
  checking: boolean;
  recheck: boolean;
  readonly exited: Promise<void>;
  resolveExited(): void;
}

const DEFAULT_PULL_TIMEOUT_MS = 5 * 60 * 1000;
/**
 * How often every watched container is checked, whatever the events stream
 * says: only a safety net (the stream is checked on every reconnect), and an
 * inspect per container each time, so not often.
 */
const SWEEP_INTERVAL_MS = 30_000;

const statusOf = (error: unknown): number | undefined =>
  (error as { statusCode?: number } | undefined)?.statusCode;

const messageOf = (error: unknown): string => {
  const details = error as { json?: { message?: string }; message?: string };
  return (details?.json?.message ?? details?.message ?? String(error)).trim();
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const readDmesg = (): Promise<string | undefined> =>
  new Promise((resolve) => {
    execFile('dmesg', { maxBuffer: 64 * 1024 * 1024, timeout: 5_000 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });

class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker';
  readonly docker: Docker;
  private readonly listeners: ExitListener[] = [];
  private readonly watches = new Map<string, Watch>();
  /** awsvpc: each task's container that holds its network namespace. */
  private readonly networkOwners = new Map<string, string>();
  private readonly pullTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly kernelLog: () => Promise<string | undefined>;
  private closed = false;
  private initUnavailable = false;
  /** The events stream: started with the first watch, stopped by close(). */
  private events?: AbortController;
  private sweepTimer?: NodeJS.Timeout;

  constructor(private readonly options: DockerRuntimeOptions) {
    this.docker = options.docker ?? new Docker({ socketPath: options.socketPath });
    this.pullTimeoutMs = options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
    this.log = options.log ?? (() => {});
    this.kernelLog = options.kernelLog ?? readDmesg;
  }

  onExit(listener: ExitListener): void {
    this.listeners.push(listener);
  }

  async start(
    task: AgentTask,
    container: AgentContainer,
    paths: ContainerPaths,
  ): Promise<ContainerHandle> {
    const agent = this.agentOf(paths);
    if (!container.image) throw new CannotStartContainerError('no image');
    const mode = networkModeOf(task);
    if (mode === 'awsvpc' && !task.awsvpc) {
      throw new CannotStartContainerError('an awsvpc task without its network attachment');
    }
    const pullStartedAt = Date.now();
    await this.ensureImage(container.image);
    const pullStoppedAt = Date.now();

    let networkOwnerId: string | undefined;
    if (mode === 'awsvpc' && task.awsvpc) {
      networkOwnerId = await this.networkOwnerOf(task.taskArn, agent);
      if (networkOwnerId === undefined) {
        await this.ensureNetwork(task.awsvpc.subnetId, task.awsvpc.cidrBlock, task.awsvpc.gateway);
      }
    }
    const options = createOptionsOf(task, container, {
      name: containerNameOf(task, container, randomBytes(5).toString('hex')),
      agent,
      networkOwnerId,
    });
    const created = await this.create(options);
    try {
      await created.start();
    } catch (error) {
      await created.remove({ force: true }).catch(() => {});
      throw new CannotStartContainerError(messageOf(error));
    }
    if (mode === 'awsvpc' && networkOwnerId === undefined) {
      this.networkOwners.set(task.taskArn, created.id);
    }
    // It runs: from here on a failure must not be reported as a failed start.
    let networkBindings: ContainerHandle['networkBindings'] = [];
    try {
      networkBindings = networkBindingsOf(mode, container, await created.inspect());
    } catch (error) {
      this.log(`cannot inspect container ${created.id.slice(0, 12)}: ${messageOf(error)}`);
    }
    const handle: ContainerHandle = {
      taskArn: task.taskArn,
      containerName: container.name,
      runtimeId: created.id,
      networkBindings,
      pullStartedAt,
      pullStoppedAt,
    };
    this.watch(handle, created);
    return handle;
  }

  async stop(handle: ContainerHandle, timeoutSeconds: number): Promise<void> {
    const watch = this.watches.get(handle.runtimeId);
    if (!watch || watch.settled) return;
    try {
      // Docker's stop: SIGTERM, SIGKILL after t seconds; it answers once the container has exited.
      await watch.container.stop({ t: Math.max(0, Math.round(timeoutSeconds)) });
    } catch (error) {
      // 304: already stopped. 404: gone; the watch finds out and settles.
      const status = statusOf(error);
      if (status !== 304 && status !== 404) throw error;
    }
    // Exited now: settle at once rather than when its event comes round.
    void this.check(watch);
    await watch.exited;
  }

  async adopt(record: ContainerRecord): Promise<ContainerHandle | undefined> {
    const existing = record.runtimeId ? this.watches.get(record.runtimeId) : undefined;
    if (existing) return existing.handle;
    const found = await this.findContainer(record, this.agentOf(record.paths));
    if (!found) return undefined;
    const container = this.docker.getContainer(found.Id);
    let inspect = await container.inspect();
    const status = inspect.State?.Status;
    if (status === 'created' || status === 'configured') {
      // The agent died between create and start: finish what it began.
      this.log(
        `starting container ${record.containerName} (${found.Id.slice(0, 12)}), created before a restart`,
      );
      await container.start();
      inspect = await container.inspect();
    }
    const taskArn = record.taskArn;
    if (inspect.Config?.Labels?.[LABELS.networkOwner] === 'true') {
      this.networkOwners.set(taskArn, found.Id);
    }
    const handle: ContainerHandle = {
      taskArn,
      containerName: record.containerName,
      runtimeId: found.Id,
      networkBindings: networkBindingsOf(
        inspect.HostConfig?.NetworkMode === 'host' ? 'host' : 'bridge',
        { name: record.containerName },
        inspect,
      ),
    };
    // Watching starts after adopt() returns, so the agent has the handle before an exit arrives.
    setImmediate(() => this.watch(handle, container));
    return handle;
  }

  close(): void {
    this.closed = true;
    this.events?.abort();
    clearInterval(this.sweepTimer);
  }

  async removeTask(taskArn: string, paths: ContainerPaths): Promise<void> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: {
        label: [`${LABELS.taskArn}=${taskArn}`, `${LABELS.agent}=${this.agentOf(paths)}`],
      },
    });
    // Containers sharing another's network namespace first: Podman refuses to remove the owner before them.
    const ordered = [...containers].sort(
      (a, b) =>
        Number(a.Labels?.[LABELS.networkOwner] === 'true') -
        Number(b.Labels?.[LABELS.networkOwner] === 'true'),
    );
    for (const info of ordered) {
      if (info.State === 'running') continue;
      try {
        await this.docker.getContainer(info.Id).remove({ v: true });
      } catch (error) {
        if (statusOf(error) !== 404)
          this.log(`cannot remove container ${info.Id}: ${messageOf(error)}`);
      }
    }
    this.networkOwners.delete(taskArn);
  }

  /** The agent's label: given, or the state directory (`<stateDir>/tasks/<taskId>` → `<stateDir>`). */
  private agentOf(paths: ContainerPaths): string {
    return this.options.agent ?? dirname(dirname(paths.taskDir));
  }

  // --- Images ------------------------------------------------------------

  /** A local image as is; otherwise a pull, bounded in time, then a second look. */
  private async ensureImage(image: string): Promise<void> {
    if (await this.hasImage(image)) return;
    let failure: string | undefined;
    try {
      await this.pull(image);
    } catch (error) {
      failure = messageOf(error);
    }
    if (await this.hasImage(image)) return;
    throw new CannotPullContainerError(
      (failure ?? `${image}: the pull ended without the image`).replace(/\s+/g, ' '),
    );
  }

  private async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw new CannotPullContainerError(messageOf(error));
    }
  }

  /** Reads the progress stream to its end; an `error` in it is the pull's failure. */
  private async pull(image: string): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.pullTimeoutMs);
    try {
      const stream = (await this.docker.pull(image, {
        abortSignal: abort.signal,
      })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          reject(new Error(`pulling ${image} took longer than ${this.pullTimeoutMs / 1000} s`));
        };
        if (abort.signal.aborted) onAbort();
        abort.signal.addEventListener('abort', onAbort, { once: true });
        this.docker.modem.followProgress(
          stream,
          (
            error: Error | null,
            events: { error?: string; errorDetail?: { message?: string } }[],
          ) => {
            abort.signal.removeEventListener('abort', onAbort);
            if (error) return reject(error);
            const failed = events.find((event) => event.error || event.errorDetail);
            if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error));
            resolve();
          },
        );
      });
    } catch (error) {
      if (abort.signal.aborted) {
        throw new Error(`pulling ${image} took longer than ${this.pullTimeoutMs / 1000} s`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // --- Creating ----------------------------------------------------------

  private async create(options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    if (this.initUnavailable) options.HostConfig = { ...options.HostConfig, Init: false };
    try {
      return await this.docker.createContainer(options);
    } catch (error) {
      const message = messageOf(error);
      if (
        options.HostConfig?.Init &&
        /init binary|container-init|catatonit|docker-init/i.test(message)
      ) {
        // No init binary on this host (Podman needs catatonit): run without; stops then take stopTimeout.
        this.log(`no init binary for containers (${message}); running them without one`);
        this.initUnavailable = true;
        return this.create(options);
      }
      throw new CannotStartContainerError(message);
    }
  }

  /** The awsvpc subnet's network, created on first use; a concurrent create is no failure. */
  private async ensureNetwork(
    subnetId: string,
    cidrBlock: string,
    gateway?: string,
  ): Promise<void> {
    const name = awsvpcNetworkName(subnetId);
    try {
      await this.docker.getNetwork(name).inspect();
      return;
    } catch (error) {
      if (statusOf(error) !== 404) throw new CannotStartContainerError(messageOf(error));
    }
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { 'berth.subnet-id': subnetId },
        IPAM: {
          Driver: 'default',
          Config: [{ Subnet: cidrBlock, ...(gateway ? { Gateway: gateway } : {}) }],
        },
      });
      this.log(`created network ${name} (${cidrBlock})`);
    } catch (error) {
      if (statusOf(error) === 409 || /already (exists|used)/i.test(messageOf(error))) return;
      throw new CannotStartContainerError(`network ${name}: ${messageOf(error)}`);
    }
  }

  /** awsvpc: the task's container holding the network namespace, if it has one already. */
  private async networkOwnerOf(taskArn: string, agent: string): Promise<string | undefined> {
    const known = this.networkOwners.get(taskArn);
    if (known) return known;
    const found = await this.docker.listContainers({
      all: true,
      filters: {
        label: [
          `${LABELS.taskArn}=${taskArn}`,
          `${LABELS.agent}=${agent}`,
          `${LABELS.networkOwner}=true`,
        ],
      },
    });
    return found[0]?.Id;
  }

  private async findContainer(
    record: ContainerRecord,
    agent: string,
  ): Promise<{ Id: string } | undefined> {
    if (record.runtimeId) {
      try {
        const inspect = await this.docker.getContainer(record.runtimeId).inspect();
        if (inspect.Config?.Labels?.[LABELS.agent] === agent) return { Id: inspect.Id };
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    const found = await this.docker.listContainers({
      all: true,
      filters: {
        label: [
          `${LABELS.taskArn}=${record.taskArn}`,
          `${LABELS.containerName}=${record.containerName}`,
          `${LABELS.agent}=${agent}`,
        ],
      },
    });
    // Several only if something else made them; the newest is the one this agent created last.
    return [...found].sort((a, b) => b.Created - a.Created)[0];
  }

  async usage(handles: readonly ContainerHandle[]): Promise<Map<string, ContainerUsage>> {
    const readings = await Promise.all(
      handles.map(async (handle) => {
        try {
          const stats: unknown = await this.docker
            .getContainer(handle.runtimeId)
            .stats({ stream: false });
          return [handle.runtimeId, usageOfStats(stats)] as const;
        } catch {
          // Gone or not running: no reading, as for a process that just ended.
          return [handle.runtimeId, undefined] as const;
        }
      }),
    );
    const usage = new Map<string, ContainerUsage>();
    for (const [id, reading] of readings) if (reading) usage.set(id, reading);
    return usage;
  }

  // --- Watching ----------------------------------------------------------

  private watch(handle: ContainerHandle, container: Docker.Container): void {
    if (this.watches.has(handle.runtimeId) || this.closed) return;
    let resolveExited: () => void = () => {};
    const exited = new Promise<void>((resolve) => {
      resolveExited = resolve;
    });
    const watch: Watch = {
      handle,
      container,
      settled: false,
      checking: false,
      recheck: false,
      exited,
      resolveExited,
    };
    this.watches.set(handle.runtimeId, watch);
    this.followEvents();
    // It may have exited before it was watched (its event gone by): look once now.
    void this.check(watch);
  }

  /** Starts the one events stream and the periodic sweep, if not running yet. */
  private followEvents(): void {
    if (this.events || this.closed) return;
    this.events = new AbortController();
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    void this.readEvents(this.events.signal);
  }

  /** Reads `die` events until closed, reconnecting (and sweeping) after a break. */
  private async readEvents(signal: AbortSignal): Promise<void> {
    let delay = 250;
    while (!this.closed && !signal.aborted) {
      try {
        const stream = (await this.docker.getEvents({
          filters: { type: ['container'] },
          abortSignal: signal,
        })) as NodeJS.ReadableStream;
        delay = 250;
        // Whatever died while the stream was not there.
        void this.sweep();
        await new Promise<void>((resolve, reject) => {
          let buffer = '';
          stream.on('data', (chunk: Buffer) => {
            buffer += chunk.toString('utf8');
            for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
              this.onEvent(buffer.slice(0, end));
              buffer = buffer.slice(end + 1);
            }
          });
          stream.once('end', resolve);
          stream.once('close', resolve);
          stream.once('error', reject);
        });
      } catch (error) {
        if (this.closed || signal.aborted) return;
        this.log(`reading container events: ${messageOf(error)}; reconnecting`);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }

  private onEvent(line: string): void {
    let event: { status?: string; Action?: string; id?: string; Actor?: { ID?: string } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    if (event.status !== 'die' && event.Action !== 'die') return;
    const watch = this.watches.get(event.id ?? event.Actor?.ID ?? '');
    if (watch) void this.check(watch);
  }

  private async sweep(): Promise<void> {
    for (const watch of [...this.watches.values()]) await this.check(watch);
  }

  /** Reads the container's state; settles it if it has exited. One check at a time per container. */
  private async check(watch: Watch): Promise<void> {
    if (watch.settled || this.closed) return;
    if (watch.checking) {
      watch.recheck = true;
      return;
    }
    watch.checking = true;
    try {
      do {
        watch.recheck = false;
        try {
          const exit = await this.readExit(watch);
          if (exit !== 'running') this.settle(watch, exit);
        } catch (error) {
          if (statusOf(error) === 404) {
            this.settle(watch, {
              reason: 'CannotInspectContainerError: the container was removed while it ran',
            });
          } else if (!this.closed) {
            this.log(
              `inspecting container ${watch.handle.runtimeId.slice(0, 12)}: ${messageOf(error)}`,
            );
          }
        }
      } while (watch.recheck && !watch.settled && !this.closed);
    } finally {
      watch.checking = false;
    }
  }

  private async readExit(watch: Watch): Promise<ContainerExit | 'running'> {
    const inspect = await watch.container.inspect();
    const state = inspect.State;
    if (state.Running) return 'running';
    const exitCode = state.ExitCode;
    let oomInKernelLog = false;
    if (!state.OOMKilled && exitCode === 137 && (inspect.HostConfig?.Memory ?? 0) > 0) {
      const log = await this.kernelLog();
      oomInKernelLog = log !== undefined && kernelLogShowsOom(log, inspect.Id);
    }
    return exitOf({ exitCode, oomKilled: state.OOMKilled === true, oomInKernelLog });
  }

  private settle(watch: Watch, exit: ContainerExit): void {
    if (watch.settled || this.closed) return;
    watch.settled = true;
    this.watches.delete(watch.handle.runtimeId);
    watch.resolveExited();
    for (const listener of this.listeners) listener(watch.handle, exit);
  }
}

export type { DockerRuntimeOptions };
export { DEFAULT_PULL_TIMEOUT_MS, DockerRuntime };
