import type { CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from './errors';
import { optionalInteger, optionalObjectList, optionalString } from './validation/shape';

/**
 * Capacity providers as Berth has them: Fargate's own two. A cluster's
 * default strategy (CreateCluster) and a RunTask's strategy are read by the
 * one reader here, with ECS's bounds on `weight` and `base`.
 */

const FARGATE_PROVIDER_NAMES = ['FARGATE', 'FARGATE_SPOT'] as const;
type FargateCapacityProvider = (typeof FARGATE_PROVIDER_NAMES)[number];
/** The same names, for checking any string against them. */
const FARGATE_CAPACITY_PROVIDERS: readonly string[] = FARGATE_PROVIDER_NAMES;

/**
 * The items of a capacity provider strategy at `path`; undefined when absent.
 * `checkProvider` judges each item's provider first (the caller knows which
 * are allowed) and returns it; weight and base default to 0.
 */
const readStrategyItems = (
  value: unknown,
  path: string,
  checkProvider: (provider: string | undefined, itemPath: string) => string,
): CapacityProviderStrategyItem[] | undefined =>
  optionalObjectList(value, path)?.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const capacityProvider = checkProvider(
      optionalString(item.capacityProvider, `${itemPath}.capacityProvider`),
      itemPath,
    );
    const weight = optionalInteger(item.weight, `${itemPath}.weight`) ?? 0;
    const base = optionalInteger(item.base, `${itemPath}.base`) ?? 0;
    if (weight < 0 || weight > 1000) {
      throw new InvalidParameterException(`${itemPath}.weight must be an integer from 0 to 1000.`);
    }
    if (base < 0 || base > 100000) {
      throw new InvalidParameterException(`${itemPath}.base must be an integer from 0 to 100000.`);
    }
    return { capacityProvider, weight, base };
  });

/**
 * A strategy names Fargate's providers or pools of the user's own, never
 * both, as on ECS (RunTask's, CreateService's and a cluster's default alike).
 */
const refuseMixedStrategy = (strategy: readonly CapacityProviderStrategyItem[]): void => {
  const fargate = strategy.filter((item) =>
    FARGATE_CAPACITY_PROVIDERS.includes(item.capacityProvider ?? ''),
  ).length;
  if (fargate > 0 && fargate < strategy.length) {
    throw new InvalidParameterException(
      'The capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.',
    );
  }
};

export type { FargateCapacityProvider };
export { FARGATE_CAPACITY_PROVIDERS, readStrategyItems, refuseMixedStrategy };
