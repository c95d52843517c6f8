import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

/**
 * Scheduled every minute: purges task definition revisions stuck in
 * DELETE_IN_PROGRESS past a grace period, whatever happened to their
 * clean-up execution. The schedule's input sets the grace period.
 */
const handler = async (
  event: { graceSeconds?: unknown } | undefined,
): Promise<{ purged: number }> => {
  const graceSeconds =
    typeof event?.graceSeconds === 'number' && event.graceSeconds >= 0 ? event.graceSeconds : 600;
  const purged = await dependencies().taskDefinitions.sweepStaleDeletions(graceSeconds * 1000);
  if (purged > 0) logger.info('Purged stale task definition deletions', { purged });
  return { purged };
};

export { handler };
