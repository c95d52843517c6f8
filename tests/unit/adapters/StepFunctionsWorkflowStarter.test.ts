import {
  createStepFunctionsClient,
  StepFunctionsWorkflowStarter,
} from '../../../functions/adapters/stepfunctions/StepFunctionsWorkflowStarter';
import { StandInService } from '../../helpers/standInService';

/** The workflow starter against a stand-in Step Functions that answers as told. */

let stepFunctions: StandInService;
let starter: StepFunctionsWorkflowStarter;

beforeAll(async () => {
  stepFunctions = await StandInService.start();
  starter = new StepFunctionsWorkflowStarter(
    createStepFunctionsClient({ region: 'us-east-1', endpoint: stepFunctions.endpoint }),
    { taskDefinitionCleanup: 'arn:cleanup', taskLifecycle: 'arn:lifecycle' },
    { taskDefinitionCleanupIntervalSeconds: 60 },
  );
});
afterAll(() => stepFunctions.close());
beforeEach(() => stepFunctions.reset());

const refuse = (type: string) => () => ({ status: 400, body: { __type: type, message: type } });
const lifecycle = { cluster: 'demo', taskId: 'abc' } as never;

describe('Class: StepFunctionsWorkflowStarter', () => {
  it('starts a task’s workflow named after the task, with its input', async () => {
    await starter.startTaskLifecycle(lifecycle);

    expect(stepFunctions.requests).toMatchObject([
      {
        target: 'AWSStepFunctions.StartExecution',
        contentType: 'application/x-amz-json-1.0',
        body: {
          stateMachineArn: 'arn:lifecycle',
          name: 'task-abc',
          input: JSON.stringify(lifecycle),
        },
      },
    ]);
  });

  it.each(['ExecutionAlreadyExists', 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists'])(
    'takes a start already made (%s) as done',
    async (type) => {
      stepFunctions.answer = refuse(type);

      await expect(starter.startTaskLifecycle(lifecycle)).resolves.toBeUndefined();
    },
  );

  it.each(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'])(
    'takes a token whose step moved on (%s) as resumed',
    async (type) => {
      stepFunctions.answer = refuse(type);

      await expect(starter.resume('token', { status: 'RUNNING' })).resolves.toBeUndefined();
      expect(stepFunctions.requests[0]).toMatchObject({
        target: 'AWSStepFunctions.SendTaskSuccess',
        body: { taskToken: 'token', output: '{"status":"RUNNING"}' },
      });
    },
  );

  it('throws any other refusal, by its name', async () => {
    stepFunctions.answer = refuse('StateMachineDoesNotExist');

    await expect(starter.startTaskLifecycle(lifecycle)).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
    await expect(starter.resume('token', {})).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
  });
});
