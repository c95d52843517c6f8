import type { Attachment, Task } from '@aws-sdk/client-ecs';
import { clusterArn, taskDefinitionArn } from '../arns';
import { instanceArn } from '../containerInstances/ContainerInstanceService';
import { gatewayOf, type Subnet } from '../network/subnets';
import type { AgentTask } from '../ports/AgentNotifier';
import type { EcsEvent } from '../ports/EventPublisher';
import type { TaskServiceDependencies } from './dependencies';
import { taskArn } from './identifiers';
import type { TaskNetworkInterface, TaskRecord } from './model';

/** A task's network interface as ECS shows it: an `ElasticNetworkInterface` attachment. */
const attachmentOf = (nic: TaskNetworkInterface): Attachment => ({
  id: nic.attachmentId,
  type: 'ElasticNetworkInterface',
  status: nic.status,
  details: [
    { name: 'subnetId', value: nic.subnetId },
    ...(nic.networkInterfaceId === undefined
      ? []
      : [
          { name: 'networkInterfaceId', value: nic.networkInterfaceId },
          { name: 'macAddress', value: nic.macAddress ?? '' },
          { name: 'privateDnsName', value: nic.privateDnsName ?? '' },
          { name: 'privateIPv4Address', value: nic.privateIPv4Address ?? '' },
        ]),
  ],
});
/**
 * A task as users see it (DescribeTasks, the `ECS Task State Change` event's
 * detail) and as its agent is told to run it.
 */
class TaskViews {
  readonly #deps: TaskServiceDependencies;

  constructor(deps: TaskServiceDependencies) {
    this.#deps = deps;
  }

  toAgentTask(task: TaskRecord): AgentTask {
    const nic = task.networkInterface;
    const subnet = this.subnetOf(task);
    return {
      taskArn: taskArn(this.#deps.arns, task.cluster, task.id),
      cluster: task.cluster,
      desiredStatus: task.desiredStatus,
      lastStatus: task.lastStatus,
      version: task.version,
      family: task.family,
      revision: task.revision,
      networkMode: task.networkMode ?? 'bridge',
      ...(task.cpu === undefined ? {} : { cpu: task.cpu }),
      ...(task.memory === undefined ? {} : { memory: task.memory }),
      ...(nic?.privateIPv4Address !== undefined && subnet
        ? {
            awsvpc: {
              subnetId: subnet.subnetId,
              cidrBlock: subnet.cidrBlock,
              ipv4Address: nic.privateIPv4Address,
              macAddress: nic.macAddress ?? '',
              gateway: gatewayOf(subnet),
            },
          }
        : {}),
      containers: task.containers.map((container) => ({
        name: container.name,
        image: container.image,
        ...(container.user === undefined ? {} : { user: container.user }),
        ...(container.memoryReservation === undefined
          ? {}
          : { memoryReservation: container.memoryReservation }),
        ...(container.dockerLabels === undefined ? {} : { dockerLabels: container.dockerLabels }),
        command: container.command,
        entryPoint: container.entryPoint,
        environment: container.environment,
        essential: container.essential,
        workingDirectory: container.workingDirectory,
        stopTimeout: container.stopTimeout,
        cpu: container.cpu,
        memory: container.memory,
        portMappings: container.portMappings,
      })),
    };
  }

  /** `ECS Task State Change`: the task as DescribeTasks shows it, timestamps as ISO strings. */
  taskEvent(task: TaskRecord): EcsEvent {
    const shown = this.toTask(task, false);
    return {
      detailType: 'ECS Task State Change',
      resources: [shown.taskArn ?? ''],
      detail: {
        ...(JSON.parse(JSON.stringify(shown)) as Record<string, unknown>),
        updatedAt: new Date(this.#deps.clock.now()).toISOString(),
      },
    };
  }

  toTask(task: TaskRecord, withTags: boolean): Task {
    const arn = taskArn(this.#deps.arns, task.cluster, task.id);
    const timestamps = Object.fromEntries(
      (
        [
          ['createdAt', task.createdAt],
          ['connectivityAt', task.connectivityAt],
          ['pullStartedAt', task.pullStartedAt],
          ['pullStoppedAt', task.pullStoppedAt],
          ['startedAt', task.startedAt],
          ['stoppingAt', task.stoppingAt],
          ['executionStoppedAt', task.executionStoppedAt],
          ['stoppedAt', task.stoppedAt],
        ] as const
      )
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, new Date(value as number)]),
    );
    return {
      taskArn: arn,
      clusterArn: clusterArn(this.#deps.arns, task.cluster),
      taskDefinitionArn: taskDefinitionArn(this.#deps.arns, task.family, task.revision),
      // A FARGATE task's host is Berth's own: ECS shows no instance for it.
      ...(task.containerInstanceId === undefined || task.launchType === 'FARGATE'
        ? {}
        : {
            containerInstanceArn: instanceArn(
              this.#deps.arns,
              task.cluster,
              task.containerInstanceId,
            ),
          }),
      overrides: task.overrides,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      ...(task.cpu === undefined ? {} : { cpu: task.cpu }),
      ...(task.memory === undefined ? {} : { memory: task.memory }),
      containers: task.containers.map((container) => ({
        containerArn: `arn:aws:ecs:${this.#deps.arns.region}:${this.#deps.arns.accountId}:container/${task.cluster}/${task.id}/${container.id}`,
        taskArn: arn,
        name: container.name,
        image: container.image,
        lastStatus: container.lastStatus,
        healthStatus: 'UNKNOWN',
        ...(container.exitCode === undefined ? {} : { exitCode: container.exitCode }),
        ...(container.reason === undefined ? {} : { reason: container.reason }),
        ...(container.runtimeId === undefined ? {} : { runtimeId: container.runtimeId }),
        // What the agent bound (a dynamic host port included) once it says;
        // before that, the fixed host ports the definition asks for. awsvpc
        // tasks bind nothing on a host: they have their own address.
        networkBindings:
          task.networkMode === 'awsvpc'
            ? []
            : (container.networkBindings ??
              container.portMappings
                .filter((mapping) => mapping.hostPort !== undefined && mapping.hostPort !== 0)
                .map((mapping) => ({
                  bindIP: '0.0.0.0',
                  containerPort: mapping.containerPort,
                  hostPort: mapping.hostPort,
                  protocol: mapping.protocol ?? 'tcp',
                }))),
        ...(task.networkInterface?.privateIPv4Address === undefined
          ? {}
          : {
              networkInterfaces: [
                {
                  attachmentId: task.networkInterface.attachmentId,
                  privateIpv4Address: task.networkInterface.privateIPv4Address,
                },
              ],
            }),
        cpu: String(container.cpu),
        ...(container.memory === undefined ? {} : { memory: String(container.memory) }),
        ...(container.memoryReservation === undefined
          ? {}
          : { memoryReservation: String(container.memoryReservation) }),
      })),
      ...(task.startedBy === undefined ? {} : { startedBy: task.startedBy }),
      version: task.version,
      ...(task.stopCode === undefined ? {} : { stopCode: task.stopCode as Task['stopCode'] }),
      ...(task.stoppedReason === undefined ? {} : { stoppedReason: task.stoppedReason }),
      ...timestamps,
      group: task.group,
      launchType: task.launchType,
      ...(task.connectivityAt === undefined ? {} : { connectivity: 'CONNECTED' as const }),
      // Berth runs no container health checks (yet): ECS says UNKNOWN then.
      healthStatus: 'UNKNOWN',
      enableExecuteCommand: false,
      ...(task.availabilityZone === undefined ? {} : { availabilityZone: task.availabilityZone }),
      attachments: task.networkInterface ? [attachmentOf(task.networkInterface)] : [],
      ...(task.capacityProviderName === undefined
        ? {}
        : { capacityProviderName: task.capacityProviderName }),
      ...(task.fargate === undefined
        ? {}
        : {
            platformVersion: task.fargate.platformVersion,
            platformFamily: task.fargate.platformFamily,
            ...(task.fargate.capacityProviderName === undefined
              ? {}
              : { capacityProviderName: task.fargate.capacityProviderName }),
            ephemeralStorage: { sizeInGiB: task.fargate.ephemeralStorageGiB },
          }),
      ...(withTags ? { tags: task.tags } : {}),
    };
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** The configured subnet of an awsvpc task's interface; undefined if none (or no longer configured). */
  subnetOf(task: TaskRecord): Subnet | undefined {
    const subnetId = task.networkInterface?.subnetId;
    return subnetId === undefined
      ? undefined
      : this.#deps.subnets.find((subnet) => subnet.subnetId === subnetId);
  }
}

export { TaskViews };
