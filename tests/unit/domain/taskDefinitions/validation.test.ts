import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import fc from 'fast-check';
import { EcsError } from '../../../../functions/domain/errors';
import {
  containerReservation,
  FARGATE_CONFIGURATIONS,
  isValidFargateSize,
  MAX_TAGS,
  parseTaskCpu,
  parseTaskMemory,
  taskReservation,
  type ValidatedTaskDefinition,
  validateTags,
  validateTaskDefinitionRequest,
} from '../../../../functions/domain/taskDefinitions/validation';
import { errorOf } from '../../../helpers/errorOf';

type Body = Record<string, unknown>;

/** A minimal valid container for an EC2 task definition without task-level memory. */
const container = (overrides: Body = {}): Body => ({
  name: 'app',
  image: 'nginx:latest',
  memory: 512,
  ...overrides,
});

/** A minimal valid EC2 request. */
const request = (overrides: Body = {}): Body => ({
  family: 'web',
  containerDefinitions: [container()],
  ...overrides,
});

/** A minimal valid Fargate request (containers without memory: the task sets it). */
const fargateRequest = (overrides: Body = {}): Body => ({
  family: 'web',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image: 'nginx:latest' }],
  ...overrides,
});

/** For each Fargate CPU: just below and above its memory range, and off its step. */
const FARGATE_NEIGHBOURS: [number, number][] = [
  [256, 256],
  [256, 1536],
  [256, 3072],
  [512, 512],
  [512, 5120],
  [1024, 1024],
  [1024, 9216],
  [2048, 3072],
  [2048, 17408],
  [4096, 7168],
  [4096, 31744],
  [8192, 12288],
  [8192, 18432],
  [8192, 65536],
  [16384, 24576],
  [16384, 36864],
  [16384, 131072],
];

const validate = (body: Body): ValidatedTaskDefinition => validateTaskDefinitionRequest(body);

const firstContainer = (body: Body): ContainerDefinition =>
  validate(body).definition.containerDefinitions[0]!;

const clientError = (message: string) => ({ errorType: 'ClientException', message });
const parameterError = (message: string | RegExp) => ({
  errorType: 'InvalidParameterException',
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

const FARGATE_PAIRS: [number, number][] = Object.entries(FARGATE_CONFIGURATIONS).flatMap(
  ([cpu, memories]) => memories.map((memory): [number, number] => [Number(cpu), memory]),
);

describe('Function: validateTaskDefinitionRequest', () => {
  describe('defaults and echo', () => {
    it('applies the defaults AWS echoes for a minimal definition', () => {
      // Act
      const { definition, tags } = validate(request());

      // Assess
      expect(definition).toStrictEqual({
        family: 'web',
        containerDefinitions: [
          {
            name: 'app',
            image: 'nginx:latest',
            memory: 512,
            cpu: 0,
            essential: true,
            portMappings: [],
            environment: [],
            mountPoints: [],
            volumesFrom: [],
          },
        ],
        networkMode: 'bridge',
        volumes: [],
        placementConstraints: [],
        compatibilities: ['EC2', 'EXTERNAL'],
      });
      expect(tags).toStrictEqual([]);
    });

    it('keeps every supplied container member', () => {
      // Prepare
      const supplied = {
        name: 'app',
        image: 'nginx:latest',
        cpu: 128,
        memory: 512,
        memoryReservation: 256,
        links: ['db:database'],
        portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'udp', name: 'web' }],
        essential: false,
        entryPoint: ['/bin/sh', '-c'],
        command: ['nginx', '-g', 'daemon off;'],
        environment: [{ name: 'STAGE', value: 'prod' }],
        environmentFiles: [{ value: 'arn:aws:s3:::bucket/env', type: 's3' }],
        mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }],
        volumesFrom: [{ sourceContainer: 'sidecar', readOnly: false }],
        linuxParameters: {
          capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
          devices: [{ hostPath: '/dev/fuse', permissions: ['read', 'write'] }],
          initProcessEnabled: true,
          sharedMemorySize: 64,
          tmpfs: [{ containerPath: '/tmp', size: 64, mountOptions: ['rw'] }],
          maxSwap: 0,
          swappiness: 60,
        },
        secrets: [{ name: 'TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/token' }],
        dependsOn: [{ containerName: 'sidecar', condition: 'START' }],
        startTimeout: 30,
        stopTimeout: 20,
        versionConsistency: 'disabled',
        hostname: 'web-host',
        user: '1000:1000',
        workingDirectory: '/srv',
        disableNetworking: false,
        privileged: false,
        readonlyRootFilesystem: true,
        dnsServers: ['10.0.0.2'],
        dnsSearchDomains: ['example.internal'],
        extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.5' }],
        dockerSecurityOptions: ['no-new-privileges'],
        interactive: true,
        pseudoTerminal: true,
        dockerLabels: { team: 'platform' },
        ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/web' },
          secretOptions: [{ name: 'key', valueFrom: 'arn' }],
        },
        healthCheck: {
          command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 10,
        },
        systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }],
        resourceRequirements: [{ type: 'GPU', value: '1' }],
        firelensConfiguration: {
          type: 'fluentbit',
          options: { 'enable-ecs-log-metadata': 'true' },
        },
        restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 },
        repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:creds' },
        credentialSpecs: ['credentialspec:file://spec.json'],
      };
      const sidecar = { name: 'sidecar', image: 'busybox', memory: 64 };

      // Act
      const result = firstContainer(
        request({
          containerDefinitions: [supplied, sidecar],
          volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }],
        }),
      );

      // Assess
      expect(result).toStrictEqual(supplied);
    });

    it('drops members it does not know, at every level', () => {
      // Act
      const { definition } = validate(
        request({
          unknownTopLevel: true,
          containerDefinitions: [
            container({ unknownMember: 1, portMappings: [{ containerPort: 80, extra: 'x' }] }),
          ],
        }),
      );

      // Assess
      expect(definition).not.toHaveProperty('unknownTopLevel');
      expect(definition.containerDefinitions[0]).not.toHaveProperty('unknownMember');
      expect(definition.containerDefinitions[0]?.portMappings?.[0]).toStrictEqual({
        containerPort: 80,
        protocol: 'tcp',
      });
    });

    it('keeps every supplied task-level member', () => {
      // Prepare
      const body = fargateRequest({
        taskRoleArn: 'arn:aws:iam::1:role/task',
        executionRoleArn: 'arn:aws:iam::1:role/exec',
        requiresCompatibilities: ['FARGATE', 'EC2'],
        pidMode: 'task',
        runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
        ephemeralStorage: { sizeInGiB: 50 },
        proxyConfiguration: {
          type: 'APPMESH',
          containerName: 'app',
          properties: [{ name: 'AppPorts', value: '80' }],
        },
        inferenceAccelerators: [{ deviceName: 'device1', deviceType: 'eia2.medium' }],
        enableFaultInjection: true,
        volumes: [{ name: 'scratch', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }],
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
      });

      // Act
      const { definition } = validate(body);

      // Assess
      expect(definition).toMatchObject({
        taskRoleArn: 'arn:aws:iam::1:role/task',
        executionRoleArn: 'arn:aws:iam::1:role/exec',
        requiresCompatibilities: ['FARGATE', 'EC2'],
        pidMode: 'task',
        runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
        ephemeralStorage: { sizeInGiB: 50 },
        proxyConfiguration: body.proxyConfiguration,
        inferenceAccelerators: body.inferenceAccelerators,
        enableFaultInjection: true,
        volumes: body.volumes,
        placementConstraints: body.placementConstraints,
        cpu: '256',
        memory: '512',
      });
    });

    it('echoes requiresCompatibilities only when supplied', () => {
      // Act
      const without = validate(request()).definition;
      const withIt = validate(request({ requiresCompatibilities: ['EC2'] })).definition;

      // Assess
      expect(without).not.toHaveProperty('requiresCompatibilities');
      expect(withIt.requiresCompatibilities).toStrictEqual(['EC2']);
    });

    it('treats null members as absent, as the AWS SDKs do', () => {
      // Act
      const { definition } = validate(
        request({ networkMode: null, volumes: null, cpu: null, tags: null }),
      );

      // Assess
      expect(definition.networkMode).toBe('bridge');
      expect(definition.volumes).toStrictEqual([]);
      expect(definition).not.toHaveProperty('cpu');
    });

    it('returns the validated tags next to the definition', () => {
      // Act
      const { tags, definition } = validate(request({ tags: [{ key: 'team', value: 'core' }] }));

      // Assess
      expect(tags).toStrictEqual([{ key: 'team', value: 'core' }]);
      expect(definition).not.toHaveProperty('tags');
    });
  });

  describe('family', () => {
    it.each([
      { case: 'a missing family', family: undefined },
      { case: 'a null family', family: null },
      { case: 'an empty family', family: '' },
    ])('refuses $case', ({ family }) => {
      expect(errorOf(() => validate(request({ family })))).toMatchObject(
        clientError('Family can not be blank.'),
      );
    });

    it.each([
      { case: 'a space', family: 'my family' },
      { case: 'a colon', family: 'web:1' },
      { case: 'a slash', family: 'team/web' },
      { case: 'a dot', family: 'web.v2' },
      { case: 'a non-ASCII letter', family: 'wéb' },
    ])('refuses a family with $case', ({ family }) => {
      expect(errorOf(() => validate(request({ family })))).toMatchObject(
        clientError('Family contains invalid characters.'),
      );
    });

    it('refuses a family longer than 255 characters', () => {
      expect(errorOf(() => validate(request({ family: 'a'.repeat(256) })))).toMatchObject(
        clientError('Family must be at most 255 characters long, got 256.'),
      );
    });

    it('accepts 255 letters, digits, hyphens and underscores', () => {
      // Prepare
      const family = `Ab1-_${'x'.repeat(250)}`;

      // Act & Assess
      expect(validate(request({ family })).definition.family).toBe(family);
    });

    it('refuses a family of the wrong type with the member path', () => {
      expect(errorOf(() => validate(request({ family: 42 })))).toMatchObject(
        parameterError('Invalid type for parameter family: expected a string, got number.'),
      );
    });
  });

  describe('container list', () => {
    it.each([
      { case: 'a missing list', containerDefinitions: undefined },
      { case: 'an empty list', containerDefinitions: [] },
    ])('refuses $case', ({ containerDefinitions }) => {
      expect(errorOf(() => validate(request({ containerDefinitions })))).toMatchObject(
        clientError('Container list cannot be empty.'),
      );
    });

    it('accepts 10 containers and refuses 11', () => {
      // Prepare
      const containers = (count: number) =>
        Array.from({ length: count }, (_, index) => container({ name: `c${index}` }));

      // Act & Assess
      expect(validate(request({ containerDefinitions: containers(10) })).definition).toBeDefined();
      expect(
        errorOf(() => validate(request({ containerDefinitions: containers(11) }))),
      ).toMatchObject(
        clientError(
          'Too many containers. A task definition can have at most 10 containers, got 11.',
        ),
      );
    });

    it.each([
      { case: 'a missing name', name: undefined },
      { case: 'an empty name', name: '' },
    ])('refuses a container with $case', ({ name }) => {
      expect(
        errorOf(() => validate(request({ containerDefinitions: [container({ name })] }))),
      ).toMatchObject(clientError('Container.name should not be null or empty.'));
    });

    it.each([
      { case: 'a missing image', image: undefined },
      { case: 'an empty image', image: '' },
      { case: 'a blank image', image: '   ' },
    ])('refuses a container with $case', ({ image }) => {
      expect(
        errorOf(() => validate(request({ containerDefinitions: [container({ image })] }))),
      ).toMatchObject(clientError('Container.image should not be null or empty.'));
    });

    it.each([
      { case: 'a space', name: 'my app' },
      { case: 'a dot', name: 'app.v2' },
    ])('refuses a container name with $case', ({ name }) => {
      expect(
        errorOf(() => validate(request({ containerDefinitions: [container({ name })] }))),
      ).toMatchObject(clientError('Container.name contains invalid characters.'));
    });

    it('refuses a container name longer than 255 characters', () => {
      expect(
        errorOf(() =>
          validate(request({ containerDefinitions: [container({ name: 'n'.repeat(256) })] })),
        ),
      ).toMatchObject(clientError('Container.name must be at most 255 characters long, got 256.'));
    });

    it('refuses two containers with the same name', () => {
      expect(
        errorOf(() => validate(request({ containerDefinitions: [container(), container()] }))),
      ).toMatchObject(clientError('Container names must be unique within a Task Definition.'));
    });

    it('refuses a definition without an essential container', () => {
      expect(
        errorOf(() =>
          validate(
            request({
              containerDefinitions: [
                container({ essential: false }),
                container({ name: 'b', essential: false }),
              ],
            }),
          ),
        ),
      ).toMatchObject(clientError('A task definition must have at least one essential container.'));
    });

    it('treats a container without essential as essential', () => {
      // Act
      const { definition } = validate(
        request({
          containerDefinitions: [container({ essential: false }), container({ name: 'b' })],
        }),
      );

      // Assess
      expect(definition.containerDefinitions.map((c) => c.essential)).toStrictEqual([false, true]);
    });
  });

  describe('task cpu and memory', () => {
    it.each([
      { case: 'integer strings', cpu: '1024', memory: '2048', expected: ['1024', '2048'] },
      { case: 'vCPU and GB', cpu: '1 vCPU', memory: '2 GB', expected: ['1024', '2048'] },
      { case: 'lower case units', cpu: '2 vcpu', memory: '4 gb', expected: ['2048', '4096'] },
      { case: 'units without a space', cpu: '4vCPU', memory: '8GB', expected: ['4096', '8192'] },
      { case: 'fractions', cpu: '0.25 vCPU', memory: '0.5 GB', expected: ['256', '512'] },
      { case: 'leading-dot fractions', cpu: '.5 vCPU', memory: '1 GiB', expected: ['512', '1024'] },
      { case: 'MiB suffixes', cpu: '512', memory: '1024 MiB', expected: ['512', '1024'] },
      { case: 'surrounding spaces', cpu: ' 256 ', memory: ' 512 ', expected: ['256', '512'] },
    ])('normalises $case to number strings', ({ cpu, memory, expected }) => {
      // Act
      const { definition } = validate(request({ cpu, memory }));

      // Assess
      expect([definition.cpu, definition.memory]).toStrictEqual(expected);
    });

    it.each([
      { case: 'below 128 units', cpu: '127' },
      { case: 'above 192 vCPU', cpu: '196609' },
      { case: 'zero', cpu: '0' },
    ])('refuses a task cpu $case on EC2', ({ cpu }) => {
      expect(errorOf(() => validate(request({ cpu })))).toMatchObject({
        errorType: 'ClientException',
        message: expect.stringMatching(
          /^Invalid 'cpu' setting for task\. .*between 128 and 196608/,
        ),
      });
    });

    it.each([
      { case: 'the minimum', cpu: '128' },
      { case: 'the maximum', cpu: '196608' },
      { case: '192 vCPU', cpu: '192 vCPU' },
    ])('accepts a task cpu at $case on EC2', ({ cpu }) => {
      expect(validate(request({ cpu })).definition.cpu).toBe(String(parseTaskCpu(cpu)));
    });

    it('refuses a task memory under 6 MiB', () => {
      expect(errorOf(() => validate(request({ memory: '5' })))).toMatchObject(
        clientError(
          "Invalid 'memory' setting for task. The task 'memory' must be at least 6 MiB, got 5.",
        ),
      );
    });

    it.each([
      { member: 'cpu', value: 'lots' },
      { member: 'memory', value: '2 TB' },
    ])('refuses a task $member that is not a size', ({ member, value }) => {
      expect(errorOf(() => validate(request({ [member]: value })))).toMatchObject({
        errorType: 'ClientException',
        message: expect.stringContaining(`Invalid '${member}' setting for task.`),
      });
    });

    it('refuses a task cpu given as a number, naming the member', () => {
      expect(errorOf(() => validate(request({ cpu: 1024 })))).toMatchObject(
        parameterError('Invalid type for parameter cpu: expected a string, got number.'),
      );
    });
  });

  describe('Fargate', () => {
    it('accepts a minimal Fargate definition and computes FARGATE compatibility', () => {
      // Act
      const { definition } = validate(fargateRequest());

      // Assess
      expect(definition.compatibilities).toStrictEqual(['EC2', 'EXTERNAL', 'FARGATE']);
      expect(definition.requiresCompatibilities).toStrictEqual(['FARGATE']);
    });

    it.each([
      {
        case: 'a missing task cpu',
        overrides: { cpu: undefined },
        message: "Fargate requires that 'cpu' be defined at the task level.",
      },
      {
        case: 'a missing task memory',
        overrides: { memory: undefined, containerDefinitions: [container()] },
        message: "Fargate requires that 'memory' be defined at the task level.",
      },
      {
        case: 'the default network mode',
        overrides: { networkMode: undefined },
        message: 'Fargate only supports network mode ‘awsvpc’.',
      },
      {
        case: 'bridge network mode',
        overrides: { networkMode: 'bridge' },
        message: 'Fargate only supports network mode ‘awsvpc’.',
      },
      {
        case: 'host network mode',
        overrides: { networkMode: 'host' },
        message: 'Fargate only supports network mode ‘awsvpc’.',
      },
      {
        case: 'an unsupported cpu/memory pair',
        overrides: { cpu: '1024', memory: '1024' },
        message:
          'No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.',
      },
      {
        case: 'an unsupported pair given in units',
        overrides: { cpu: '1 vCPU', memory: '1 GB' },
        message:
          'No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.',
      },
      {
        case: 'host pidMode',
        overrides: { pidMode: 'host' },
        message:
          "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.",
      },
      {
        case: 'ipcMode task',
        overrides: { ipcMode: 'task' },
        message: 'Tasks using the Fargate launch type do not support ipcMode.',
      },
      {
        case: 'ipcMode none',
        overrides: { ipcMode: 'none' },
        message: 'Tasks using the Fargate launch type do not support ipcMode.',
      },
    ])('refuses $case', ({ overrides, message }) => {
      expect(errorOf(() => validate(fargateRequest(overrides)))).toMatchObject(
        clientError(message),
      );
    });

    it('refuses a Fargate definition without task memory whose containers have none, as AWS does', () => {
      expect(errorOf(() => validate(fargateRequest({ memory: undefined })))).toMatchObject(
        clientError(
          "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
        ),
      );
    });

    it('applies the Fargate rules when FARGATE is one of several required compatibilities', () => {
      expect(
        errorOf(() =>
          validate(fargateRequest({ requiresCompatibilities: ['EC2', 'FARGATE'], cpu: '128' })),
        ),
      ).toMatchObject(
        clientError(
          'No Fargate configuration exists for given values: 128 CPU, 512 memory. See the Amazon ECS documentation for the valid values.',
        ),
      );
    });

    it('accepts pidMode task', () => {
      expect(validate(fargateRequest({ pidMode: 'task' })).definition.pidMode).toBe('task');
    });

    it.each([
      { case: '0.5 vCPU on Windows', cpu: '512', memory: '1024', valid: false },
      { case: '1 vCPU on Windows', cpu: '1024', memory: '2048', valid: true },
      { case: '4 vCPU on Windows', cpu: '4096', memory: '8192', valid: true },
      { case: '8 vCPU on Windows', cpu: '8192', memory: '16384', valid: false },
    ])('decides $case by the Windows sizes', ({ cpu, memory, valid }) => {
      // Prepare
      const body = fargateRequest({
        cpu,
        memory,
        runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
      });

      // Act & Assess
      if (valid) {
        expect(validate(body).definition.compatibilities).toContain('FARGATE');
      } else {
        expect(errorOf(() => validate(body))).toMatchObject(
          clientError(
            `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`,
          ),
        );
      }
    });

    it.each(FARGATE_PAIRS)('accepts %i CPU with %i MiB', (cpu, memory) => {
      expect(
        validate(fargateRequest({ cpu: String(cpu), memory: String(memory) })).definition
          .compatibilities,
      ).toContain('FARGATE');
    });

    it.each(FARGATE_NEIGHBOURS)('refuses %i CPU with the neighbouring %i MiB', (cpu, memory) => {
      expect(
        errorOf(() => validate(fargateRequest({ cpu: String(cpu), memory: String(memory) }))),
      ).toMatchObject(
        clientError(
          `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`,
        ),
      );
    });

    it.each([
      [128, 512],
      [384, 1024],
      [768, 2048],
      [3072, 8192],
      [32768, 65536],
    ])('refuses %i CPU, which Fargate does not offer', (cpu, memory) => {
      expect(
        errorOf(() => validate(fargateRequest({ cpu: String(cpu), memory: String(memory) }))),
      ).toMatchObject({
        errorType: 'ClientException',
        message: `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`,
      });
    });

    it('accepts every pair of the table (property)', () => {
      fc.assert(
        fc.property(fc.constantFrom(...FARGATE_PAIRS), ([cpu, memory]) => {
          const { definition } = validate(
            fargateRequest({ cpu: String(cpu), memory: String(memory) }),
          );
          return definition.compatibilities.includes('FARGATE');
        }),
      );
    });

    it('refuses every other multiple of 256 CPU and 512 MiB (property)', () => {
      const isTablePair = (cpu: number, memory: number) =>
        FARGATE_PAIRS.some(([c, m]) => c === cpu && m === memory);
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 80 }).map((k) => k * 256),
          fc.integer({ min: 1, max: 260 }).map((k) => k * 512),
          (cpu, memory) => {
            fc.pre(!isTablePair(cpu, memory));
            const error = errorOf(() =>
              validate(fargateRequest({ cpu: String(cpu), memory: String(memory) })),
            );
            return (
              error.errorType === 'ClientException' &&
              error.message ===
                `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`
            );
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('compatibilities', () => {
    it.each([
      { case: 'a plain bridge definition', overrides: {}, expected: ['EC2', 'EXTERNAL'] },
      {
        case: 'an awsvpc definition of a Fargate size',
        overrides: { networkMode: 'awsvpc', cpu: '512', memory: '1024' },
        expected: ['EC2', 'EXTERNAL', 'FARGATE'],
      },
      {
        case: 'an awsvpc definition without a task size',
        overrides: { networkMode: 'awsvpc' },
        expected: ['EC2', 'EXTERNAL'],
      },
      {
        case: 'a Fargate size in bridge mode',
        overrides: { cpu: '512', memory: '1024' },
        expected: ['EC2', 'EXTERNAL'],
      },
      {
        case: 'a Fargate size with ipcMode',
        overrides: { networkMode: 'awsvpc', cpu: '512', memory: '1024', ipcMode: 'host' },
        expected: ['EC2', 'EXTERNAL'],
      },
      {
        case: 'a definition requiring MANAGED_INSTANCES in host mode',
        overrides: { networkMode: 'host', requiresCompatibilities: ['MANAGED_INSTANCES'] },
        expected: ['EC2', 'EXTERNAL', 'MANAGED_INSTANCES'],
      },
    ])('computes $case', ({ overrides, expected }) => {
      expect(validate(request(overrides)).definition.compatibilities).toStrictEqual(expected);
    });

    it('refuses MANAGED_INSTANCES in bridge mode', () => {
      expect(
        errorOf(() => validate(request({ requiresCompatibilities: ['MANAGED_INSTANCES'] }))),
      ).toMatchObject(
        clientError(
          "Task definitions requiring MANAGED_INSTANCES must use network mode 'awsvpc', 'host' or 'none', not 'bridge'.",
        ),
      );
    });

    it('refuses an unknown compatibility with the member path', () => {
      expect(
        errorOf(() => validate(request({ requiresCompatibilities: ['LAMBDA'] }))),
      ).toMatchObject(
        parameterError(
          "Invalid value for parameter requiresCompatibilities[0]: 'LAMBDA'. Valid values are: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES.",
        ),
      );
    });
  });

  describe('network mode', () => {
    it.each(['bridge', 'host', 'awsvpc', 'none'])('accepts %s', (networkMode) => {
      expect(validate(request({ networkMode })).definition.networkMode).toBe(networkMode);
    });

    it('refuses an unknown network mode', () => {
      expect(errorOf(() => validate(request({ networkMode: 'nat' })))).toMatchObject(
        parameterError(
          "Invalid value for parameter networkMode: 'nat'. Valid values are: bridge, host, awsvpc, none.",
        ),
      );
    });

    it('refuses a container hostname in awsvpc mode', () => {
      expect(
        errorOf(() =>
          validate(
            request({
              networkMode: 'awsvpc',
              containerDefinitions: [container({ hostname: 'h' })],
            }),
          ),
        ),
      ).toMatchObject(
        clientError('hostname is not supported on container when networkMode=awsvpc.'),
      );
    });

    it.each(['bridge', 'host'])('accepts a container hostname in %s mode', (networkMode) => {
      expect(
        firstContainer(
          request({ networkMode, containerDefinitions: [container({ hostname: 'h' })] }),
        ).hostname,
      ).toBe('h');
    });
  });

  describe('container cpu and memory', () => {
    const withContainers = (containers: Body[], overrides: Body = {}) =>
      request({ containerDefinitions: containers, ...overrides });

    it('refuses a container without memory or memoryReservation when the task has no memory', () => {
      expect(
        errorOf(() => validate(withContainers([container({ name: 'worker', memory: undefined })]))),
      ).toMatchObject(
        clientError(
          "Invalid setting for container 'worker'. At least one of 'memory' or 'memoryReservation' must be specified.",
        ),
      );
    });

    it.each([
      { case: 'only memoryReservation', overrides: { memory: undefined, memoryReservation: 128 } },
      { case: 'only memory', overrides: { memory: 128 } },
      {
        case: 'neither, with task memory',
        overrides: { memory: undefined },
        task: { memory: '512' },
      },
    ])('accepts a container with $case', ({ overrides, task }) => {
      expect(validate(withContainers([container(overrides)], task)).definition).toBeDefined();
    });

    it.each([
      { case: 'memory under 6 MiB', overrides: { memory: 5 }, member: 'memory', value: 5 },
      {
        case: 'memoryReservation under 6 MiB',
        overrides: { memory: undefined, memoryReservation: 4 },
        member: 'memoryReservation',
        value: 4,
      },
    ])('refuses $case', ({ overrides, member, value }) => {
      expect(errorOf(() => validate(withContainers([container(overrides)])))).toMatchObject(
        clientError(
          `Invalid '${member}' setting for container 'app'. It must be at least 6 MiB, got ${value}.`,
        ),
      );
    });

    it('accepts exactly 6 MiB', () => {
      expect(firstContainer(withContainers([container({ memory: 6 })])).memory).toBe(6);
    });

    it('refuses a memory limit under the memoryReservation', () => {
      expect(
        errorOf(() =>
          validate(withContainers([container({ memory: 256, memoryReservation: 512 })])),
        ),
      ).toMatchObject(
        clientError(
          "Invalid setting for container 'app'. 'memory' (256 MiB) must be greater than or equal to 'memoryReservation' (512 MiB).",
        ),
      );
    });

    it('accepts a memory limit equal to the memoryReservation', () => {
      expect(
        firstContainer(withContainers([container({ memory: 512, memoryReservation: 512 })])),
      ).toMatchObject({ memory: 512, memoryReservation: 512 });
    });

    it.each([
      { case: 'a negative cpu', cpu: -1 },
      { case: 'a cpu above 192 vCPU', cpu: 196609 },
    ])('refuses $case', ({ cpu }) => {
      expect(errorOf(() => validate(withContainers([container({ cpu })])))).toMatchObject(
        clientError(
          `Invalid 'cpu' setting for container 'app'. It must be between 0 and 196608 CPU units, got ${cpu}.`,
        ),
      );
    });

    it('refuses container cpu that adds up to more than the task cpu', () => {
      expect(
        errorOf(() =>
          validate(
            withContainers([container({ cpu: 600 }), container({ name: 'b', cpu: 500 })], {
              cpu: '1024',
            }),
          ),
        ),
      ).toMatchObject(
        clientError(
          "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.",
        ),
      );
    });

    it('accepts container cpu that adds up to exactly the task cpu', () => {
      expect(
        validate(
          withContainers([container({ cpu: 512 }), container({ name: 'b', cpu: 512 })], {
            cpu: '1 vCPU',
          }),
        ).definition.cpu,
      ).toBe('1024');
    });

    it('refuses memory reservations that add up to more than the task memory', () => {
      expect(
        errorOf(() =>
          validate(
            withContainers(
              [
                container({ memory: undefined, memoryReservation: 600 }),
                container({ name: 'b', memory: undefined, memoryReservation: 500 }),
              ],
              { memory: '1024' },
            ),
          ),
        ),
      ).toMatchObject(
        clientError(
          "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.",
        ),
      );
    });

    it('refuses memory limits that add up to more than the task memory', () => {
      expect(
        errorOf(() =>
          validate(
            withContainers(
              [
                container({ memory: 600, memoryReservation: 100 }),
                container({ name: 'b', memory: 500 }),
              ],
              { memory: '1 GB' },
            ),
          ),
        ),
      ).toMatchObject(
        clientError(
          "The sum of all container 'memory' values cannot be greater than the value of the task 'memory'.",
        ),
      );
    });

    it('accepts container memory that adds up to exactly the task memory', () => {
      expect(
        validate(
          withContainers([container({ memory: 512 }), container({ name: 'b', memory: 512 })], {
            memory: '1024',
          }),
        ).definition.memory,
      ).toBe('1024');
    });
  });

  describe('port mappings', () => {
    const withPorts = (portMappings: unknown[], overrides: Body = {}, name = 'app') =>
      request({ containerDefinitions: [container({ name, portMappings })], ...overrides });

    it('defaults the protocol to tcp and leaves the bridge host port dynamic', () => {
      expect(firstContainer(withPorts([{ containerPort: 80 }])).portMappings).toStrictEqual([
        { containerPort: 80, protocol: 'tcp' },
      ]);
    });

    it.each(['awsvpc', 'host'])(
      'fills the host port with the container port in %s mode',
      (mode) => {
        expect(
          firstContainer(withPorts([{ containerPort: 80, protocol: 'udp' }], { networkMode: mode }))
            .portMappings,
        ).toStrictEqual([{ containerPort: 80, hostPort: 80, protocol: 'udp' }]);
      },
    );

    it.each(['awsvpc', 'host'])('refuses a different host port in %s mode', (mode) => {
      expect(
        errorOf(() =>
          validate(withPorts([{ containerPort: 80, hostPort: 8080 }], { networkMode: mode })),
        ),
      ).toMatchObject(
        clientError(
          `When networkMode=${mode}, the host ports and container ports in port mappings must match.`,
        ),
      );
    });

    it('accepts an equal host port in awsvpc mode', () => {
      expect(
        firstContainer(withPorts([{ containerPort: 80, hostPort: 80 }], { networkMode: 'awsvpc' }))
          .portMappings?.[0]?.hostPort,
      ).toBe(80);
    });

    it.each([
      { case: 'a missing container port', mapping: { hostPort: 80 }, member: 'containerPort' },
      {
        case: 'a container port above 65535',
        mapping: { containerPort: 65536 },
        member: 'containerPort',
      },
      {
        case: 'a negative container port',
        mapping: { containerPort: -1 },
        member: 'containerPort',
      },
      {
        case: 'a host port above 65535',
        mapping: { containerPort: 80, hostPort: 70000 },
        member: 'hostPort',
      },
      {
        case: 'a negative host port',
        mapping: { containerPort: 80, hostPort: -5 },
        member: 'hostPort',
      },
    ])('refuses $case', ({ mapping, member }) => {
      expect(errorOf(() => validate(withPorts([mapping])))).toMatchObject(
        clientError(`Invalid '${member}' setting for container 'app'.`),
      );
    });

    it.each([
      { case: 'port 0 both ways', mapping: { containerPort: 0, hostPort: 0 } },
      { case: 'port 65535 both ways', mapping: { containerPort: 65535, hostPort: 65535 } },
    ])('accepts $case', ({ mapping }) => {
      expect(firstContainer(withPorts([mapping])).portMappings?.[0]).toMatchObject(mapping);
    });

    it('refuses an unknown protocol', () => {
      expect(
        errorOf(() => validate(withPorts([{ containerPort: 80, protocol: 'sctp' }]))),
      ).toMatchObject(
        parameterError(
          "Invalid value for parameter containerDefinitions[0].portMappings[0].protocol: 'sctp'. Valid values are: tcp, udp.",
        ),
      );
    });

    it('refuses the same host port twice in a task', () => {
      expect(
        errorOf(() =>
          validate(
            request({
              containerDefinitions: [
                container({ portMappings: [{ containerPort: 80, hostPort: 3000 }] }),
                container({ name: 'b', portMappings: [{ containerPort: 81, hostPort: 3000 }] }),
              ],
            }),
          ),
        ),
      ).toMatchObject(clientError("TCP host port '3000' is mapped multiple times in task."));
    });

    it('refuses the same container port twice across containers in awsvpc mode', () => {
      expect(
        errorOf(() =>
          validate(
            request({
              networkMode: 'awsvpc',
              containerDefinitions: [
                container({ portMappings: [{ containerPort: 53, protocol: 'udp' }] }),
                container({ name: 'b', portMappings: [{ containerPort: 53, protocol: 'udp' }] }),
              ],
            }),
          ),
        ),
      ).toMatchObject(clientError("UDP host port '53' is mapped multiple times in task."));
    });

    it('accepts the same host port for tcp and udp in different containers', () => {
      expect(
        validate(
          request({
            containerDefinitions: [
              container({ portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'tcp' }] }),
              container({
                name: 'b',
                portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }],
              }),
            ],
          }),
        ).definition.containerDefinitions,
      ).toHaveLength(2);
    });

    it('accepts several dynamic host ports', () => {
      expect(
        firstContainer(
          withPorts([
            { containerPort: 80, hostPort: 0 },
            { containerPort: 81, hostPort: 0 },
            { containerPort: 82 },
          ]),
        ).portMappings,
      ).toHaveLength(3);
    });

    it('refuses one container port in two mappings of a container', () => {
      expect(
        errorOf(() =>
          validate(
            withPorts([
              { containerPort: 53, protocol: 'tcp' },
              { containerPort: 53, protocol: 'udp' },
            ]),
          ),
        ),
      ).toMatchObject(
        parameterError('Container port 53 is used in more than one port mapping for container app'),
      );
    });

    it('refuses port mappings in none mode', () => {
      expect(
        errorOf(() => validate(withPorts([{ containerPort: 80 }], { networkMode: 'none' }))),
      ).toMatchObject(
        clientError(
          "Invalid setting for container 'app'. Port mappings are not supported when networkMode=none.",
        ),
      );
    });

    it('accepts a container port range instead of a container port', () => {
      expect(
        firstContainer(withPorts([{ containerPortRange: '8000-8010' }], { networkMode: 'awsvpc' }))
          .portMappings,
      ).toStrictEqual([{ containerPortRange: '8000-8010', protocol: 'tcp' }]);
    });

    it.each(['8010-8000', '0-10', '1-70000', '80', 'a-b'])(
      'refuses the container port range %s',
      (range) => {
        expect(errorOf(() => validate(withPorts([{ containerPortRange: range }])))).toMatchObject({
          errorType: 'ClientException',
          message: expect.stringContaining(
            "Invalid 'containerPortRange' setting for container 'app'.",
          ),
        });
      },
    );

    it('refuses a container port together with a container port range', () => {
      expect(
        errorOf(() => validate(withPorts([{ containerPort: 80, containerPortRange: '80-90' }]))),
      ).toMatchObject(
        clientError(
          "Invalid setting for container 'app'. A port mapping can have 'containerPort' or 'containerPortRange', not both.",
        ),
      );
    });
  });

  describe('volumes and references', () => {
    it('refuses a volume without a name', () => {
      expect(errorOf(() => validate(request({ volumes: [{ host: {} }] })))).toMatchObject(
        clientError('Volume.name should not be null or empty.'),
      );
    });

    it('refuses two volumes with the same name', () => {
      expect(
        errorOf(() => validate(request({ volumes: [{ name: 'data' }, { name: 'data' }] }))),
      ).toMatchObject(clientError('Volume names must be unique within a Task Definition.'));
    });

    it('refuses a volume name with invalid characters', () => {
      expect(errorOf(() => validate(request({ volumes: [{ name: 'my data' }] })))).toMatchObject(
        clientError('Volume.name contains invalid characters.'),
      );
    });

    it.each([
      {
        case: 'a mount point on an unknown volume',
        overrides: { mountPoints: [{ sourceVolume: 'logs', containerPath: '/logs' }] },
        message:
          "Invalid 'mountPoints' setting for container 'app'. Volume 'logs' is not defined in the task definition.",
      },
      {
        case: 'volumes from an unknown container',
        overrides: { volumesFrom: [{ sourceContainer: 'ghost' }] },
        message:
          "Invalid 'volumesFrom' setting for container 'app'. Container 'ghost' is not defined in the task definition.",
      },
      {
        case: 'a dependency on an unknown container',
        overrides: { dependsOn: [{ containerName: 'ghost', condition: 'START' }] },
        message:
          "Invalid 'dependsOn' setting for container 'app'. Container 'ghost' is not defined in the task definition.",
      },
    ])('refuses $case', ({ overrides, message }) => {
      expect(
        errorOf(() => validate(request({ containerDefinitions: [container(overrides)] }))),
      ).toMatchObject(clientError(message));
    });

    it('refuses a proxy configuration naming an unknown container', () => {
      expect(
        errorOf(() => validate(request({ proxyConfiguration: { containerName: 'envoy' } }))),
      ).toMatchObject(
        clientError(
          "Invalid 'proxyConfiguration' setting. Container 'envoy' is not defined in the task definition.",
        ),
      );
    });

    it('refuses a Docker volume with an unknown scope', () => {
      expect(
        errorOf(() =>
          validate(
            request({ volumes: [{ name: 'd', dockerVolumeConfiguration: { scope: 'global' } }] }),
          ),
        ),
      ).toMatchObject(
        parameterError(
          "Invalid value for parameter volumes[0].dockerVolumeConfiguration.scope: 'global'. Valid values are: task, shared.",
        ),
      );
    });

    it('refuses an EFS volume without a file system', () => {
      expect(
        errorOf(() => validate(request({ volumes: [{ name: 'd', efsVolumeConfiguration: {} }] }))),
      ).toMatchObject(
        parameterError(
          'Missing required parameter volumes[0].efsVolumeConfiguration.fileSystemId.',
        ),
      );
    });
  });

  describe('placement constraints', () => {
    const constraint = { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' };

    it('accepts 10 constraints and refuses 11', () => {
      expect(
        validate(request({ placementConstraints: Array(10).fill(constraint) })).definition
          .placementConstraints,
      ).toHaveLength(10);
      expect(
        errorOf(() => validate(request({ placementConstraints: Array(11).fill(constraint) }))),
      ).toMatchObject(
        clientError(
          'Too many placement constraints. A task definition can have at most 10, got 11.',
        ),
      );
    });

    it('refuses a constraint type other than memberOf', () => {
      expect(
        errorOf(() => validate(request({ placementConstraints: [{ type: 'distinctInstance' }] }))),
      ).toMatchObject(
        parameterError(
          "Invalid value for parameter placementConstraints[0].type: 'distinctInstance'. Valid values are: memberOf.",
        ),
      );
    });

    it('refuses a constraint without a type', () => {
      expect(
        errorOf(() => validate(request({ placementConstraints: [{ expression: 'x' }] }))),
      ).toMatchObject(parameterError('Missing required parameter placementConstraints[0].type.'));
    });

    it('refuses a memberOf constraint without an expression', () => {
      expect(
        errorOf(() => validate(request({ placementConstraints: [{ type: 'memberOf' }] }))),
      ).toMatchObject(
        clientError("A placement constraint of type 'memberOf' requires an expression."),
      );
    });

    it('accepts an expression of 2000 characters and refuses 2001', () => {
      const withExpression = (length: number) =>
        request({ placementConstraints: [{ type: 'memberOf', expression: 'x'.repeat(length) }] });
      expect(validate(withExpression(2000)).definition.placementConstraints).toHaveLength(1);
      expect(errorOf(() => validate(withExpression(2001)))).toMatchObject(
        clientError(
          'Placement constraint expressions can be at most 2000 characters long, got 2001.',
        ),
      );
    });
  });

  describe('other task-level members', () => {
    it.each([
      { size: 20, valid: false },
      { size: 21, valid: true },
      { size: 200, valid: true },
      { size: 201, valid: false },
    ])('decides an ephemeral storage of $size GiB', ({ size, valid }) => {
      const body = request({ ephemeralStorage: { sizeInGiB: size } });
      if (valid) {
        expect(validate(body).definition.ephemeralStorage).toStrictEqual({ sizeInGiB: size });
      } else {
        expect(errorOf(() => validate(body))).toMatchObject(
          clientError(
            `Invalid 'ephemeralStorage' setting. 'sizeInGiB' must be between 21 and 200, got ${size}.`,
          ),
        );
      }
    });

    it.each([
      { member: 'pidMode', value: 'container' },
      { member: 'ipcMode', value: 'shareable' },
    ])('refuses an unknown $member', ({ member, value }) => {
      expect(errorOf(() => validate(request({ [member]: value })))).toMatchObject(
        parameterError(new RegExp(`^Invalid value for parameter ${member}: '${value}'`)),
      );
    });

    it('refuses health-check timings out of range', () => {
      expect(
        errorOf(() =>
          validate(
            request({
              containerDefinitions: [
                container({ healthCheck: { command: ['CMD', 'true'], interval: 1 } }),
              ],
            }),
          ),
        ),
      ).toMatchObject(
        parameterError(
          'Invalid value for parameter containerDefinitions[0].healthCheck.interval: 1. It must be between 5 and 300.',
        ),
      );
    });

    it('refuses a secret without valueFrom', () => {
      expect(
        errorOf(() =>
          validate(request({ containerDefinitions: [container({ secrets: [{ name: 'A' }] })] })),
        ),
      ).toMatchObject(
        parameterError('Missing required parameter containerDefinitions[0].secrets[0].valueFrom.'),
      );
    });
  });

  describe('request size', () => {
    /** A request whose JSON is exactly `bytes` long, padded in a docker label. */
    const requestOfSize = (bytes: number): Body => {
      const padded = (padding: string) =>
        request({ containerDefinitions: [container({ dockerLabels: { pad: padding } })] });
      const base = JSON.stringify(padded('')).length;
      return padded('p'.repeat(bytes - base));
    };

    it('accepts a request of exactly 64 KiB', () => {
      expect(validate(requestOfSize(65_536)).definition).toBeDefined();
    });

    it('refuses a request one byte over 64 KiB', () => {
      expect(errorOf(() => validate(requestOfSize(65_537)))).toMatchObject(
        clientError(
          'The task definition is too large: 65537 bytes. The maximum size of a task definition is 64 KiB (65536 bytes).',
        ),
      );
    });

    it('counts bytes, not characters', () => {
      // Prepare: 33,000 two-byte characters are 66,000 bytes
      const body = request({
        containerDefinitions: [container({ dockerLabels: { pad: 'é'.repeat(33_000) } })],
      });

      // Act & Assess
      expect(errorOf(() => validate(body)).message).toMatch(/^The task definition is too large/);
    });
  });

  describe('member types', () => {
    it.each([
      {
        case: 'a container list that is not a list',
        body: request({ containerDefinitions: { name: 'app' } }),
        message: 'Invalid type for parameter containerDefinitions: expected a list, got structure.',
      },
      {
        case: 'a container that is not a structure',
        body: request({ containerDefinitions: ['app'] }),
        message:
          'Invalid type for parameter containerDefinitions[0]: expected a structure, got string.',
      },
      {
        case: 'a null container',
        body: request({ containerDefinitions: [null] }),
        message: 'Invalid type for parameter containerDefinitions[0]: expected a value, got null.',
      },
      {
        case: 'a fractional container memory',
        body: request({ containerDefinitions: [container({ memory: 512.5 })] }),
        message:
          'Invalid type for parameter containerDefinitions[0].memory: expected an integer, got number.',
      },
      {
        case: 'a container port given as a string',
        body: request({
          containerDefinitions: [container({ portMappings: [{ containerPort: '80' }] })],
        }),
        message:
          'Invalid type for parameter containerDefinitions[0].portMappings[0].containerPort: expected an integer, got string.',
      },
      {
        case: 'an environment value that is a number',
        body: request({
          containerDefinitions: [container({ environment: [{ name: 'A', value: 1 }] })],
        }),
        message:
          'Invalid type for parameter containerDefinitions[0].environment[0].value: expected a string, got number.',
      },
      {
        case: 'a command that is a string',
        body: request({ containerDefinitions: [container({ command: 'npm start' })] }),
        message:
          'Invalid type for parameter containerDefinitions[0].command: expected a list, got string.',
      },
      {
        case: 'a docker label that is a number',
        body: request({ containerDefinitions: [container({ dockerLabels: { a: 1 } })] }),
        message:
          'Invalid type for parameter containerDefinitions[0].dockerLabels.a: expected a string, got number.',
      },
      {
        case: 'an essential flag given as a string',
        body: request({ containerDefinitions: [container({ essential: 'true' })] }),
        message:
          'Invalid type for parameter containerDefinitions[0].essential: expected a boolean, got string.',
      },
      {
        case: 'a runtime platform that is a string',
        body: request({ runtimePlatform: 'LINUX' }),
        message: 'Invalid type for parameter runtimePlatform: expected a structure, got string.',
      },
    ])('refuses $case, naming the member', ({ body, message }) => {
      expect(errorOf(() => validate(body))).toMatchObject(parameterError(message));
    });
  });

  describe('robustness (property)', () => {
    const isOnlyEcsError = (body: Body): boolean => {
      try {
        validate(body);
      } catch (error) {
        if (!(error instanceof EcsError)) throw error;
      }
      return true;
    };

    const TOP_LEVEL_MEMBERS = [
      'family',
      'taskRoleArn',
      'executionRoleArn',
      'networkMode',
      'containerDefinitions',
      'volumes',
      'placementConstraints',
      'requiresCompatibilities',
      'cpu',
      'memory',
      'tags',
      'pidMode',
      'ipcMode',
      'proxyConfiguration',
      'inferenceAccelerators',
      'ephemeralStorage',
      'runtimePlatform',
      'enableFaultInjection',
    ];

    const CONTAINER_MEMBERS = [
      'name',
      'image',
      'repositoryCredentials',
      'cpu',
      'memory',
      'memoryReservation',
      'links',
      'portMappings',
      'essential',
      'restartPolicy',
      'entryPoint',
      'command',
      'environment',
      'environmentFiles',
      'mountPoints',
      'volumesFrom',
      'linuxParameters',
      'secrets',
      'dependsOn',
      'startTimeout',
      'stopTimeout',
      'versionConsistency',
      'hostname',
      'user',
      'workingDirectory',
      'disableNetworking',
      'privileged',
      'readonlyRootFilesystem',
      'dnsServers',
      'dnsSearchDomains',
      'extraHosts',
      'dockerSecurityOptions',
      'interactive',
      'pseudoTerminal',
      'dockerLabels',
      'ulimits',
      'logConfiguration',
      'healthCheck',
      'systemControls',
      'resourceRequirements',
      'firelensConfiguration',
      'credentialSpecs',
    ];

    it('throws only EcsErrors for any JSON value in any top-level member', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(request(), fargateRequest()),
          fc.constantFrom(...TOP_LEVEL_MEMBERS),
          fc.jsonValue(),
          (base, member, value) => isOnlyEcsError({ ...base, [member]: value }),
        ),
        { numRuns: 1000 },
      );
    });

    it('throws only EcsErrors for any JSON value in any container member', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('bridge', 'awsvpc', 'host', 'none'),
          fc.constantFrom(...CONTAINER_MEMBERS),
          fc.jsonValue(),
          (networkMode, member, value) =>
            isOnlyEcsError(
              request({ networkMode, containerDefinitions: [container({ [member]: value })] }),
            ),
        ),
        { numRuns: 2000 },
      );
    });

    it('throws only EcsErrors for any JSON value inside a port mapping, volume or nested structure', () => {
      const nested = fc.oneof(
        fc
          .record(
            {
              containerPort: fc.jsonValue(),
              hostPort: fc.jsonValue(),
              protocol: fc.jsonValue(),
              containerPortRange: fc.jsonValue(),
              name: fc.jsonValue(),
              appProtocol: fc.jsonValue(),
            },
            { requiredKeys: [] },
          )
          .map((mapping) =>
            request({ containerDefinitions: [container({ portMappings: [mapping] })] }),
          ),
        fc
          .record(
            {
              name: fc.jsonValue(),
              host: fc.jsonValue(),
              dockerVolumeConfiguration: fc.jsonValue(),
              efsVolumeConfiguration: fc.jsonValue(),
              fsxWindowsFileServerVolumeConfiguration: fc.jsonValue(),
              configuredAtLaunch: fc.jsonValue(),
            },
            { requiredKeys: [] },
          )
          .map((volume) => request({ volumes: [volume] })),
        fc
          .record(
            {
              logDriver: fc.jsonValue(),
              options: fc.jsonValue(),
              secretOptions: fc.jsonValue(),
            },
            { requiredKeys: [] },
          )
          .map((logConfiguration) =>
            request({ containerDefinitions: [container({ logConfiguration })] }),
          ),
        fc
          .record({ key: fc.jsonValue(), value: fc.jsonValue() }, { requiredKeys: [] })
          .map((tag) => request({ tags: [tag] })),
      );
      fc.assert(fc.property(nested, isOnlyEcsError), { numRuns: 1000 });
    });

    it('throws only EcsErrors for containers and bodies made entirely of arbitrary JSON', () => {
      const arbitraryContainer = fc.record(
        Object.fromEntries(CONTAINER_MEMBERS.map((member) => [member, fc.jsonValue()])),
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(
          fc.array(arbitraryContainer, { maxLength: 3 }),
          fc.dictionary(fc.constantFrom(...TOP_LEVEL_MEMBERS), fc.jsonValue()),
          (containerDefinitions, rest) =>
            isOnlyEcsError({ family: 'web', ...rest, containerDefinitions }),
        ),
        { numRuns: 500 },
      );
    });

    it('returns a definition that survives a JSON round trip unchanged', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...FARGATE_PAIRS),
          fc.constantFrom(undefined, ['FARGATE'], ['EC2', 'FARGATE']),
          ([cpu, memory], requiresCompatibilities) => {
            const { definition } = validate(
              fargateRequest({ cpu: String(cpu), memory: String(memory), requiresCompatibilities }),
            );
            expect(JSON.parse(JSON.stringify(definition))).toStrictEqual(definition);
          },
        ),
        { numRuns: 50 },
      );
    });
  });
});

describe('Function: parseTaskCpu', () => {
  it.each([
    ['1024', 1024],
    ['128', 128],
    ['01024', 1024],
    ['1 vCPU', 1024],
    ['1 vcpu', 1024],
    ['1 VCPU', 1024],
    ['2vCPU', 2048],
    ['0.25 vCPU', 256],
    ['.5 vCPU', 512],
    ['1.5 vCPU', 1536],
    ['  4 vCPU  ', 4096],
  ])('parses %p as %i CPU units', (text, units) => {
    expect(parseTaskCpu(text)).toBe(units);
  });

  it.each([
    '',
    'lots',
    '1,024',
    '-1024',
    '1024.5',
    '1e3',
    '0.3 vCPU',
    '1 cpu',
    '1 vCPUs',
    '9'.repeat(20),
  ])('refuses %p', (text) => {
    expect(errorOf(() => parseTaskCpu(text))).toMatchObject({
      errorType: 'ClientException',
      message: `Invalid 'cpu' setting for task. Expected CPU units (e.g. '1024') or vCPUs (e.g. '1 vCPU'), got '${text}'.`,
    });
  });
});

describe('Function: parseTaskMemory', () => {
  it.each([
    ['2048', 2048],
    ['512', 512],
    ['1 GB', 1024],
    ['1GB', 1024],
    ['2 gb', 2048],
    ['0.5 GB', 512],
    ['.5GB', 512],
    ['4 GiB', 4096],
    ['512 MiB', 512],
    ['512MB', 512],
    [' 8 GB ', 8192],
  ])('parses %p as %i MiB', (text, mib) => {
    expect(parseTaskMemory(text)).toBe(mib);
  });

  it.each(['', 'much', '1 TB', '1.5', '0.1 GB', '-512', '2 G', '1e3'])('refuses %p', (text) => {
    expect(errorOf(() => parseTaskMemory(text))).toMatchObject({
      errorType: 'ClientException',
      message: `Invalid 'memory' setting for task. Expected MiB (e.g. '2048') or GB (e.g. '2 GB'), got '${text}'.`,
    });
  });

  it('parses every whole number of GB to 1024 MiB each (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        (gb) => parseTaskMemory(`${gb} GB`) === gb * 1024,
      ),
    );
  });
});

describe('Function: isValidFargateSize', () => {
  it('has the table of the ECS documentation', () => {
    expect(Object.keys(FARGATE_CONFIGURATIONS).map(Number)).toStrictEqual([
      256, 512, 1024, 2048, 4096, 8192, 16384,
    ]);
    expect(FARGATE_CONFIGURATIONS[256]).toStrictEqual([512, 1024, 2048]);
    expect(FARGATE_CONFIGURATIONS[512]).toStrictEqual([1024, 2048, 3072, 4096]);
    expect(FARGATE_CONFIGURATIONS[1024]).toHaveLength(7);
    expect(FARGATE_CONFIGURATIONS[2048]).toHaveLength(13);
    expect(FARGATE_CONFIGURATIONS[4096]).toHaveLength(23);
    expect(FARGATE_CONFIGURATIONS[8192]).toStrictEqual([
      16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440,
    ]);
    expect(FARGATE_CONFIGURATIONS[16384]).toStrictEqual([
      32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880,
    ]);
  });

  it('cannot be modified', () => {
    expect(Object.isFrozen(FARGATE_CONFIGURATIONS)).toBe(true);
  });

  it.each(FARGATE_PAIRS)('accepts %i CPU with %i MiB on Linux', (cpu, memory) => {
    expect(isValidFargateSize(cpu, memory)).toBe(true);
    expect(isValidFargateSize(cpu, memory, 'LINUX')).toBe(true);
  });

  it.each([
    { case: 'a memory between steps', cpu: 1024, memory: 2560 },
    { case: 'a memory below the range', cpu: 2048, memory: 3072 },
    { case: 'a memory above the range', cpu: 4096, memory: 31744 },
    { case: 'a memory off the 4 GB step', cpu: 8192, memory: 17408 },
    { case: 'a memory off the 8 GB step', cpu: 16384, memory: 36864 },
    { case: 'a cpu outside the table', cpu: 1536, memory: 4096 },
    { case: 'a cpu that is not a number', cpu: Number.NaN, memory: 512 },
  ])('refuses $case', ({ cpu, memory }) => {
    expect(isValidFargateSize(cpu, memory)).toBe(false);
  });

  it.each([
    { cpu: 256, memory: 512, valid: false },
    { cpu: 512, memory: 1024, valid: false },
    { cpu: 1024, memory: 2048, valid: true },
    { cpu: 2048, memory: 16384, valid: true },
    { cpu: 4096, memory: 30720, valid: true },
    { cpu: 8192, memory: 16384, valid: false },
    { cpu: 16384, memory: 32768, valid: false },
  ])('decides $cpu CPU with $memory MiB on Windows: $valid', ({ cpu, memory, valid }) => {
    expect(isValidFargateSize(cpu, memory, 'WINDOWS_SERVER_2019_FULL')).toBe(valid);
  });
});

describe('Function: validateTags', () => {
  it('returns an empty list when tags are absent', () => {
    expect(validateTags(undefined, 'tags')).toStrictEqual([]);
    expect(validateTags(null, 'tags')).toStrictEqual([]);
  });

  it('stores a missing value as an empty string', () => {
    expect(validateTags([{ key: 'flag' }], 'tags')).toStrictEqual([{ key: 'flag', value: '' }]);
  });

  it(`accepts ${MAX_TAGS} tags and refuses ${MAX_TAGS + 1}`, () => {
    const tags = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(validateTags(tags(50), 'tags')).toHaveLength(50);
    expect(errorOf(() => validateTags(tags(51), 'tags'))).toMatchObject(
      parameterError(
        'Invalid value for parameter tags: a resource can have at most 50 tags, got 51.',
      ),
    );
  });

  it.each([
    { case: 'a missing key', tag: { value: 'v' } },
    { case: 'an empty key', tag: { key: '', value: 'v' } },
    { case: 'a key of 129 characters', tag: { key: 'k'.repeat(129), value: 'v' } },
  ])('refuses $case', ({ tag }) => {
    expect(errorOf(() => validateTags([tag], 'tags'))).toMatchObject(
      parameterError(
        'Invalid value for parameter tags[0].key: a tag key must be 1 to 128 characters long.',
      ),
    );
  });

  it('accepts a key of 128 and a value of 256 characters, in any script', () => {
    const tag = { key: 'ключ'.repeat(32), value: 'ü'.repeat(256) };
    expect(validateTags([tag], 'tags')).toStrictEqual([tag]);
  });

  it('refuses a value of 257 characters', () => {
    expect(
      errorOf(() => validateTags([{ key: 'k', value: 'v'.repeat(257) }], 'tags')),
    ).toMatchObject(
      parameterError(
        'Invalid value for parameter tags[0].value: a tag value can be at most 256 characters long.',
      ),
    );
  });

  it('refuses duplicate keys', () => {
    expect(
      errorOf(() =>
        validateTags(
          [
            { key: 'env', value: 'a' },
            { key: 'env', value: 'b' },
          ],
          'tags',
        ),
      ),
    ).toMatchObject(parameterError("Invalid value for parameter tags: duplicate tag key 'env'."));
  });

  it.each(['aws:createdBy', 'AWS:owner', 'Aws:x'])('refuses the reserved key %p', (key) => {
    expect(errorOf(() => validateTags([{ key, value: 'v' }], 'tags'))).toMatchObject(
      parameterError(
        `Invalid value for parameter tags[0].key: '${key}'. Tag keys beginning with 'aws:' are reserved for AWS use.`,
      ),
    );
  });

  it('accepts aws in a key that does not start with the prefix', () => {
    expect(validateTags([{ key: 'team:aws', value: 'x' }], 'tags')).toHaveLength(1);
  });

  it('refuses characters outside the tag alphabet', () => {
    expect(errorOf(() => validateTags([{ key: 'a*b', value: 'v' }], 'tags'))).toMatchObject(
      parameterError(
        /^Invalid value for parameter tags\[0\]: tag keys and values may contain only/,
      ),
    );
  });

  it('names the given path in type errors', () => {
    expect(errorOf(() => validateTags([{ key: 1 }], 'resourceTags'))).toMatchObject(
      parameterError(
        'Invalid type for parameter resourceTags[0].key: expected a string, got number.',
      ),
    );
    expect(errorOf(() => validateTags('a=b', 'tags'))).toMatchObject(
      parameterError('Invalid type for parameter tags: expected a list, got string.'),
    );
  });

  it('throws only EcsErrors for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          validateTags(value, 'tags');
        } catch (error) {
          if (!(error instanceof EcsError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('Function: containerReservation', () => {
  it.each([
    {
      case: 'a memory limit only',
      container: { cpu: 256, memory: 512 },
      expected: { cpu: 256, memory: 512 },
    },
    {
      case: 'a reservation and a limit',
      container: { cpu: 256, memory: 1024, memoryReservation: 512 },
      expected: { cpu: 256, memory: 512 },
    },
    {
      case: 'a reservation only',
      container: { memoryReservation: 128 },
      expected: { cpu: 0, memory: 128 },
    },
    { case: 'nothing', container: {}, expected: { cpu: 0, memory: 0 } },
  ])('charges $case', ({ container: definition, expected }) => {
    expect(containerReservation(definition)).toStrictEqual(expected);
  });
});

describe('Function: taskReservation', () => {
  const containers = [
    { name: 'a', cpu: 256, memory: 512 },
    { name: 'b', cpu: 128, memory: 1024, memoryReservation: 256 },
  ];

  it.each([
    {
      case: 'task-level cpu and memory',
      task: { cpu: '1024', memory: '4096' },
      expected: { cpu: 1024, memory: 4096 },
    },
    { case: 'container sums', task: {}, expected: { cpu: 384, memory: 768 } },
    {
      case: 'task cpu with container memory',
      task: { cpu: '2048' },
      expected: { cpu: 2048, memory: 768 },
    },
    {
      case: 'task memory with container cpu',
      task: { memory: '2048' },
      expected: { cpu: 384, memory: 2048 },
    },
  ])('uses $case', ({ task, expected }) => {
    expect(taskReservation({ ...task, containerDefinitions: containers })).toStrictEqual(expected);
  });

  it('reserves nothing for a definition without containers or size', () => {
    expect(taskReservation({})).toStrictEqual({ cpu: 0, memory: 0 });
  });

  it('reserves what a validated definition declares', () => {
    // Prepare
    const { definition } = validate(fargateRequest({ cpu: '1 vCPU', memory: '2 GB' }));

    // Act & Assess
    expect(taskReservation(definition)).toStrictEqual({ cpu: 1024, memory: 2048 });
  });
});
