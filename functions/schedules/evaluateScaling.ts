import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

/**
 * Scheduled every minute: Application Auto Scaling's part and ECS's managed
 * scaling. Runs the scheduled actions that came due and evaluates every
 * scalable target's policies against its metrics (ScalingEvaluator), then
 * sizes every capacity provider's pool (CapacityEvaluator) and publishes
 * the clusters' CPU and memory reservation metrics. Tests with a
 * shorter BERTH_SCALING_PERIOD_SECONDS invoke it at their own pace.
 */
const handler = async () => {
  const deps = dependencies();
  const targets = await deps.scalingEvaluator.evaluateAll();
  if (targets.failed > 0) logger.warn('Some scalable targets could not be evaluated', targets);
  const pools = await deps.capacityEvaluator.evaluateAll();
  const clusters = await deps.clusterReservations.publish();
  return { ...targets, pools, clusters };
};

export { handler };
