import type { ContainerInspectInfo } from 'dockerode';
import type { AgentContainer, AgentTask } from '../../../agent/protocol';
import {
  awsvpcNetworkName,
  containerNameOf,
  createOptionsOf,
  exitOf,
  kernelLogShowsOom,
  LABELS,
  networkBindingsOf,
  OUT_OF_MEMORY,
  taskCpuUnits,
  taskMemoryMiB,
} from '../../../agent/runtimes/dockerMapping';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/demo/0123456789abcdef';
const MIB = 1_048_576;

const task = (overrides: Partial<AgentTask> = {}): AgentTask => ({
  taskArn: ARN,
  cluster: 'demo',
  desiredStatus: 'RUNNING',
  containers: [],
  family: 'web',
  revision: 7,
  ...overrides,
});

const container = (overrides: Partial<AgentContainer> = {}): AgentContainer => ({
  name: 'app',
  image: 'localhost/berth-busybox:latest',
  ...overrides,
});

const context = { name: 'ecs-web-7-app-abc', agent: '/var/lib/berth/agent-a' };

describe('Module: agent/runtimes/dockerMapping', () => {
  describe('Function: createOptionsOf', () => {
    it('maps image, command, entry point, environment, working directory, user, name, init and labels', () => {
      // Act
      const options = createOptionsOf(
        task(),
        container({
          entryPoint: ['sh', '-c'],
          command: ['echo $A'],
          environment: [{ name: 'A', value: '1' }, { name: 'EMPTY' }],
          workingDirectory: '/tmp',
          user: '65534:65534',
          dockerLabels: { team: 'blue', [LABELS.taskArn]: 'forged' },
        }),
        context,
      );

      // Assess
      expect(options).toMatchObject({
        name: 'ecs-web-7-app-abc',
        Image: 'localhost/berth-busybox:latest',
        Entrypoint: ['sh', '-c'],
        Cmd: ['echo $A'],
        Env: ['A=1', 'EMPTY='],
        WorkingDir: '/tmp',
        User: '65534:65534',
        HostConfig: { Init: true, NetworkMode: 'bridge' },
      });
      expect(options.Labels).toEqual({
        team: 'blue',
        [LABELS.taskArn]: ARN,
        [LABELS.containerName]: 'app',
        [LABELS.cluster]: 'demo',
        [LABELS.family]: 'web',
        [LABELS.version]: '7',
        [LABELS.agent]: '/var/lib/berth/agent-a',
      });
    });

    it('leaves the image defaults when the container names no command, entry point or environment', () => {
      // Act
      const options = createOptionsOf(task(), container(), context);

      // Assess
      for (const key of ['Entrypoint', 'Cmd', 'Env', 'WorkingDir', 'User', 'ExposedPorts']) {
        expect(options).not.toHaveProperty(key);
      }
    });

    it.each([
      ['no cpu → the least shares', {}, {}, { CpuShares: 2 }],
      ['cpu 1 → 2 shares', { cpu: 1 }, {}, { CpuShares: 2 }],
      ['cpu 512 → 512 shares', { cpu: 512 }, {}, { CpuShares: 512 }],
      ['memory → hard limit in bytes', { memory: 64 }, {}, { Memory: 64 * MIB }],
      [
        'memoryReservation → soft limit',
        { memoryReservation: 32 },
        {},
        { MemoryReservation: 32 * MIB },
      ],
      [
        'task memory → hard limit of a container without one',
        {},
        { memory: '512' },
        { Memory: 512 * MIB },
      ],
      [
        'the container limit wins over the task memory',
        { memory: 64 },
        { memory: '512' },
        { Memory: 64 * MIB },
      ],
      ['task cpu → NanoCpus', { cpu: 128 }, { cpu: '512' }, { CpuShares: 128, NanoCpus: 5e8 }],
      ['task cpu in vCPU', {}, { cpu: '2 vCPU' }, { NanoCpus: 2e9 }],
      ['task memory in GB', {}, { memory: '1 GB' }, { Memory: 1024 * MIB }],
    ] as [string, Partial<AgentContainer>, Partial<AgentTask>, Record<string, number>][])(
      '%s',
      (_name, containerOverrides, taskOverrides, expected) => {
        // Act
        const options = createOptionsOf(
          task(taskOverrides),
          container(containerOverrides),
          context,
        );

        // Assess
        expect(options.HostConfig).toMatchObject(expected);
      },
    );

    it('does not limit what neither the container nor the task limits', () => {
      // Act
      const hostConfig = createOptionsOf(task(), container(), context).HostConfig;

      // Assess
      expect(hostConfig).not.toHaveProperty('Memory');
      expect(hostConfig).not.toHaveProperty('MemoryReservation');
      expect(hostConfig).not.toHaveProperty('NanoCpus');
    });

    it('publishes bridge ports, letting Docker choose when hostPort is 0 or absent', () => {
      // Act
      const options = createOptionsOf(
        task({ networkMode: 'bridge' }),
        container({
          portMappings: [
            { containerPort: 8080, hostPort: 0, protocol: 'tcp' },
            { containerPort: 53, protocol: 'udp' },
            { containerPort: 80, hostPort: 8081 },
          ],
        }),
        context,
      );

      // Assess
      expect(options.ExposedPorts).toEqual({ '8080/tcp': {}, '53/udp': {}, '80/tcp': {} });
      expect(options.HostConfig?.PortBindings).toEqual({
        '8080/tcp': [{ HostIp: '', HostPort: '' }],
        '53/udp': [{ HostIp: '', HostPort: '' }],
        '80/tcp': [{ HostIp: '', HostPort: '8081' }],
      });
      expect(options.HostConfig?.NetworkMode).toBe('bridge');
    });

    it.each([
      ['host', 'host'],
      ['none', 'none'],
    ] as const)('network mode %s → NetworkMode %s without published ports', (mode, expected) => {
      // Act
      const options = createOptionsOf(
        task({ networkMode: mode }),
        container({ portMappings: [{ containerPort: 80, hostPort: 80 }] }),
        context,
      );

      // Assess
      expect(options.HostConfig?.NetworkMode).toBe(expected);
      expect(options.HostConfig).not.toHaveProperty('PortBindings');
    });

    it("awsvpc: the first container joins the subnet's network at the task's address, the others share its namespace", () => {
      // Prepare
      const awsvpcTask = task({
        networkMode: 'awsvpc',
        awsvpc: {
          subnetId: 'subnet-0a1b',
          cidrBlock: '10.213.1.0/24',
          ipv4Address: '10.213.1.17',
          macAddress: '0e:00:00:00:00:01',
        },
      });

      // Act
      const first = createOptionsOf(awsvpcTask, container(), context);
      const second = createOptionsOf(awsvpcTask, container({ name: 'side' }), {
        ...context,
        networkOwnerId: 'f00d',
      });

      // Assess
      expect(first.HostConfig?.NetworkMode).toBe('berth-subnet-0a1b');
      expect(first.NetworkingConfig).toEqual({
        EndpointsConfig: { 'berth-subnet-0a1b': { IPAMConfig: { IPv4Address: '10.213.1.17' } } },
      });
      expect(first.Labels?.[LABELS.networkOwner]).toBe('true');
      expect(second.HostConfig?.NetworkMode).toBe('container:f00d');
      expect(second).not.toHaveProperty('NetworkingConfig');
      expect(second.Labels).not.toHaveProperty(LABELS.networkOwner);
      expect(awsvpcNetworkName('subnet-0a1b')).toBe('berth-subnet-0a1b');
    });
  });

  describe('Function: containerNameOf', () => {
    it.each([
      [task(), container(), 'ecs-web-7-app-abc12'],
      [task({ family: undefined, revision: undefined }), container(), 'ecs-task-0-app-abc12'],
      [task({ family: 'a b' }), container({ name: 'x/y' }), 'ecs-a-b-7-x-y-abc12'],
    ])('%#: %s', (t, c, expected) => {
      expect(containerNameOf(t, c, 'abc12')).toBe(expected);
    });
  });

  describe('Functions: taskCpuUnits, taskMemoryMiB', () => {
    it.each([
      ['256', 256],
      ['0.25 vCPU', 256],
      ['1 vcpu', 1024],
      ['lots', undefined],
      ['0', undefined],
      [undefined, undefined],
    ])('cpu %j → %j', (text, expected) => {
      expect(taskCpuUnits(text)).toBe(expected);
    });

    it.each([
      ['512', 512],
      ['2 GB', 2048],
      ['0.5GB', 512],
      ['1024 MiB', 1024],
      ['big', undefined],
      [undefined, undefined],
    ])('memory %j → %j', (text, expected) => {
      expect(taskMemoryMiB(text)).toBe(expected);
    });
  });

  describe('Function: networkBindingsOf', () => {
    const inspect = (ports: unknown): Pick<ContainerInspectInfo, 'NetworkSettings'> =>
      ({ NetworkSettings: { Ports: ports } }) as unknown as Pick<
        ContainerInspectInfo,
        'NetworkSettings'
      >;

    it('bridge: the host ports Docker published, an empty HostIp read as 0.0.0.0', () => {
      // Act
      const bindings = networkBindingsOf(
        'bridge',
        container(),
        inspect({
          '8080/tcp': [
            { HostIp: '', HostPort: '44813' },
            { HostIp: '::', HostPort: '44813' },
          ],
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
          '9000/tcp': null,
        }),
      );

      // Assess
      expect(bindings).toEqual([
        { bindIP: '127.0.0.1', containerPort: 53, hostPort: 5353, protocol: 'udp' },
        { bindIP: '0.0.0.0', containerPort: 8080, hostPort: 44813, protocol: 'tcp' },
        { bindIP: '::', containerPort: 8080, hostPort: 44813, protocol: 'tcp' },
      ]);
    });

    it('host: each mapping on its container port', () => {
      // Act
      const bindings = networkBindingsOf(
        'host',
        container({
          portMappings: [{ containerPort: 8080, protocol: 'udp' }, { containerPort: 80 }],
        }),
        inspect({}),
      );

      // Assess
      expect(bindings).toEqual([
        { bindIP: '0.0.0.0', containerPort: 8080, hostPort: 8080, protocol: 'udp' },
        { bindIP: '0.0.0.0', containerPort: 80, hostPort: 80, protocol: 'tcp' },
      ]);
    });

    it.each(['awsvpc', 'none'] as const)('%s: none', (mode) => {
      expect(
        networkBindingsOf(mode, container(), inspect({ '80/tcp': [{ HostPort: '80' }] })),
      ).toEqual([]);
    });
  });

  describe('Functions: exitOf, kernelLogShowsOom', () => {
    it.each([
      ['a plain exit', { exitCode: 3, oomKilled: false }, { exitCode: 3 }],
      ['SIGTERM', { exitCode: 143, oomKilled: false }, { exitCode: 143 }],
      [
        'SIGKILL without OOM',
        { exitCode: 137, oomKilled: false, oomInKernelLog: false },
        { exitCode: 137 },
      ],
      [
        'State.OOMKilled',
        { exitCode: 137, oomKilled: true },
        { exitCode: 137, reason: OUT_OF_MEMORY },
      ],
      [
        'an OOM kill of a child: Docker says OOMKilled with another code',
        { exitCode: 1, oomKilled: true },
        { exitCode: 137, reason: OUT_OF_MEMORY },
      ],
      [
        'the kernel log shows the OOM kill (Podman on cgroups v1)',
        { exitCode: 137, oomKilled: false, oomInKernelLog: true },
        { exitCode: 137, reason: OUT_OF_MEMORY },
      ],
      [
        'an OOM kill in the log but another exit code: not the container',
        { exitCode: 0, oomKilled: false, oomInKernelLog: true },
        { exitCode: 0 },
      ],
    ])('%s', (_name, facts, expected) => {
      expect(exitOf(facts)).toEqual(expected);
    });

    const id = '6685a065ff5868ac731459a646f1f9146f367a8ce842e474580e1fc01c5802ac';
    const podmanLine = `[  338.314808] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=libpod-${id},mems_allowed=0,oom_memcg=/libpod_parent/libpod-${id},task_memcg=/libpod_parent/libpod-${id},task=tail,pid=7409,uid=0`;

    it.each([
      ['a Podman OOM kill of this container', podmanLine, id, true],
      [
        'a Docker OOM kill of this container',
        `oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/docker/${id},task_memcg=/docker/${id},task=node`,
        id,
        true,
      ],
      ['an OOM kill of another container', podmanLine, 'a'.repeat(64), false],
      [
        'the id elsewhere on a line that is no OOM kill',
        `libpod-${id} entered disabled state`,
        id,
        false,
      ],
      ['an empty log', '', id, false],
    ])('%s → %s', (_name, log, containerId, expected) => {
      expect(kernelLogShowsOom(log, containerId)).toBe(expected);
    });
  });
});
