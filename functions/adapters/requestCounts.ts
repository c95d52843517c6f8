/**
 * How many requests this process sent to each service, per operation
 * (`DynamoDB.GetItem`, `SFN.SendTaskSuccess`, …): the budget per task that
 * `npm run bench` prints. The counts live on `globalThis` because each Lambda
 * bundle has its own copy of this module, and locally every bundle runs in
 * serverless-offline's one process.
 */

import type { MiddlewareStack } from '@smithy/types';

const COUNTS = Symbol.for('berth.requestCounts');

const counts = (): Map<string, number> => {
  const holder = globalThis as { [COUNTS]?: Map<string, number> };
  holder[COUNTS] ??= new Map();
  return holder[COUNTS];
};

/** Counts one request by name (the API counts what it answers as `api.<operation>`). */
const countRequest = (name: string): void => {
  const table = counts();
  table.set(name, (table.get(name) ?? 0) + 1);
};

/** Counts every command sent through `stack` (a client's middleware stack), as `<service>.<operation>`. */
const countRequests = <Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
  service: string,
): void => {
  stack.add(
    (next, context) => (args) => {
      countRequest(`${service}.${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 'berthRequestCounter', override: true },
  );
};

/** Every count so far, sorted by name. */
const requestCounts = (): Record<string, number> =>
  Object.fromEntries([...counts()].sort(([a], [b]) => a.localeCompare(b)));

export { countRequest, countRequests, requestCounts };
