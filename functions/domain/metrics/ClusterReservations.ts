import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import type { ContainerInstanceRepository } from '../ports/ContainerInstanceRepository';
import type { MetricStore } from '../ports/MetricStore';
import { clusterReservationSamples } from './ecsMetrics';

/**
 * ECS's cluster reservation metrics, `CPUReservation` and
 * `MemoryReservation` per `{ClusterName}`: what the cluster's instances have
 * reserved of what they registered. Nothing measures them (they follow from
 * the records), so the scaling schedule publishes them once a run, for every
 * ACTIVE cluster with instances.
 */
interface ClusterReservationsDependencies {
  readonly clusters: Pick<ClusterRepository, 'listActive'>;
  readonly instances: Pick<ContainerInstanceRepository, 'listLive'>;
  readonly metrics: Pick<MetricStore, 'put'>;
  readonly clock: Clock;
  readonly namespace: string;
}

class ClusterReservations {
  readonly #deps: ClusterReservationsDependencies;

  constructor(deps: ClusterReservationsDependencies) {
    this.#deps = deps;
  }

  /** Returns how many clusters had a sample. */
  async publish(): Promise<number> {
    const now = this.#deps.clock.now();
    let published = 0;
    let nextToken: string | undefined;
    do {
      const page = await this.#deps.clusters.listActive({ maxResults: 100, nextToken });
      for (const cluster of page.items) {
        const instances = await this.#deps.instances.listLive(cluster);
        const samples = clusterReservationSamples(cluster, instances, now, this.#deps.namespace);
        if (samples.length === 0) continue;
        await this.#deps.metrics.put(samples);
        published += 1;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return published;
  }
}

export type { ClusterReservationsDependencies };
export { ClusterReservations };
