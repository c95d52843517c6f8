import {
  type ContainerDefinition,
  CreateClusterCommand,
  DescribeTasksCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import Docker from 'dockerode';
import { LABELS } from '../../agent/runtimes/dockerMapping';
import { BUSYBOX_IMAGE } from '../../local/podman';
import { type AgentProcess, startAgentProcess } from '../helpers/agentProcess';
import { ecsClient, stackUrl, uniqueName } from '../helpers/clients';

/**
 * berth-agent with `--runtime docker` against the real stack, running real
 * containers of localhost/berth-busybox:latest on the Podman service that
 * the suite's global setup started (local/podman.ts).
 */

const socketPath = (): string => {
  const path = process.env.BERTH_TEST_DOCKER_SOCKET;
  if (!path) {
    throw new Error(
      'BERTH_TEST_DOCKER_SOCKET is not set: podman is not installed (apt-get install -y podman runc catatonit busybox-static fuse-overlayfs slirp4netns uidmap iptables; see .ci/run), so the docker runtime cannot be tested',
    );
  }
  return path;
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
};

describe('Feature: the docker runtime of berth-agent (real containers on Podman)', () => {
  let ecs: ECSClient;
  let docker: Docker;
  let cluster: string;
  let agent: AgentProcess;
  const agents: AgentProcess[] = [];

  const describeTask = async (arn: string, inCluster = cluster): Promise<Task | undefined> =>
    (await ecs.send(new DescribeTasksCommand({ cluster: inCluster, tasks: [arn] }))).tasks?.[0];

  const settled = (arn: string, status: 'RUNNING' | 'STOPPED', inCluster = cluster, ms = 20_000) =>
    waitFor(
      `task ${arn} ${status}`,
      async () => {
        const task = await describeTask(arn, inCluster);
        return task?.lastStatus === status ? task : undefined;
      },
      ms,
    );

  const register = async (
    container: Partial<ContainerDefinition> & { name: string },
  ): Promise<string> => {
    const family = uniqueName('docker');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [{ image: BUSYBOX_IMAGE, memory: 64, cpu: 128, ...container }],
      }),
    );
    return family;
  };

  const run = async (family: string, inCluster = cluster): Promise<string> => {
    const response = await ecs.send(
      new RunTaskCommand({ cluster: inCluster, taskDefinition: family }),
    );
    const arn = response.tasks?.[0]?.taskArn;
    if (!arn) throw new Error(`RunTask placed nothing: ${JSON.stringify(response.failures)}`);
    return arn;
  };

  const startAgent = (inCluster: string, stateDir?: string): Promise<AgentProcess> =>
    startAgentProcess({
      endpoint: stackUrl(),
      wsEndpoint: process.env.BERTH_TEST_WS_URL ?? '',
      cluster: inCluster,
      cpu: 4096,
      memory: 4096,
      stateDir,
      extraArgs: ['--runtime', 'docker', '--docker-socket', socketPath()],
    }).then((started) => {
      agents.push(started);
      return started;
    });

  const containersOf = (labels: string[], all = true) =>
    docker.listContainers({ all, filters: { label: labels } });

  beforeAll(async () => {
    docker = new Docker({ socketPath: socketPath() });
    ecs = ecsClient();
    cluster = uniqueName('docker');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agent = await startAgent(cluster);
  });

  afterAll(async () => {
    await Promise.all(agents.map((started) => started.stop()));
    if (!docker) return;
    for (const name of [cluster, adoptionCluster]) {
      if (!name) continue;
      for (const info of await containersOf([`${LABELS.cluster}=${name}`])) {
        await docker
          .getContainer(info.Id)
          .remove({ force: true })
          .catch(() => {});
      }
    }
  });

  let adoptionCluster: string | undefined;

  it('runs a task as a real container and reports its exit code', async () => {
    // Prepare
    const family = await register({ name: 'main', command: ['sh', '-c', 'sleep 1; exit 3'] });

    // Act
    const arn = await run(family);
    const runningTask = await settled(arn, 'RUNNING');
    const runtimeId = runningTask.containers?.[0]?.runtimeId ?? '';
    const whileRunning = await docker.getContainer(runtimeId).inspect();
    const stopped = await settled(arn, 'STOPPED');

    // Assess
    expect(whileRunning.Config.Image).toBe(BUSYBOX_IMAGE);
    expect(whileRunning.Config.Labels).toMatchObject({
      [LABELS.taskArn]: arn,
      [LABELS.containerName]: 'main',
      [LABELS.cluster]: cluster,
      [LABELS.agent]: agent.stateDir,
    });
    expect(whileRunning.HostConfig.Memory).toBe(64 * 1_048_576);
    expect(whileRunning.HostConfig.CpuShares).toBe(128);
    expect(whileRunning.Name).toMatch(/^\/?ecs-docker-[a-z0-9-]+-1-main-[0-9a-f]{10}$/);
    expect(stopped.stoppedReason).toBe('Essential container in task exited');
    expect(stopped.containers?.[0]).toMatchObject({ exitCode: 3, runtimeId });
    expect((await docker.getContainer(runtimeId).inspect()).State.ExitCode).toBe(3);
  });

  it('enforces the memory limit: an OOM kill stops the task with OutOfMemoryError', async () => {
    // Prepare
    const family = await register({
      name: 'hog',
      memory: 16,
      command: ['sh', '-c', 'x=$(head -c 64m /dev/zero | tr "\\0" a); sleep 5'],
    });

    // Act
    const arn = await run(family);
    const stopped = await settled(arn, 'STOPPED');

    // Assess
    expect(stopped.containers?.[0]).toMatchObject({
      exitCode: 137,
      reason: 'OutOfMemoryError: Container killed due to memory usage',
    });
  });

  it('StopTask: SIGTERM stops a container at once (143); one that ignores it is killed after stopTimeout (137)', async () => {
    // Prepare: the polite one would take 10 s to be killed, the stubborn one 2 s.
    const polite = await register({ name: 'polite', command: ['sleep', '600'], stopTimeout: 10 });
    const stubborn = await register({
      name: 'stubborn',
      command: ['sh', '-c', 'trap "" TERM; sleep 600'],
      stopTimeout: 2,
    });
    const [politeArn, stubbornArn] = await Promise.all([run(polite), run(stubborn)]);
    await Promise.all([settled(politeArn, 'RUNNING'), settled(stubbornArn, 'RUNNING')]);

    // Act
    const began = Date.now();
    await Promise.all(
      [politeArn, stubbornArn].map((task) => ecs.send(new StopTaskCommand({ cluster, task }))),
    );
    const [first, second] = await Promise.all([
      settled(politeArn, 'STOPPED'),
      settled(stubbornArn, 'STOPPED'),
    ]);
    const finishedAt = async (task: Task) => {
      const runtimeId = task.containers?.[0]?.runtimeId ?? '';
      const inspect = await docker
        .getContainer(runtimeId)
        .inspect()
        .catch((error: Error) => {
          throw new Error(`inspect ${runtimeId} of ${task.taskArn}: ${error.message}`);
        });
      return Date.parse(inspect.State.FinishedAt) - began;
    };
    const politeMs = await finishedAt(first);
    const stubbornMs = await finishedAt(second);

    // Assess: SIGTERM worked on the polite one long before its 10 s; the other was killed at 2 s.
    expect(first.containers?.[0]?.exitCode).toBe(143);
    expect(second.containers?.[0]?.exitCode).toBe(137);
    expect(stubbornMs).toBeGreaterThanOrEqual(2_000);
    expect(stubbornMs - politeMs).toBeGreaterThanOrEqual(1_500);
    expect(politeMs).toBeLessThan(8_000);
  });

  it('publishes a bridge port on a host port Docker picks, reachable from the host', async () => {
    // Prepare
    const family = await register({
      name: 'web',
      command: ['sh', '-c', 'echo hi > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'],
      portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
    });

    // Act
    const arn = await run(family);
    const task = await settled(arn, 'RUNNING');
    const inspect = await docker.getContainer(task.containers?.[0]?.runtimeId ?? '').inspect();
    const hostPort = Number(inspect.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort);
    const body = await waitFor('the published port to answer', async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${hostPort}/index.html`)).text();
      } catch {
        return undefined;
      }
    });
    await ecs.send(new StopTaskCommand({ cluster, task: arn }));

    // Assess
    expect(hostPort).toBeGreaterThan(0);
    expect(body.trim()).toBe('hi');
    // Shown by Berth once the server stores what the agent reports.
    expect(task.containers?.[0]?.networkBindings).toEqual([
      { bindIP: '0.0.0.0', containerPort: 8080, hostPort, protocol: 'tcp' },
    ]);
  });

  it('stops a task whose image cannot be had with CannotPullContainerError, within seconds', async () => {
    // Prepare
    const family = await register({
      name: 'ghost',
      image: `${uniqueName('berth-missing')}:latest`,
      command: ['true'],
    });

    // Act
    const began = Date.now();
    const arn = await run(family);
    const stopped = await settled(arn, 'STOPPED', cluster, 30_000);

    // Assess
    expect(stopped.stoppedReason).toMatch(/^CannotPullContainerError: /);
    expect(stopped.containers?.[0]?.reason).toMatch(/^CannotPullContainerError: /);
    expect(Date.now() - began).toBeLessThan(15_000);
  });

  it('adopts its containers after a SIGKILL and reports the exit that happened meanwhile', async () => {
    // Prepare: a cluster of its own, so that the task lands on this agent.
    adoptionCluster = uniqueName('adopt');
    await ecs.send(new CreateClusterCommand({ clusterName: adoptionCluster }));
    const first = await startAgent(adoptionCluster);
    const family = await register({ name: 'brief', command: ['sh', '-c', 'sleep 3; exit 7'] });
    const arn = await run(family, adoptionCluster);
    const task = await settled(arn, 'RUNNING', adoptionCluster);
    const runtimeId = task.containers?.[0]?.runtimeId ?? '';

    // Act: the agent dies; the container ends while it is away; the agent comes back.
    await first.stop('SIGKILL');
    await waitFor('the container to exit', async () =>
      (await docker.getContainer(runtimeId).inspect()).State.Running ? undefined : true,
    );
    const again = await startAgent(adoptionCluster, first.stateDir);
    const stopped = await settled(arn, 'STOPPED', adoptionCluster);

    // Assess
    expect(again.containerInstanceArn).toBe(first.containerInstanceArn);
    expect(stopped.containers?.[0]).toMatchObject({ exitCode: 7, runtimeId });
    expect(stopped.stoppedReason).toBe('Essential container in task exited');
  });

  it('leaves no running container behind once its tasks have stopped', async () => {
    // Assess (after every task above has stopped): none of this cluster's containers runs.
    const running = await waitFor('every container to stop', async () => {
      const left = await containersOf([`${LABELS.cluster}=${cluster}`], false);
      return left.length === 0 ? left : undefined;
    });
    expect(running).toEqual([]);
    expect((await containersOf([`${LABELS.cluster}=${cluster}`])).length).toBeGreaterThan(0);
  });
});
