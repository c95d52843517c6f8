import {
  type Attribute,
  CreateClusterCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  SubmitContainerStateChangeCommand,
  SubmitTaskStateChangeCommand,
} from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Report } from './Reporter';
import { type AgentCredentials, credentialsFromEnvironment } from './signing';

/**
 * Everything the agent tells Berth, through the public ECS API with the AWS
 * SDK exactly as the real ECS agent does (docs/agent-protocol.md §1, §5).
 * An interface so that the Agent can be driven by a fake in unit tests.
 */

interface Registration {
  readonly cluster: string;
  /** The ARN saved by an earlier run: Berth re-registers that same instance. */
  readonly containerInstanceArn?: string;
  readonly cpu: number;
  readonly memory: number;
  readonly reservedPorts: string[];
  readonly reservedUdpPorts: string[];
  readonly attributes: Attribute[];
  readonly agentVersion: string;
}

interface ControlPlane {
  /** Returns the container instance ARN. */
  register(registration: Registration): Promise<string>;
  createCluster(name: string): Promise<void>;
  submit(report: Report): Promise<void>;
}

const dateOf = (ms: number | undefined): Date | undefined =>
  ms === undefined ? undefined : new Date(ms);

class EcsControlPlane implements ControlPlane {
  private readonly client: ECSClient;

  constructor(options: {
    readonly endpoint: string;
    readonly region: string;
    /** The agent's own key; the environment's when not given. */
    readonly credentials?: AgentCredentials;
  }) {
    this.client = new ECSClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials ?? credentialsFromEnvironment(),
      // The agent retries on its own terms (for ever, in order); the SDK's retries would only add delay.
      maxAttempts: 1,
      // Without a timeout, one hung request would stall a task's reports for good.
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 15_000 }),
    });
  }

  async register(registration: Registration): Promise<string> {
    const response = await this.client.send(
      new RegisterContainerInstanceCommand({
        cluster: registration.cluster,
        containerInstanceArn: registration.containerInstanceArn,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: registration.cpu },
          { name: 'MEMORY', type: 'INTEGER', integerValue: registration.memory },
          { name: 'PORTS', type: 'STRINGSET', stringSetValue: registration.reservedPorts },
          { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: registration.reservedUdpPorts },
        ],
        attributes: registration.attributes,
        versionInfo: {
          agentVersion: registration.agentVersion,
          agentHash: 'berth',
          dockerVersion: 'process',
        },
      }),
    );
    const arn = response.containerInstance?.containerInstanceArn;
    if (!arn) throw new Error('RegisterContainerInstance answered without a containerInstanceArn');
    return arn;
  }

  async createCluster(name: string): Promise<void> {
    await this.client.send(new CreateClusterCommand({ clusterName: name }));
  }

  async submit(report: Report): Promise<void> {
    if (report.kind === 'task') {
      await this.client.send(
        new SubmitTaskStateChangeCommand({
          cluster: report.cluster,
          task: report.taskArn,
          status: report.status,
          reason: report.reason,
          containers: report.containers.map((container) => ({
            containerName: container.containerName,
            runtimeId: container.runtimeId,
            status: container.status,
            exitCode: container.exitCode,
            reason: container.reason,
            networkBindings: container.networkBindings,
          })),
          pullStartedAt: dateOf(report.pullStartedAt),
          pullStoppedAt: dateOf(report.pullStoppedAt),
          executionStoppedAt: dateOf(report.executionStoppedAt),
        }),
      );
      return;
    }
    await this.client.send(
      new SubmitContainerStateChangeCommand({
        cluster: report.cluster,
        task: report.taskArn,
        containerName: report.containerName,
        runtimeId: report.runtimeId,
        status: report.status,
        exitCode: report.exitCode,
        reason: report.reason,
        networkBindings: report.networkBindings,
      }),
    );
  }

  close(): void {
    this.client.destroy();
  }
}

export type { ControlPlane, Registration };
export { EcsControlPlane };
