import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ManagedHostRequest } from '../../functions/domain/ports/CapacityProvisioner';
import { readBody } from '../http';
import { CapacityHost, type CapacityHostOptions } from './CapacityHost';

/**
 * The capacity host's HTTP face, what `HttpCapacityProvisioner` calls from
 * the task lifecycle's steps:
 *
 *   PUT    /hosts/<cluster>/<instanceId>  ManagedHostRequest → 200 once the agent runs (it connects on its own)
 *   DELETE /hosts/<cluster>/<instanceId>                     → 202, stopped in the background
 *   GET    /hosts                                            → {"runtime", "hosts": [cluster/id]}
 *
 * Loopback only, like every other part of the local stack.
 */

const isRequest = (value: unknown): value is ManagedHostRequest => {
  const body = value as Partial<ManagedHostRequest> | null;
  return (
    typeof body?.cluster === 'string' &&
    typeof body.instanceId === 'string' &&
    typeof body.containerInstanceArn === 'string' &&
    typeof body.cpu === 'number' &&
    typeof body.memory === 'number' &&
    typeof body.attributes === 'object' &&
    body.attributes !== null
  );
};

const startCapacityServer = async (
  options: CapacityHostOptions & { port: number },
): Promise<{ url: string; host: CapacityHost; close(): Promise<void> }> => {
  const host = new CapacityHost(options);
  const server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method === 'GET' && path === '/hosts') {
      reply(200, { runtime: host.runtime, hosts: host.list() });
      return;
    }
    const match = /^\/hosts\/([^/]+)\/([^/]+)$/.exec(path);
    if (!match) {
      reply(404, { message: `no route ${request.method} ${path}` });
      return;
    }
    const cluster = decodeURIComponent(match[1] ?? '');
    const instanceId = decodeURIComponent(match[2] ?? '');
    if (request.method === 'DELETE') {
      host.release(cluster, instanceId);
      reply(202, {});
      return;
    }
    if (request.method !== 'PUT') {
      reply(405, { message: `${request.method} is not allowed here` });
      return;
    }
    readBody(request)
      .then(async (text) => {
        const body: unknown = JSON.parse(text);
        if (!isRequest(body) || body.cluster !== cluster || body.instanceId !== instanceId) {
          reply(400, { message: 'not a managed host request for this path' });
          return;
        }
        await host.provision(body);
        reply(200, {});
      })
      .catch((error: unknown) => {
        options.log(`capacity: provisioning ${cluster}/${instanceId}: ${(error as Error).message}`);
        reply(500, { message: (error as Error).message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host,
    close: async () => {
      await host.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export { startCapacityServer };
