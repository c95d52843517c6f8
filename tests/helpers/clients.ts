import { ECSClient } from '@aws-sdk/client-ecs';

/** The endpoint of the stack that the integration suite's global setup started. */
const stackUrl = (): string => {
  const url = process.env.BERTH_TEST_URL;
  if (!url) throw new Error('BERTH_TEST_URL is not set: run through the integration Jest project');
  return url;
};

const credentials = { accessKeyId: 'berthtest', secretAccessKey: 'berthtest' };

/** The real ECS client of the AWS SDK, pointed at Berth. */
const ecsClient = (url = stackUrl()): ECSClient =>
  new ECSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });

/** A name no other test uses, so that tests share one stack without seeing each other. */
const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export { credentials, ecsClient, stackUrl, uniqueName };
