import type { NetworkBinding } from '@aws-sdk/client-ecs';
import type { AgentContainer, AgentTask } from '../protocol';

/**
 * How the agent runs a container. The agent decides *what* runs and reports
 * it; a runtime only starts, stops, watches and re-finds containers:
 * `process` (host processes) and `docker` (Docker or Podman) implement it.
 */

/** Where a runtime keeps what belongs to one container of one task. */
interface ContainerPaths {
  /** The task's folder under the state directory: exit codes, pid files, logs. */
  readonly taskDir: string;
  /** The working directory when the container names none. */
  readonly scratchDir: string;
}

/** What the agent persists about a started container, enough to find it again after a restart. */
interface ContainerRecord {
  readonly taskArn: string;
  readonly containerName: string;
  /** The runtime's id (a pid for `process`); absent when the agent died while starting it. */
  readonly runtimeId?: string;
  readonly paths: ContainerPaths;
}

interface ContainerHandle {
  readonly taskArn: string;
  readonly containerName: string;
  readonly runtimeId: string;
  /** ECS's networkBindings, as the runtime published the container's ports (docker runtime). */
  readonly networkBindings?: NetworkBinding[];
  /** Epoch ms around getting the image (docker runtime; absent when nothing is pulled). */
  readonly pullStartedAt?: number;
  readonly pullStoppedAt?: number;
}

interface ContainerExit {
  /** Absent only when the runtime cannot know it (the container vanished without a trace). */
  readonly exitCode?: number;
  readonly reason?: string;
}

type ExitListener = (handle: ContainerHandle, exit: ContainerExit) => void;

/**
 * What a running container has used: CPU as a counter (so the agent turns two
 * readings into a rate over its own interval) and memory as it is now.
 */
interface ContainerUsage {
  /** CPU time used since the container started, in nanoseconds. */
  readonly cpuNanos: number;
  /** Memory in use now, in bytes (resident memory; the page cache is not counted). */
  readonly memoryBytes: number;
}

interface ContainerRuntime {
  readonly name: string;
  /**
   * Starts one container; throws CannotStartContainerError when it cannot
   * (no command, a missing working directory, …).
   */
  start(
    task: AgentTask,
    container: AgentContainer,
    paths: ContainerPaths,
  ): Promise<ContainerHandle>;
  /**
   * Asks the container to stop (SIGTERM), kills it after `timeoutSeconds`,
   * and resolves once it has exited (its exit has been emitted).
   */
  stop(handle: ContainerHandle, timeoutSeconds: number): Promise<void>;
  /**
   * Finds a container started by an earlier run of the agent. Returns a handle
   * when it is running or has left an exit behind (the exit is then emitted
   * soon after), undefined when it was never started.
   */
  adopt(record: ContainerRecord): Promise<ContainerHandle | undefined>;
  /** Every container exit is emitted exactly once. */
  onExit(listener: ExitListener): void;
  /**
   * Reads the usage of running containers, by runtime id. A container that
   * cannot be read (it just ended) is absent from the answer.
   */
  usage(handles: readonly ContainerHandle[]): Promise<Map<string, ContainerUsage>>;
  /** Stops watching (timers), leaving the containers running. */
  close(): void;
  /**
   * Removes what is left of a stopped task's containers (called when the agent
   * forgets the task); optional, a runtime that leaves nothing behind omits it.
   */
  removeTask?(taskArn: string, paths: ContainerPaths): Promise<void>;
}

/** ECS's error name for a container that could not be started; the message becomes the reason. */
class CannotStartContainerError extends Error {
  constructor(detail: string) {
    super(`CannotStartContainerError: ${detail}`);
    this.name = 'CannotStartContainerError';
  }
}

/** ECS's error for an image that cannot be had; the message becomes the reason. */
class CannotPullContainerError extends Error {
  constructor(detail: string) {
    super(`CannotPullContainerError: ${detail}`);
    this.name = 'CannotPullContainerError';
  }
}

export type {
  ContainerExit,
  ContainerHandle,
  ContainerPaths,
  ContainerRecord,
  ContainerRuntime,
  ContainerUsage,
  ExitListener,
};
export { CannotPullContainerError, CannotStartContainerError };
