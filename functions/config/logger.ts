import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger for every handler; `POWERTOOLS_LOG_LEVEL` sets its level. */
const logger = new Logger({ serviceName: 'berth' });

export { logger };
