import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

/**
 * Scheduled every minute: settles tasks stuck past their deadlines (a lost
 * workflow execution, a dead agent, a restart of everything), so that every
 * task reaches RUNNING or STOPPED in bounded time and no reservation outlives
 * its task. The schedule's input sets the grace period.
 */
const handler = async (
  event: { graceSeconds?: unknown } | undefined,
): Promise<{ settled: number }> => {
  const graceSeconds =
    typeof event?.graceSeconds === 'number' && event.graceSeconds >= 0 ? event.graceSeconds : 60;
  const settled = await dependencies().tasks.lifecycle.sweepStuckTasks(graceSeconds * 1000);
  if (settled > 0) logger.info('Settled stuck tasks', { settled });
  return { settled };
};

export { handler };
