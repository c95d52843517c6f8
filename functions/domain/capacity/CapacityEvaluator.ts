import { randomUUID } from 'node:crypto';
import type { ArnContext } from '../arns';
import { FARGATE_CAPACITY_PROVIDERS } from '../capacityProviders';
import { instanceArn } from '../containerInstances/ContainerInstanceService';
import type { MetricQueries } from '../metrics/MetricQueries';
import { sampleOfValue } from '../metrics/model';
import type { ClusterRecord, ContainerInstanceRecord, TaskDefinitionRecord } from '../model';
import type { CapacityProviderRepository } from '../ports/CapacityProviderRepository';
import { type CapacityProvisioner, CapacityUnavailableError } from '../ports/CapacityProvisioner';
import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import type { ContainerInstanceRepository } from '../ports/ContainerInstanceRepository';
import type { MetricStore } from '../ports/MetricStore';
import type { ServiceRepository } from '../ports/ServiceRepository';
import type { ServiceRecord } from '../services/model';
import { type TaskDefinitionContent, taskReservation } from '../taskDefinitions/validation';
import {
  capacityProviderReservation,
  instancesNeeded,
  type PoolInstance,
  scaledPoolSize,
  type WaitingTasks,
} from './managedScaling';
import type { CapacityProviderRecord } from './model';

/**
 * Managed scaling of capacity providers' pools, run with the scaling
 * evaluator on its schedule. For each cluster and each of its providers of
 * the user's own with managed scaling on:
 *
 * 1. M and N (./managedScaling.ts) from the pool's instances and the tasks
 *    that wait for room: the services launching on the provider whose
 *    running and pending tasks fall short of their desired count;
 * 2. CapacityProviderReservation is published (`AWS/ECS/ManagedScaling`
 *    locally, under Berth's own namespace on AWS; {ClusterName,
 *    CapacityProviderName}), and its last 15 datapoints say
 *    whether it has stayed below the target long enough to scale in;
 * 3. the pool grows by registering container instances of the pool's size
 *    and having the capacity provisioner start their agents, or shrinks by
 *    deregistering empty instances and stopping their agents.
 *
 * A new instance gates the next scale-out for `instanceWarmupPeriod`, as on
 * ECS, so that one shortfall is not answered twice while agents start.
 */

const METRIC = 'CapacityProviderReservation';
const LOW_DATAPOINTS = 15;

interface CapacityEvaluatorDependencies {
  readonly providers: CapacityProviderRepository;
  readonly clusters: ClusterRepository;
  readonly instances: ContainerInstanceRepository;
  readonly services: Pick<ServiceRepository, 'listLive' | 'get'>;
  readonly resolveTaskDefinition: (reference: string) => Promise<TaskDefinitionRecord>;
  readonly capacity: CapacityProvisioner;
  readonly metrics: Pick<MetricStore, 'put'>;
  readonly metricQueries: Pick<MetricQueries, 'series'>;
  readonly clock: Clock;
  readonly arns: ArnContext;
  /** The length of one CapacityProviderReservation datapoint (60 s; shorter in tests). */
  readonly periodSeconds: number;
  /** ECS's metrics' namespace (`AWS/ECS` locally): the reservation goes under `<it>/ManagedScaling`. */
  readonly namespace: string;
  /** The most registered instances a cluster may have. */
  readonly instancesPerCluster?: number;
}

/** What one evaluation of a pool did, for the schedule's log and for tests. */
interface PoolOutcome {
  readonly cluster: string;
  readonly provider: string;
  readonly needed: number;
  readonly running: number;
  readonly reservation: number;
  readonly target: number;
}

/** Whether a service's current deployment launches on the provider. */
const launchesOn = (service: ServiceRecord, provider: string, cluster: ClusterRecord): boolean => {
  const deployment = service.deployments[0];
  if (!deployment) return false;
  const strategy =
    deployment.capacityProviderStrategy ??
    (deployment.launchType === undefined ? cluster.defaultCapacityProviderStrategy : []);
  return strategy.some((item) => item.capacityProvider === provider);
};

class CapacityEvaluator {
  readonly #deps: CapacityEvaluatorDependencies;

  constructor(deps: CapacityEvaluatorDependencies) {
    this.#deps = deps;
  }

  async evaluateAll(): Promise<PoolOutcome[]> {
    const providers = new Map(
      (await this.#deps.providers.list())
        .filter((record) => record.status === 'ACTIVE')
        .map((record) => [record.name, record]),
    );
    if (providers.size === 0) return [];
    const outcomes: PoolOutcome[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#deps.clusters.listActive({ maxResults: 100, nextToken });
      for (const cluster of await this.#deps.clusters.getMany(page.items)) {
        for (const name of cluster.capacityProviders) {
          const provider = providers.get(name);
          if (!provider || FARGATE_CAPACITY_PROVIDERS.includes(name)) continue;
          if (provider.managedScaling.status !== 'ENABLED') continue;
          outcomes.push(await this.evaluate(cluster, provider));
        }
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return outcomes;
  }

  async evaluate(cluster: ClusterRecord, provider: CapacityProviderRecord): Promise<PoolOutcome> {
    const now = this.#deps.clock.now();
    const pool = (await this.#deps.instances.listLive(cluster.name)).filter(
      (instance) => instance.capacityProviderName === provider.name && instance.status === 'ACTIVE',
    );
    const size = { cpu: provider.pool.instanceCpu, memory: provider.pool.instanceMemory };
    const poolInstances: PoolInstance[] = pool.map((instance) => ({
      id: instance.id,
      registeredAt: instance.registeredAt,
      remainingCpu: instance.remainingCpu,
      remainingMemory: instance.remainingMemory,
      tasks: instance.runningTasksCount + instance.pendingTasksCount,
    }));
    const needed = instancesNeeded(poolInstances, await this.#waiting(cluster, provider), size);
    const running = pool.length;
    const reservation = capacityProviderReservation(needed, running);
    await this.#deps.metrics.put([
      {
        identity: {
          namespace: `${this.#deps.namespace}/ManagedScaling`,
          metricName: METRIC,
          dimensions: [
            { name: 'CapacityProviderName', value: provider.name },
            { name: 'ClusterName', value: cluster.name },
          ],
        },
        sample: sampleOfValue(now, reservation, 'Percent'),
      },
    ]);
    const empty = poolInstances.filter((instance) => instance.tasks === 0);
    const lowForLong = await this.#lowForLong(cluster.name, provider, now);
    let target = scaledPoolSize(needed, running, empty.length, lowForLong, {
      ...provider.managedScaling,
      minSize: provider.pool.minSize,
      maxSize: provider.pool.maxSize,
    });
    const warmingUp = pool.some(
      (instance) =>
        instance.registeredAt > now - provider.managedScaling.instanceWarmupPeriod * 1000,
    );
    if (target > running && warmingUp) target = running;
    if (target > running) await this.#grow(cluster.name, provider, target - running, now);
    if (target < running) {
      // The longest-idle first: the oldest empty instances go.
      const leaving = [...empty]
        .sort((a, b) => a.registeredAt - b.registeredAt)
        .slice(0, running - target);
      await this.#shrink(cluster.name, leaving);
    }
    return { cluster: cluster.name, provider: provider.name, needed, running, reservation, target };
  }

  /** The tasks the provider's services still lack, by shape. */
  async #waiting(
    cluster: ClusterRecord,
    provider: CapacityProviderRecord,
  ): Promise<WaitingTasks[]> {
    const waiting: WaitingTasks[] = [];
    for (const { name } of await this.#deps.services.listLive(cluster.name)) {
      const service = await this.#deps.services.get(cluster.name, name);
      if (service?.status !== 'ACTIVE' || !launchesOn(service, provider.name, cluster)) {
        continue;
      }
      const missing = service.desiredCount - service.runningCount - service.pendingCount;
      const deployment = service.deployments[0];
      if (missing <= 0 || !deployment) continue;
      const definition = await this.#deps.resolveTaskDefinition(
        `${deployment.family}:${deployment.revision}`,
      );
      const reservation = taskReservation(definition.body as TaskDefinitionContent);
      waiting.push({ count: missing, cpu: reservation.cpu, memory: reservation.memory });
    }
    return waiting;
  }

  /**
   * Whether the reservation has stayed below the target for the last 15
   * periods. Its samples are as frequent as the evaluator runs (every
   * minute on AWS, faster in tests, slower than the period when a local
   * stack shortens the period but keeps the one-minute schedule), so the
   * rule is on time, not on a count: every sample in the 15 periods is
   * below the target, and so is the last one before them — the low streak
   * began before the window did.
   */
  async #lowForLong(cluster: string, provider: CapacityProviderRecord, now: number) {
    const periodMs = this.#deps.periodSeconds * 1000;
    const endMs = (Math.floor(now / periodMs) + 1) * periodMs;
    const windowStart = endMs - LOW_DATAPOINTS * periodMs;
    const lookbackMs = 2 * Math.max(periodMs, 60_000);
    const series = await this.#deps.metricQueries.series(
      [
        {
          id: 'cpr',
          returnData: true,
          metricStat: {
            namespace: `${this.#deps.namespace}/ManagedScaling`,
            metricName: METRIC,
            dimensions: [
              { name: 'CapacityProviderName', value: provider.name },
              { name: 'ClusterName', value: cluster },
            ],
            periodSeconds: this.#deps.periodSeconds,
            stat: 'Maximum',
          },
        },
      ],
      windowStart - lookbackMs,
      endMs,
    );
    const points = [...series].map(([at, value]) => ({ at, value }));
    const inWindow = points.filter((point) => point.at >= windowStart);
    const before = points.filter((point) => point.at < windowStart).at(-1);
    const low = (value: number) => value < provider.managedScaling.targetCapacity;
    return (
      before !== undefined &&
      low(before.value) &&
      inWindow.length > 0 &&
      inWindow.every((point) => low(point.value))
    );
  }

  async #grow(cluster: string, provider: CapacityProviderRecord, count: number, now: number) {
    for (let index = 0; index < count; index += 1) {
      const record = this.#poolInstance(cluster, provider, now);
      // A pool grows only within the cluster's quota of instances, as an ASG's would register.
      const registered = await this.#deps.instances.register(
        record,
        this.#deps.instancesPerCluster ?? 5000,
      );
      if (registered.outcome !== 'registered') return;
      try {
        await this.#deps.capacity.provision({
          cluster,
          containerInstanceArn: instanceArn(this.#deps.arns, cluster, record.id),
          instanceId: record.id,
          cpu: record.totalCpu,
          memory: record.totalMemory,
          attributes: record.attributes,
        });
      } catch (error) {
        // No host could be had: the instance goes again, and the next round tries anew.
        await this.#deps.instances.deregister(cluster, record.id, true);
        if (!(error instanceof CapacityUnavailableError)) throw error;
        return;
      }
    }
  }

  async #shrink(cluster: string, leaving: readonly PoolInstance[]) {
    for (const instance of leaving) {
      // Not forced: an instance that took a task meanwhile stays (managed termination protection).
      const result = await this.#deps.instances.deregister(cluster, instance.id, false);
      if (result.outcome === 'deregistered')
        await this.#deps.capacity.release(cluster, instance.id);
    }
  }

  #poolInstance(
    cluster: string,
    provider: CapacityProviderRecord,
    now: number,
  ): ContainerInstanceRecord {
    return {
      cluster,
      id: randomUUID().replaceAll('-', ''),
      status: 'ACTIVE',
      registeredAt: now,
      totalCpu: provider.pool.instanceCpu,
      totalMemory: provider.pool.instanceMemory,
      hostPorts: [],
      remainingCpu: provider.pool.instanceCpu,
      remainingMemory: provider.pool.instanceMemory,
      usedPorts: [],
      taskGroups: {},
      runningTasksCount: 0,
      pendingTasksCount: 0,
      attributes: {
        'ecs.availability-zone': `${this.#deps.arns.region}a`,
        'ecs.instance-type': 'berth.pool',
        'ecs.os-type': 'linux',
        'ecs.capacity-provider': provider.name,
      },
      versionInfo: {},
      tags: [],
      lastSeenAt: now,
      capacityProviderName: provider.name,
      version: 1,
    };
  }
}

export type { CapacityEvaluatorDependencies, PoolOutcome };
export { CapacityEvaluator };
