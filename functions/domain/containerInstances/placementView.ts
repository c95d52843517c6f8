import type { ContainerInstanceRecord } from '../model';
import type { PlacementInstance } from '../placement/model';

/**
 * A stored container instance as the placement engine and the cluster query
 * language see it.
 */
const toPlacementInstance = (
  record: ContainerInstanceRecord,
  arn: string,
  agentConnected: boolean,
): PlacementInstance => {
  const ports = (protocol: string) =>
    new Set(
      record.usedPorts
        .filter((port) => port.startsWith(`${protocol}:`))
        .map((port) => Number(port.slice(protocol.length + 1))),
    );
  return {
    arn,
    id: record.id,
    status: record.status,
    agentConnected,
    agentVersion: record.versionInfo.agentVersion,
    registeredAt: record.registeredAt,
    runningTasksCount: record.runningTasksCount,
    attributes: Object.fromEntries(
      Object.entries(record.attributes).map(([name, value]) => [name, value ?? undefined]),
    ),
    remaining: {
      cpu: record.remainingCpu,
      memory: record.remainingMemory,
      ports: ports('tcp'),
      portsUdp: ports('udp'),
    },
    registered: { cpu: record.totalCpu, memory: record.totalMemory },
    taskGroups: new Map(Object.entries(record.taskGroups).filter(([, count]) => count > 0)),
  };
};

export { toPlacementInstance };
