import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

/**
 * The service scheduler's function. Invoked with `{ cluster, service }` when
 * something happened to one service (ServiceWaker), it brings that service
 * towards its desired state; scheduled every minute with no such input, it
 * sweeps every ACTIVE or DRAINING service, so that a lost wake-up never
 * leaves a service short for longer than that.
 */
const handler = async (
  event: { cluster?: unknown; service?: unknown } | undefined,
): Promise<{ reconciled: number }> => {
  const { scheduler } = dependencies();
  if (typeof event?.cluster === 'string' && typeof event.service === 'string') {
    await scheduler.reconcile(event.cluster, event.service);
    return { reconciled: 1 };
  }
  const reconciled = await scheduler.reconcileAll();
  if (reconciled > 0) logger.debug('Swept services', { reconciled });
  return { reconciled };
};

export { handler };
