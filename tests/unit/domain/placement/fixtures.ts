import {
  type PlacementInstance,
  type PlacementRequest,
  type PlacementResult,
  withTaskPlaced,
} from '../../../../functions/domain/placement/model';

/**
 * Builders for placement tests: a small ACTIVE instance with a connected
 * agent and a task request that fits it, both overridable field by field.
 */

interface InstanceOptions extends Partial<Omit<PlacementInstance, 'remaining' | 'taskGroups'>> {
  readonly cpu?: number;
  readonly memory?: number;
  readonly ports?: readonly number[];
  readonly portsUdp?: readonly number[];
  readonly zone?: string;
  readonly type?: string;
  readonly groups?: Record<string, number>;
}

const ARN_PREFIX = 'arn:aws:ecs:us-east-1:123456789012:container-instance/test/';

/** An ACTIVE instance `id` with 2048 CPU units and 4096 MiB left unless told otherwise. */
function instance(id: string, options: InstanceOptions = {}): PlacementInstance {
  const {
    cpu = 2048,
    memory = 4096,
    ports = [],
    portsUdp = [],
    zone = 'us-east-1a',
    type = 'm5.large',
    groups = {},
    attributes,
    ...rest
  } = options;
  const taskGroups = new Map(Object.entries(groups));
  return {
    arn: `${ARN_PREFIX}${id}`,
    id,
    status: 'ACTIVE',
    agentConnected: true,
    agentVersion: '1.82.0',
    ec2InstanceId: `i-${id}`,
    registeredAt: Date.UTC(2024, 0, 1),
    runningTasksCount: [...taskGroups.values()].reduce((sum, count) => sum + count, 0),
    attributes: attributes ?? {
      'ecs.availability-zone': zone,
      'ecs.instance-type': type,
      'ecs.os-type': 'linux',
    },
    registered: { cpu: 2048, memory: 4096 },
    remaining: { cpu, memory, ports: new Set(ports), portsUdp: new Set(portsUdp) },
    taskGroups,
    ...rest,
  };
}

/** One task of 256 CPU units and 512 MiB in group `family:web`, no constraints, binpack memory. */
function request(overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return {
    count: 1,
    cpu: 256,
    memory: 512,
    ports: [],
    portsUdp: [],
    group: 'family:web',
    constraints: [],
    strategies: [{ type: 'binpack', field: 'memory' }],
    ...overrides,
  };
}

/** The cluster as it stands once `result`'s tasks of `placed` are on their instances. */
const afterPlacements = (
  view: readonly PlacementInstance[],
  result: PlacementResult,
  placed: PlacementRequest,
): PlacementInstance[] => {
  let next = [...view];
  for (const { instanceId } of result.placements) {
    const slot = next.findIndex((target) => target.id === instanceId);
    next = next.with(slot, withTaskPlaced(next[slot]!, placed));
  }
  return next;
};

export { ARN_PREFIX, afterPlacements, type InstanceOptions, instance, request };
