import {
  type AgentOptions,
  builtInAttributes,
  defaultWsEndpoint,
  HelpShown,
  type HostFacts,
  mergeAttributes,
  parseAttribute,
  parseCommandLine,
  UsageError,
} from '../../../agent/cli';

const host: HostFacts = {
  cpuCount: 4,
  totalMemoryBytes: 8 * 1024 * 1024 * 1024 + 123,
  hostname: 'box',
  arch: 'x64',
  platform: 'linux',
  cwd: '/srv',
};

const parse = (...argv: string[]): AgentOptions =>
  parseCommandLine(['--endpoint', 'http://127.0.0.1:3000', ...argv], host);

const attributeValue = (options: AgentOptions, name: string) =>
  options.attributes.find((attribute) => attribute.name === name);

describe('Module: agent/cli', () => {
  describe('Function: parseAttribute', () => {
    it.each([
      ['stack=prod', { name: 'stack', value: 'prod' }],
      ['ecs.availability-zone=us-east-1b', { name: 'ecs.availability-zone', value: 'us-east-1b' }],
      ['gpu', { name: 'gpu' }],
      ['path/like\\name=a:b@c d', { name: 'path/like\\name', value: 'a:b@c d' }],
      ['k=v=w', undefined],
    ])('%s → %j', (text, expected) => {
      if (expected === undefined) {
        expect(() => parseAttribute(text)).toThrow(UsageError);
      } else {
        expect(parseAttribute(text)).toEqual(expected);
      }
    });

    it.each([
      ['', /the name must be/],
      ['=value', /the name must be/],
      ['has space=x', /the name must be/],
      ['k=', /the value is empty \(write --attribute k/],
      ['k=x'.padEnd(140, 'x'), /the value must be/],
      ['k=semi;colon', /the value must be/],
    ])('refuses %j', (text, message) => {
      expect(() => parseAttribute(text)).toThrow(message);
    });
  });

  describe('Function: builtInAttributes', () => {
    it.each([
      ['us-east-1', 'x64', 'linux', 'us-east-1a', 'x86_64', 'linux'],
      ['eu-west-3', 'arm64', 'linux', 'eu-west-3a', 'arm64', 'linux'],
      ['us-west-2', 'x64', 'win32', 'us-west-2a', 'x86_64', 'windows'],
      ['us-west-2', 'riscv64', 'linux', 'us-west-2a', 'riscv64', 'linux'],
    ])('region %s, arch %s, platform %s', (region, arch, platform, zone, cpuArch, osType) => {
      expect(builtInAttributes(region, { arch, platform })).toEqual([
        { name: 'ecs.availability-zone', value: zone },
        { name: 'ecs.instance-type', value: 'external' },
        { name: 'ecs.os-type', value: osType },
        { name: 'ecs.cpu-architecture', value: cpuArch },
        { name: 'ecs.capability.external' },
      ]);
    });
  });

  describe('Function: mergeAttributes', () => {
    it('lets a given attribute replace a built-in one, keeping the others', () => {
      const merged = mergeAttributes(
        [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
        ],
        [
          { name: 'b', value: 'x' },
          { name: 'c', value: '3' },
        ],
      );
      expect(merged).toEqual([
        { name: 'a', value: '1' },
        { name: 'b', value: 'x' },
        { name: 'c', value: '3' },
      ]);
    });

    it('refuses a name given twice', () => {
      expect(() => mergeAttributes([], [{ name: 'k', value: '1' }, { name: 'k' }])).toThrow(
        '--attribute k is given more than once',
      );
    });
  });

  describe('Function: defaultWsEndpoint', () => {
    it.each([
      ['http://127.0.0.1:3000', 'ws://127.0.0.1:3001'],
      ['http://localhost', 'ws://localhost:3001'],
      ['https://berth.example.com/prod', 'wss://berth.example.com:3001'],
      ['http://[::1]:3000', 'ws://[::1]:3001'],
    ])('%s → %s', (endpoint, expected) => {
      expect(defaultWsEndpoint(new URL(endpoint))).toBe(expected);
    });
  });

  describe('Function: parseCommandLine', () => {
    it('fills every default from the host', () => {
      expect(parse()).toEqual({
        endpoint: 'http://127.0.0.1:3000',
        wsEndpoint: 'ws://127.0.0.1:3001',
        cluster: 'default',
        cpu: 4096,
        memory: 8192,
        attributes: builtInAttributes('us-east-1', host),
        reservedPorts: ['22'],
        reservedUdpPorts: [],
        runtime: 'process',
        stateDir: '/srv/.berth/agent/default-box',
        region: 'us-east-1',
        heartbeatSeconds: 20,
        metricsSeconds: 20,
        stopTasksOnExit: false,
      });
    });

    it('takes every option', () => {
      const options = parse(
        '--ws-endpoint',
        'ws://10.0.0.1:4001/stage',
        '--cluster',
        'demo',
        '--cpu',
        '2048',
        '--memory',
        '1536',
        '--attribute',
        'stack=prod',
        '--attribute',
        'ecs.availability-zone=eu-west-1b',
        '--attribute',
        'gpu',
        '--reserved-ports',
        '22, 8080',
        '--reserved-udp-ports',
        '53',
        '--runtime',
        'process',
        '--state-dir',
        'agents/one',
        '--region',
        'eu-west-1',
        '--heartbeat-seconds',
        '0.5',
        '--metrics-seconds',
        '0',
        '--stop-tasks-on-exit',
      );
      expect(options).toMatchObject({
        wsEndpoint: 'ws://10.0.0.1:4001/stage',
        cluster: 'demo',
        cpu: 2048,
        memory: 1536,
        reservedPorts: ['22', '8080'],
        reservedUdpPorts: ['53'],
        stateDir: '/srv/agents/one',
        region: 'eu-west-1',
        heartbeatSeconds: 0.5,
        metricsSeconds: 0,
        stopTasksOnExit: true,
      });
      expect(attributeValue(options, 'ecs.availability-zone')?.value).toBe('eu-west-1b');
      expect(attributeValue(options, 'stack')?.value).toBe('prod');
      expect(attributeValue(options, 'gpu')).toEqual({ name: 'gpu' });
      expect(
        options.attributes.filter((attribute) => attribute.name === 'ecs.availability-zone'),
      ).toHaveLength(1);
    });

    it('puts the region in the default zone', () => {
      expect(attributeValue(parse('--region', 'ap-south-1'), 'ecs.availability-zone')?.value).toBe(
        'ap-south-1a',
      );
    });

    describe('--runtime docker', () => {
      it.each([
        [
          'an explicit socket, relative to the working directory',
          ['--docker-socket', 'run/podman.sock'],
          undefined,
          '/srv/run/podman.sock',
        ],
        [
          'an explicit unix:// URL',
          ['--docker-socket', 'unix:///tmp/d.sock'],
          undefined,
          '/tmp/d.sock',
        ],
        ['the socket found on the host', [], '/var/run/docker.sock', '/var/run/docker.sock'],
        [
          'the explicit socket over the one found',
          ['--docker-socket', '/a.sock'],
          '/b.sock',
          '/a.sock',
        ],
      ])('uses %s', (_name, argv, found, expected) => {
        // Prepare
        const facts: HostFacts = { ...host, dockerSocket: () => found };

        // Act
        const options = parseCommandLine(
          ['--endpoint', 'http://127.0.0.1:3000', '--runtime', 'docker', ...argv],
          facts,
        );

        // Assess
        expect(options.runtime).toBe('docker');
        expect(options.dockerSocket).toBe(expected);
      });

      it('leaves dockerSocket out for the process runtime', () => {
        // Act
        const options = parseCommandLine(['--endpoint', 'http://x:1'], {
          ...host,
          dockerSocket: () => '/var/run/docker.sock',
        });

        // Assess
        expect(options.runtime).toBe('process');
        expect(options).not.toHaveProperty('dockerSocket');
      });
    });

    it.each([
      [['--runtime', 'kubernetes'], /--runtime kubernetes is not supported.*--runtime docker/],
      [['--docker-socket', '/var/run/docker.sock'], /--docker-socket goes with --runtime docker/],
      [
        ['--runtime', 'docker'],
        /--runtime docker: no Docker API socket found.*--docker-socket PATH/,
      ],
      [['--cpu', '0'], /--cpu must be a positive whole number/],
      [['--cpu', '1.5'], /--cpu must be a positive whole number/],
      [['--memory', 'lots'], /--memory must be a positive whole number/],
      [['--heartbeat-seconds', '0'], /--heartbeat-seconds must be a positive number/],
      [['--metrics-seconds', '-1'], /--metrics-seconds must be a number of 0 or more/],
      [['--cluster', 'bad name'], /a cluster name is/],
      [['--reserved-ports', '22,70000'], /"70000" is not a port/],
      [['--ws-endpoint', 'http://x:1'], /--ws-endpoint must be a ws: or wss: URL/],
      [['--attribute', 'a=1', '--attribute', 'a=2'], /given more than once/],
      [['--bogus'], /unknown option '--bogus'/],
      [['extra'], /too many arguments/],
    ])('refuses %j', (argv, message) => {
      expect(() => parse(...argv)).toThrow(message);
    });

    it('requires --endpoint and checks it is an http URL', () => {
      expect(() => parseCommandLine([], host)).toThrow(/--endpoint <url>' not specified/);
      expect(() => parseCommandLine(['--endpoint', 'nonsense'], host)).toThrow(
        '--endpoint must be a URL',
      );
      expect(() => parseCommandLine(['--endpoint', 'ftp://x'], host)).toThrow(
        '--endpoint must be a http: or https: URL',
      );
    });

    it('prints help through the writer it is given', () => {
      let printed = '';
      expect(() =>
        parseCommandLine(['--help'], host, (text) => {
          printed += text;
        }),
      ).toThrow(HelpShown);
      expect(printed).toContain('--stop-tasks-on-exit');
      expect(printed).toContain('State directory');
    });
  });
});
