import type { Dependencies } from '../config/dependencies';
import type { Principal } from '../domain/iam/model';
import type { JsonObject } from '../domain/validation/shape';

/**
 * An API operation: reads its members from the request body, calls the
 * domain, returns the ECS response shape. It never builds an HTTP response or
 * touches the SDK. `caller` is who signed the request, already authorized for
 * the operation; the agent APIs also check that it acts for its own instance.
 */
type Operation = (body: JsonObject, deps: Dependencies, caller: Principal) => Promise<object>;

/** Operations by full `X-Amz-Target`. */
type OperationRegistry = Readonly<Record<string, Operation>>;

const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';
/** Application Auto Scaling, on the same endpoint. */
const AUTOSCALING_TARGET_PREFIX = 'AnyScaleFrontendService';
/** Berth's own operations (metered usage), in the same protocol (JSON 1.1). */
const BERTH_TARGET_PREFIX = 'Berth_20261201';

/** Prefixes `{ RunTask: op }` into `{ 'AmazonEC2ContainerServiceV20141113.RunTask': op }`. */
const withPrefix = (prefix: string, operations: Record<string, Operation>): OperationRegistry =>
  Object.fromEntries(Object.entries(operations).map(([name, op]) => [`${prefix}.${name}`, op]));

export type { Operation, OperationRegistry };
export { AUTOSCALING_TARGET_PREFIX, BERTH_TARGET_PREFIX, ECS_TARGET_PREFIX, withPrefix };
