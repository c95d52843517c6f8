import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { signedFetch } from '../../local/signedFetch';
import { ROOT_KEY } from './rootKey';

/** The endpoint of the stack that the integration suite's global setup started. */
const stackUrl = (): string => {
  const url = process.env.BERTH_TEST_URL;
  if (!url) throw new Error('BERTH_TEST_URL is not set: run through the integration Jest project');
  return url;
};

/** The stack's root key: every request to it is signed and verified. */
const credentials = { ...ROOT_KEY };

/** A raw request to the stack, signed with the root key (or `as`), for what no SDK client sends. */
const signedPost = (
  body: string,
  headers: Record<string, string>,
  service = 'ecs',
  as: { accessKeyId: string; secretAccessKey: string } = credentials,
): Promise<Response> =>
  signedFetch(
    `${stackUrl()}/`,
    { headers, body },
    { service, region: 'us-east-1', credentials: as },
  );

/** The real ECS client of the AWS SDK, pointed at Berth. */
const ecsClient = (url = stackUrl()): ECSClient =>
  new ECSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });

/** The real CloudWatch client (AWS JSON 1.0), pointed at Berth's local endpoint. */
const cloudWatchClient = (url = stackUrl()): CloudWatchClient =>
  new CloudWatchClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });

/** The real Application Auto Scaling client, pointed at Berth. */
const autoScalingClient = (url = stackUrl()): ApplicationAutoScalingClient =>
  new ApplicationAutoScalingClient({
    endpoint: url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });

/** The suite's DynamoDB Local, to look at the table as Berth keeps it (signed with the root key). */
const dynamoDbClient = (): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: process.env.BERTH_TEST_DYNAMODB_URL,
    region: 'us-east-1',
    credentials,
  });

/** serverless-offline's Lambda invoke endpoint, to run scheduled functions at a test's pace. */
const lambdaClient = (): LambdaClient =>
  new LambdaClient({
    endpoint: process.env.BERTH_TEST_LAMBDA_URL,
    region: 'us-east-1',
    credentials,
  });

/** A name no other test uses, so that tests share one stack without seeing each other. */
const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export {
  autoScalingClient,
  cloudWatchClient,
  credentials,
  dynamoDbClient,
  ecsClient,
  lambdaClient,
  signedPost,
  stackUrl,
  uniqueName,
};
