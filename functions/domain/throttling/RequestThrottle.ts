import { ThrottlingException } from '../iam/errors';

/**
 * ECS's API throttling: one token bucket per category of actions, per
 * account (Berth serves one), with ECS's burst and refill (reference/ecs.md
 * §9); a request that finds its bucket empty is `ThrottlingException`
 * ("Rate exceeded"), which the SDKs retry with backoff.
 *
 * The buckets live in the process: exact on the local stack (one process
 * answers every request); on AWS each warm Lambda instance has its own, so
 * N instances allow up to N times the rate (ADR 11).
 */

interface BucketRate {
  readonly burst: number;
  /** Tokens added per second. */
  readonly refill: number;
}

const CATEGORIES: Readonly<
  Record<string, { readonly rate: BucketRate; readonly actions: readonly string[] }>
> = {
  clusterModify: {
    rate: { burst: 20, refill: 1 },
    actions: [
      'CreateCluster',
      'DeleteCluster',
      'UpdateCluster',
      'PutClusterCapacityProviders',
      'UpdateClusterSettings',
    ],
  },
  clusterRead: { rate: { burst: 50, refill: 20 }, actions: ['DescribeClusters', 'ListClusters'] },
  taskDefinitionModify: {
    rate: { burst: 20, refill: 1 },
    actions: ['RegisterTaskDefinition', 'DeregisterTaskDefinition'],
  },
  taskDefinitionRead: {
    rate: { burst: 50, refill: 20 },
    actions: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'],
  },
  taskDefinitionDelete: { rate: { burst: 5, refill: 1 }, actions: ['DeleteTaskDefinitions'] },
  capacityProviderModify: {
    rate: { burst: 10, refill: 1 },
    actions: ['CreateCapacityProvider', 'DeleteCapacityProvider', 'UpdateCapacityProvider'],
  },
  capacityProviderRead: { rate: { burst: 50, refill: 20 }, actions: ['DescribeCapacityProviders'] },
  tagModify: { rate: { burst: 20, refill: 10 }, actions: ['TagResource', 'UntagResource'] },
  tagRead: { rate: { burst: 50, refill: 20 }, actions: ['ListTagsForResource'] },
  clusterResourceModify: {
    rate: { burst: 100, refill: 40 },
    actions: [
      'RunTask',
      'StartTask',
      'StopTask',
      'PutAttributes',
      'DeleteAttributes',
      'DeregisterContainerInstance',
      'UpdateContainerInstancesState',
      'UpdateContainerAgent',
      'ExecuteCommand',
    ],
  },
  clusterResourceRead: {
    rate: { burst: 100, refill: 20 },
    actions: [
      'DescribeTasks',
      'ListTasks',
      'DescribeContainerInstances',
      'ListContainerInstances',
      'ListAttributes',
    ],
  },
  agentModify: {
    rate: { burst: 200, refill: 120 },
    actions: [
      'RegisterContainerInstance',
      'SubmitTaskStateChange',
      'SubmitContainerStateChange',
      'SubmitAttachmentStateChanges',
    ],
  },
  serviceModify: {
    rate: { burst: 50, refill: 5 },
    actions: ['CreateService', 'UpdateService', 'DeleteService'],
  },
  serviceRead: { rate: { burst: 100, refill: 20 }, actions: ['DescribeServices', 'ListServices'] },
};

const CATEGORY_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(CATEGORIES).flatMap(([category, { actions }]) =>
    actions.map((action) => [action, category] as const),
  ),
);

interface Bucket {
  tokens: number;
  at: number;
}

class RequestThrottle {
  readonly #buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Takes a token for an ECS operation, or throws ThrottlingException; unlisted operations pass. */
  take(operation: string): void {
    const category = CATEGORY_OF.get(operation);
    const definition = category === undefined ? undefined : CATEGORIES[category];
    if (category === undefined || definition === undefined) return;
    const { burst, refill } = definition.rate;
    const now = this.now();
    const bucket = this.#buckets.get(category) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * refill);
    bucket.at = now;
    this.#buckets.set(category, bucket);
    if (bucket.tokens < 1) throw new ThrottlingException();
    bucket.tokens -= 1;
  }
}

export type { BucketRate };
export { CATEGORIES as THROTTLING_CATEGORIES, RequestThrottle };
