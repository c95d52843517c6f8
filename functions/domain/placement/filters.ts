import type { PlacementContext, PreparedRequest } from './context';
import {
  INSTANCE_STATUS,
  PLACEMENT_FAILURE_REASON,
  type PlacementFailureReason,
  type PlacementInstance,
} from './model';

/**
 * Feasibility filters: each answers "can this task go on this instance?" for
 * one rule and, when it cannot, says why in ECS's own words (the
 * `failures[].reason` of RunTask). "Does not fit" is a result, never an
 * exception: a thrown error in here is a bug.
 *
 * Filters are small stateless objects so that the pipeline can list them in
 * order, the engine can count how many an instance passed (the "closest
 * matching instance" of a failure), and each can be tested on its own.
 */

type FilterResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: PlacementFailureReason };

interface PlacementFilter {
  /** A stable name, for explanations and tests. */
  readonly name: string;
  check(
    instance: PlacementInstance,
    request: PreparedRequest,
    context: PlacementContext,
  ): FilterResult;
}

// Shared, frozen results: filters run millions of times and must not allocate.
const PASS: FilterResult = Object.freeze({ ok: true });
const rejection = (reason: PlacementFailureReason): FilterResult =>
  Object.freeze({ ok: false, reason });
const INACTIVE = rejection(PLACEMENT_FAILURE_REASON.inactive);
const AGENT = rejection(PLACEMENT_FAILURE_REASON.agent);
const CPU = rejection(PLACEMENT_FAILURE_REASON.cpu);
const MEMORY = rejection(PLACEMENT_FAILURE_REASON.memory);
const PORTS = rejection(PLACEMENT_FAILURE_REASON.ports);
const ATTRIBUTE = rejection(PLACEMENT_FAILURE_REASON.attribute);

/** Only ACTIVE instances take tasks; DRAINING ones are being emptied (ECS places nothing new there). */
const statusFilter = {
  name: 'InstanceActive',
  check: (instance) => (instance.status === INSTANCE_STATUS.active ? PASS : INACTIVE),
} as const satisfies PlacementFilter;

/** A task handed to a host without a connected agent would never start (`AGENT`). */
const agentFilter = {
  name: 'AgentConnected',
  check: (instance) => (instance.agentConnected ? PASS : AGENT),
} as const satisfies PlacementFilter;

const cpuFilter = {
  name: 'CpuAvailable',
  check: (instance, request) => (instance.remaining.cpu >= request.cpu ? PASS : CPU),
} as const satisfies PlacementFilter;

const memoryFilter = {
  name: 'MemoryAvailable',
  check: (instance, request) => (instance.remaining.memory >= request.memory ? PASS : MEMORY),
} as const satisfies PlacementFilter;

/** Every fixed host port, TCP and UDP, must be free (`RESOURCE:PORTS` for either protocol). */
const portsFilter = {
  name: 'PortsAvailable',
  check: (instance, request) => {
    for (const port of request.ports) if (instance.remaining.ports.has(port)) return PORTS;
    for (const port of request.portsUdp) if (instance.remaining.portsUdp.has(port)) return PORTS;
    return PASS;
  },
} as const satisfies PlacementFilter;

/**
 * `distinctInstance`: no other task of the group on the instance — counting
 * the tasks this same request already placed, because the engine updates its
 * view after each one.
 */
const distinctInstanceFilter = {
  name: 'DistinctInstance',
  check: (instance, request) =>
    (instance.taskGroups.get(request.group) ?? 0) > 0 ? ATTRIBUTE : PASS,
} as const satisfies PlacementFilter;

/** Every `memberOf` expression (the request's and the task definition's) must hold. */
const memberOfFilter = {
  name: 'MemberOf',
  check: (instance, request, context) => {
    for (const expression of request.memberOf) {
      if (!context.matches(expression, instance)) return ATTRIBUTE;
    }
    return PASS;
  },
} as const satisfies PlacementFilter;

export {
  agentFilter,
  cpuFilter,
  distinctInstanceFilter,
  type FilterResult,
  memberOfFilter,
  memoryFilter,
  type PlacementFilter,
  portsFilter,
  statusFilter,
};
