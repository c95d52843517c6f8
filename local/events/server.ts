import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../http';

/**
 * EventBridge for one machine: the handlers publish with the real
 * `PutEvents` (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`), and
 * subscribers receive every event, in order, as Server-Sent Events:
 *
 *   curl -N 'http://127.0.0.1:8084/events?detail-type=ECS%20Task%20State%20Change'
 *
 * Each event is the EventBridge envelope (`version`, `id`, `detail-type`,
 * `source`, `account`, `time`, `region`, `resources`, `detail`). A subscriber
 * may pass `source`, `detail-type` (repeatable) to filter, and `replay=N` to
 * first receive the last N events kept in memory (up to 1,000).
 */

interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: unknown;
}

interface Subscriber {
  readonly response: ServerResponse;
  readonly sources: string[];
  readonly detailTypes: string[];
}

const KEPT = 1_000;

const matches = (subscriber: Subscriber, event: EventEnvelope): boolean =>
  (subscriber.sources.length === 0 || subscriber.sources.includes(event.source)) &&
  (subscriber.detailTypes.length === 0 || subscriber.detailTypes.includes(event['detail-type']));

const startEventsServer = async (options: {
  port: number;
  host?: string;
  accountId: string;
  region: string;
}): Promise<{ url: string; close(): Promise<void> }> => {
  const kept: EventEnvelope[] = [];
  const subscribers = new Set<Subscriber>();

  const deliver = (event: EventEnvelope) => {
    kept.push(event);
    if (kept.length > KEPT) kept.shift();
    for (const subscriber of subscribers) {
      if (matches(subscriber, event))
        subscriber.response.write(`data: ${JSON.stringify(event)}\n\n`);
    }
  };

  const putEvents = (body: string): { status: number; payload: unknown } => {
    let entries: unknown;
    try {
      entries = (JSON.parse(body) as { Entries?: unknown }).Entries;
    } catch {
      return {
        status: 400,
        payload: { __type: 'SerializationException', message: 'Body is not JSON.' },
      };
    }
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      return {
        status: 400,
        payload: { __type: 'ValidationException', message: 'Entries must hold 1 to 10 events.' },
      };
    }
    const results = entries.map((entry: Record<string, unknown>) => {
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail ?? '{}'));
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const id = randomUUID();
      deliver({
        version: '0',
        id,
        'detail-type': String(entry.DetailType ?? ''),
        source: String(entry.Source ?? ''),
        account: options.accountId,
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: options.region,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail,
      });
      return { EventId: id };
    });
    return { status: 200, payload: { FailedEntryCount: 0, Entries: results } };
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        // The console (served by the API, another origin) follows the stream too.
        'access-control-allow-origin': '*',
      });
      const subscriber: Subscriber = {
        response,
        sources: url.searchParams.getAll('source'),
        detailTypes: url.searchParams.getAll('detail-type'),
      };
      const replay = Math.min(Number(url.searchParams.get('replay') ?? 0) || 0, KEPT);
      for (const event of kept.slice(kept.length - replay)) {
        if (replay > 0 && matches(subscriber, event))
          response.write(`data: ${JSON.stringify(event)}\n\n`);
      }
      // A comment line tells the subscriber it is connected before any event arrives.
      response.write(': subscribed\n\n');
      subscribers.add(subscriber);
      request.on('close', () => subscribers.delete(subscriber));
      return;
    }
    if (request.method === 'GET' && url.pathname === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    void readBody(request).then((body) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const { status, payload } =
        request.method === 'POST' && target === 'AWSEvents.PutEvents'
          ? putEvents(body)
          : {
              status: 400,
              payload: {
                __type: 'UnknownOperationException',
                message: `Unknown operation ${target}`,
              },
            };
      response
        .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: async () => {
      for (const subscriber of subscribers) subscriber.response.end();
      subscribers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type { EventEnvelope };
export { startEventsServer };
