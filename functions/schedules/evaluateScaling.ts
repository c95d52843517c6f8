import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

/**
 * Scheduled every minute: Application Auto Scaling's part. Runs the
 * scheduled actions that came due and evaluates every scalable target's
 * policies against its metrics (ScalingEvaluator). Tests with a shorter
 * BERTH_SCALING_PERIOD_SECONDS invoke it at their own pace.
 */
const handler = async (): Promise<{ evaluated: number; failed: number }> => {
  const outcome = await dependencies().scalingEvaluator.evaluateAll();
  if (outcome.failed > 0) logger.warn('Some scalable targets could not be evaluated', outcome);
  return outcome;
};

export { handler };
