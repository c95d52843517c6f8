import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  type StepFunctionsServer,
  startStepFunctionsServer,
} from '../../local/stepfunctions/server';

/**
 * The local Step Functions server on its own: small inline state machines,
 * Lambdas faked by a function that records its calls, and the real
 * `@aws-sdk/client-sfn` as the client. It does not need the rest of the stack.
 */

type Payload = Record<string, unknown>;

const getAtt = (logicalName: string) => ({ 'Fn::GetAtt': [logicalName, 'Arn'] });
const arnOf = (name: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;

const definitions: Record<string, object> = {
  counter: {
    StartAt: 'Increment',
    States: {
      Increment: { Type: 'Task', Resource: getAtt('increment'), Next: 'Enough?' },
      'Enough?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.count', NumericGreaterThanEquals: 2, Next: 'Done' }],
        Default: 'Pause',
      },
      Pause: { Type: 'Wait', Seconds: 1, Next: 'Increment' },
      Done: { Type: 'Succeed' },
    },
  },
  retrying: {
    StartAt: 'Flaky',
    States: {
      Flaky: {
        Type: 'Task',
        Resource: getAtt('flaky'),
        Retry: [
          { ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 },
        ],
        End: true,
      },
    },
  },
  failing: {
    StartAt: 'Explode',
    States: {
      Explode: {
        Type: 'Task',
        Resource: getAtt('explode'),
        Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Failed' }],
        End: true,
      },
      Failed: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    },
  },
  waiting: {
    StartAt: 'HandOff',
    States: {
      HandOff: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: getAtt('handOff'),
          Payload: { 'taskToken.$': '$$.Task.Token', 'job.$': '$.job' },
        },
        ResultPath: '$.result',
        End: true,
      },
    },
  },
  heartbeating: {
    StartAt: 'HandOffWithHeartbeat',
    States: {
      HandOffWithHeartbeat: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: getAtt('handOff'),
          Payload: { 'taskToken.$': '$$.Task.Token', 'job.$': '$.job' },
        },
        HeartbeatSeconds: 1,
        End: true,
      },
    },
  },
  fanning: {
    StartAt: 'FanOut',
    States: {
      FanOut: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          StartAt: 'Double',
          States: {
            Double: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: getAtt('double'), 'Payload.$': '$' },
              OutputPath: '$.Payload',
              End: true,
            },
          },
        },
        End: true,
      },
    },
  },
  pausing: {
    StartAt: 'Record',
    States: {
      Record: { Type: 'Task', Resource: getAtt('record'), Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  },
};

/** Stands in for serverless-offline's invoke endpoint, recording every call. */
const fakeLambdas = () => {
  const calls: { functionName: string; payload: Payload }[] = [];
  const asyncCalls: { functionName: string; payload: Payload }[] = [];
  let flakyFailures = 0;
  const handlers: Record<string, (payload: Payload) => unknown> = {
    'berth-test-increment': (payload) => ({ ...payload, count: Number(payload.count ?? 0) + 1 }),
    'berth-test-flaky': (payload) => {
      flakyFailures += 1;
      // As serverless-offline answers a handler that threw.
      return flakyFailures === 1
        ? { errorType: 'TransientError', errorMessage: 'try again', trace: [] }
        : { ...payload, attempts: flakyFailures };
    },
    'berth-test-explode': () => ({ errorType: 'BoomError', errorMessage: 'no capacity' }),
    'berth-test-double': (payload) => Number(payload) * 2,
    'berth-test-record': (payload) => payload,
  };
  return {
    calls,
    asyncCalls,
    invokeLambda: async (functionName: string, payload: unknown): Promise<unknown> => {
      calls.push({ functionName, payload: payload as Payload });
      const handler = handlers[functionName];
      if (!handler) throw new Error(`Function not found: ${functionName}`);
      return handler(payload as Payload);
    },
    invokeLambdaAsync: async (functionName: string, payload: unknown): Promise<void> => {
      asyncCalls.push({ functionName, payload: payload as Payload });
    },
  };
};

const startServer = (dataDir: string, lambdas: ReturnType<typeof fakeLambdas>) =>
  startStepFunctionsServer({
    port: 0,
    dataDir,
    stateMachines: Object.entries(definitions).map(([name, definition]) => ({
      name,
      arn: arnOf(name),
      definition,
    })),
    invokeLambda: lambdas.invokeLambda,
    invokeLambdaAsync: lambdas.invokeLambdaAsync,
    resolveFunctionName: (logicalName) => `berth-test-${logicalName}`,
  });

const clientFor = (server: StepFunctionsServer) =>
  new SFNClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'berth-test', secretAccessKey: 'berth-test' },
    maxAttempts: 1,
  });

const waitFor = async <T>(probe: () => T | undefined | Promise<T | undefined>, what: string) => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const waitForEnd = (client: SFNClient, executionArn: string) =>
  waitFor(async (): Promise<DescribeExecutionCommandOutput | undefined> => {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING' ? undefined : execution;
  }, `the end of ${executionArn}`);

const historyTypes = async (client: SFNClient, executionArn: string) => {
  const { events = [] } = await client.send(
    new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
  );
  return events.map((event) => event.type);
};

describe('Local Step Functions server', () => {
  let dataDir: string;
  let lambdas: ReturnType<typeof fakeLambdas>;
  let server: StepFunctionsServer;
  let client: SFNClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-sfn-'));
    lambdas = fakeLambdas();
    server = await startServer(dataDir, lambdas);
    client = clientFor(server);
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (machine: string, input: unknown, name?: string) => {
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: arnOf(machine),
        input: JSON.stringify(input),
        ...(name !== undefined ? { name } : {}),
      }),
    );
    return executionArn!;
  };

  const tokenFor = (job: string) =>
    waitFor(() => {
      const call = lambdas.asyncCalls.find((candidate) => candidate.payload.job === job);
      return call ? String(call.payload.taskToken) : undefined;
    }, `the hand-off of ${job}`);

  it('runs a Task, Choice, Wait loop to SUCCEEDED with the right output', async () => {
    const executionArn = await start('counter', { count: 0 }, 'count-to-two');
    expect(executionArn).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:counter:count-to-two',
    );

    const execution = await waitForEnd(client, executionArn);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ count: 2 });
    expect(execution.startDate).toBeInstanceOf(Date);
    expect(execution.stopDate!.getTime()).toBeGreaterThanOrEqual(execution.startDate!.getTime());
    const incrementCalls = lambdas.calls.filter(
      (call) => call.functionName === 'berth-test-increment',
    );
    expect(incrementCalls.map((call) => call.payload)).toEqual([{ count: 0 }, { count: 1 }]);
  });

  it('records the history with ids, timestamps and AWS event types', async () => {
    const executionArn = await start('counter', { count: 1 });
    await waitForEnd(client, executionArn);

    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(events[1]?.previousEventId).toBe(1);
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events[2]?.lambdaFunctionScheduledEventDetails?.resource).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:berth-test-increment',
    );
    expect(events[1]?.stateEnteredEventDetails).toMatchObject({ name: 'Increment' });

    const first = await client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder: true }),
    );
    expect(first.events?.map((event) => event.id)).toEqual([11, 10, 9, 8]);
    const second = await client.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 4,
        reverseOrder: true,
        nextToken: first.nextToken!,
      }),
    );
    expect(second.events?.map((event) => event.id)).toEqual([7, 6, 5, 4]);
  });

  it('retries a failing Lambda on its error type, then succeeds', async () => {
    const executionArn = await start('retrying', { job: 'retry' });

    const execution = await waitForEnd(client, executionArn);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ job: 'retry', attempts: 2 });
    const types = await historyTypes(client, executionArn);
    expect(types.filter((type) => type === 'LambdaFunctionScheduled')).toHaveLength(2);
    expect(types).toContain('LambdaFunctionFailed');
  });

  it('catches a Lambda error and ends FAILED with its error and cause', async () => {
    const executionArn = await start('failing', {});

    const execution = await waitForEnd(client, executionArn);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('BoomError');
    expect(JSON.parse(execution.cause!)).toMatchObject({
      errorType: 'BoomError',
      errorMessage: 'no capacity',
    });
    const types = await historyTypes(client, executionArn);
    expect(types).toEqual(
      expect.arrayContaining(['LambdaFunctionFailed', 'FailStateEntered', 'ExecutionFailed']),
    );
  });

  it('runs optimised lambda:invoke Tasks inside a Map through invokeLambda', async () => {
    const executionArn = await start('fanning', { items: [1, 2, 3] });

    const execution = await waitForEnd(client, executionArn);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual([2, 4, 6]);
    const doubled = lambdas.calls.filter((call) => call.functionName === 'berth-test-double');
    expect(doubled.map((call) => call.payload).sort()).toEqual([1, 2, 3]);
    const types = await historyTypes(client, executionArn);
    expect(types.filter((type) => type === 'MapIterationSucceeded')).toHaveLength(3);
    expect(types).toContain('TaskSucceeded');
  });

  it('completes a waitForTaskToken Task with SendTaskSuccess', async () => {
    const executionArn = await start('waiting', { job: 'job-success' });
    const taskToken = await tokenFor('job-success');
    expect(
      lambdas.asyncCalls.find((call) => call.payload.job === 'job-success')?.functionName,
    ).toBe('berth-test-handOff');

    await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    await client.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ placed: true }) }),
    );
    const execution = await waitForEnd(client, executionArn);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ job: 'job-success', result: { placed: true } });
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    const types = await historyTypes(client, executionArn);
    expect(types).toEqual(
      expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']),
    );
  });

  it('fails a waitForTaskToken Task with SendTaskFailure', async () => {
    const executionArn = await start('waiting', { job: 'job-failure' });
    const taskToken = await tokenFor('job-failure');

    await client.send(
      new SendTaskFailureCommand({ taskToken, error: 'AgentLost', cause: 'the agent went away' }),
    );
    const execution = await waitForEnd(client, executionArn);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('AgentLost');
    expect(execution.cause).toBe('the agent went away');
    expect(await historyTypes(client, executionArn)).toContain('TaskFailed');
  });

  it('times a waitForTaskToken Task out when its heartbeat lapses', async () => {
    const executionArn = await start('heartbeating', { job: 'job-silent' });
    const taskToken = await tokenFor('job-silent');

    const execution = await waitForEnd(client, executionArn);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.HeartbeatTimeout');
    expect(await historyTypes(client, executionArn)).toContain('TaskTimedOut');
    await expect(client.send(new SendTaskHeartbeatCommand({ taskToken }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('answers InvalidToken for a token it never issued', async () => {
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('aborts an execution on StopExecution', async () => {
    const executionArn = await start('waiting', { job: 'job-stopped' });
    const taskToken = await tokenFor('job-stopped');

    const { stopDate } = await client.send(
      new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'by the test' }),
    );
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));

    expect(stopDate).toBeInstanceOf(Date);
    expect(execution).toMatchObject({
      status: 'ABORTED',
      error: 'Cancelled',
      cause: 'by the test',
    });
    expect((await historyTypes(client, executionArn)).at(-1)).toBe('ExecutionAborted');
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('lists executions by state machine and status, a page at a time', async () => {
    const running = await start('waiting', { job: 'job-listed' });
    await tokenFor('job-listed');
    const succeeded = await start('counter', { count: 5 });
    await waitForEnd(client, succeeded);

    const runningOnly = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arnOf('waiting'), statusFilter: 'RUNNING' }),
    );
    const counterSucceeded = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arnOf('counter'), statusFilter: 'SUCCEEDED' }),
    );
    const firstPage = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arnOf('counter'), maxResults: 1 }),
    );
    const secondPage = await client.send(
      new ListExecutionsCommand({
        stateMachineArn: arnOf('counter'),
        maxResults: 1,
        nextToken: firstPage.nextToken!,
      }),
    );

    expect(runningOnly.executions?.map((execution) => execution.executionArn)).toEqual([running]);
    expect(counterSucceeded.executions?.map((execution) => execution.executionArn)).toContain(
      succeeded,
    );
    expect(
      counterSucceeded.executions?.every((execution) => execution.status === 'SUCCEEDED'),
    ).toBe(true);
    expect(firstPage.executions?.[0]?.executionArn).toBe(succeeded);
    expect(secondPage.executions).toHaveLength(1);
    expect(secondPage.executions?.[0]?.executionArn).not.toBe(succeeded);
    await client.send(new StopExecutionCommand({ executionArn: running }));
  });

  it('returns the running execution for the same name and input, and refuses other input', async () => {
    const first = await start('waiting', { job: 'job-idempotent' }, 'idempotent');
    const again = await start('waiting', { job: 'job-idempotent' }, 'idempotent');

    expect(again).toBe(first);
    await expect(start('waiting', { job: 'another' }, 'idempotent')).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await client.send(new StopExecutionCommand({ executionArn: first }));
    await expect(start('waiting', { job: 'job-idempotent' }, 'idempotent')).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });

  it('answers client faults with their AWS error types', async () => {
    await expect(
      client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })),
    ).rejects.toMatchObject({ name: 'InvalidArn', $metadata: { httpStatusCode: 400 } });
    await expect(
      client.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:000000000000:execution:counter:missing',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: arnOf('missing') })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: arnOf('counter'), input: '{' })),
    ).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: arnOf('counter'), name: 'a b' })),
    ).rejects.toMatchObject({ name: 'InvalidName' });
  });

  it('answers an unknown operation or a malformed body with 400 and __type', async () => {
    const post = async (target: string, body: string) => {
      const response = await fetch(`${server.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
        body,
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };

    const unknown = await post('AWSStepFunctions.CreateWidget', '{}');
    const malformed = await post('AWSStepFunctions.StartExecution', '{"stateMachineArn":');
    const missing = await post('AWSStepFunctions.DescribeExecution', '{}');

    expect(unknown).toEqual({
      status: 400,
      json: { __type: 'UnknownOperationException', message: expect.any(String) },
    });
    expect(malformed).toEqual({
      status: 400,
      json: { __type: 'SerializationException', message: expect.any(String) },
    });
    expect(missing).toEqual({
      status: 400,
      json: { __type: 'ValidationException', message: expect.stringContaining('executionArn') },
    });
  });

  it('describes and lists its state machines with resolved definitions', async () => {
    const { stateMachines = [] } = await client.send(new ListStateMachinesCommand({}));
    const counter = await client.send(
      new DescribeStateMachineCommand({ stateMachineArn: arnOf('counter') }),
    );

    expect(stateMachines.map((machine) => machine.name)).toEqual(
      Object.keys(definitions).sort((a, b) => a.localeCompare(b)),
    );
    expect(counter).toMatchObject({ name: 'counter', status: 'ACTIVE', type: 'STANDARD' });
    expect(JSON.parse(counter.definition!).States.Increment.Resource).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:berth-test-increment',
    );
  });

  it('keeps finished executions and resumes a running one across a restart', async () => {
    const restartDir = await mkdtemp(join(tmpdir(), 'berth-sfn-restart-'));
    const restartLambdas = fakeLambdas();
    let first: StepFunctionsServer | undefined = await startServer(restartDir, restartLambdas);
    let second: StepFunctionsServer | undefined;
    try {
      let firstClient = clientFor(first);
      const { executionArn: finished } = await firstClient.send(
        new StartExecutionCommand({ stateMachineArn: arnOf('fanning'), input: '{"items":[5]}' }),
      );
      await waitForEnd(firstClient, finished!);
      const { executionArn: interrupted } = await firstClient.send(
        new StartExecutionCommand({ stateMachineArn: arnOf('pausing'), input: '{"step":1}' }),
      );
      await waitFor(
        () => restartLambdas.calls.find((call) => call.functionName === 'berth-test-record'),
        'the first step of the interrupted execution',
      );
      firstClient.destroy();
      await first.close();
      first = undefined;
      const saved = JSON.parse(
        await readFile(join(restartDir, 'stepfunctions', 'executions.json'), 'utf8'),
      ) as { executions: { executionArn: string; status: string }[] };
      expect(
        saved.executions.find((execution) => execution.executionArn === interrupted),
      ).toMatchObject({ status: 'RUNNING' });

      second = await startServer(restartDir, restartLambdas);
      firstClient = clientFor(second);
      const kept = await firstClient.send(
        new DescribeExecutionCommand({ executionArn: finished! }),
      );
      const resumed = await waitForEnd(firstClient, interrupted!);
      const types = await historyTypes(firstClient, interrupted!);
      firstClient.destroy();

      expect(kept.status).toBe('SUCCEEDED');
      expect(JSON.parse(kept.output!)).toEqual([10]);
      expect(resumed.status).toBe('SUCCEEDED');
      expect(resumed.redriveCount).toBe(1);
      expect(types).toContain('ExecutionRedriven');
      expect(types.at(-1)).toBe('ExecutionSucceeded');
      // At-least-once: the step that ran before the restart runs again.
      expect(
        restartLambdas.calls.filter((call) => call.functionName === 'berth-test-record'),
      ).toHaveLength(2);
    } finally {
      await first?.close();
      await second?.close();
      await rm(restartDir, { recursive: true, force: true });
    }
  });
});
