import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { logger } from '../../config/logger';
import type { EcsEvent, EventPublisher } from '../../domain/ports/EventPublisher';
import { connectionSettings, REUSED_MIDDLEWARE } from '../connections';
import { countRequests } from '../requestCounts';

/**
 * Publishes ECS events with PutEvents: to the account's EventBridge bus on
 * AWS, to the local events server (local/events) on one machine.
 *
 * The source is ECS's own, `aws.ecs`, on the local stack, so that rules and
 * subscriptions written for ECS match. On AWS, EventBridge refuses PutEvents
 * from any source under `aws.` (those are AWS's own services), so Berth
 * publishes as `berth.ecs` there (`BERTH_EVENT_SOURCE`).
 */

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;

class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient;

  constructor(
    options: { region: string; endpoint?: string | undefined },
    private readonly eventBusName: string,
    private readonly source = 'aws.ecs',
  ) {
    this.#client = new EventBridgeClient({
      region: options.region,
      maxAttempts: 3,
      ...connectionSettings(options.endpoint),
      ...REUSED_MIDDLEWARE,
    });
    countRequests(this.#client.middlewareStack, 'EventBridge');
  }

  /**
   * Best effort, as a state change is already committed when its event goes
   * out: a failure is logged, never turned into a failed API call.
   */
  async publish(events: readonly EcsEvent[]): Promise<void> {
    try {
      await this.#send(events);
    } catch (error) {
      logger.error('Could not publish ECS events', { error, count: events.length });
    }
  }

  async #send(events: readonly EcsEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += BATCH) {
      await this.#client.send(
        new PutEventsCommand({
          Entries: events.slice(start, start + BATCH).map((event) => ({
            Source: this.source,
            DetailType: event.detailType,
            Resources: event.resources,
            Detail: JSON.stringify(event.detail),
            EventBusName: this.eventBusName,
          })),
        }),
      );
    }
  }
}

export { EventBridgePublisher };
