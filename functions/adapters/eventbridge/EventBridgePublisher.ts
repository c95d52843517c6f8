import { logger } from '../../config/logger';
import type { EcsEvent, EventPublisher } from '../../domain/ports/EventPublisher';
import { AwsJsonClient } from '../AwsJsonClient';

/**
 * Publishes ECS events with PutEvents: to the account's EventBridge bus on
 * AWS, to the local events server (local/events) on one machine.
 *
 * The source is ECS's own, `aws.ecs`, on the local stack, so that rules and
 * subscriptions written for ECS match. On AWS, EventBridge refuses PutEvents
 * from any source under `aws.` (those are AWS's own services), so Berth
 * publishes as `berth.ecs` there (`BERTH_EVENT_SOURCE`).
 *
 * PutEvents goes through `AwsJsonClient` (ADR 13: the SDK client's per-call
 * work was most of what a call cost, and a task publishes three times).
 */

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;

class EventBridgePublisher implements EventPublisher {
  readonly #client: AwsJsonClient;

  constructor(
    options: { region: string; endpoint?: string | undefined },
    private readonly eventBusName: string,
    private readonly source = 'aws.ecs',
  ) {
    this.#client = new AwsJsonClient({
      protocol: { service: 'events', targetPrefix: 'AWSEvents', jsonVersion: '1.1' },
      region: options.region,
      endpoint: options.endpoint,
      maxAttempts: 3,
      requestTimeout: 10_000,
      countAs: 'EventBridge',
    });
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
      const { FailedEntryCount = 0, Entries = [] } = await this.#client.call<{
        FailedEntryCount?: number;
        Entries?: { ErrorCode?: string; ErrorMessage?: string }[];
      }>('PutEvents', {
        Entries: events.slice(start, start + BATCH).map((event) => ({
          Source: this.source,
          DetailType: event.detailType,
          Resources: event.resources,
          Detail: JSON.stringify(event.detail),
          EventBusName: this.eventBusName,
        })),
      });
      if (FailedEntryCount > 0) {
        const failed = Entries.filter((entry) => entry.ErrorCode !== undefined);
        logger.error('EventBridge refused some ECS events', {
          count: FailedEntryCount,
          errors: failed.map((entry) => `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`),
        });
      }
    }
  }
}

export { EventBridgePublisher };
