import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { appJs, indexHtml } from 'berth-console-assets';
import { readMetricsNamespace, readOffline, readRegion } from '../config/environment';

/**
 * `GET /console`: the web console, a single-page app that calls Berth's
 * public API from the browser (signed with the user's key). This function
 * only hands out its page, its script and where the events stream is.
 */

/**
 * Read per request, with the handlers' own readers: the console needs only
 * these, not the whole configuration (which wants every handler's variables).
 */
const eventsEndpoint = (): string | undefined => process.env.BERTH_EVENTS_ENDPOINT || undefined;

const respond = (
  contentType: string,
  body: string,
  statusCode = 200,
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: {
    'content-type': contentType,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  },
  body,
});

const handler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> => {
  switch (event.rawPath) {
    case '/console':
    case '/console/':
      return respond('text/html; charset=utf-8', indexHtml);
    case '/console/app.js':
      return respond('text/javascript; charset=utf-8', appJs);
    case '/console/config.json':
      return respond(
        'application/json',
        JSON.stringify({
          region: readRegion(),
          metricsNamespace: readMetricsNamespace(readOffline()),
          // Without a stream, shown pages read again this often.
          refreshSeconds: 15,
          // Locally the events server's stream; on AWS there is none (pages refresh).
          ...(eventsEndpoint() ? { eventsUrl: `${eventsEndpoint()}/events` } : {}),
        }),
      );
    default:
      return respond('text/plain', 'Not found', 404);
  }
};

export { handler };
