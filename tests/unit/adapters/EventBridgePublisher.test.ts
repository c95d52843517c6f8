import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher } from '../../../functions/adapters/eventbridge/EventBridgePublisher';
import type { EcsEvent } from '../../../functions/domain/ports/EventPublisher';

const event = (index: number): EcsEvent =>
  ({
    detailType: 'ECS Task State Change',
    resources: [`arn:aws:ecs:us-east-1:1:task/demo/${index}`],
    detail: { lastStatus: 'RUNNING', version: index },
  }) as unknown as EcsEvent;

describe('Class: EventBridgePublisher', () => {
  const eventBridge = mockClient(EventBridgeClient);
  beforeEach(() => eventBridge.reset());
  afterAll(() => eventBridge.restore());

  it('publishes as ECS (aws.ecs) by default, ten entries per PutEvents', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher({ region: 'us-east-1' }, 'default');

    await publisher.publish(Array.from({ length: 12 }, (_, index) => event(index)));

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      Source: 'aws.ecs',
      DetailType: 'ECS Task State Change',
      EventBusName: 'default',
      Detail: JSON.stringify({ lastStatus: 'RUNNING', version: 0 }),
    });
  });

  it('publishes under the source it is given (berth.ecs on AWS, which refuses aws.* sources)', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher({ region: 'us-east-1' }, 'bus', 'berth.ecs');

    await publisher.publish([event(1)]);

    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Source).toBe(
      'berth.ecs',
    );
  });

  it('only logs a refused publish: the change it reports is already committed', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('NotAuthorizedForSourceException'));
    const publisher = new EventBridgePublisher({ region: 'us-east-1' }, 'default');

    await expect(publisher.publish([event(1)])).resolves.toBeUndefined();
  });
});
