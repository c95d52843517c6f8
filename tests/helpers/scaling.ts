import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/**
 * What the one-minute `evaluateScaling` schedule does, on a test's command:
 * the suite's stack has 2-second datapoints, so tests run the evaluator at
 * their own pace instead of waiting for the schedule.
 */
const evaluateScaling = async (lambda: LambdaClient): Promise<void> => {
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: 'berth-local-evaluateScaling', Payload: Buffer.from('{}') }),
  );
  if (out.FunctionError) throw new Error(Buffer.from(out.Payload ?? []).toString());
};

/** Evaluates once a second (the schedule, compressed) until `done`, for at most `ms`. */
const evaluateUntil = async <T>(
  lambda: LambdaClient,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms: number,
): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    await evaluateScaling(lambda);
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
};

/** The error a call ends with (undefined when it succeeds). */
const failureOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

export { evaluateScaling, evaluateUntil, failureOf };
