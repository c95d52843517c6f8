import { placeTasks } from '../placement/engine';
import type {
  PlacementConstraintSpec,
  PlacementInstance,
  PlacementStrategySpec,
} from '../placement/model';
import type { PlacementAsk } from './dependencies';

/**
 * Asks the placement engine where a launch's tasks go, translating between
 * the task service's terms (`tcp:80` ports, instance ids) and the engine's.
 */
const placeOnRecords = (instances: PlacementInstance[], ask: PlacementAsk) => {
  const ports = (protocol: string) =>
    ask.ports
      .filter((port) => port.startsWith(`${protocol}:`))
      .map((port) => Number(port.slice(protocol.length + 1)));
  const result = placeTasks(instances, {
    count: ask.count,
    cpu: ask.cpu,
    memory: ask.memory,
    ports: ports('tcp'),
    portsUdp: ports('udp'),
    group: ask.group,
    constraints: ask.constraints as PlacementConstraintSpec[],
    strategies: ask.strategies as PlacementStrategySpec[],
  });
  return {
    placements: result.placements.map((placement) => ({ instanceId: placement.instanceId })),
    failures: result.failures.map((failure) => ({
      instanceId: failure.arn.split('/').at(-1),
      reason: failure.reason,
    })),
  };
};

export { placeOnRecords };
