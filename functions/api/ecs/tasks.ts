import type {
  DescribeTasksResponse,
  ListTasksResponse,
  RunTaskResponse,
  StartTaskResponse,
  StopTaskResponse,
  SubmitContainerStateChangeResponse,
  SubmitTaskStateChangeResponse,
} from '@aws-sdk/client-ecs';
import { readPageRequest } from '../../domain/validation/requests';
import type { Operation } from '../registry';

/** @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html */

const RunTask: Operation = (body, { tasks }): Promise<RunTaskResponse> => tasks.run(body);

const StartTask: Operation = (body, { tasks }): Promise<StartTaskResponse> => tasks.start(body);

const StopTask: Operation = async (body, { tasks }): Promise<StopTaskResponse> => ({
  task: await tasks.stop(body),
});

const DescribeTasks: Operation = (body, { tasks }): Promise<DescribeTasksResponse> =>
  tasks.describe(body);

const ListTasks: Operation = async (body, { tasks }): Promise<ListTasksResponse> => {
  const page = await tasks.list(body, readPageRequest(body));
  return { taskArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
};

const SubmitTaskStateChange: Operation = async (
  body,
  { tasks },
): Promise<SubmitTaskStateChangeResponse> => {
  await tasks.submitTaskStateChange(body);
  return { acknowledgment: 'ACK' };
};

const SubmitContainerStateChange: Operation = async (
  body,
  { tasks },
): Promise<SubmitContainerStateChangeResponse> => {
  await tasks.submitContainerStateChange(body);
  return { acknowledgment: 'ACK' };
};

const taskOperations = {
  RunTask,
  StartTask,
  StopTask,
  DescribeTasks,
  ListTasks,
  SubmitTaskStateChange,
  SubmitContainerStateChange,
};

export { taskOperations };
