/**
 * ECS-shaped events (source `aws.ecs`) for EventBridge: `ECS Task State
 * Change`, `ECS Container Instance State Change`, … The publisher adds the
 * envelope (id, time, account, region).
 */
interface EcsEvent {
  readonly detailType:
    | 'ECS Task State Change'
    | 'ECS Container Instance State Change'
    | 'ECS Service Action'
    | 'ECS Deployment State Change';
  /** The ARNs the event is about. */
  readonly resources: string[];
  /** As DescribeTasks/DescribeContainerInstances show it (or ECS's service event detail), with ISO timestamps. */
  readonly detail: Record<string, unknown>;
}

interface EventPublisher {
  publish(events: readonly EcsEvent[]): Promise<void>;
}

export type { EcsEvent, EventPublisher };
