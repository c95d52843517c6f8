import { dependencies } from '../config/dependencies';
import { logger } from '../config/logger';

/**
 * Scheduled every minute: an agent that stopped heartbeating without its
 * socket closing (a hung host, a half-open connection) is disconnected for
 * good and a Container Instance State Change says so, instead of waiting for
 * API Gateway's idle timeout to close the socket.
 */
const handler = async (): Promise<{ disconnected: number }> => {
  const disconnected = await dependencies().containerInstances.sweepSilentAgents();
  if (disconnected > 0) logger.info('Disconnected silent agents', { disconnected });
  return { disconnected };
};

export { handler };
