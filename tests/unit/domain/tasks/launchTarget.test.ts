import type { CapacityProviderStrategyItem, TaskDefinition } from '@aws-sdk/client-ecs';
import fc from 'fast-check';
import { DEFAULT_SUBNETS, type Subnet } from '../../../../functions/domain/network/subnets';
import {
  assignSubnets,
  LATEST_PLATFORM_VERSION,
  type LaunchTarget,
  readAwsvpcConfiguration,
  resolveLaunchTarget,
} from '../../../../functions/domain/tasks/launchTarget';
import { errorOf } from '../../../helpers/errorOf';

type Body = Record<string, unknown>;
type Cluster = Parameters<typeof resolveLaunchTarget>[2];

/** A definition registered for EC2 only (bridge). */
const EC2_ONLY: TaskDefinition = { family: 'web', compatibilities: ['EC2', 'EXTERNAL'] };
/** A definition that also fits Fargate (awsvpc, a Fargate size). */
const FARGATE_TD: TaskDefinition = {
  family: 'web',
  networkMode: 'awsvpc',
  compatibilities: ['EC2', 'EXTERNAL', 'FARGATE'],
};

const cluster = (overrides: Partial<Cluster> = {}): Cluster => ({
  capacityProviders: [],
  defaultCapacityProviderStrategy: [],
  ...overrides,
});

/** A cluster with Fargate's two providers associated, and no default strategy. */
const FARGATE_CLUSTER = cluster({ capacityProviders: ['FARGATE', 'FARGATE_SPOT'] });

const parameterError = (message: string | RegExp) => ({
  errorType: 'InvalidParameterException',
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

const NOT_ASSOCIATED =
  'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.';

describe('Function: resolveLaunchTarget', () => {
  it.each<{
    case: string;
    body: Body;
    definition: TaskDefinition;
    on: Cluster;
    expected: LaunchTarget;
  }>([
    {
      case: 'EC2 when nothing is asked for',
      body: {},
      definition: EC2_ONLY,
      on: cluster(),
      expected: { launchType: 'EC2' },
    },
    {
      case: 'EC2 when asked for, without a platform version',
      body: { launchType: 'EC2' },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      expected: { launchType: 'EC2' },
    },
    {
      case: 'EC2 on the pool of a provider of its own, from a strategy',
      body: { capacityProviderStrategy: [{ capacityProvider: 'my-pool', weight: 1 }] },
      definition: EC2_ONLY,
      on: cluster({ capacityProviders: ['my-pool'] }),
      expected: { launchType: 'EC2', capacityProviderName: 'my-pool' },
    },
    {
      case: "EC2 on the pool of the cluster's default strategy",
      body: {},
      definition: EC2_ONLY,
      on: cluster({
        capacityProviders: ['my-pool'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'my-pool', weight: 1, base: 0 }],
      }),
      expected: { launchType: 'EC2', capacityProviderName: 'my-pool' },
    },
    {
      case: 'EXTERNAL when asked for',
      body: { launchType: 'EXTERNAL' },
      definition: EC2_ONLY,
      on: cluster(),
      expected: { launchType: 'EXTERNAL' },
    },
    {
      case: 'FARGATE on the latest platform when none is given',
      body: { launchType: 'FARGATE' },
      definition: FARGATE_TD,
      on: cluster(),
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: undefined,
        platformVersion: '1.4.0',
      },
    },
    {
      case: 'FARGATE on 1.4.0 for LATEST',
      body: { launchType: 'FARGATE', platformVersion: 'LATEST' },
      definition: FARGATE_TD,
      on: cluster(),
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: undefined,
        platformVersion: '1.4.0',
      },
    },
    {
      case: 'FARGATE on 1.4.0 when named',
      body: { launchType: 'FARGATE', platformVersion: '1.4.0' },
      definition: FARGATE_TD,
      on: cluster(),
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: undefined,
        platformVersion: '1.4.0',
      },
    },
    {
      case: 'FARGATE on 1.3.0 when named',
      body: { launchType: 'FARGATE', platformVersion: '1.3.0' },
      definition: FARGATE_TD,
      on: cluster(),
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: undefined,
        platformVersion: '1.3.0',
      },
    },
    {
      case: 'EC2 for a null launch type (null is absent)',
      body: { launchType: null, platformVersion: null },
      definition: EC2_ONLY,
      on: cluster(),
      expected: { launchType: 'EC2' },
    },
    {
      case: 'FARGATE_SPOT from a strategy naming it on a cluster that has it',
      body: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: 'FARGATE_SPOT',
        platformVersion: '1.4.0',
      },
    },
    {
      case: 'the first provider with weight from a mixed strategy',
      body: {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE', weight: 0 },
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        ],
      },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: 'FARGATE_SPOT',
        platformVersion: '1.4.0',
      },
    },
    {
      case: 'the provider with a base from a mixed strategy',
      body: {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE_SPOT' },
          { capacityProvider: 'FARGATE', base: 1 },
        ],
        platformVersion: '1.3.0',
      },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: 'FARGATE',
        platformVersion: '1.3.0',
      },
    },
    {
      case: "the cluster's default strategy when neither is given",
      body: {},
      definition: FARGATE_TD,
      on: cluster({
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      }),
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: 'FARGATE_SPOT',
        platformVersion: '1.4.0',
      },
    },
    {
      case: "EC2 when asked for, over the cluster's default strategy",
      body: { launchType: 'EC2' },
      definition: FARGATE_TD,
      on: cluster({
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      }),
      expected: { launchType: 'EC2' },
    },
    {
      case: "the request's strategy over the cluster's default",
      body: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] },
      definition: FARGATE_TD,
      on: cluster({
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      }),
      expected: {
        launchType: 'FARGATE',
        capacityProviderName: 'FARGATE',
        platformVersion: '1.4.0',
      },
    },
  ])('resolves $case', ({ body, definition, on, expected }) => {
    expect(resolveLaunchTarget(body, definition, on)).toStrictEqual(expected);
  });

  it('resolves LATEST to the exported latest version', () => {
    expect(LATEST_PLATFORM_VERSION).toBe('1.4.0');
  });

  it.each([
    { case: 'an unknown version', platformVersion: '1.5.0' },
    { case: 'a retired version', platformVersion: '1.2.0' },
    { case: 'an empty version', platformVersion: '' },
    { case: 'a lower-case latest', platformVersion: 'latest' },
  ])('refuses $case with PlatformUnknownException', ({ platformVersion }) => {
    expect(
      errorOf(() =>
        resolveLaunchTarget({ launchType: 'FARGATE', platformVersion }, FARGATE_TD, cluster()),
      ),
    ).toMatchObject({
      errorType: 'PlatformUnknownException',
      message: `The specified platform version (${platformVersion}) does not exist.`,
    });
  });

  it.each<{ case: string; body: Body; definition: TaskDefinition; on: Cluster; message: string }>([
    {
      case: 'a platform version with EC2',
      body: { launchType: 'EC2', platformVersion: '1.4.0' },
      definition: FARGATE_TD,
      on: cluster(),
      message: 'The platform version must be null when specifying an EC2 launch type.',
    },
    {
      case: 'a platform version with the default EC2 launch',
      body: { platformVersion: 'LATEST' },
      definition: FARGATE_TD,
      on: cluster(),
      message: 'The platform version must be null when specifying an EC2 launch type.',
    },
    {
      case: 'a platform version with EXTERNAL',
      body: { launchType: 'EXTERNAL', platformVersion: '1.4.0' },
      definition: EC2_ONLY,
      on: cluster(),
      message: 'The platform version must be null when specifying an EXTERNAL launch type.',
    },
    {
      case: 'FARGATE with an EC2-only definition',
      body: { launchType: 'FARGATE' },
      definition: EC2_ONLY,
      on: cluster(),
      message: 'Task definition does not support launch_type FARGATE.',
    },
    {
      case: 'FARGATE with a definition without compatibilities',
      body: { launchType: 'FARGATE' },
      definition: { family: 'web' },
      on: cluster(),
      message: 'Task definition does not support launch_type FARGATE.',
    },
    {
      case: 'a Fargate strategy with an EC2-only definition',
      body: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
      definition: EC2_ONLY,
      on: FARGATE_CLUSTER,
      message: 'Task definition does not support launch_type FARGATE.',
    },
    {
      case: "the cluster's Fargate default with an EC2-only definition",
      body: {},
      definition: EC2_ONLY,
      on: cluster({
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      }),
      message: 'Task definition does not support launch_type FARGATE.',
    },
    {
      case: 'MANAGED_INSTANCES',
      body: { launchType: 'MANAGED_INSTANCES' },
      definition: EC2_ONLY,
      on: cluster(),
      message: 'Launch type MANAGED_INSTANCES is not supported yet; use EC2, EXTERNAL or FARGATE.',
    },
    {
      case: 'a launch type together with a strategy',
      body: { launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      message:
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    },
    {
      case: 'EC2 together with a strategy',
      body: { launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      message:
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    },
    {
      case: 'a strategy naming a provider the cluster does not associate',
      body: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] },
      definition: FARGATE_TD,
      on: cluster({ capacityProviders: ['FARGATE'] }),
      message: NOT_ASSOCIATED,
    },
    {
      case: 'a strategy on a cluster without providers',
      body: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
      definition: FARGATE_TD,
      on: cluster(),
      message: NOT_ASSOCIATED,
    },
    {
      case: 'a strategy that mixes Fargate with a provider of its own',
      body: {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE', weight: 1 },
          { capacityProvider: 'my-pool', weight: 1 },
        ],
      },
      definition: FARGATE_TD,
      on: cluster({ capacityProviders: ['FARGATE', 'my-pool'] }),
      message:
        'The capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.',
    },
    {
      case: 'an empty strategy',
      body: { capacityProviderStrategy: [] },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      message: 'The capacity provider strategy cannot be empty.',
    },
    {
      case: 'a strategy item without a provider',
      body: { capacityProviderStrategy: [{ weight: 1 }] },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      message: 'capacityProviderStrategy[0].capacityProvider can not be blank.',
    },
    {
      case: 'a strategy item with a blank provider',
      body: {
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }, { capacityProvider: '' }],
      },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      message: 'capacityProviderStrategy[1].capacityProvider can not be blank.',
    },
    {
      case: 'an invalid launch type',
      body: { launchType: 'fargate' },
      definition: FARGATE_TD,
      on: cluster(),
      message:
        "Invalid value for parameter launchType: 'fargate'. Valid values are: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES.",
    },
    {
      case: 'a launch type of the wrong type',
      body: { launchType: 1 },
      definition: FARGATE_TD,
      on: cluster(),
      message: 'Invalid type for parameter launchType: expected a string, got number.',
    },
    {
      case: 'a strategy that is not a list',
      body: { capacityProviderStrategy: { capacityProvider: 'FARGATE' } },
      definition: FARGATE_TD,
      on: FARGATE_CLUSTER,
      message:
        'Invalid type for parameter capacityProviderStrategy: expected a list, got structure.',
    },
    {
      case: 'a platform version of the wrong type',
      body: { launchType: 'FARGATE', platformVersion: 1.4 },
      definition: FARGATE_TD,
      on: cluster(),
      message: 'Invalid type for parameter platformVersion: expected a string, got number.',
    },
  ])('refuses $case', ({ body, definition, on, message }) => {
    expect(errorOf(() => resolveLaunchTarget(body, definition, on))).toMatchObject(
      parameterError(message),
    );
  });

  it.each([
    {
      case: 'a negative weight',
      item: { weight: -1 },
      message: 'capacityProviderStrategy[0].weight must be an integer from 0 to 1000.',
    },
    {
      case: 'a weight above 1000',
      item: { weight: 1001 },
      message: 'capacityProviderStrategy[0].weight must be an integer from 0 to 1000.',
    },
    {
      case: 'a negative base',
      item: { base: -1 },
      message: 'capacityProviderStrategy[0].base must be an integer from 0 to 100000.',
    },
    {
      case: 'a base above 100000',
      item: { base: 100001 },
      message: 'capacityProviderStrategy[0].base must be an integer from 0 to 100000.',
    },
    {
      case: 'a fractional weight',
      item: { weight: 1.5 },
      message:
        'Invalid type for parameter capacityProviderStrategy[0].weight: expected an integer, got number.',
    },
    {
      case: 'a weight given as a string',
      item: { weight: '1' },
      message:
        'Invalid type for parameter capacityProviderStrategy[0].weight: expected an integer, got string.',
    },
  ])('refuses a strategy item with $case', ({ item, message }) => {
    // Prepare
    const body = { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', ...item }] };

    // Act & Assess
    expect(errorOf(() => resolveLaunchTarget(body, FARGATE_TD, FARGATE_CLUSTER))).toMatchObject(
      parameterError(message),
    );
  });

  it.each([
    { case: 'the lowest weight and base', item: { weight: 0, base: 0 } },
    { case: 'the highest weight and base', item: { weight: 1000, base: 100000 } },
  ])('accepts $case', ({ item }) => {
    // Prepare
    const body = { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', ...item }] };

    // Act & Assess
    expect(resolveLaunchTarget(body, FARGATE_TD, FARGATE_CLUSTER)).toMatchObject({
      launchType: 'FARGATE',
      capacityProviderName: 'FARGATE',
    });
  });

  it('checks the launch type together with a strategy before MANAGED_INSTANCES', () => {
    expect(
      errorOf(() =>
        resolveLaunchTarget(
          {
            launchType: 'MANAGED_INSTANCES',
            capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
          },
          FARGATE_TD,
          FARGATE_CLUSTER,
        ),
      ).message,
    ).toBe(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  });

  it('runs on FARGATE for any strategy of associated Fargate providers (property)', () => {
    const item = fc.record({
      capacityProvider: fc.constantFrom('FARGATE', 'FARGATE_SPOT'),
      weight: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
      base: fc.option(fc.integer({ min: 0, max: 100000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 4 }), (strategy) => {
        const target = resolveLaunchTarget(
          { capacityProviderStrategy: strategy },
          FARGATE_TD,
          FARGATE_CLUSTER,
        );
        const chosen =
          strategy.find((entry) => (entry.weight ?? 0) > 0 || (entry.base ?? 0) > 0) ?? strategy[0];
        expect(target).toStrictEqual({
          launchType: 'FARGATE',
          capacityProviderName: chosen?.capacityProvider,
          platformVersion: '1.4.0',
        });
      }),
    );
  });

  it("does not hold the cluster's default strategy to the associated providers", () => {
    // Prepare: the default was checked when it was set on the cluster.
    const strategy: CapacityProviderStrategyItem[] = [{ capacityProvider: 'FARGATE', weight: 1 }];

    // Act
    const target = resolveLaunchTarget(
      {},
      FARGATE_TD,
      cluster({ defaultCapacityProviderStrategy: strategy }),
    );

    // Assess
    expect(target.capacityProviderName).toBe('FARGATE');
  });
});

describe('Function: readAwsvpcConfiguration', () => {
  const known: readonly Subnet[] = DEFAULT_SUBNETS;
  const [subnetA, subnetB, subnetC] = DEFAULT_SUBNETS;

  const awsvpc = (configuration: Body): Body => ({ awsvpcConfiguration: configuration });

  it.each([
    { case: 'bridge without a configuration', value: undefined, networkMode: 'bridge' },
    { case: 'host without a configuration', value: undefined, networkMode: 'host' },
    { case: 'an unset mode without a configuration', value: undefined, networkMode: undefined },
    { case: 'a configuration without awsvpcConfiguration', value: {}, networkMode: 'bridge' },
    { case: 'a null configuration', value: null, networkMode: 'bridge' },
    // `null` means absent, as everywhere else in request reading (see validation/shape.ts).
    {
      case: 'a null awsvpcConfiguration',
      value: { awsvpcConfiguration: null },
      networkMode: 'bridge',
    },
  ])('gives nothing for $case', ({ value, networkMode }) => {
    expect(readAwsvpcConfiguration(value, networkMode, known)).toBeUndefined();
  });

  it.each([
    { case: 'bridge', networkMode: 'bridge' },
    { case: 'host', networkMode: 'host' },
    { case: 'none', networkMode: 'none' },
    { case: 'an unset mode', networkMode: undefined },
  ])('refuses an awsvpcConfiguration for $case', ({ networkMode }) => {
    expect(
      errorOf(() =>
        readAwsvpcConfiguration(awsvpc({ subnets: ['subnet-berth-a'] }), networkMode, known),
      ),
    ).toMatchObject(
      parameterError(
        'Network Configuration is not valid for the given networkMode of this task definition.',
      ),
    );
  });

  it('reads a full configuration', () => {
    // Act
    const choice = readAwsvpcConfiguration(
      awsvpc({
        subnets: ['subnet-berth-b', 'subnet-berth-a'],
        securityGroups: ['sg-1', 'sg-2'],
        assignPublicIp: 'ENABLED',
      }),
      'awsvpc',
      known,
    );

    // Assess: the subnets in the order asked, not the order known.
    expect(choice).toStrictEqual({
      subnets: [subnetB, subnetA],
      securityGroups: ['sg-1', 'sg-2'],
      assignPublicIp: 'ENABLED',
    });
  });

  it('defaults to no security group and no public address', () => {
    expect(
      readAwsvpcConfiguration(awsvpc({ subnets: ['subnet-berth-c'] }), 'awsvpc', known),
    ).toStrictEqual({ subnets: [subnetC], securityGroups: [], assignPublicIp: 'DISABLED' });
  });

  it('collapses a subnet id given more than once, keeping the first position', () => {
    expect(
      readAwsvpcConfiguration(
        awsvpc({
          subnets: ['subnet-berth-a', 'subnet-berth-c', 'subnet-berth-a', 'subnet-berth-c'],
        }),
        'awsvpc',
        known,
      )?.subnets,
    ).toStrictEqual([subnetA, subnetC]);
  });

  it('accepts 16 subnets and 5 security groups', () => {
    // Prepare
    const many = Array.from({ length: 16 }, (_, index) => ({
      subnetId: `subnet-${index}`,
      availabilityZone: 'us-east-1a',
      cidrBlock: `10.0.${index}.0/24`,
    }));
    const groups = ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'];

    // Act
    const choice = readAwsvpcConfiguration(
      awsvpc({ subnets: many.map((item) => item.subnetId), securityGroups: groups }),
      'awsvpc',
      many,
    );

    // Assess
    expect(choice?.subnets).toStrictEqual(many);
    expect(choice?.securityGroups).toStrictEqual(groups);
  });

  it.each<{ case: string; value: unknown; message: string }>([
    {
      case: 'no configuration',
      value: undefined,
      message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    },
    {
      case: 'a configuration without awsvpcConfiguration',
      value: {},
      message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    },
    {
      case: 'no subnets',
      value: awsvpc({}),
      message: 'subnets can not be empty.',
    },
    {
      case: 'empty subnets',
      value: awsvpc({ subnets: [] }),
      message: 'subnets can not be empty.',
    },
    {
      case: 'an unknown subnet',
      value: awsvpc({ subnets: ['subnet-berth-a', 'subnet-x'] }),
      message:
        "Error retrieving subnet information for [subnet-x]: The subnet ID 'subnet-x' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
    },
    {
      case: '17 subnets',
      value: awsvpc({ subnets: Array.from({ length: 17 }, (_, index) => `subnet-${index}`) }),
      message: 'subnets can have at most 16 items.',
    },
    {
      case: '6 security groups',
      value: awsvpc({
        subnets: ['subnet-berth-a'],
        securityGroups: ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5', 'sg-6'],
      }),
      message: 'securityGroups can have at most 5 items.',
    },
    {
      case: 'an assignPublicIp outside its enum',
      value: awsvpc({ subnets: ['subnet-berth-a'], assignPublicIp: 'true' }),
      message:
        "Invalid value for parameter networkConfiguration.awsvpcConfiguration.assignPublicIp: 'true'. Valid values are: ENABLED, DISABLED.",
    },
    {
      case: 'a lower-case assignPublicIp',
      value: awsvpc({ subnets: ['subnet-berth-a'], assignPublicIp: 'enabled' }),
      message:
        "Invalid value for parameter networkConfiguration.awsvpcConfiguration.assignPublicIp: 'enabled'. Valid values are: ENABLED, DISABLED.",
    },
    {
      case: 'subnets that are not strings',
      value: awsvpc({ subnets: ['subnet-berth-a', 7] }),
      message:
        'Invalid type for parameter networkConfiguration.awsvpcConfiguration.subnets[1]: expected a string, got number.',
    },
    {
      case: 'a networkConfiguration that is not a structure',
      value: 'awsvpc',
      message: 'Invalid type for parameter networkConfiguration: expected a structure, got string.',
    },
    {
      case: 'an awsvpcConfiguration that is not a structure',
      value: { awsvpcConfiguration: [] },
      message:
        'Invalid type for parameter networkConfiguration.awsvpcConfiguration: expected a structure, got list.',
    },
  ])('refuses an awsvpc task with $case', ({ value, message }) => {
    expect(errorOf(() => readAwsvpcConfiguration(value, 'awsvpc', known))).toMatchObject(
      parameterError(message),
    );
  });
});

describe('Function: assignSubnets', () => {
  const subnets = (count: number): Subnet[] =>
    Array.from({ length: count }, (_, index) => ({
      subnetId: `subnet-${index}`,
      availabilityZone: 'us-east-1a',
      cidrBlock: `10.0.${index}.0/24`,
    }));

  it('goes round the subnets from the offset', () => {
    // Prepare
    const [a, b, c] = DEFAULT_SUBNETS;

    // Act
    const assigned = assignSubnets(DEFAULT_SUBNETS, 5, 1);

    // Assess
    expect(assigned).toStrictEqual([b, c, a, b, c]);
  });

  it.each([
    { case: 'no task', subnetCount: 3, count: 0, offset: 0, expected: [] as number[] },
    {
      case: 'an offset past the end (wraps)',
      subnetCount: 3,
      count: 2,
      offset: 7,
      expected: [1, 2],
    },
    { case: 'a single subnet', subnetCount: 1, count: 3, offset: 2, expected: [0, 0, 0] },
  ])('assigns $case', ({ subnetCount, count, offset, expected }) => {
    // Prepare
    const list = subnets(subnetCount);

    // Act & Assess
    expect(assignSubnets(list, count, offset)).toStrictEqual(expected.map((index) => list[index]));
  });

  it('gives no subnet for no task, even with none to give', () => {
    expect(assignSubnets([], 0, 0)).toStrictEqual([]);
  });

  it('throws when there is no subnet to assign', () => {
    expect(() => assignSubnets([], 1, 0)).toThrow('assignSubnets needs at least one subnet');
  });

  it('spreads tasks so that subnet counts differ by at most one (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 100 }),
        fc.nat(),
        (subnetCount, count, offset) => {
          const list = subnets(subnetCount);
          const assigned = assignSubnets(list, count, offset);
          const counts = list.map((item) => assigned.filter((other) => other === item).length);
          return assigned.length === count && Math.max(...counts) - Math.min(...counts) <= 1;
        },
      ),
    );
  });

  it('starts at the offset and steps one subnet at a time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        (subnetCount, count, offset) => {
          const list = subnets(subnetCount);
          return assignSubnets(list, count, offset).every(
            (item, index) => item === list[(offset + index) % subnetCount],
          );
        },
      ),
    );
  });
});
