import type { Failure, Task } from '@aws-sdk/client-ecs';
import { serviceNameFrom } from '../arns';
import { instanceIdFrom } from '../containerInstances/ContainerInstanceService';
import { InvalidParameterException, ServiceNotFoundException } from '../errors';
import type { Page, PageRequest } from '../model';
import { optionalEnum, optionalString, optionalStringList } from '../validation/shape';
import type { TaskServiceDependencies } from './dependencies';
import { taskArn, taskIdFrom } from './identifiers';
import type { TaskTransitions } from './TaskTransitions';
import type { TaskViews } from './TaskViews';

/** DescribeTasks and ListTasks. */
class TaskQueries {
  readonly #deps: TaskServiceDependencies;
  readonly #transitions: TaskTransitions;
  readonly #views: TaskViews;

  constructor(deps: TaskServiceDependencies, transitions: TaskTransitions, views: TaskViews) {
    this.#deps = deps;
    this.#transitions = transitions;
    this.#views = views;
  }

  async describe(body: Record<string, unknown>): Promise<{ tasks: Task[]; failures: Failure[] }> {
    const cluster = await this.#transitions.requireCluster(optionalString(body.cluster, 'cluster'));
    const references = optionalStringList(body.tasks, 'tasks') ?? [];
    if (references.length === 0) throw new InvalidParameterException('Tasks cannot be empty.');
    if (references.length > 100) {
      throw new InvalidParameterException('tasks can have at most 100 items.');
    }
    const include = optionalStringList(body.include, 'include') ?? [];
    const wanted = references.map((reference) => ({ reference, id: taskIdFrom(reference) }));
    const found = await this.#deps.tasks.getMany(cluster, [...new Set(wanted.map((w) => w.id))]);
    const byId = new Map(found.map((task) => [task.id, task]));
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    for (const { reference, id } of wanted) {
      const task = byId.get(id);
      if (task) tasks.push(this.#views.toTask(task, include.includes('TAGS')));
      else {
        failures.push({
          arn: reference.startsWith('arn:') ? reference : taskArn(this.#deps.arns, cluster, id),
          reason: 'MISSING',
        });
      }
    }
    return { tasks, failures };
  }

  async list(body: Record<string, unknown>, page: PageRequest): Promise<Page<string>> {
    const cluster = await this.#transitions.requireCluster(optionalString(body.cluster, 'cluster'));
    const startedBy = optionalString(body.startedBy, 'startedBy');
    const family = optionalString(body.family, 'family');
    const instance = optionalString(body.containerInstance, 'containerInstance');
    const serviceName = optionalString(body.serviceName, 'serviceName');
    const desiredStatus =
      optionalEnum(body.desiredStatus, 'desiredStatus', [
        'RUNNING',
        'PENDING',
        'STOPPED',
      ] as const) ?? 'RUNNING';
    optionalEnum(body.launchType, 'launchType', [
      'EC2',
      'FARGATE',
      'EXTERNAL',
      'MANAGED_INSTANCES',
    ] as const);
    if (startedBy !== undefined && (family ?? instance ?? serviceName) !== undefined) {
      throw new InvalidParameterException(
        'startedBy cannot be combined with family, containerInstance or serviceName.',
      );
    }
    if (serviceName !== undefined) {
      return this.#listForService(cluster, serviceName, { family, instance, desiredStatus }, page);
    }
    // ECS never sets desiredStatus PENDING, so asking for it finds nothing.
    if (desiredStatus === 'PENDING') return { items: [] };
    const result = await this.#deps.tasks.list(cluster, {
      ...page,
      desiredStatus,
      family,
      startedBy,
      containerInstanceId: instance === undefined ? undefined : instanceIdFrom(instance),
    });
    return { ...result, items: result.items.map((id) => taskArn(this.#deps.arns, cluster, id)) };
  }

  /**
   * ListTasks `serviceName`: the service's tasks (its own index), in id
   * order; the page token is the last id given.
   */
  async #listForService(
    cluster: string,
    reference: string,
    filters: { family?: string | undefined; instance?: string | undefined; desiredStatus: string },
    page: PageRequest,
  ): Promise<Page<string>> {
    const name = serviceNameFrom(reference);
    const service = name === undefined ? undefined : await this.#deps.services.get(cluster, name);
    if (!service || name === undefined) throw new ServiceNotFoundException();
    if (filters.desiredStatus === 'PENDING') return { items: [] };
    const instanceId =
      filters.instance === undefined ? undefined : instanceIdFrom(filters.instance);
    const after =
      page.nextToken === undefined ? '' : Buffer.from(page.nextToken, 'base64url').toString();
    const matching = (await this.#deps.tasks.listForService(cluster, name))
      .filter(
        (task) =>
          task.desiredStatus === filters.desiredStatus &&
          (filters.family === undefined || task.family === filters.family) &&
          (instanceId === undefined || task.containerInstanceId === instanceId) &&
          task.id > after,
      )
      .map((task) => task.id)
      .sort();
    const items = matching.slice(0, page.maxResults);
    const last = items.at(-1);
    return {
      items: items.map((id) => taskArn(this.#deps.arns, cluster, id)),
      ...(matching.length > items.length && last
        ? { nextToken: Buffer.from(last).toString('base64url') }
        : {}),
    };
  }
}

export { TaskQueries };
