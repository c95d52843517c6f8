/**
 * Berth-managed capacity: a host for one FARGATE task, sized exactly to it,
 * that the user never sees. The control plane records the host as a hidden
 * container instance (`managedFor`); a provisioner brings up an agent for it
 * and takes it down again. Locally the adapter asks the stack's capacity host
 * to run an agent in process (local/capacity/); on AWS a deployment names its
 * own, or FARGATE tasks fail to start with a ResourceInitializationError.
 */

interface ManagedHostRequest {
  readonly cluster: string;
  readonly containerInstanceArn: string;
  readonly instanceId: string;
  /** CPU units and MiB, from the task's Fargate size. */
  readonly cpu: number;
  readonly memory: number;
  readonly attributes: Record<string, string | null>;
}

interface CapacityProvisioner {
  /**
   * Starts the host's agent, which connects on its own; the task can be
   * handed to it at once (a push, or its first sync, brings it the task).
   * Idempotent: a host already running is left as it is.
   */
  provision(request: ManagedHostRequest): Promise<void>;
  /** Stops the host's agent and whatever it still runs. Idempotent. */
  release(cluster: string, instanceId: string): Promise<void>;
}

/** Thrown by a provisioner that cannot provide capacity; the message becomes the task's reason. */
class CapacityUnavailableError extends Error {
  constructor(detail: string) {
    super(`ResourceInitializationError: ${detail}`);
    this.name = 'CapacityUnavailableError';
  }
}

export type { CapacityProvisioner, ManagedHostRequest };
export { CapacityUnavailableError };
