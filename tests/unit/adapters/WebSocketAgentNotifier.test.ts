import { WebSocketAgentNotifier } from '../../../functions/adapters/apigateway/WebSocketAgentNotifier';
import { StandInService, verifiedClaim } from '../../helpers/standInService';

/** The agents' push against a stand-in of API Gateway's management API. */

let api: StandInService;
const saved = { ...process.env };

beforeAll(async () => {
  api = await StandInService.start();
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFUNCTION';
  process.env.AWS_SECRET_ACCESS_KEY = 'function-secret';
});
afterAll(async () => {
  process.env = saved;
  await api.close();
});
beforeEach(() => api.reset());

const tasks = [{ taskArn: 'arn:aws:ecs:eu-west-1:1:task/demo/abc' }] as never;

describe('Class: WebSocketAgentNotifier', () => {
  it('posts the task list to the connection under the API’s stage, signed for execute-api', async () => {
    const endpoint = `${api.outwardEndpoint}/prod`;
    const notifier = new WebSocketAgentNotifier({ endpoint, region: 'eu-west-1' });

    await expect(notifier.push('Ab1=', tasks)).resolves.toBe(true);

    const [got] = api.requests;
    expect(got?.raw).toMatchObject({ method: 'POST', url: '/prod/@connections/Ab1%3D' });
    expect(got?.body).toEqual({ type: 'tasks', tasks });
    if (!endpoint.includes('127.0.0.1') && got) {
      // Berth's own verifier accepts what the SDK's signer made of it.
      const claim = verifiedClaim(got.raw, 'function-secret', {
        region: 'eu-west-1',
        service: 'execute-api',
      });
      expect(claim).toMatchObject({ accessKeyId: 'AKIDFUNCTION' });
    }
  });

  it('says false for a connection that is gone (410), and throws on any other refusal', async () => {
    const notifier = new WebSocketAgentNotifier({ endpoint: api.endpoint, region: 'eu-west-1' });

    api.answer = () => ({ status: 410, body: { message: 'Gone' } });
    await expect(notifier.push('gone', tasks)).resolves.toBe(false);
    api.answer = () => ({ status: 403, body: { message: 'Forbidden' } });
    await expect(notifier.push('other', tasks)).rejects.toThrow('PostToConnection answered 403');
    // A refusal is an answer: asked once each.
    expect(api.requests).toHaveLength(2);
  });

  it.each([
    ['a connection closed without an answer', 'hang up' as const],
    ['a 500', { status: 500, body: { message: 'Internal' } }],
    ['throttling (429)', { status: 429, body: { message: 'LimitExceededException' } }],
  ])('tries again after %s, and delivers', async (_case, failure) => {
    const notifier = new WebSocketAgentNotifier({ endpoint: api.endpoint, region: 'eu-west-1' });
    let calls = 0;
    api.answer = () => {
      calls += 1;
      return calls === 1 ? failure : { status: 200, body: {} };
    };

    await expect(notifier.push('Ab1=', tasks)).resolves.toBe(true);

    expect(api.requests).toHaveLength(2);
    expect(api.requests[1]?.body).toEqual({ type: 'tasks', tasks });
  });

  it('gives up after three tries without an answer, throwing with its code', async () => {
    const notifier = new WebSocketAgentNotifier({ endpoint: api.endpoint, region: 'eu-west-1' });
    api.answer = () => 'hang up';

    await expect(notifier.push('Ab1=', tasks)).rejects.toMatchObject({ code: 'ECONNRESET' });

    expect(api.requests).toHaveLength(3);
  });
});
