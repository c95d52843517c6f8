import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from '../../agent/Agent';
import { type ControlPlane, EcsControlPlane } from '../../agent/ControlPlane';
import type { AgentOptions } from '../../agent/cli';
import { safeSegment } from '../../agent/protocol';
import { createRuntime, type RuntimeName } from '../../agent/runtimes';
import { emptyState, StateFile } from '../../agent/StateFile';
import type { AgentCredentials } from '../../agent/signing';
import type { ManagedHostRequest } from '../../functions/domain/ports/CapacityProvisioner';

/**
 * FARGATE capacity on this machine: one berth-agent per FARGATE task, sized
 * exactly to it, run in this process (an agent is a few objects and a
 * socket; a Node process per task would cost ~0.3 s of CPU to start).
 *
 * The control plane has already recorded the host as a hidden container
 * instance; this seeds the agent's state directory with that instance's ARN,
 * so that the agent takes it as its own (its registration is answered here,
 * never a new, visible instance) and then runs the task like any agent: same
 * socket, same reports, same restart adoption.
 *
 * What runs is remembered in each host's folder (`host.json`, removed with
 * the folder when the host goes), so that after a restart of the stack every
 * host comes back and adopts its containers.
 */

const HOST_FILE = 'host.json';

interface CapacityHostOptions {
  readonly dataDir: string;
  readonly endpoint: string;
  readonly wsEndpoint: string;
  readonly region: string;
  readonly runtime: RuntimeName;
  readonly dockerSocket?: string | undefined;
  readonly log: (line: string) => void;
  /** How long a host's agent may take to connect; 30 s (after that it is forgotten). */
  readonly readyTimeoutMs?: number;
  /** How often the hosts' agents send container usage; 20 s as ECS samples (0: never). */
  readonly metricsSeconds?: number;
  /** What the hosts' agents sign with (the stack's root key when it verifies signatures). */
  readonly credentials?: AgentCredentials;
}

type HostRecord = ManagedHostRequest & { readonly stateDir: string };

interface RunningHost {
  readonly record: HostRecord;
  readonly agent: Agent;
  readonly options: { stopTasksOnExit: boolean } & AgentOptions;
  /** The agent has started (its socket connects on its own). */
  readonly started: Promise<void>;
  /** The agent is connected; rejects when it cannot connect in time. */
  readonly ready: Promise<void>;
}

const keyOf = (cluster: string, instanceId: string) => `${cluster}/${instanceId}`;

class CapacityHost {
  readonly #hosts = new Map<string, RunningHost>();
  readonly #releasing = new Map<string, Promise<void>>();
  readonly #controlPlane: EcsControlPlane;
  /**
   * What the hosted agents talk to: the ECS agent APIs, except registration.
   * The control plane registered the host itself (with its size, zone and
   * subnet) before asking for it, so the agent's RegisterContainerInstance
   * would only write the same again: it is answered here with the ARN it was
   * given.
   */
  readonly #managedControlPlane: ControlPlane;
  readonly #directory: string;

  constructor(private readonly options: CapacityHostOptions) {
    this.#directory = join(options.dataDir, 'capacity');
    mkdirSync(this.#directory, { recursive: true });
    // One SDK client (and its keep-alive sockets) for every hosted agent.
    this.#controlPlane = new EcsControlPlane({
      endpoint: options.endpoint,
      region: options.region,
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    const controlPlane = this.#controlPlane;
    this.#managedControlPlane = {
      register: (registration) =>
        registration.containerInstanceArn === undefined
          ? controlPlane.register(registration)
          : Promise.resolve(registration.containerInstanceArn),
      createCluster: (name) => controlPlane.createCluster(name),
      submit: (report) => controlPlane.submit(report),
    };
  }

  get runtime(): RuntimeName {
    return this.options.runtime;
  }

  /** The hosts running now (cluster/instanceId). */
  list(): string[] {
    return [...this.#hosts.keys()];
  }

  /**
   * Starts the host's agent. Idempotent. Resolves once the agent runs, not
   * once its socket is open: the hand-over that follows reaches the agent
   * either way — pushed, if its socket is recorded by then, or in the task
   * list its first `sync` reads, which comes after that record (both reads
   * are consistent) — so the wait for the WebSocket is not on the task's path.
   */
  async provision(request: ManagedHostRequest): Promise<void> {
    const key = keyOf(request.cluster, request.instanceId);
    await this.#releasing.get(key);
    const running =
      this.#hosts.get(key) ??
      this.#start({
        ...request,
        stateDir: join(
          this.#directory,
          safeSegment(request.cluster),
          safeSegment(request.instanceId),
        ),
      });
    await running.started;
  }

  /**
   * Stops the host's agent — and every task it still runs, as
   * `--stop-tasks-on-exit` does — then forgets it. Answers at once; the stop
   * finishes in the background (a container may take its stopTimeout).
   */
  release(cluster: string, instanceId: string): void {
    const key = keyOf(cluster, instanceId);
    const host = this.#hosts.get(key);
    if (!host || this.#releasing.has(key)) return;
    const releasing = (async () => {
      host.options.stopTasksOnExit = true;
      try {
        await host.ready.catch(() => {});
        await host.agent.shutdown();
        // A host leaves nothing behind: its task's stopped containers go with it.
        await host.agent.removeStoppedContainers();
      } catch (error) {
        this.options.log(`capacity: stopping host ${key}: ${(error as Error).message}`);
      }
      this.#hosts.delete(key);
      // Its folder, host.json with it: a restart does not bring it back.
      rmSync(host.record.stateDir, { recursive: true, force: true });
    })().finally(() => this.#releasing.delete(key));
    this.#releasing.set(key, releasing);
  }

  /** After a restart: brings back every host that was running. */
  resume(): void {
    for (const record of this.#loadRegistry()) {
      const running = this.#start(record);
      running.ready.catch((error: unknown) =>
        this.options.log(
          `capacity: host ${record.instanceId} did not come back: ${(error as Error).message}`,
        ),
      );
    }
  }

  /** Leaves every container running (the next start adopts them), as agents do on Ctrl-C. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#releasing.values());
    await Promise.allSettled([...this.#hosts.values()].map((host) => host.agent.shutdown()));
    this.#hosts.clear();
    this.#controlPlane.close();
  }

  #start(record: HostRecord): RunningHost {
    const key = keyOf(record.cluster, record.instanceId);
    // Written on every start: a host forgotten after a failed start, then provisioned again, is
    // remembered again.
    this.#saveHost(record);
    const stateFile = new StateFile(record.stateDir);
    if (stateFile.load() === undefined) {
      // The instance exists already (the control plane made it): the agent takes it as its own.
      stateFile.save({
        ...emptyState(record.cluster),
        containerInstanceArn: record.containerInstanceArn,
      });
    }
    const options: RunningHost['options'] = {
      endpoint: this.options.endpoint,
      wsEndpoint: this.options.wsEndpoint,
      cluster: record.cluster,
      cpu: record.cpu,
      memory: record.memory,
      attributes: Object.entries(record.attributes).map(([name, value]) =>
        value === null ? { name } : { name, value },
      ),
      reservedPorts: [],
      reservedUdpPorts: [],
      runtime: this.options.runtime,
      ...(this.options.dockerSocket === undefined
        ? {}
        : { dockerSocket: this.options.dockerSocket }),
      stateDir: record.stateDir,
      region: this.options.region,
      // Every host's heartbeat is a resync through the API: with hundreds of
      // hosts in this process that is most of their cost, so they beat at 40 s,
      // still well inside BERTH_AGENT_DISCONNECT_SECONDS (60 s).
      heartbeatSeconds: 40,
      metricsSeconds: this.options.metricsSeconds ?? 20,
      stopTasksOnExit: false,
    };
    let connected: () => void = () => {};
    const onConnected = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const log = (line: string) =>
      this.options.log(`capacity ${record.instanceId.slice(0, 8)}: ${line}`);
    const agent = new Agent({
      options,
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      controlPlane: this.#managedControlPlane,
      runtime: createRuntime({
        runtime: this.options.runtime,
        ...(this.options.dockerSocket === undefined
          ? {}
          : { dockerSocket: this.options.dockerSocket }),
        log,
      }),
      stateFile,
      agentVersion: 'berth-fargate',
      log,
      // The agent prints one line, once registered and connected.
      print: () => connected(),
    });
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    const started = agent.start();
    const ready = (async () => {
      await started;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        onConnected,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the host's agent did not connect within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    })();
    const running: RunningHost = { record, agent, options, started, ready };
    this.#hosts.set(key, running);
    ready.catch(() => {
      // A host that failed to come up is forgotten; a retried provision starts it afresh.
      if (this.#hosts.get(key) === running) {
        this.#hosts.delete(key);
        rmSync(join(record.stateDir, HOST_FILE), { force: true });
        agent.shutdown().catch(() => {});
      }
    });
    return running;
  }

  /** Every host.json under `capacity/<cluster>/<instance>/`; one cut short by a kill is skipped. */
  #loadRegistry(): HostRecord[] {
    const records: HostRecord[] = [];
    // A data folder from before host.json: its one registry of every host, taken over once.
    const legacy = join(this.#directory, 'hosts.json');
    try {
      for (const record of JSON.parse(readFileSync(legacy, 'utf8')) as HostRecord[]) {
        this.#saveHost(record);
      }
    } catch {
      // None (or unreadable): nothing to take over.
    }
    rmSync(legacy, { force: true });
    const children = (directory: string) => {
      try {
        return readdirSync(directory, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(directory, entry.name));
      } catch {
        return [];
      }
    };
    for (const clusterDir of children(this.#directory)) {
      for (const hostDir of children(clusterDir)) {
        try {
          records.push(JSON.parse(readFileSync(join(hostDir, HOST_FILE), 'utf8')) as HostRecord);
        } catch {
          // No host.json (released, or never written whole): nothing to bring back.
        }
      }
    }
    return records;
  }

  /**
   * Remembers a host in its own folder, once per start of the host (renamed
   * into place once whole). One registry of every host, replaced by a rename
   * on each change of any host, made ext4 write it out each time: 5 ms of
   * kernel time per FARGATE task.
   */
  #saveHost(record: HostRecord): void {
    mkdirSync(record.stateDir, { recursive: true });
    const path = join(record.stateDir, HOST_FILE);
    const temporary = `${path}.tmp`;
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, path);
  }
}

export type { CapacityHostOptions };
export { CapacityHost };
