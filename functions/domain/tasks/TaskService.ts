import { AgentReports } from './AgentReports';
import type { TaskServiceDependencies } from './dependencies';
import { TaskLauncher } from './TaskLauncher';
import { TaskLifecycle } from './TaskLifecycle';
import { TaskQueries } from './TaskQueries';
import { TaskTransitions } from './TaskTransitions';
import { TaskViews } from './TaskViews';

/**
 * Tasks, in the parts the callers use: RunTask/StartTask (and the service
 * scheduler) launch, the workflow's steps and StopTask drive the lifecycle,
 * agents report, users describe and list. All of them change a task only
 * through `TaskTransitions`, so they can interleave in any order.
 */
interface TaskServices {
  readonly launcher: TaskLauncher;
  readonly lifecycle: TaskLifecycle;
  readonly reports: AgentReports;
  readonly queries: TaskQueries;
  readonly views: TaskViews;
}

const createTaskServices = (deps: TaskServiceDependencies): TaskServices => {
  const views = new TaskViews(deps);
  const transitions = new TaskTransitions(deps, views);
  return {
    launcher: new TaskLauncher(deps, views),
    lifecycle: new TaskLifecycle(deps, transitions, views),
    reports: new AgentReports(deps, transitions, views),
    queries: new TaskQueries(deps, transitions, views),
    views,
  };
};

export type { PlacementAsk, Placer, TaskServiceDependencies } from './dependencies';
export { taskArn, taskIdFrom } from './identifiers';
export type { TaskServices };
export { createTaskServices };
