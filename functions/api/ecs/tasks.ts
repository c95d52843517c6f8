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

const RunTask: Operation = (body, { tasks }): Promise<RunTaskResponse> => tasks.launcher.run(body);

const StartTask: Operation = (body, { tasks }): Promise<StartTaskResponse> =>
  tasks.launcher.start(body);

const StopTask: Operation = async (body, { tasks }): Promise<StopTaskResponse> => ({
  task: await tasks.lifecycle.stop(body),
});

const DescribeTasks: Operation = (body, { tasks }): Promise<DescribeTasksResponse> =>
  tasks.queries.describe(body);

const ListTasks: Operation = async (body, { tasks }): Promise<ListTasksResponse> => {
  const page = await tasks.queries.list(body, readPageRequest(body));
  return { taskArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
};

const SubmitTaskStateChange: Operation = async (
  body,
  { tasks },
): Promise<SubmitTaskStateChangeResponse> => {
  await tasks.reports.submitTaskStateChange(body);
  return { acknowledgment: 'ACK' };
};

const SubmitContainerStateChange: Operation = async (
  body,
  { tasks },
): Promise<SubmitContainerStateChangeResponse> => {
  await tasks.reports.submitContainerStateChange(body);
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
