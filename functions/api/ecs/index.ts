import { ECS_TARGET_PREFIX, type OperationRegistry, withPrefix } from '../registry';
import { clusterOperations } from './clusters';
import { tagOperations } from './tags';
import { taskDefinitionOperations } from './taskDefinitions';

/** Every ECS operation Berth answers, by `X-Amz-Target`. */
const ecsOperations: OperationRegistry = withPrefix(ECS_TARGET_PREFIX, {
  ...clusterOperations,
  ...taskDefinitionOperations,
  ...tagOperations,
});

export { ecsOperations };
