import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler } from '../../../functions/console/handler';

// The built app is embedded at bundling (local/esbuildPlugins.cjs); here, two stand-in texts.
jest.mock('berth-console-assets', () => ({ appJs: 'app();', indexHtml: '<main></main>' }), {
  virtual: true,
});

const get = (rawPath: string) => handler({ rawPath } as APIGatewayProxyEventV2);

describe('The console function', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    ['/console', 'text/html; charset=utf-8', '<main></main>'],
    ['/console/', 'text/html; charset=utf-8', '<main></main>'],
    ['/console/app.js', 'text/javascript; charset=utf-8', 'app();'],
  ])('serves %s as %s', async (path, contentType, body) => {
    const response = await get(path);
    expect(response).toMatchObject({ statusCode: 200, body });
    expect(response.headers).toMatchObject({
      'content-type': contentType,
      'x-content-type-options': 'nosniff',
    });
  });

  it('answers 404 for anything else', async () => {
    await expect(get('/console/../secrets')).resolves.toMatchObject({ statusCode: 404 });
  });

  it('tells the page where the events stream is, locally', async () => {
    process.env.BERTH_EVENTS_ENDPOINT = 'http://127.0.0.1:8084';
    process.env.BERTH_REGION = 'eu-west-1';
    process.env.IS_OFFLINE = 'true';
    const { body } = await get('/console/config.json');
    expect(JSON.parse(String(body))).toEqual({
      region: 'eu-west-1',
      metricsNamespace: 'AWS/ECS',
      refreshSeconds: 15,
      eventsUrl: 'http://127.0.0.1:8084/events',
    });
  });

  it('on AWS gives no stream, so that pages refresh, and Berth’s own metrics namespace', async () => {
    delete process.env.BERTH_EVENTS_ENDPOINT;
    delete process.env.IS_OFFLINE;
    delete process.env.BERTH_METRICS_NAMESPACE;
    delete process.env.BERTH_REGION;
    process.env.AWS_REGION = 'us-west-2';
    const { body } = await get('/console/config.json');
    expect(JSON.parse(String(body))).toEqual({
      region: 'us-west-2',
      metricsNamespace: 'Berth/ECS',
      refreshSeconds: 15,
    });
  });
});
