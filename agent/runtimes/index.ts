import { existsSync } from 'node:fs';
import type { ContainerRuntime } from './ContainerRuntime';
import { DockerRuntime } from './DockerRuntime';
import { ProcessRuntime } from './ProcessRuntime';

/**
 * The runtimes an agent can use, for agent/main.ts and for anything that
 * hosts agents in-process (the local stack).
 */

type RuntimeName = 'process' | 'docker';

/** Podman's Docker-API socket when run as root (`podman system service`). */
const PODMAN_ROOT_SOCKET = '/run/podman/podman.sock';
const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * The Docker API socket to use when `--docker-socket` is not given:
 * `$DOCKER_HOST` when it is a `unix://` URL, then Docker's
 * `/var/run/docker.sock`, then Podman's `/run/podman/podman.sock`. Undefined
 * when none is there (a `DOCKER_HOST` that is not `unix://` is not usable:
 * the agent talks to a local daemon).
 */
const findDockerSocket = (
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean = existsSync,
): string | undefined => {
  const host = env.DOCKER_HOST?.trim();
  if (host?.startsWith('unix://')) {
    const path = host.slice('unix://'.length);
    if (path !== '') return path;
  }
  for (const path of [DOCKER_SOCKET, PODMAN_ROOT_SOCKET]) if (exists(path)) return path;
  return undefined;
};

interface CreateRuntimeOptions {
  readonly runtime: RuntimeName;
  /** docker: the API socket; found with findDockerSocket(process.env) when absent. */
  readonly dockerSocket?: string;
  /** docker: how long getting one image may take; 5 minutes. */
  readonly pullTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

const createRuntime = (options: CreateRuntimeOptions): ContainerRuntime => {
  if (options.runtime === 'process') return new ProcessRuntime({ log: options.log });
  const socketPath = options.dockerSocket ?? findDockerSocket(process.env);
  if (socketPath === undefined) {
    throw new Error(
      `no Docker API socket: give --docker-socket PATH, set DOCKER_HOST=unix://PATH, or start Docker (${DOCKER_SOCKET}) or Podman (podman system service, ${PODMAN_ROOT_SOCKET})`,
    );
  }
  return new DockerRuntime({
    socketPath,
    pullTimeoutMs: options.pullTimeoutMs,
    log: options.log,
  });
};

export type { CreateRuntimeOptions, RuntimeName };
export { createRuntime, DOCKER_SOCKET, findDockerSocket, PODMAN_ROOT_SOCKET };
