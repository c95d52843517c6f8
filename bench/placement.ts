import { performance } from 'node:perf_hooks';
import { PlacementState } from '../functions/domain/placement/engine';
import type { PlacementInstance, PlacementRequest } from '../functions/domain/placement/model';
import { seededRandom } from '../tests/helpers/seededRandom';

/**
 * `npm run bench -- placement`: the placement engine alone, in memory, on one
 * core. A cluster of 5,000 instances over three Availability Zones takes
 * 100,000 tasks of mixed sizes, placed as RunTask would (1–10 per request)
 * with `[spread attribute:ecs.availability-zone, binpack memory]` and a
 * `memberOf` constraint on the instance type. Prints, as `name: value unit`:
 *
 * - `placement.throughput`: tasks placed per second (only the placement loop
 *   is timed, not building the cluster);
 * - `placement.instances_over_bound`: instances used ÷ the fewest that could
 *   hold the tasks (total requested memory or CPU ÷ one instance's, whichever
 *   is larger) — how well binpack packs;
 * - `placement.zone_imbalance`: the most minus the fewest tasks in a zone —
 *   how well spread balances.
 */

const INSTANCES = 5_000;
const TASKS = 100_000;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;
/** Same size for every type (8 vCPU, 32 GiB), so that the lower bound is exact; 1 in 10 is m6i and fails the constraint. */
const INSTANCE_CPU = 8_192;
const INSTANCE_MEMORY = 32_768;
const GROUPS = 40;
/** Task sizes (cpu units, MiB) and their weights: mostly small, a few large. */
const SIZES: readonly (readonly [number, number, number])[] = [
  [128, 256, 30],
  [256, 512, 30],
  [256, 1024, 15],
  [512, 1024, 10],
  [512, 2048, 10],
  [1024, 4096, 5],
];

function cluster(): PlacementInstance[] {
  return Array.from({ length: INSTANCES }, (_, index): PlacementInstance => {
    const id = index.toString(16).padStart(32, '0');
    const type = index % 10 === 9 ? 'm6i.2xlarge' : index % 2 === 0 ? 'm5.2xlarge' : 'm5d.2xlarge';
    return {
      arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/bench/${id}`,
      id,
      status: 'ACTIVE',
      agentConnected: true,
      agentVersion: '1.82.0',
      ec2InstanceId: `i-${index.toString(16).padStart(17, '0')}`,
      registeredAt: Date.UTC(2025, 0, 1) + index * 1000,
      runningTasksCount: 0,
      attributes: {
        'ecs.availability-zone': ZONES[index % ZONES.length],
        'ecs.instance-type': type,
        'ecs.os-type': 'linux',
        'ecs.cpu-architecture': 'x86_64',
        stack: index % 3 === 0 ? 'blue' : 'green',
      },
      remaining: {
        cpu: INSTANCE_CPU,
        memory: INSTANCE_MEMORY,
        ports: new Set([22, 2375, 2376, 51678, 51679]),
        portsUdp: new Set(),
      },
      registered: { cpu: INSTANCE_CPU, memory: INSTANCE_MEMORY },
      taskGroups: new Map(),
    };
  });
}

/** The size whose cumulative weight first exceeds `point`. */
function pickWeighted(point: number): readonly [number, number, number] {
  let left = point;
  for (const size of SIZES) {
    left -= size[2];
    if (left < 0) return size;
  }
  return SIZES[SIZES.length - 1]!;
}

function requests(): PlacementRequest[] {
  const random = seededRandom(42);
  const totalWeight = SIZES.reduce((sum, [, , weight]) => sum + weight, 0);
  const list: PlacementRequest[] = [];
  for (let placed = 0; placed < TASKS; ) {
    const size = pickWeighted(random() * totalWeight);
    const count = Math.min(TASKS - placed, 1 + Math.floor(random() * 10));
    const group = `service:svc-${Math.floor(random() * GROUPS)}`;
    list.push({
      count,
      cpu: size[0],
      memory: size[1],
      // One request in a hundred binds a fixed host port.
      ports: random() < 0.01 ? [8080 + Math.floor(random() * 10)] : [0],
      portsUdp: [],
      group,
      constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }],
      strategies: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
    });
    placed += count;
  }
  return list;
}

const print = (name: string, value: number, unit: string) =>
  console.log(`${name}: ${value.toFixed(2)} ${unit}`);

async function benchPlacement(): Promise<void> {
  const instances = cluster();
  const work = requests();
  const state = new PlacementState(instances, { rng: seededRandom(7) });

  let placed = 0;
  let failed = 0;
  const start = performance.now();
  for (const request of work) {
    const result = state.place(request);
    placed += result.placements.length;
    failed += result.failures.length;
  }
  const seconds = (performance.now() - start) / 1000;

  const totals = work.reduce(
    (sum, request) => ({
      cpu: sum.cpu + request.cpu * request.count,
      memory: sum.memory + request.memory * request.count,
    }),
    { cpu: 0, memory: 0 },
  );
  const bound = Math.max(
    Math.ceil(totals.cpu / INSTANCE_CPU),
    Math.ceil(totals.memory / INSTANCE_MEMORY),
  );
  const views = state.instances();
  const used = views.filter((view) => view.runningTasksCount > 0).length;
  const perZone = new Map<string, number>();
  for (const view of views) {
    const zone = view.attributes['ecs.availability-zone'] ?? '';
    perZone.set(zone, (perZone.get(zone) ?? 0) + view.runningTasksCount);
  }
  const zoneTasks = [...perZone.values()];
  if (failed > 0) console.error(`placement: ${failed} of ${placed + failed} tasks were not placed`);

  print('placement.throughput', placed / seconds, 'placements/s');
  print('placement.instances_over_bound', used / bound, 'ratio');
  print('placement.zone_imbalance', Math.max(...zoneTasks) - Math.min(...zoneTasks), 'tasks');
}

export { benchPlacement };
