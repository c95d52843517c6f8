import { InvalidParameterException } from '../../../../functions/domain/errors';
import type { PlacementOptions } from '../../../../functions/domain/placement/context';
import { PlacementState, placeTasks } from '../../../../functions/domain/placement/engine';
import type {
  PlacementInstance,
  PlacementRequest,
  PlacementResult,
} from '../../../../functions/domain/placement/model';
import { errorOf } from '../../../helpers/errorOf';
import { seededRandom } from '../../../helpers/seededRandom';
import { ARN_PREFIX, afterPlacements, instance, request } from './fixtures';

type Engine = (
  instances: readonly PlacementInstance[],
  request: PlacementRequest,
  options?: PlacementOptions,
) => PlacementResult;

/** Every behaviour holds for both engines: the one-shot scan and the indexed state. */
const ENGINES: [string, Engine][] = [
  ['Function: placeTasks', placeTasks],
  [
    'Class: PlacementState (fresh)',
    (instances, placement, options) => new PlacementState(instances, options).place(placement),
  ],
];

const ids = (result: PlacementResult): string[] =>
  result.placements.map((placement) => placement.instanceId);

const ZONE = 'attribute:ecs.availability-zone';

describe.each(ENGINES)('%s', (_name, place) => {
  describe('cluster and request errors', () => {
    it.each<[string, PlacementInstance[]]>([
      ['an empty cluster', []],
      ['a cluster of deregistered instances', [instance('gone', { status: 'INACTIVE' })]],
    ])('throws ECS’s error for %s', (_case, instances) => {
      // Act
      const error = errorOf(() => place(instances, request()));

      // Assess
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.message).toBe('No Container Instances were found in your cluster.');
    });

    it.each<[string, Partial<PlacementRequest>, string]>([
      ['a count of zero', { count: 0 }, 'count: expected a whole number of at least 1, got 0'],
      [
        'a fractional count',
        { count: 1.5 },
        'count: expected a whole number of at least 1, got 1.5',
      ],
      ['negative memory', { memory: -1 }, 'cpu and memory must be non-negative numbers'],
      [
        'a bad strategy',
        { strategies: [{ type: 'binpack' }] },
        'a binpack strategy requires a field',
      ],
      [
        'a bad expression',
        { constraints: [{ type: 'memberOf', expression: 'attribute:x' }] },
        "expected an operator after 'attribute:x'",
      ],
      [
        'memberOf without an expression',
        { constraints: [{ type: 'memberOf' }] },
        'a memberOf constraint requires an expression',
      ],
    ])('rejects %s', (_case, overrides, message) => {
      // Act
      const error = errorOf(() => place([instance('a')], request(overrides)));

      // Assess
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.message).toContain(message);
    });
  });

  describe('failures name the closest-matching instance', () => {
    it.each<[string, PlacementInstance[], Partial<PlacementRequest>, string, string]>([
      [
        'every instance DRAINING',
        [instance('a', { status: 'DRAINING' }), instance('b', { status: 'DRAINING' })],
        {},
        'a',
        'INACTIVE',
      ],
      [
        'a disconnected agent beats a DRAINING instance',
        [instance('a', { status: 'DRAINING' }), instance('b', { agentConnected: false })],
        {},
        'b',
        'AGENT',
      ],
      ['too little CPU', [instance('a', { cpu: 128 })], { cpu: 256 }, 'a', 'RESOURCE:CPU'],
      [
        'short of memory beats short of CPU',
        [instance('a', { cpu: 0 }), instance('b', { memory: 100 })],
        {},
        'b',
        'RESOURCE:MEMORY',
      ],
      [
        'a taken port beats short of memory',
        [instance('a', { memory: 0 }), instance('b', { ports: [80] })],
        { ports: [80] },
        'b',
        'RESOURCE:PORTS',
      ],
      [
        'a failed constraint beats a taken port',
        [instance('a', { ports: [80] }), instance('b', { type: 'c5.large' })],
        {
          ports: [80],
          constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }],
        },
        'b',
        'ATTRIBUTE',
      ],
      [
        'distinctInstance with the group everywhere',
        [
          instance('a', { groups: { 'family:web': 1 } }),
          instance('b', { groups: { 'family:web': 2 } }),
        ],
        { constraints: [{ type: 'distinctInstance' }] },
        'a',
        'ATTRIBUTE',
      ],
      [
        'equally close instances: the first in cluster order',
        [instance('a', { memory: 0 }), instance('b', { memory: 0 }), instance('c', { cpu: 0 })],
        {},
        'a',
        'RESOURCE:MEMORY',
      ],
    ])('%s', (_case, instances, overrides, closest, reason) => {
      // Act
      const result = place(instances, request(overrides));

      // Assess
      expect(result).toStrictEqual({
        placements: [],
        failures: [{ arn: `${ARN_PREFIX}${closest}`, reason }],
      });
    });

    it('reports one failure per task that could not be placed', () => {
      // Prepare
      const instances = [instance('a', { memory: 1024 })];

      // Act
      const result = place(instances, request({ count: 4, memory: 512 }));

      // Assess
      expect(ids(result)).toStrictEqual(['a', 'a']);
      expect(result.failures).toStrictEqual([
        { arn: `${ARN_PREFIX}a`, reason: 'RESOURCE:MEMORY' },
        { arn: `${ARN_PREFIX}a`, reason: 'RESOURCE:MEMORY' },
      ]);
    });
  });

  describe('tasks of one request see each other', () => {
    it('moves on once the first task has used an instance up', () => {
      // Prepare: binpack prefers a (less memory), which holds exactly one task.
      const instances = [instance('a', { memory: 600 }), instance('b', { memory: 4096 })];

      // Act
      const result = place(instances, request({ count: 2, memory: 512 }));

      // Assess
      expect(ids(result)).toStrictEqual(['a', 'b']);
    });

    it('never books a fixed host port twice', () => {
      // Prepare
      const instances = [instance('a'), instance('b')];

      // Act
      const result = place(instances, request({ count: 3, ports: [80] }));

      // Assess
      expect(ids(result)).toStrictEqual(['a', 'b']);
      expect(result.failures).toStrictEqual([{ arn: `${ARN_PREFIX}a`, reason: 'RESOURCE:PORTS' }]);
    });

    it('keeps distinctInstance across a multi-count request', () => {
      // Prepare
      const instances = [instance('a'), instance('b'), instance('c')];

      // Act
      const result = place(
        instances,
        request({ count: 4, constraints: [{ type: 'distinctInstance' }] }),
      );

      // Assess
      expect(ids(result)).toStrictEqual(['a', 'b', 'c']);
      expect(result.failures).toStrictEqual([{ arn: `${ARN_PREFIX}a`, reason: 'ATTRIBUTE' }]);
    });

    it('counts this request’s tasks in task:group expressions', () => {
      // Prepare
      const instances = [instance('a'), instance('b')];
      const constraints = [
        { type: 'memberOf' as const, expression: 'not(task:group == family:web)' },
      ];

      // Act
      const result = place(instances, request({ count: 3, constraints }));

      // Assess
      expect(ids(result)).toStrictEqual(['a', 'b']);
      expect(result.failures).toStrictEqual([{ arn: `${ARN_PREFIX}a`, reason: 'ATTRIBUTE' }]);
    });

    it('counts this request’s tasks in runningTasksCount expressions', () => {
      // Prepare
      const instances = [instance('a'), instance('b', { groups: { other: 1 } })];
      const constraints = [{ type: 'memberOf' as const, expression: 'runningTasksCount < 2' }];

      // Act
      const result = place(instances, request({ count: 4, constraints }));

      // Assess
      expect(ids(result)).toStrictEqual(['a', 'a', 'b']);
      expect(result.failures).toHaveLength(1);
    });
  });

  describe('strategies', () => {
    it.each<[string, PlacementInstance[], PlacementRequest['strategies'], number, string[]]>([
      [
        'binpack memory: least memory left that still fits',
        [
          instance('a', { memory: 4096 }),
          instance('b', { memory: 400 }),
          instance('c', { memory: 1024 }),
        ],
        [{ type: 'binpack', field: 'memory' }],
        1,
        ['c'],
      ],
      [
        'binpack cpu: least CPU left that still fits',
        [instance('a', { cpu: 512 }), instance('b', { cpu: 300 }), instance('c', { cpu: 2048 })],
        [{ type: 'binpack', field: 'cpu' }],
        1,
        ['b'],
      ],
      [
        'binpack ties go to the first in cluster order',
        [
          instance('a', { memory: 4096 }),
          instance('b', { memory: 1024 }),
          instance('c', { memory: 1024 }),
        ],
        [{ type: 'binpack', field: 'memory' }],
        1,
        ['b'],
      ],
      [
        'binpack fills one instance before the next',
        [instance('a', { memory: 1024 }), instance('b', { memory: 1536 })],
        [{ type: 'binpack', field: 'memory' }],
        4,
        ['a', 'a', 'b', 'b'],
      ],
      [
        'spread instanceId: fewest tasks of the group',
        [
          instance('a', { groups: { 'family:web': 2 } }),
          instance('b', { groups: { 'family:web': 1, other: 5 } }),
          instance('c', { groups: { 'family:web': 1 } }),
        ],
        [{ type: 'spread', field: 'instanceId' }],
        4,
        ['b', 'c', 'a', 'b'],
      ],
      [
        'spread host is spread instanceId',
        [instance('a', { groups: { 'family:web': 1 } }), instance('b')],
        [{ type: 'spread', field: 'host' }],
        1,
        ['b'],
      ],
      [
        'spread zone: the zone with fewest tasks of the group, counting full instances',
        [
          instance('a1', { zone: 'a', memory: 0, groups: { 'family:web': 2 } }),
          instance('a2', { zone: 'a' }),
          instance('b1', { zone: 'b', groups: { 'family:web': 1 } }),
          instance('c1', { zone: 'c', groups: { 'family:web': 1, other: 9 } }),
        ],
        [{ type: 'spread', field: ZONE }],
        3,
        ['b1', 'c1', 'a2'],
      ],
      [
        'spread zone: instances lacking the attribute are one more bucket',
        [
          instance('a1', { zone: 'a', groups: { 'family:web': 1 } }),
          instance('x1', { attributes: {}, groups: { 'family:web': 1 } }),
          instance('x2', { attributes: {} }),
          instance('b1', { zone: 'b' }),
        ],
        [{ type: 'spread', field: ZONE }],
        3,
        ['b1', 'a1', 'x1'],
      ],
      [
        'spread on a custom attribute',
        [
          instance('a', { attributes: { rack: 'r1' } }),
          instance('b', { attributes: { rack: 'r1' } }),
          instance('c', { attributes: { rack: 'r2' } }),
        ],
        [{ type: 'spread', field: 'attribute:rack' }],
        3,
        ['a', 'c', 'a'],
      ],
      [
        'spread zone then binpack memory: zones balanced, packed inside each zone',
        [
          instance('a1', { zone: 'a', memory: 4096 }),
          instance('a2', { zone: 'a', memory: 2048 }),
          instance('b1', { zone: 'b', memory: 1024 }),
          instance('b2', { zone: 'b', memory: 3072 }),
          instance('c1', { zone: 'c', memory: 2560 }),
          instance('c2', { zone: 'c', memory: 1536 }),
        ],
        [
          { type: 'spread', field: ZONE },
          { type: 'binpack', field: 'memory' },
        ],
        6,
        // Round 1: zones tie, so b1 (1024, the fullest overall); then c2 (1536) for zone c
        // and a2 (2048) for zone a. Round 2 repeats: b1 (512), c2 (1024), a2 (1536).
        ['b1', 'c2', 'a2', 'b1', 'c2', 'a2'],
      ],
      [
        'binpack memory then spread instanceId: spread only among equally full instances',
        [
          instance('a', { memory: 2048, groups: { 'family:web': 1 } }),
          instance('b', { memory: 2048 }),
          instance('c', { memory: 4096 }),
        ],
        [
          { type: 'binpack', field: 'memory' },
          { type: 'spread', field: 'instanceId' },
        ],
        1,
        ['b'],
      ],
      [
        'spread instanceId then binpack cpu',
        [
          instance('a', { cpu: 512 }),
          instance('b', { cpu: 1024 }),
          instance('c', { cpu: 300, groups: { 'family:web': 1 } }),
        ],
        [
          { type: 'spread', field: 'instanceId' },
          { type: 'binpack', field: 'cpu' },
        ],
        3,
        ['a', 'b', 'a'],
      ],
      [
        'two spreads: zone, then instance type within the zone',
        [
          instance('a1', { zone: 'a', type: 'm5', groups: { 'family:web': 1 } }),
          instance('a2', { zone: 'a', type: 'c5' }),
          instance('b1', { zone: 'b', type: 'm5' }),
          instance('b2', { zone: 'b', type: 'c5', groups: { 'family:web': 1 } }),
        ],
        [
          { type: 'spread', field: ZONE },
          { type: 'spread', field: 'attribute:ecs.instance-type' },
        ],
        2,
        // Zones tie at 1 and types at 1, so the first in cluster order wins (a1, an m5);
        // then zone b has fewer, and inside it c5 (1 task) has fewer than m5 (now 2).
        ['a1', 'b2'],
      ],
    ])('%s', (_case, instances, strategies, count, expected) => {
      // Act
      const result = place(instances, request({ count, strategies }));

      // Assess
      expect(ids(result)).toStrictEqual(expected);
      expect(result.failures).toStrictEqual([]);
    });

    it.each<[string, PlacementRequest['strategies'], number, string]>([
      ['random draws 0: the first fitting instance', [{ type: 'random' }], 0, 'a'],
      ['random draws 0.99: the last fitting instance', [{ type: 'random' }], 0.99, 'd'],
      ['random draws 0.5: the middle of the fitting instances', [{ type: 'random' }], 0.5, 'c'],
      ['no strategy means random', [], 0.99, 'd'],
      [
        'binpack then random: random among the fullest only',
        [{ type: 'binpack', field: 'memory' }, { type: 'random' }],
        0.99,
        'c',
      ],
    ])('%s', (_case, strategies, draw, expected) => {
      // Prepare: b cannot take the task; a, c, d can (c and a are the fullest).
      const instances = [
        instance('a', { memory: 1024 }),
        instance('b', { memory: 100 }),
        instance('c', { memory: 1024 }),
        instance('d', { memory: 4096 }),
      ];

      // Act
      const result = place(instances, request({ strategies }), { rng: () => draw });

      // Assess
      expect(ids(result)).toStrictEqual([expected]);
    });

    it('draws one random number per placed task and none for failures', () => {
      // Prepare
      const draws: number[] = [];
      const rng = () => {
        draws.push(0);
        return 0;
      };

      // Act
      place([instance('a', { memory: 1024 })], request({ count: 3, strategies: [] }), { rng });

      // Assess
      expect(draws).toHaveLength(2);
    });

    it('gives the same random placements for the same seed', () => {
      // Prepare
      const instances = Array.from({ length: 20 }, (_, index) => instance(`i${index}`));
      const run = () =>
        ids(place(instances, request({ count: 10, strategies: [] }), { rng: seededRandom(7) }));

      // Act & Assess
      expect(run()).toStrictEqual(run());
      expect(new Set(run()).size).toBeGreaterThan(1);
    });
  });
});

describe('Class: PlacementState', () => {
  const twoZones = () => [
    instance('a1', { zone: 'a', memory: 2048 }),
    instance('a2', { zone: 'a', memory: 4096 }),
    instance('b1', { zone: 'b', memory: 3072 }),
  ];
  const spreadThenPack = request({
    memory: 1024,
    strategies: [
      { type: 'spread', field: ZONE },
      { type: 'binpack', field: 'memory' },
    ],
  });

  it('keeps what it placed for the next request', () => {
    // Prepare
    const state = new PlacementState(twoZones());

    // Act
    const placed = [
      state.place(spreadThenPack),
      state.place(spreadThenPack),
      state.place(spreadThenPack),
    ];

    // Assess
    expect(placed.map(ids)).toStrictEqual([['a1'], ['b1'], ['a1']]);
    expect(state.get('a1')?.remaining.memory).toBe(0);
    expect(state.get(`${ARN_PREFIX}a1`)?.taskGroups.get('family:web')).toBe(2);
    expect(state.get('a1')?.runningTasksCount).toBe(2);
  });

  it('gives capacity, ports and group membership back on release', () => {
    // Prepare
    const state = new PlacementState([instance('a', { memory: 1024 })]);
    const withPort = request({
      memory: 1024,
      ports: [80],
      constraints: [{ type: 'distinctInstance' }],
    });
    state.place(withPort);

    // Act
    const blocked = state.place(withPort);
    const released = state.release('a', withPort);
    const again = state.place(withPort);

    // Assess
    expect(blocked.failures).toHaveLength(1);
    expect(released).toBe(true);
    expect(ids(again)).toStrictEqual(['a']);
  });

  it('keeps its binpack index in step after a release', () => {
    // Prepare
    const state = new PlacementState(twoZones());
    const pack = request({ memory: 1024 });
    state.place(pack); // a1: 1024 left

    // Act: a larger reservation comes back, so a1 (3584) is now emptier than b1 (3072).
    state.release('a1', request({ memory: 2560 }));
    const result = state.place(pack);

    // Assess
    expect(ids(result)).toStrictEqual(['b1']);
  });

  it('answers false for an unknown instance on release', () => {
    expect(new PlacementState(twoZones()).release('nope', request())).toBe(false);
  });

  it('takes a new instance and a status change through upsert', () => {
    // Prepare
    const state = new PlacementState(twoZones());
    state.place(spreadThenPack);

    // Act
    state.upsert(
      instance('a1', { zone: 'a', status: 'DRAINING', memory: 1024, groups: { 'family:web': 1 } }),
    );
    state.upsert(instance('c1', { zone: 'c', memory: 1024 }));
    const result = state.place({ ...spreadThenPack, count: 3 });

    // Assess: zone a already has a task, so c (fuller than b) then b; then every zone has one and
    // the fullest instance that may take a task is b1 — a1 is fuller but DRAINING.
    expect(ids(result)).toStrictEqual(['c1', 'b1', 'b1']);
    expect(state.instances()).toHaveLength(4);
  });

  it('answers as placeTasks when an attribute has a value per instance (too many cells to rank)', () => {
    // Prepare: 300 distinct values, over the cell limit; racks give the spread something to balance.
    const cluster = Array.from({ length: 300 }, (_, index) =>
      instance(`i${index}`, {
        memory: 512 * (1 + (index % 5)),
        attributes: { 'host-id': `h${index}`, rack: `r${index % 4}` },
        groups: index % 7 === 0 ? { 'family:web': 1 } : {},
      }),
    );
    const state = new PlacementState(cluster);
    let view = cluster;

    for (const strategies of [
      [{ type: 'spread', field: 'attribute:host-id' }],
      [
        { type: 'spread', field: 'attribute:host-id' },
        { type: 'binpack', field: 'memory' },
      ],
      [
        { type: 'spread', field: 'attribute:rack' },
        { type: 'spread', field: 'attribute:host-id' },
      ],
    ] as PlacementRequest['strategies'][]) {
      const placement = request({ count: 10, strategies });

      // Act
      const fromState = state.place(placement);
      const fromEngine = placeTasks(view, placement);

      // Assess
      expect(fromState).toStrictEqual(fromEngine);
      view = afterPlacements(view, fromEngine, placement);
    }
  });

  it('answers as placeTasks across more constraint combinations than it keeps indexes for', () => {
    // Prepare: each request excludes another rack, so each needs its own set of searchable instances.
    const cluster = Array.from({ length: 60 }, (_, index) =>
      instance(`i${index}`, {
        zone: `z${index % 3}`,
        attributes: undefined,
        type: `t${index % 45}`,
      }),
    );
    const state = new PlacementState(cluster);
    let view = cluster;

    for (let round = 0; round < 45; round += 1) {
      const placement = request({
        count: 2,
        constraints: [{ type: 'memberOf', expression: `attribute:ecs.instance-type != t${round}` }],
        strategies: [
          { type: 'spread', field: ZONE },
          { type: 'binpack', field: 'memory' },
        ],
      });

      // Act
      const fromState = state.place(placement);
      const fromEngine = placeTasks(view, placement);

      // Assess
      expect(fromState).toStrictEqual(fromEngine);
      view = afterPlacements(view, fromEngine, placement);
    }
  });

  it('throws ECS’s error when it holds no instances', () => {
    // Act
    const error = errorOf(() => new PlacementState([]).place(request()));

    // Assess
    expect(error.message).toBe('No Container Instances were found in your cluster.');
  });

  it('leaves the instances it was given untouched', () => {
    // Prepare
    const original = instance('a');
    const state = new PlacementState([original]);

    // Act
    state.place(request({ ports: [80] }));

    // Assess
    expect(original.remaining.memory).toBe(4096);
    expect(original.remaining.ports.size).toBe(0);
    expect(original.taskGroups.size).toBe(0);
  });
});
