import type { Dependencies } from '../config/dependencies';
import { autoScalingOperations } from './autoscaling';
import { berthOperations } from './berth';
import { cloudWatchOperations, cloudWatchReadOperations } from './cloudwatch';
import { ecsOperations } from './ecs';
import type { OperationRegistry } from './registry';

/**
 * Where Berth keeps the metrics itself (locally) it answers CloudWatch's
 * operations on them; on AWS, reads of its own namespace (the console's charts).
 */
const onAws: OperationRegistry = {
  ...ecsOperations,
  ...autoScalingOperations,
  ...berthOperations,
  ...cloudWatchReadOperations,
};
const local: OperationRegistry = { ...onAws, ...cloudWatchOperations };

const operations = (deps: Dependencies): OperationRegistry =>
  deps.config.metricsStore === 'table' ? local : onAws;

export { local as localOperations, onAws as awsOperations, operations };
