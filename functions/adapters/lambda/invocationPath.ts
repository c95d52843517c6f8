/** Lambda's Invoke, as a REST path: the same on AWS and on serverless-offline's endpoint. */
const invocationPath = (functionName: string): string =>
  `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;

export { invocationPath };
