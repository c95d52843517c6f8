import { ECS_TARGET_PREFIX, type OperationRegistry, withPrefix } from '../registry';
import { capacityProviderOperations } from './capacityProviders';
import { clusterOperations } from './clusters';
import { containerInstanceOperations } from './containerInstances';
import { serviceOperations } from './services';
import { tagOperations } from './tags';
import { taskDefinitionOperations } from './taskDefinitions';
import { taskOperations } from './tasks';

/** Every ECS operation Berth answers, by `X-Amz-Target`. */
const ecsOperations: OperationRegistry = withPrefix(ECS_TARGET_PREFIX, {
  ...clusterOperations,
  ...capacityProviderOperations,
  ...taskDefinitionOperations,
  ...tagOperations,
  ...containerInstanceOperations,
  ...taskOperations,
  ...serviceOperations,
});

export { ecsOperations };
