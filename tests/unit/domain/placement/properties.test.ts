import fc from 'fast-check';
import { PlacementState, placeTasks } from '../../../../functions/domain/placement/engine';
import {
  type PlacementFailure,
  type PlacementInstance,
  type PlacementRequest,
  type PlacementResult,
  type PlacementStrategySpec,
  withTaskPlaced,
  withTaskReleased,
} from '../../../../functions/domain/placement/model';
import { evaluate, parseExpression } from '../../../../functions/domain/placement/queryLanguage';
import { seededRandom } from '../../../helpers/seededRandom';
import { afterPlacements, instance } from './fixtures';

/**
 * Properties of the placement engines on random small clusters and random
 * sequences of requests and releases:
 *
 * - the indexed `PlacementState`, the one-shot `placeTasks` and a naive
 *   reference written here from the ECS rules alone make the same choices;
 * - nothing is ever placed beyond an instance's CPU or memory, no host port
 *   is booked twice, and distinctInstance never doubles a group up.
 */

// ---------------------------------------------------------------------------
// The naive reference: the ECS rules, spelled out, with no shared code but the
// query language and the pure instance update.
// ---------------------------------------------------------------------------

type Check = [reason: PlacementFailure['reason'], passes: (target: PlacementInstance) => boolean];

function referencePlace(
  cluster: PlacementInstance[],
  request: PlacementRequest,
  rng: () => number,
): PlacementResult {
  const ports = request.ports.filter((port) => port !== 0);
  const portsUdp = request.portsUdp.filter((port) => port !== 0);
  const task = { ...request, ports, portsUdp };
  const expressions = request.constraints.flatMap((constraint) =>
    constraint.type === 'memberOf' ? [parseExpression(constraint.expression ?? '')] : [],
  );
  const checks: Check[] = [
    ['INACTIVE', (target) => target.status === 'ACTIVE'],
    ['AGENT', (target) => target.agentConnected],
    ['RESOURCE:CPU', (target) => target.remaining.cpu >= request.cpu],
    ['RESOURCE:MEMORY', (target) => target.remaining.memory >= request.memory],
  ];
  if (ports.length + portsUdp.length > 0) {
    checks.push([
      'RESOURCE:PORTS',
      (target) =>
        ports.every((port) => !target.remaining.ports.has(port)) &&
        portsUdp.every((port) => !target.remaining.portsUdp.has(port)),
    ]);
  }
  if (request.constraints.some((constraint) => constraint.type === 'distinctInstance')) {
    checks.push(['ATTRIBUTE', (target) => (target.taskGroups.get(request.group) ?? 0) === 0]);
  }
  if (expressions.length > 0) {
    checks.push(['ATTRIBUTE', (target) => expressions.every((e) => evaluate(e, target))]);
  }
  const rules: readonly PlacementStrategySpec[] =
    request.strategies.length === 0 ? [{ type: 'random' }] : request.strategies;
  const randomAt = rules.findIndex((rule) => rule.type === 'random');
  const ranked = randomAt < 0 ? rules : rules.slice(0, randomAt);
  const own = (target: PlacementInstance, name: string) =>
    Object.hasOwn(target.attributes, name) ? target.attributes[name] : undefined;
  const score = (target: PlacementInstance, rule: PlacementStrategySpec): number => {
    if (rule.type === 'binpack') {
      return rule.field === 'cpu' ? target.remaining.cpu : target.remaining.memory;
    }
    if (rule.field === 'instanceId' || rule.field === 'host') {
      return target.taskGroups.get(request.group) ?? 0;
    }
    const name = (rule.field ?? '').slice('attribute:'.length);
    return cluster
      .filter((other) => own(other, name) === own(target, name))
      .reduce((sum, other) => sum + (other.taskGroups.get(request.group) ?? 0), 0);
  };

  const result: PlacementResult = { placements: [], failures: [] };
  for (let placed = 0; placed < request.count; placed += 1) {
    const fitting = cluster
      .map((target, slot) => ({ target, slot }))
      .filter(({ target }) => checks.every(([, passes]) => passes(target)))
      .map((candidate) => ({
        ...candidate,
        scores: ranked.map((rule) => score(candidate.target, rule)),
      }));
    if (fitting.length === 0) {
      const depth = (target: PlacementInstance) => {
        const failed = checks.findIndex(([, passes]) => !passes(target));
        return failed < 0 ? checks.length : failed;
      };
      const depths = cluster.map(depth);
      const closest = depths.indexOf(Math.max(...depths));
      const failure = { arn: cluster[closest]!.arn, reason: checks[depths[closest]!]![0] };
      for (let left = placed; left < request.count; left += 1) result.failures.push(failure);
      break;
    }
    const order = (left: number[], right: number[]) =>
      left.reduce((found, value, index) => found || value - right[index]!, 0);
    fitting.sort((left, right) => order(left.scores, right.scores) || left.slot - right.slot);
    const ties = fitting.filter((candidate) => order(candidate.scores, fitting[0]!.scores) === 0);
    const chosen =
      randomAt < 0 ? ties[0]! : ties[Math.min(ties.length - 1, Math.floor(rng() * ties.length))]!;
    cluster[chosen.slot] = withTaskPlaced(chosen.target, task);
    result.placements.push({ instanceArn: chosen.target.arn, instanceId: chosen.target.id });
  }
  return result;
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const GROUPS = ['g1', 'g2', 'g3'];

const instanceArbitrary = fc.record({
  status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING'),
  agentConnected: fc.constantFrom(true, true, true, true, false),
  cpu: fc.constantFrom(0, 128, 256, 512, 1024, 2048),
  memory: fc.constantFrom(0, 256, 512, 1024, 2048, 4096),
  ports: fc.subarray([80, 443, 8080]),
  portsUdp: fc.subarray([53]),
  zone: fc.option(fc.constantFrom(...ZONES), { freq: 6 }),
  type: fc.constantFrom('m5.large', 't2.micro', 'c5.xlarge'),
  agentVersion: fc.constantFrom('1.14.5', '1.9.0', undefined),
  g1: fc.nat(2),
  g2: fc.nat(2),
});

const clusterArbitrary = (minLength: number, maxLength: number) =>
  fc.array(instanceArbitrary, { minLength, maxLength }).map((specs) =>
    specs.map((spec, index) =>
      instance(`i${index}`, {
        status: spec.status as PlacementInstance['status'],
        agentConnected: spec.agentConnected,
        cpu: spec.cpu,
        memory: spec.memory,
        ports: spec.ports,
        portsUdp: spec.portsUdp,
        agentVersion: spec.agentVersion,
        attributes: {
          ...(spec.zone === null ? {} : { 'ecs.availability-zone': spec.zone }),
          'ecs.instance-type': spec.type,
        },
        groups: Object.fromEntries(
          Object.entries({ g1: spec.g1, g2: spec.g2 }).filter(([, count]) => count > 0),
        ),
      }),
    ),
  );

const EXPRESSIONS = [
  'attribute:ecs.instance-type =~ m5.* or attribute:ecs.instance-type == t2.micro',
  'attribute:ecs.availability-zone != us-east-1c',
  'not(task:group == g2)',
  'runningTasksCount < 4',
  'agentVersion >= 1.10',
  'attribute:ecs.availability-zone exists',
];

const STRATEGIES: PlacementStrategySpec[] = [
  { type: 'binpack', field: 'cpu' },
  { type: 'binpack', field: 'memory' },
  { type: 'spread', field: 'instanceId' },
  { type: 'spread', field: 'host' },
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'attribute:ecs.instance-type' },
  { type: 'random' },
];

const requestArbitrary: fc.Arbitrary<PlacementRequest> = fc
  .record({
    count: fc.integer({ min: 1, max: 4 }),
    cpu: fc.constantFrom(0, 128, 256, 512),
    memory: fc.constantFrom(128, 256, 512, 1024),
    ports: fc.subarray([0, 80, 8080]),
    portsUdp: fc.subarray([53]),
    group: fc.constantFrom(...GROUPS),
    distinct: fc.boolean(),
    memberOf: fc.subarray(EXPRESSIONS, { maxLength: 2 }),
    strategies: fc.array(fc.constantFrom(...STRATEGIES), { maxLength: 3 }),
  })
  .map(({ distinct, memberOf, ...rest }) => ({
    ...rest,
    constraints: [
      ...(distinct ? [{ type: 'distinctInstance' as const }] : []),
      ...memberOf.map((expression) => ({ type: 'memberOf' as const, expression })),
    ],
  }));

/** A request to place, or the release of the n-th task placed so far (modulo how many there are). */
type Operation = { place: PlacementRequest } | { release: number };

const operationsArbitrary = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: requestArbitrary.map((place): Operation => ({ place })) },
    { weight: 1, arbitrary: fc.nat().map((release): Operation => ({ release })) },
  ),
  { minLength: 1, maxLength: 12 },
);

/** What the tests compare of an instance: everything placement changes. */
const footprint = (target: PlacementInstance) => ({
  id: target.id,
  cpu: target.remaining.cpu,
  memory: target.remaining.memory,
  ports: [...target.remaining.ports].sort(),
  portsUdp: [...target.remaining.portsUdp].sort(),
  groups: [...target.taskGroups].filter(([, count]) => count > 0).sort(),
  running: target.runningTasksCount,
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe('Placement properties', () => {
  it('the indexed state, the one-shot engine and the naive reference agree', () => {
    fc.assert(
      fc.property(
        clusterArbitrary(1, 10),
        operationsArbitrary,
        fc.integer(),
        (cluster, operations, seed) => {
          // Prepare
          const state = new PlacementState(cluster, { rng: seededRandom(seed) });
          const engineRng = seededRandom(seed);
          const referenceRng = seededRandom(seed);
          let view = cluster.slice();
          const placed: { instanceId: string; request: PlacementRequest }[] = [];

          for (const operation of operations) {
            if ('release' in operation) {
              if (placed.length === 0) continue;
              const [task] = placed.splice(operation.release % placed.length, 1);
              const { instanceId, request } = task!;
              const slot = view.findIndex((target) => target.id === instanceId);
              // Act
              state.release(instanceId, request);
              view[slot] = withTaskReleased(view[slot]!, request);
              continue;
            }
            const request = operation.place;

            // Act
            const fromState = state.place(request);
            const fromEngine = placeTasks(view, request, { rng: engineRng });
            const reference = view.slice();
            const fromReference = referencePlace(reference, request, referenceRng);

            // Assess
            expect(fromState).toStrictEqual(fromReference);
            expect(fromEngine).toStrictEqual(fromReference);
            view = reference;
            for (const { instanceId } of fromReference.placements)
              placed.push({ instanceId, request });
          }
          expect(state.instances().map(footprint)).toStrictEqual(view.map(footprint));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the indexed state agrees with the one-shot engine on larger clusters', () => {
    fc.assert(
      fc.property(
        clusterArbitrary(60, 200),
        fc.array(requestArbitrary, { minLength: 10, maxLength: 40 }),
        fc.integer(),
        (cluster, requests, seed) => {
          // Prepare
          const state = new PlacementState(cluster, { rng: seededRandom(seed) });
          const engineRng = seededRandom(seed);
          let view = cluster.slice();

          for (const request of requests) {
            // Act
            const fromState = state.place(request);
            const fromEngine = placeTasks(view, request, { rng: engineRng });

            // Assess
            expect(fromState).toStrictEqual(fromEngine);
            view = afterPlacements(view, fromEngine, request);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never places beyond remaining resources, never books a port twice, keeps distinctInstance', () => {
    fc.assert(
      fc.property(
        clusterArbitrary(1, 8),
        fc.array(requestArbitrary, { minLength: 1, maxLength: 10 }),
        (cluster, requests) => {
          // Prepare
          const state = new PlacementState(cluster, { rng: seededRandom(1) });

          for (const request of requests) {
            const before = new Map(
              state.instances().map((target) => [target.id, footprint(target)]),
            );

            // Act
            const { placements } = state.place(request);

            // Assess
            const tasksOn = new Map<string, number>();
            for (const { instanceId } of placements) {
              tasksOn.set(instanceId, (tasksOn.get(instanceId) ?? 0) + 1);
            }
            const fixed = request.ports.filter((port) => port !== 0);
            const fixedUdp = request.portsUdp;
            const distinct = request.constraints.some((c) => c.type === 'distinctInstance');
            for (const [instanceId, tasks] of tasksOn) {
              const previous = before.get(instanceId)!;
              expect(tasks * request.cpu).toBeLessThanOrEqual(previous.cpu);
              expect(tasks * request.memory).toBeLessThanOrEqual(previous.memory);
              if (fixed.length + fixedUdp.length > 0) {
                expect(tasks).toBe(1);
                for (const port of fixed) expect(previous.ports).not.toContain(port);
                for (const port of fixedUdp) expect(previous.portsUdp).not.toContain(port);
              }
              if (distinct) {
                expect(tasks).toBe(1);
                expect(previous.groups.map(([group]) => group)).not.toContain(request.group);
              }
            }
          }
          for (const target of state.instances()) {
            expect(target.remaining.cpu).toBeGreaterThanOrEqual(0);
            expect(target.remaining.memory).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
