import {
  type CapacityProvisioner,
  CapacityUnavailableError,
  type ManagedHostRequest,
} from '../../domain/ports/CapacityProvisioner';

/**
 * Asks a capacity host over HTTP to run (or stop) the agent of a FARGATE
 * task's own host. Locally that host is part of `npm start`
 * (local/capacity/server.ts):
 *
 *   PUT    /hosts/<cluster>/<instanceId>   body: ManagedHostRequest → 200 once the agent runs
 *   DELETE /hosts/<cluster>/<instanceId>                            → 202
 *
 * A 503 means the host cannot provide capacity at all (the task fails to
 * start with the message); anything else unexpected is thrown for the
 * workflow to retry.
 */
class HttpCapacityProvisioner implements CapacityProvisioner {
  constructor(private readonly endpoint: string) {}

  async provision(request: ManagedHostRequest): Promise<void> {
    await this.#call('PUT', request.cluster, request.instanceId, request);
  }

  async release(cluster: string, instanceId: string): Promise<void> {
    await this.#call('DELETE', cluster, instanceId);
  }

  async #call(method: string, cluster: string, instanceId: string, body?: unknown): Promise<void> {
    const url = `${this.endpoint}/hosts/${encodeURIComponent(cluster)}/${encodeURIComponent(instanceId)}`;
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.ok) return;
    const text = await response.text();
    if (response.status === 503) throw new CapacityUnavailableError(text);
    throw new Error(`The capacity host answered ${method} ${url} with ${response.status}: ${text}`);
  }
}

/** Where no capacity host is configured: FARGATE tasks fail to start, saying why. */
class UnavailableCapacityProvisioner implements CapacityProvisioner {
  async provision(): Promise<void> {
    throw new CapacityUnavailableError(
      'this Berth deployment has no FARGATE capacity configured (BERTH_CAPACITY_ENDPOINT)',
    );
  }

  async release(): Promise<void> {}
}

export { HttpCapacityProvisioner, UnavailableCapacityProvisioner };
