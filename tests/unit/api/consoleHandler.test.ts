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

  it.each([
    [
      'where the events stream is, locally',
      {
        BERTH_EVENTS_ENDPOINT: 'http://127.0.0.1:8084',
        BERTH_REGION: 'eu-west-1',
        IS_OFFLINE: 'true',
      },
      {
        region: 'eu-west-1',
        metricsNamespace: 'AWS/ECS',
        refreshSeconds: 15,
        eventsUrl: 'http://127.0.0.1:8084/events',
      },
    ],
    [
      'no stream on AWS, so that pages refresh, and Berth’s own metrics namespace',
      {
        BERTH_EVENTS_ENDPOINT: undefined,
        IS_OFFLINE: undefined,
        BERTH_METRICS_NAMESPACE: undefined,
        BERTH_REGION: undefined,
        AWS_REGION: 'us-west-2',
      },
      { region: 'us-west-2', metricsNamespace: 'Berth/ECS', refreshSeconds: 15 },
    ],
  ])('tells the page %s', async (_case, environment, expected) => {
    for (const [name, value] of Object.entries(environment)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const { body } = await get('/console/config.json');
    expect(JSON.parse(String(body))).toEqual(expected);
  });
});
