import { EventBridgePublisher } from '../../../functions/adapters/eventbridge/EventBridgePublisher';
import { logger } from '../../../functions/config/logger';
import type { EcsEvent } from '../../../functions/domain/ports/EventPublisher';
import { StandInService } from '../../helpers/standInService';

/** The publisher against a stand-in EventBridge that records each PutEvents. */

let eventBridge: StandInService;
let endpoint = '';
const entriesOf = (index: number) =>
  (eventBridge.requests[index]?.body.Entries ?? []) as Record<string, unknown>[];

beforeAll(async () => {
  eventBridge = await StandInService.start();
  endpoint = eventBridge.endpoint;
});
afterAll(() => eventBridge.close());
beforeEach(() => {
  eventBridge.reset();
  eventBridge.answer = () => ({ status: 200, body: { FailedEntryCount: 0, Entries: [] } });
  jest.restoreAllMocks();
});

const event = (index: number): EcsEvent =>
  ({
    detailType: 'ECS Task State Change',
    resources: [`arn:aws:ecs:us-east-1:1:task/demo/${index}`],
    detail: { lastStatus: 'RUNNING', version: index },
  }) as unknown as EcsEvent;

describe('Class: EventBridgePublisher', () => {
  it('publishes as ECS (aws.ecs) by default, ten entries per PutEvents', async () => {
    const publisher = new EventBridgePublisher({ region: 'us-east-1', endpoint }, 'default');

    await publisher.publish(Array.from({ length: 12 }, (_, index) => event(index)));

    expect(eventBridge.requests.map((_, index) => entriesOf(index).length)).toEqual([10, 2]);
    expect(eventBridge.requests[0]).toMatchObject({
      target: 'AWSEvents.PutEvents',
      contentType: 'application/x-amz-json-1.1',
    });
    expect(entriesOf(0)[0]).toEqual({
      Source: 'aws.ecs',
      DetailType: 'ECS Task State Change',
      Resources: ['arn:aws:ecs:us-east-1:1:task/demo/0'],
      EventBusName: 'default',
      Detail: JSON.stringify({ lastStatus: 'RUNNING', version: 0 }),
    });
  });

  it('publishes under the source it is given (berth.ecs on AWS, which refuses aws.* sources)', async () => {
    const publisher = new EventBridgePublisher(
      { region: 'us-east-1', endpoint },
      'bus',
      'berth.ecs',
    );

    await publisher.publish([event(1)]);

    expect(entriesOf(0)[0]?.Source).toBe('berth.ecs');
  });

  it('only logs a refused publish: the change it reports is already committed', async () => {
    eventBridge.answer = () => ({
      status: 400,
      body: {
        __type: 'NotAuthorizedForSourceException',
        message: 'Not authorized for the source.',
      },
    });
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const publisher = new EventBridgePublisher({ region: 'us-east-1', endpoint }, 'default');

    await expect(publisher.publish([event(1)])).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith('Could not publish ECS events', expect.anything());
    expect(eventBridge.requests).toHaveLength(1);
  });

  it('logs the entries EventBridge left out', async () => {
    eventBridge.answer = () => ({
      status: 200,
      body: {
        FailedEntryCount: 1,
        Entries: [{ EventId: '1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      },
    });
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const publisher = new EventBridgePublisher({ region: 'us-east-1', endpoint }, 'default');

    await publisher.publish([event(1), event(2)]);

    expect(logged).toHaveBeenCalledWith('EventBridge refused some ECS events', {
      count: 1,
      errors: ['InternalFailure: try again'],
    });
  });
});
