import {
  ConstraintMemo,
  type PlacementContext,
  type PlacementOptions,
  type PreparedRequest,
  prepareRequest,
} from './context';
import {
  attributeOf,
  fixedPorts,
  INSTANCE_STATUS,
  type InstanceStatus,
  type Placement,
  type PlacementFailure,
  type PlacementInstance,
  type PlacementRequest,
  type PlacementResult,
  type TaskResources,
} from './model';
import { buildPlacementPipeline, type PlacementPipeline } from './pipeline';
import { type Expression, isStaticExpression, parseExpression } from './queryLanguage';
import { CandidateRanking, closestFailure, requireInstances } from './selection';
import { type SlotVisitor, SortedSlots } from './sortedSlots';
import { compareScores } from './strategies';

/**
 * A long-lived, incrementally updated view of a cluster for placing many
 * requests quickly (the service scheduler, capacity planning, the benchmark).
 *
 * It answers exactly as {@link placeTasks} would on the same view — same
 * filters, same scores, same tie-breaking, same random draws — but avoids
 * scanning every instance for every task:
 *
 * - **Spread by attribute** (leading `spread attribute:X` strategies): the
 *   instances are bucketed by their values of X ("cells", e.g. one per
 *   Availability Zone) and the group's task count per value is kept up to
 *   date, so the cells are ranked without looking at instances; only the
 *   best-ranked cells (those tied for fewest tasks) are searched, and the
 *   next ones only if nothing there fits.
 * - **Binpack** (the first strategy after those): each cell keeps its
 *   instances sorted by remaining CPU or memory, in blocks that know the
 *   most of the other resource they hold, so the search starts at the first
 *   instance with enough left, skips blocks short of the other resource, and
 *   stops as soon as the best candidate is certain.
 * - **Spread by instance** (the first strategy after those): the same kind
 *   of index, keyed by the group's task count on each instance, so the
 *   search starts at the emptiest instances.
 * - **Status, agent and static constraints**: instances that are not
 *   ACTIVE, not connected, or fail one of the request's static `memberOf`
 *   expressions (attributes, agent, EC2 id, registration time — nothing a
 *   placement changes) are left out of the cells searched, so no walk
 *   crawls over them; the other expressions are checked as instances are
 *   offered. Static results are remembered per instance and parsed
 *   expressions per text, across requests.
 * - Anything else (random; nothing after the spreads) scans the chosen
 *   cells, stopping early when no later instance could win. Random always
 *   needs every tied instance, so it costs a scan of the chosen cells.
 *
 * Only the *offering* of candidates differs from the full scan; ranking is
 * shared (`CandidateRanking`), and the search always offers every instance
 * that could tie for the best, so the choice is the same. Failures scan the
 * whole cluster, as they must to find the closest-matching instance.
 *
 * Indexes and counts are built lazily, for the strategies and groups actually
 * used, and then maintained on every `place` and `release`.
 *
 * @example
 * const state = new PlacementState(instances);
 * const { placements } = state.place(request);
 * // …later, when one of those tasks stops:
 * state.release(placements[0].instanceId, request);
 */

/** The engine's mutable copy of one instance; it is a `PlacementInstance`, so filters and expressions read it directly. */
class InstanceView implements PlacementInstance {
  readonly arn: string;
  readonly id: string;
  readonly status: InstanceStatus;
  readonly agentConnected: boolean;
  readonly agentVersion: string | undefined;
  readonly ec2InstanceId: string | undefined;
  readonly registeredAt: number;
  readonly attributes: Readonly<Record<string, string | undefined>>;
  readonly registered: { readonly cpu: number; readonly memory: number };
  runningTasksCount: number;
  readonly remaining: { cpu: number; memory: number; ports: Set<number>; portsUdp: Set<number> };
  readonly taskGroups: Map<string, number>;

  constructor(instance: PlacementInstance) {
    this.arn = instance.arn;
    this.id = instance.id;
    this.status = instance.status;
    this.agentConnected = instance.agentConnected;
    this.agentVersion = instance.agentVersion;
    this.ec2InstanceId = instance.ec2InstanceId;
    this.registeredAt = instance.registeredAt;
    this.attributes = instance.attributes;
    this.registered = instance.registered;
    this.runningTasksCount = instance.runningTasksCount;
    this.remaining = {
      cpu: instance.remaining.cpu,
      memory: instance.remaining.memory,
      ports: new Set(instance.remaining.ports),
      portsUdp: new Set(instance.remaining.portsUdp),
    };
    this.taskGroups = new Map(instance.taskGroups);
  }
}

type Resource = 'cpu' | 'memory';

/** The instances sharing one combination of values of the partition's attributes. */
interface Cell {
  readonly values: readonly (string | undefined)[];
  /** Slots in cluster order. */
  readonly members: number[];
  /** Binpack indexes (by remaining resource), built on first use. */
  readonly sorted: { cpu?: SortedSlots; memory?: SortedSlots };
  /** Spread-by-instance indexes (by tasks of the group), one per group, built on first use. */
  readonly byGroup: Map<string, SortedSlots>;
}

/** The cluster split by the values of some attributes (none: one cell holding everything). */
interface Partition {
  readonly attributes: readonly string[];
  readonly cells: readonly Cell[];
  /** Slot → index of its cell. */
  readonly cellOf: Int32Array;
}

/** Whether the instance could take a task at all (what the status and agent filters check). */
const isSchedulable = (instance: PlacementInstance): boolean =>
  instance.status === INSTANCE_STATUS.active && instance.agentConnected;

/** How one request's tasks are searched for (see `PlacementState.plan`). */
interface Search {
  readonly pipeline: PlacementPipeline;
  readonly request: PreparedRequest;
  readonly partition: Partition;
  /** The index to walk in each cell — by a resource (binpack) or by a group's tasks (spread by instance) — if any. */
  readonly walk?: {
    readonly index: { readonly resource: Resource } | { readonly group: string };
    readonly from: number;
    readonly otherAtLeast: number;
  };
  /** Whether the first fitting instance met in a cell is that cell's best (see `plan`). */
  readonly firstWins: boolean;
  /** One ranking, reset for each group of cells, for every task of the request. */
  readonly ranking: CandidateRanking;
}

/**
 * Offers the instances of an index walk, in ascending key order, until the
 * best is certain: past the smallest key at which something fitted, nothing
 * can rank higher. Every instance at that key is offered (later
 * tie-breakers, random, or cluster order decide among them) unless
 * `firstWins`. The bound carries across the cells of a tied group. One
 * visitor is reused for every walk, so the hot loop allocates nothing.
 */
class WalkVisitor implements SlotVisitor {
  private bound = Number.POSITIVE_INFINITY;
  private firstWins = false;
  private ranking: CandidateRanking | undefined;

  constructor(private readonly views: readonly InstanceView[]) {}

  start(ranking: CandidateRanking, firstWins: boolean): void {
    this.ranking = ranking;
    this.firstWins = firstWins;
    this.bound = Number.POSITIVE_INFINITY;
  }

  visit(slot: number, key: number): boolean {
    if (key > this.bound) return false;
    if (!this.ranking?.offer(slot, this.views[slot]!)) return true;
    this.bound = key;
    return !this.firstWins;
  }
}

const byScores = (left: { scores: number[] }, right: { scores: number[] }): number =>
  compareScores(left.scores, right.scores);

/** Parsed expressions kept for reuse; a bound keeps a stream of distinct texts from growing it forever. */
const MAX_CACHED_EXPRESSIONS = 1000;
/** Past this many distinct values, spreading by cells is slower than a scan (see `plan`). */
const MAX_CELLS = 256;
/** Partitions kept at once (each costs a little on every placement). */
const MAX_PARTITIONS = 32;

class PlacementState {
  private readonly views: InstanceView[];
  private readonly slots = new Map<string, number>();
  private keys: Record<Resource, Float64Array>;
  private readonly partitions = new Map<string, Partition>();
  /** Group → tasks of the group per slot (the key of the spread-by-instance indexes). */
  private readonly groupKeys = new Map<string, Float64Array>();
  /** The "other key" of indexes that skip nothing (see SortedSlots). */
  private zeros: Float64Array;
  /** Group → attribute → value → tasks of the group on instances with that value. */
  private readonly groupCounts = new Map<string, Map<string, Map<string | undefined, number>>>();
  private readonly memo = new ConstraintMemo();
  private readonly expressions = new Map<string, Expression>();
  private readonly expressionIds = new WeakMap<Expression, number>();
  private lastExpressionId = 0;
  private readonly rng: () => number;
  private readonly visitor: WalkVisitor;

  constructor(instances: readonly PlacementInstance[], options: PlacementOptions = {}) {
    this.views = instances.map((instance) => new InstanceView(instance));
    this.views.forEach((view, slot) => {
      this.slots.set(view.id, slot);
      this.slots.set(view.arn, slot);
    });
    this.keys = {
      cpu: Float64Array.from(this.views, (view) => view.remaining.cpu),
      memory: Float64Array.from(this.views, (view) => view.remaining.memory),
    };
    this.zeros = new Float64Array(this.views.length);
    this.rng = options.rng ?? Math.random;
    this.visitor = new WalkVisitor(this.views);
  }

  /** The current view of every instance, in cluster order. */
  instances(): readonly PlacementInstance[] {
    return this.views;
  }

  /** The current view of one instance, by id or ARN. */
  get(instance: string): PlacementInstance | undefined {
    const slot = this.slots.get(instance);
    return slot === undefined ? undefined : this.views[slot];
  }

  /**
   * Places `request.count` tasks, exactly as `placeTasks` would on the current
   * view, and keeps them: later requests see them.
   *
   * @throws InvalidParameterException when the cluster has no instances, or
   *   the request is malformed.
   */
  place(request: PlacementRequest): PlacementResult {
    requireInstances(this.views);
    const prepared = prepareRequest(request, (text) => this.compile(text));
    const pipeline = buildPlacementPipeline(prepared);
    const context = this.contextFor(prepared.group);
    const search = this.plan(pipeline, prepared, context);
    const placements: Placement[] = [];
    const failures: PlacementFailure[] = [];
    for (let task = 0; task < prepared.count; task += 1) {
      const slot = this.select(search);
      if (slot < 0) {
        const at = (index: number) => this.views[index]!;
        const failure = closestFailure(this.views.length, at, pipeline, prepared, context);
        for (let left = task; left < prepared.count; left += 1) failures.push(failure);
        break;
      }
      this.apply(slot, prepared, 1);
      const view = this.views[slot]!;
      placements.push({ instanceArn: view.arn, instanceId: view.id });
    }
    return { placements, failures };
  }

  /**
   * Gives back what one task took (when it stops, or when its reservation
   * failed): CPU, memory, fixed ports, and its place in its group. Returns
   * false for an unknown instance (id or ARN).
   */
  release(instance: string, task: TaskResources): boolean {
    const slot = this.slots.get(instance);
    if (slot === undefined) return false;
    this.apply(slot, task, -1);
    return true;
  }

  /**
   * Adds an instance (at the end of the cluster order) or replaces the view
   * of a known one (same id or ARN) — after a registration, a status change
   * such as DRAINING, new attributes, or a reconciliation with stored
   * records. Indexes and group counts are rebuilt on the next `place`, so
   * this is meant for occasional changes, not for every task.
   */
  upsert(instance: PlacementInstance): void {
    const view = new InstanceView(instance);
    let slot = this.slots.get(instance.id) ?? this.slots.get(instance.arn);
    if (slot === undefined) {
      slot = this.views.push(view) - 1;
      this.keys = {
        cpu: Float64Array.from(this.views, (each) => each.remaining.cpu),
        memory: Float64Array.from(this.views, (each) => each.remaining.memory),
      };
      this.zeros = new Float64Array(this.views.length);
    } else {
      const old = this.views[slot]!;
      this.slots.delete(old.id);
      this.slots.delete(old.arn);
      this.views[slot] = view;
      this.keys.cpu[slot] = view.remaining.cpu;
      this.keys.memory[slot] = view.remaining.memory;
    }
    this.slots.set(view.id, slot);
    this.slots.set(view.arn, slot);
    this.partitions.clear();
    this.groupCounts.clear();
    this.groupKeys.clear();
  }

  // --- selection ---------------------------------------------------------

  /**
   * Decides, once per request, how its tasks will be searched for: the
   * partition its leading `spread attribute:*` strategies imply, and which
   * index (if any) serves the strategy after them.
   */
  private plan(
    pipeline: PlacementPipeline,
    request: PreparedRequest,
    context: PlacementContext,
  ): Search {
    const { strategies } = pipeline;
    const attributes: string[] = [];
    for (const { rule } of strategies) {
      if (rule.type !== 'spread' || rule.by !== 'attribute') break;
      attributes.push(rule.attribute);
    }
    const constraints = request.memberOf.filter(isStaticExpression);
    let partition = this.partition(attributes, constraints);
    if (partition.cells.length > MAX_CELLS) {
      // Nearly one value per instance: ranking cells would cost more than scanning instances.
      attributes.length = 0;
      partition = this.partition(attributes, constraints);
    }
    const lead = attributes.length;
    const next = strategies[lead]?.rule;
    let walk: Search['walk'];
    if (next?.type === 'binpack') {
      const other = next.resource === 'cpu' ? 'memory' : 'cpu';
      walk = {
        index: { resource: next.resource },
        from: request[next.resource],
        otherAtLeast: request[other],
      };
    } else if (next?.type === 'spread' && next.by === 'instanceId') {
      walk = { index: { group: request.group }, from: 0, otherAtLeast: 0 };
    }
    return {
      pipeline,
      request,
      partition,
      walk,
      // With no tie-breaker after the walked (or, without a walk, the last spread) strategy,
      // the first fitting instance of a cell in walk (or cluster) order is that cell's best.
      firstWins: !pipeline.random && strategies.length === lead + (walk === undefined ? 0 : 1),
      ranking: new CandidateRanking(pipeline, request, context),
    };
  }

  /** The slot the next task of the search goes to, or -1. */
  private select(search: Search): number {
    const { ranking, walk } = search;
    for (const cells of this.rankCells(search.partition, search.request.group)) {
      ranking.reset();
      if (walk === undefined) {
        this.scanCells(cells, search.firstWins, ranking);
      } else {
        const visitor = this.visitor;
        visitor.start(ranking, search.firstWins);
        for (const cell of cells) {
          const index =
            'resource' in walk.index
              ? this.resourceIndex(cell, walk.index.resource)
              : this.groupIndex(cell, walk.index.group);
          index.walk(walk.from, walk.otherAtLeast, visitor);
        }
      }
      if (ranking.found) return ranking.choose(this.rng);
    }
    return -1;
  }

  /**
   * The partition's cells in the order the leading spread strategies rank
   * them, grouped where they tie (a group is searched as one).
   */
  private rankCells(partition: Partition, group: string): (readonly Cell[])[] {
    const { attributes, cells } = partition;
    if (attributes.length === 0) return [cells];
    const scored: { cell: Cell; scores: number[] }[] = [];
    for (const cell of cells) {
      const scores: number[] = [];
      for (let index = 0; index < attributes.length; index += 1) {
        scores.push(this.groupCount(group, attributes[index]!, cell.values[index]));
      }
      scored.push({ cell, scores });
    }
    scored.sort(byScores);
    const groups: Cell[][] = [];
    let previous: number[] | undefined;
    for (const { cell, scores } of scored) {
      if (previous !== undefined && compareScores(previous, scores) === 0) {
        groups[groups.length - 1]!.push(cell);
      } else {
        groups.push([cell]);
      }
      previous = scores;
    }
    return groups;
  }

  /**
   * Offers the cells' instances in cluster order. With nothing left to rank
   * by (the leading spreads were all), the first that fits in a cell is that
   * cell's best, so the cell stops there; otherwise (random) every instance
   * is offered.
   */
  private scanCells(cells: readonly Cell[], firstWins: boolean, ranking: CandidateRanking): void {
    for (const cell of cells) {
      for (const slot of cell.members) {
        if (ranking.offer(slot, this.views[slot]!) && firstWins) break;
      }
    }
  }

  // --- indexes -------------------------------------------------------------

  /**
   * The instances that can take the request's tasks at all — ACTIVE, agent
   * connected, and passing the request's static `memberOf` expressions (none
   * of which placing tasks can change) — split by their values of
   * `attributes`. Built once per combination and then kept up to date.
   */
  private partition(attributes: readonly string[], constraints: readonly Expression[]): Partition {
    const key = `${attributes.join('\u0000')}\u0001${constraints.map((e) => this.idOf(e)).join(',')}`;
    let partition = this.partitions.get(key);
    if (partition === undefined) {
      // Every partition is maintained on every placement: keep their number bounded.
      if (this.partitions.size >= MAX_PARTITIONS) this.partitions.clear();
      const cells: Cell[] = [];
      const byValues = new Map<string, number>();
      const cellOf = new Int32Array(this.views.length).fill(-1);
      this.views.forEach((view, slot) => {
        // Status, agent and static expressions only change through `upsert`, which rebuilds
        // partitions: instances that fail them are left out of the search altogether.
        if (!isSchedulable(view)) return;
        if (!constraints.every((expression) => this.memo.matches(expression, view))) return;
        const values = attributes.map((attribute) => attributeOf(view, attribute));
        // JSON keeps undefined (a lacking attribute) apart from every string value.
        const valuesKey = JSON.stringify(
          values.map((value) => (value === undefined ? null : value)),
        );
        let cell = byValues.get(valuesKey);
        if (cell === undefined) {
          cell = cells.push({ values, members: [], sorted: {}, byGroup: new Map() }) - 1;
          byValues.set(valuesKey, cell);
        }
        cells[cell]!.members.push(slot);
        cellOf[slot] = cell;
      });
      partition = { attributes, cells, cellOf };
      this.partitions.set(key, partition);
    }
    return partition;
  }

  /** A small number standing for a parsed expression in partition keys (parsed expressions are cached per text). */
  private idOf(expression: Expression): number {
    let id = this.expressionIds.get(expression);
    if (id === undefined) {
      this.lastExpressionId += 1;
      id = this.lastExpressionId;
      this.expressionIds.set(expression, id);
    }
    return id;
  }

  private resourceIndex(cell: Cell, resource: Resource): SortedSlots {
    let index = cell.sorted[resource];
    if (index === undefined) {
      const other = resource === 'cpu' ? this.keys.memory : this.keys.cpu;
      index = new SortedSlots(this.keys[resource], other, cell.members);
      cell.sorted[resource] = index;
    }
    return index;
  }

  private groupIndex(cell: Cell, group: string): SortedSlots {
    let index = cell.byGroup.get(group);
    if (index === undefined) {
      // No "other key": a group index changes only with the group's own tasks,
      // so it need not move when CPU or memory does.
      index = new SortedSlots(this.groupKeysOf(group), this.zeros, cell.members);
      cell.byGroup.set(group, index);
    }
    return index;
  }

  private groupKeysOf(group: string): Float64Array {
    let keys = this.groupKeys.get(group);
    if (keys === undefined) {
      keys = Float64Array.from(this.views, (view) => view.taskGroups.get(group) ?? 0);
      this.groupKeys.set(group, keys);
    }
    return keys;
  }

  /** Tasks of `group` on instances whose `attribute` is `value`, counted once, then maintained. */
  private groupCount(group: string, attribute: string, value: string | undefined): number {
    let byAttribute = this.groupCounts.get(group);
    if (byAttribute === undefined) {
      byAttribute = new Map();
      this.groupCounts.set(group, byAttribute);
    }
    let counts = byAttribute.get(attribute);
    if (counts === undefined) {
      counts = new Map();
      for (const view of this.views) {
        const tasks = view.taskGroups.get(group) ?? 0;
        if (tasks === 0) continue;
        const key = attributeOf(view, attribute);
        counts.set(key, (counts.get(key) ?? 0) + tasks);
      }
      byAttribute.set(attribute, counts);
    }
    return counts.get(value) ?? 0;
  }

  private contextFor(group: string): PlacementContext {
    return {
      matches: (expression, instance) => this.memo.matches(expression, instance),
      groupTasksWhere: (attribute, value) => this.groupCount(group, attribute, value),
    };
  }

  private compile(text: string): Expression {
    let expression = this.expressions.get(text);
    if (expression === undefined) {
      expression = parseExpression(text);
      if (this.expressions.size >= MAX_CACHED_EXPRESSIONS) this.expressions.clear();
      this.expressions.set(text, expression);
    }
    return expression;
  }

  // --- updates -------------------------------------------------------------

  /** Adds (`sign` 1) or removes (`sign` -1) one task on a slot, keeping every index and count in step. */
  private apply(slot: number, task: TaskResources, sign: 1 | -1): void {
    const view = this.views[slot]!;
    // Indexes find a slot by its keys (each summarises the other resource too):
    // take it out of every index before either key changes, put it back after.
    const moves = task.cpu !== 0 || task.memory !== 0;
    if (moves) this.forEachResourceIndex(slot, (index) => index.remove(slot));
    view.remaining.cpu -= sign * task.cpu;
    view.remaining.memory -= sign * task.memory;
    this.keys.cpu[slot] = view.remaining.cpu;
    this.keys.memory[slot] = view.remaining.memory;
    if (moves) this.forEachResourceIndex(slot, (index) => index.insert(slot));

    for (const port of fixedPorts(task.ports)) {
      if (sign > 0) view.remaining.ports.add(port);
      else view.remaining.ports.delete(port);
    }
    for (const port of fixedPorts(task.portsUdp)) {
      if (sign > 0) view.remaining.portsUdp.add(port);
      else view.remaining.portsUdp.delete(port);
    }

    const tasks = Math.max(0, (view.taskGroups.get(task.group) ?? 0) + sign);
    if (tasks > 0) view.taskGroups.set(task.group, tasks);
    else view.taskGroups.delete(task.group);
    const groupKeys = this.groupKeys.get(task.group);
    if (groupKeys !== undefined) {
      this.forEachGroupIndex(slot, task.group, (index) => index.remove(slot));
      groupKeys[slot] = tasks;
      this.forEachGroupIndex(slot, task.group, (index) => index.insert(slot));
    }
    view.runningTasksCount = Math.max(0, view.runningTasksCount + sign);

    const byAttribute = this.groupCounts.get(task.group);
    if (byAttribute !== undefined) {
      for (const [attribute, counts] of byAttribute) {
        const value = attributeOf(view, attribute);
        counts.set(value, (counts.get(value) ?? 0) + sign);
      }
    }
  }

  private forEachResourceIndex(slot: number, action: (index: SortedSlots) => void): void {
    for (const partition of this.partitions.values()) {
      const cell = partition.cells[partition.cellOf[slot]!];
      if (cell === undefined) continue;
      if (cell.sorted.cpu !== undefined) action(cell.sorted.cpu);
      if (cell.sorted.memory !== undefined) action(cell.sorted.memory);
    }
  }

  private forEachGroupIndex(
    slot: number,
    group: string,
    action: (index: SortedSlots) => void,
  ): void {
    for (const partition of this.partitions.values()) {
      const index = partition.cells[partition.cellOf[slot]!]?.byGroup.get(group);
      if (index !== undefined) action(index);
    }
  }
}

export { PlacementState };
