import {
  ConstraintMemo,
  type PlacementContext,
  prepareRequest,
} from '../../../../functions/domain/placement/context';
import {
  agentFilter,
  cpuFilter,
  distinctInstanceFilter,
  memberOfFilter,
  memoryFilter,
  type PlacementFilter,
  portsFilter,
  statusFilter,
} from '../../../../functions/domain/placement/filters';
import type {
  PlacementInstance,
  PlacementRequest,
} from '../../../../functions/domain/placement/model';
import { buildPlacementPipeline } from '../../../../functions/domain/placement/pipeline';
import { type InstanceOptions, instance, request } from './fixtures';

const memo = new ConstraintMemo();
const context: PlacementContext = {
  matches: (expression, target) => memo.matches(expression, target),
  groupTasksWhere: () => 0,
};

const check = (
  filter: PlacementFilter,
  options: InstanceOptions,
  overrides: Partial<PlacementRequest> = {},
) => filter.check(instance('i1', options), prepareRequest(request(overrides)), context);

describe('Placement filters', () => {
  it.each<[string, PlacementFilter, InstanceOptions, Partial<PlacementRequest>, unknown]>([
    ['an ACTIVE instance passes the status filter', statusFilter, {}, {}, { ok: true }],
    [
      'a DRAINING instance takes no task',
      statusFilter,
      { status: 'DRAINING' },
      {},
      { ok: false, reason: 'INACTIVE' },
    ],
    [
      'a REGISTERING instance takes no task',
      statusFilter,
      { status: 'REGISTERING' },
      {},
      { ok: false, reason: 'INACTIVE' },
    ],
    ['a connected agent passes', agentFilter, {}, {}, { ok: true }],
    [
      'a disconnected agent fails with AGENT',
      agentFilter,
      { agentConnected: false },
      {},
      { ok: false, reason: 'AGENT' },
    ],
    ['exactly enough CPU fits', cpuFilter, { cpu: 256 }, { cpu: 256 }, { ok: true }],
    [
      'one CPU unit short fails',
      cpuFilter,
      { cpu: 255 },
      { cpu: 256 },
      { ok: false, reason: 'RESOURCE:CPU' },
    ],
    [
      'a task without CPU fits an instance with none left',
      cpuFilter,
      { cpu: 0 },
      { cpu: 0 },
      { ok: true },
    ],
    ['exactly enough memory fits', memoryFilter, { memory: 512 }, { memory: 512 }, { ok: true }],
    [
      'one MiB short fails',
      memoryFilter,
      { memory: 511 },
      { memory: 512 },
      { ok: false, reason: 'RESOURCE:MEMORY' },
    ],
    ['a free host port fits', portsFilter, { ports: [22, 443] }, { ports: [80] }, { ok: true }],
    [
      'a taken TCP host port fails',
      portsFilter,
      { ports: [22, 80] },
      { ports: [443, 80] },
      { ok: false, reason: 'RESOURCE:PORTS' },
    ],
    [
      'a taken UDP host port fails',
      portsFilter,
      { portsUdp: [53] },
      { portsUdp: [53] },
      { ok: false, reason: 'RESOURCE:PORTS' },
    ],
    [
      'the same number on the other protocol is free',
      portsFilter,
      { ports: [53] },
      { portsUdp: [53] },
      { ok: true },
    ],
    [
      'dynamic host ports (0) never conflict',
      portsFilter,
      { ports: [0] },
      { ports: [0, 0] },
      { ok: true },
    ],
    [
      'distinctInstance passes an instance without the group',
      distinctInstanceFilter,
      { groups: { 'family:other': 2 } },
      { constraints: [{ type: 'distinctInstance' }] },
      { ok: true },
    ],
    [
      'distinctInstance rejects an instance running the group',
      distinctInstanceFilter,
      { groups: { 'family:web': 1 } },
      { constraints: [{ type: 'distinctInstance' }] },
      { ok: false, reason: 'ATTRIBUTE' },
    ],
    [
      'memberOf passes when every expression holds',
      memberOfFilter,
      { type: 't2.small' },
      {
        constraints: [
          { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' },
          { type: 'memberOf', expression: 'attribute:ecs.os-type == linux' },
        ],
      },
      { ok: true },
    ],
    [
      'memberOf fails with ATTRIBUTE when one expression does not hold',
      memberOfFilter,
      { type: 't2.small' },
      {
        constraints: [
          { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' },
          { type: 'memberOf', expression: 'attribute:ecs.os-type == windows' },
        ],
      },
      { ok: false, reason: 'ATTRIBUTE' },
    ],
  ])('%s', (_case, filter, options, overrides, expected) => {
    expect(check(filter, options, overrides)).toStrictEqual(expected);
  });
});

describe('Function: buildPlacementPipeline', () => {
  it('runs status and agent first, then resources, then constraints', () => {
    // Prepare
    const prepared = prepareRequest(
      request({
        ports: [80],
        constraints: [
          { type: 'memberOf', expression: 'attribute:a exists' },
          { type: 'distinctInstance' },
        ],
      }),
    );

    // Act
    const pipeline = buildPlacementPipeline(prepared);

    // Assess
    expect(pipeline.filters.map((filter) => filter.name)).toStrictEqual([
      'InstanceActive',
      'AgentConnected',
      'CpuAvailable',
      'MemoryAvailable',
      'PortsAvailable',
      'DistinctInstance',
      'MemberOf',
    ]);
  });

  it('leaves out the filters a request does not need', () => {
    // Act
    const pipeline = buildPlacementPipeline(prepareRequest(request({ ports: [0] })));

    // Assess
    expect(pipeline.filters.map((filter) => filter.name)).toStrictEqual([
      'InstanceActive',
      'AgentConnected',
      'CpuAvailable',
      'MemoryAvailable',
    ]);
  });

  it.each<[string, PlacementRequest['strategies'], string[], boolean]>([
    ['no strategy means random (the RunTask default)', [], [], true],
    [
      'binpack alone breaks the last tie by cluster order',
      [{ type: 'binpack', field: 'cpu' }],
      ['binpack:cpu'],
      false,
    ],
    [
      'a chain keeps its order',
      [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'spread', field: 'host' },
        { type: 'binpack', field: 'memory' },
      ],
      ['spread:attribute:ecs.availability-zone', 'spread:instanceId', 'binpack:memory'],
      false,
    ],
    [
      'strategies after random are dropped',
      [
        { type: 'binpack', field: 'memory' },
        { type: 'random' },
        { type: 'spread', field: 'instanceId' },
      ],
      ['binpack:memory'],
      true,
    ],
  ])('%s', (_case, strategies, names, random) => {
    // Act
    const pipeline = buildPlacementPipeline(prepareRequest(request({ strategies })));

    // Assess
    expect(pipeline.strategies.map((strategy) => strategy.name)).toStrictEqual(names);
    expect(pipeline.random).toBe(random);
  });
});

describe('Class: ConstraintMemo', () => {
  it('remembers static expressions per instance and re-evaluates dynamic ones', () => {
    // Prepare
    const local = new ConstraintMemo();
    const [zone, busy] = prepareRequest(
      request({
        constraints: [
          { type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1a' },
          { type: 'memberOf', expression: 'runningTasksCount == 0' },
        ],
      }),
    ).memberOf;
    const target = instance('i1') as PlacementInstance & { runningTasksCount: number };

    // Act
    const first = [local.matches(zone!, target), local.matches(busy!, target)];
    target.runningTasksCount = 1;
    (target.attributes as Record<string, string>)['ecs.availability-zone'] = 'us-east-1b';
    const second = [local.matches(zone!, target), local.matches(busy!, target)];

    // Assess
    expect(first).toStrictEqual([true, true]);
    // The zone answer is remembered (attributes never change under placement); the count is not.
    expect(second).toStrictEqual([true, false]);
  });
});
