/** A task as the agent needs it: what to run and what is wanted of it (docs/agent-protocol.md §3). */
interface AgentTask {
  readonly taskArn: string;
  readonly cluster: string;
  readonly desiredStatus: 'RUNNING' | 'STOPPED';
  readonly lastStatus: string;
  readonly version: number;
  /** Labels of the task's containers (docker runtime). */
  readonly family: string;
  readonly revision: number;
  readonly networkMode: 'bridge' | 'host' | 'awsvpc' | 'none';
  /** Task-level CPU units and MiB, as ECS strings (always set on FARGATE). */
  readonly cpu?: string | undefined;
  readonly memory?: string | undefined;
  /** awsvpc: the address the task's network interface was given, in its subnet. */
  readonly awsvpc?:
    | {
        readonly subnetId: string;
        readonly cidrBlock: string;
        readonly ipv4Address: string;
        readonly macAddress: string;
        readonly gateway: string;
      }
    | undefined;
  readonly containers: readonly {
    readonly name: string;
    readonly image: string;
    readonly user?: string | undefined;
    readonly memoryReservation?: number | undefined;
    readonly dockerLabels?: Record<string, string> | undefined;
    readonly command?: string[] | undefined;
    readonly entryPoint?: string[] | undefined;
    readonly environment: readonly { name?: string | undefined; value?: string | undefined }[];
    readonly essential: boolean;
    readonly workingDirectory?: string | undefined;
    readonly stopTimeout?: number | undefined;
    readonly cpu: number;
    readonly memory?: number | undefined;
    readonly portMappings: readonly unknown[];
  }[];
}

/** Pushes tasks to the agent of a container instance over its open connection. */
interface AgentNotifier {
  /**
   * Sends the tasks; false when the agent's connection is gone (it will get
   * them on its next connect, which always resyncs).
   */
  push(connectionId: string, tasks: readonly AgentTask[]): Promise<boolean>;
}

export type { AgentNotifier, AgentTask };
