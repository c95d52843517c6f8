import { BUSYBOX_IMAGE } from '../local/podman';
import { probeEngine, sweepClusterContainers } from './containers';
import { type BenchEndpoints, benchRunTask, noter } from './shared';

/**
 * FARGATE on the local stack: RunTask (`launchType: FARGATE`, awsvpc) →
 * RUNNING with no agent of the bench's: Berth provides a host per task from
 * the stack's capacity host. 10 warm-up tasks, then 200 measured with host
 * processes (as `e2e` measures, the figures they are compared with) and 100
 * with containers (Podman starts under three a second here); every task is
 * stopped and seen STOPPED at the end.
 *
 * `part` names the figures (`fargate.process`, `fargate.docker`); with
 * `dockerSocket` (the stack runs FARGATE hosts with real containers), no
 * container of the bench cluster may still run afterwards.
 */

const SUBNETS = ['subnet-berth-a', 'subnet-berth-b', 'subnet-berth-c'];

const benchFargate = async (
  part: string,
  endpoints: BenchEndpoints,
  dockerSocket?: string,
): Promise<void> => {
  const note = noter(part);
  await benchRunTask({
    part,
    endpoints,
    taskDefinition: {
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'main',
          image: BUSYBOX_IMAGE,
          essential: true,
          command: ['sh', '-c', 'sleep 600'],
        },
      ],
    },
    runTask: {
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS } },
    },
    warmupTasks: 10,
    tasks: dockerSocket === undefined ? 200 : 100,
    // Real containers start at Podman's pace (under one a second on 2 cores).
    overallTimeoutMs: dockerSocket === undefined ? 150_000 : 240_000,
    ...(dockerSocket === undefined ? {} : { setUp: () => probeEngine(dockerSocket, note) }),
    tearDown: async (cluster) => {
      if (dockerSocket !== undefined) await sweepClusterContainers(dockerSocket, cluster, note);
    },
  });
};

export { benchFargate };
