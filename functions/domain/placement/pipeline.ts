import type { PreparedRequest } from './context';
import {
  agentFilter,
  cpuFilter,
  distinctInstanceFilter,
  memberOfFilter,
  memoryFilter,
  type PlacementFilter,
  portsFilter,
  statusFilter,
} from './filters';
import type { StrategyRule } from './model';
import { type PlacementStrategyPlugin, strategyPlugin } from './strategies';

/** What placing one request runs: filters in order, then strategies as tie-breakers. */
interface PlacementPipeline {
  readonly filters: readonly PlacementFilter[];
  /** Scoring strategies in order (those before a `random`, if any). */
  readonly strategies: readonly PlacementStrategyPlugin[];
  /** Whether the last tie is broken at random rather than by cluster order. */
  readonly random: boolean;
}

/**
 * Assembles the pipeline for one request, in the order ECS documents:
 * filter by status and agent, then by CPU, memory and ports, then by the
 * constraints, and rank what is left by the strategies.
 *
 * The order matters twice. For speed, cheap checks run first: two field
 * reads reject a DRAINING or disconnected instance before any arithmetic,
 * and a query-language expression (the only costly check) runs last, on
 * instances that fit. For faithfulness, the order *is* the failure reason: a
 * task that cannot be placed is reported against the instance that passed the
 * most filters, with the reason of the first filter it failed — so an
 * instance that fits but violates a constraint says `ATTRIBUTE`, and one that
 * is too small says `RESOURCE:MEMORY`, as ECS does.
 *
 * @example
 * const pipeline = buildPlacementPipeline(prepareRequest(request));
 * pipeline.filters.map((filter) => filter.name); // ['InstanceActive', 'AgentConnected', 'CpuAvailable', …]
 */
function buildPlacementPipeline(request: PreparedRequest): PlacementPipeline {
  const filters: PlacementFilter[] = [
    // Status and agent first: no arithmetic, and they rule out whole classes of hosts.
    statusFilter,
    agentFilter,
    // Resources in ECS's reporting order; CPU before memory as ECS checks them.
    cpuFilter,
    memoryFilter,
  ];
  // Ports only when the task has fixed host ports: most use dynamic or awsvpc ports.
  if (request.ports.length > 0 || request.portsUdp.length > 0) filters.push(portsFilter);
  // Constraints last (ECS: "filter by constraints" after resources); the group count is a map read,
  // the expressions are the only costly check and are memoised when static.
  if (request.distinctInstance) filters.push(distinctInstanceFilter);
  if (request.memberOf.length > 0) filters.push(memberOfFilter);

  // Strategies: ordered tie-breakers. The rules end at the first `random`, which breaks
  // every remaining tie itself (prepareRequest has already cut anything after it).
  const scored = request.rules.filter(
    (rule): rule is Exclude<StrategyRule, { type: 'random' }> => rule.type !== 'random',
  );
  return {
    filters,
    strategies: scored.map(strategyPlugin),
    random: scored.length < request.rules.length,
  };
}

export { buildPlacementPipeline, type PlacementPipeline };
