/**
 * The root key pair of the integration suite's stack, which verifies every
 * request (BERTH_AUTH=sigv4) as a deployed Berth does. Letters and digits
 * only: the suite's DynamoDB Local clients sign with it too.
 */
const ROOT_KEY = {
  accessKeyId: 'AKIABERTHTESTROOT001',
  secretAccessKey: 'berthTestRootSecretKey000000000000000000',
} as const;

export { ROOT_KEY };
