import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { BUSYBOX_IMAGE } from '../local/podman';

/**
 * Real containers for the `docker` and `fargate.docker` parts.
 */

const CLUSTER_LABEL = 'com.amazonaws.ecs.cluster';
const PROBES = 3;

/**
 * The engine alone, for comparison: create + start of the bench's container
 * (init, as the agent asks), one at a time, straight through the socket.
 * Said on stderr; the containers are removed.
 */
const probeEngine = async (socketPath: string, note: (line: string) => void): Promise<void> => {
  const docker = new Docker({ socketPath });
  const timings: number[] = [];
  for (let i = 0; i < PROBES; i += 1) {
    const started = performance.now();
    const container = await docker.createContainer({
      Image: BUSYBOX_IMAGE,
      Cmd: ['sh', '-c', 'sleep 600'],
      Labels: { 'berth.bench-probe': 'true' },
      HostConfig: { Init: true, NetworkMode: 'bridge' },
    });
    try {
      await container.start();
      timings.push(performance.now() - started);
    } finally {
      await container.remove({ force: true }).catch(() => {});
    }
  }
  note(
    `the engine alone: create + start of one container ${timings.map((ms) => ms.toFixed(0)).join(', ')} ms (one at a time)`,
  );
};

/**
 * After a part with real containers: none of the bench cluster's containers
 * (label `com.amazonaws.ecs.cluster`, the cluster's name or ARN) may still
 * run. Those that do are said on stderr and removed by force; the exited ones
 * are removed too, so that bench runs do not pile up in the engine's storage.
 * Returns how many were still running.
 */

const sweepClusterContainers = async (
  socketPath: string,
  cluster: string,
  note: (line: string) => void,
): Promise<number> => {
  const docker = new Docker({ socketPath });
  const ours = (
    await docker.listContainers({ all: true, filters: { label: [CLUSTER_LABEL] } })
  ).filter((info) => {
    const value = info.Labels?.[CLUSTER_LABEL] ?? '';
    return value === cluster || value.endsWith(`:cluster/${cluster}`);
  });
  const running = ours.filter((info) => info.State === 'running');
  if (running.length > 0) {
    note(
      `${running.length} containers of ${cluster} still running after the clean-up (removed now): ${running
        .map(
          (info) => `${info.Id.slice(0, 12)} ${info.Labels?.['com.amazonaws.ecs.task-arn'] ?? ''}`,
        )
        .join(', ')}`,
    );
  }
  // Containers sharing another's network namespace first: Podman refuses to remove the owner before them.
  const owners = (info: Docker.ContainerInfo) =>
    info.Labels?.['berth.network-owner'] === 'true' ? 1 : 0;
  for (const info of [...ours].sort((a, b) => owners(a) - owners(b))) {
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .catch((error: unknown) =>
        note(`cannot remove container ${info.Id.slice(0, 12)}: ${(error as Error).message}`),
      );
  }
  note(
    `containers: ${ours.length} of ${cluster} found after the clean-up, ${running.length} running`,
  );
  return running.length;
};

export { probeEngine, sweepClusterContainers };
