import type {
  DescribeTasksResponse,
  ListTasksResponse,
  RunTaskResponse,
  StartTaskResponse,
  StopTaskResponse,
  SubmitContainerStateChangeResponse,
  SubmitTaskStateChangeResponse,
} from '@aws-sdk/client-ecs';
import type { Dependencies } from '../../config/dependencies';
import type { Principal } from '../../domain/iam/model';
import { readPageRequest } from '../../domain/validation/requests';
import type { JsonObject } from '../../domain/validation/shape';
import type { Operation } from '../registry';
import { userOf } from './containerInstances';

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

/** An agent's key reports only on the tasks of the instance it registered (the root on any). */
const assertOwnTask = async (
  body: JsonObject,
  { tasks, containerInstances }: Dependencies,
  caller: Principal,
  action: string,
): Promise<void> => {
  const user = userOf(caller);
  if (user === undefined) return;
  const instance = await tasks.reports.instanceOf(body);
  if (instance) await containerInstances.assertActsFor(user, instance.cluster, instance.id, action);
};

const SubmitTaskStateChange: Operation = async (
  body,
  deps,
  caller,
): Promise<SubmitTaskStateChangeResponse> => {
  await assertOwnTask(body, deps, caller, 'ecs:SubmitTaskStateChange');
  await deps.tasks.reports.submitTaskStateChange(body);
  return { acknowledgment: 'ACK' };
};

const SubmitContainerStateChange: Operation = async (
  body,
  deps,
  caller,
): Promise<SubmitContainerStateChangeResponse> => {
  await assertOwnTask(body, deps, caller, 'ecs:SubmitContainerStateChange');
  await deps.tasks.reports.submitContainerStateChange(body);
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
