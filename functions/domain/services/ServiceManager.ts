import type { Failure, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { type ArnContext, NAME_PATTERN, serviceArn, serviceNameFrom } from '../arns';
import { requireActiveCluster } from '../clusters/requireActiveCluster';
import {
  ClientException,
  ClusterNotFoundException,
  InvalidParameterException,
  LimitExceededException,
  ServiceNotActiveException,
  ServiceNotFoundException,
} from '../errors';
import {
  type ClusterRecord,
  type Page,
  type PageRequest,
  TASK_DEFINITION_STATUS,
  type TaskDefinitionRecord,
} from '../model';
import type { Subnet } from '../network/subnets';
import { validateConstraints, validateStrategies } from '../placement/validation';
import type { Clock } from '../ports/Clock';
import type { ClusterRepository } from '../ports/ClusterRepository';
import type { EventPublisher } from '../ports/EventPublisher';
import type { ServiceRepository } from '../ports/ServiceRepository';
import type { ServiceWaker } from '../ports/ServiceWaker';
import { validateTags } from '../taskDefinitions/validation';
import { readAwsvpcConfiguration, resolveLaunchTarget } from '../tasks/launchTarget';
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
} from '../validation/shape';
import { newDeploymentId } from './identifiers';
import {
  DEFAULT_DEPLOYMENT_CONFIGURATION,
  type DeploymentRecord,
  type ServiceLaunch,
  type ServiceRecord,
} from './model';
import { launchOf, sameLaunch } from './planner';
import { deploymentStateChange } from './serviceEvents';
import { toService } from './serviceView';
import { readDeploymentConfiguration, readDesiredCount, readLoadBalancers } from './validation';

/**
 * CreateService, UpdateService, DeleteService, DescribeServices,
 * ListServices: what a user asks of a service. Each change is written
 * conditionally on the service's version and then wakes the scheduler, which
 * does the launching and stopping (ServiceScheduler).
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
 */

interface ServiceManagerDependencies {
  readonly services: ServiceRepository;
  readonly clusters: ClusterRepository;
  readonly resolveTaskDefinition: (reference: string) => Promise<TaskDefinitionRecord>;
  readonly waker: ServiceWaker;
  readonly events: EventPublisher;
  readonly subnets: readonly Subnet[];
  readonly clock: Clock;
  readonly arns: ArnContext;
  /** ECS's quotas: services per cluster and tasks per service (5,000 each). */
  readonly quotas?: { readonly servicesPerCluster: number; readonly tasksPerService: number };
}

const MAX_DESCRIBED = 10;
/** ECS's words for a desired count given to a DAEMON service. */
const DAEMON_DESIRED_COUNT =
  'The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again';
const SAVE_ATTEMPTS = 5;

/** ECS's default placement for a service's EC2 tasks: spread across zones, then instances. */
const DEFAULT_SERVICE_STRATEGY = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'instanceId' },
];

class ServiceManager {
  readonly #deps: ServiceManagerDependencies;

  constructor(deps: ServiceManagerDependencies) {
    this.#deps = deps;
  }

  async create(body: Record<string, unknown>): Promise<Service> {
    const name = optionalString(body.serviceName, 'serviceName');
    if (name === undefined) throw new InvalidParameterException('serviceName can not be blank.');
    if (!NAME_PATTERN.test(name)) {
      throw new InvalidParameterException(
        'Service names can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.',
      );
    }
    const cluster = await requireActiveCluster(
      this.#deps.clusters,
      optionalString(body.cluster, 'cluster'),
    );
    const schedulingStrategy =
      optionalEnum(body.schedulingStrategy, 'schedulingStrategy', ['REPLICA', 'DAEMON'] as const) ??
      'REPLICA';
    const desired = readDesiredCount(body.desiredCount, this.#deps.quotas?.tasksPerService);
    const daemon = schedulingStrategy === 'DAEMON';
    if (daemon && desired !== undefined) throw new InvalidParameterException(DAEMON_DESIRED_COUNT);
    if (daemon && body.placementStrategy !== undefined && body.placementStrategy !== null) {
      throw new InvalidParameterException(
        'The daemon scheduling strategy does not support placement strategies.',
      );
    }
    if (!daemon && desired === undefined) {
      throw new InvalidParameterException('desiredCount is required for a REPLICA service.');
    }
    const controller = optionalObject(body.deploymentController, 'deploymentController');
    const controllerType = optionalEnum(controller?.type, 'deploymentController.type', [
      'ECS',
      'CODE_DEPLOY',
      'EXTERNAL',
    ] as const);
    if (controllerType !== undefined && controllerType !== 'ECS') {
      throw new InvalidParameterException(
        `The ${controllerType} deployment controller is not supported by Berth; use ECS.`,
      );
    }
    const loadBalancers = readLoadBalancers(body.loadBalancers);
    const grace = optionalInteger(
      body.healthCheckGracePeriodSeconds,
      'healthCheckGracePeriodSeconds',
    );
    if (grace !== undefined && loadBalancers.length === 0) {
      throw new InvalidParameterException(
        'Health check grace period is only valid for services configured to use load balancers',
      );
    }
    const clientToken = optionalString(body.clientToken, 'clientToken');
    const launch = await this.#readLaunch(body, cluster, undefined, schedulingStrategy);
    if (daemon && launch.launchType !== 'EC2' && launch.launchType !== 'EXTERNAL') {
      throw new InvalidParameterException(
        'The daemon scheduling strategy is not supported with the FARGATE launch type.',
      );
    }
    const deploymentConfiguration = readDeploymentConfiguration(
      body.deploymentConfiguration,
      // ECS's defaults for daemons: an instance's old task stops before its new one starts.
      daemon
        ? { ...DEFAULT_DEPLOYMENT_CONFIGURATION, minimumHealthyPercent: 0, maximumPercent: 100 }
        : DEFAULT_DEPLOYMENT_CONFIGURATION,
    );
    if (daemon && deploymentConfiguration.maximumPercent !== 100) {
      throw new InvalidParameterException(
        'The maximumPercent of a service with the daemon scheduling strategy must be 100.',
      );
    }
    const now = this.#deps.clock.now();
    // A daemon's desired count is the scheduler's to set: one per instance it runs on.
    const deployment = this.#newDeployment(launch, desired ?? 0, now);
    const service: ServiceRecord = {
      cluster: cluster.name,
      name,
      status: 'ACTIVE',
      schedulingStrategy,
      desiredCount: desired ?? 0,
      runningCount: 0,
      pendingCount: 0,
      deploymentConfiguration,
      deployments: [deployment],
      loadBalancers,
      healthCheckGracePeriodSeconds: grace,
      propagateTags:
        optionalEnum(body.propagateTags, 'propagateTags', [
          'TASK_DEFINITION',
          'SERVICE',
          'NONE',
        ] as const) ?? 'NONE',
      enableECSManagedTags:
        optionalBoolean(body.enableECSManagedTags, 'enableECSManagedTags') ?? false,
      tags: validateTags(body.tags, 'tags'),
      clientToken,
      events: [],
      steady: false,
      createdAt: now,
      version: 1,
    };
    const limit = this.#deps.quotas?.servicesPerCluster ?? 5000;
    const created = await this.#deps.services.create(service, limit);
    if (created.outcome === 'cluster-not-active') throw new ClusterNotFoundException();
    if (created.outcome === 'quota-reached') {
      throw new LimitExceededException(
        `The cluster ${service.cluster} has reached the limit of ${limit} services.`,
      );
    }
    if (created.outcome === 'contended') {
      throw new ClientException('Too many concurrent requests for the cluster; try again.');
    }
    if (created.outcome === 'exists') {
      // The same request again (same clientToken) gets the service it created.
      if (clientToken !== undefined && created.service.clientToken === clientToken) {
        return toService(this.#deps.arns, created.service, false);
      }
      throw new InvalidParameterException('Creation of service was not idempotent.');
    }
    await this.#started(service, deployment, now);
    return toService(this.#deps.arns, service, false);
  }

  async update(body: Record<string, unknown>): Promise<Service> {
    const { cluster, name } = await this.#target(body);
    return this.#change(cluster.name, name, async (current) => {
      if (current.status !== 'ACTIVE') throw new ServiceNotActiveException();
      const primary = current.deployments[0] as DeploymentRecord;
      const asked = readDesiredCount(body.desiredCount, this.#deps.quotas?.tasksPerService);
      if (current.schedulingStrategy === 'DAEMON' && asked !== undefined) {
        throw new InvalidParameterException(DAEMON_DESIRED_COUNT);
      }
      const desired = asked ?? current.desiredCount;
      const launch = await this.#readLaunch(body, cluster, primary, current.schedulingStrategy);
      const force = optionalBoolean(body.forceNewDeployment, 'forceNewDeployment') ?? false;
      const now = this.#deps.clock.now();
      const redeploy = force || !sameLaunch(launch, primary);
      const deployments = redeploy
        ? [
            this.#newDeployment(launch, desired, now),
            ...current.deployments.map((deployment) => ({
              ...deployment,
              status: 'ACTIVE' as const,
              updatedAt: now,
            })),
          ]
        : [{ ...primary, desiredCount: desired }, ...current.deployments.slice(1)];
      return {
        ...current,
        desiredCount: desired,
        deploymentConfiguration: readDeploymentConfiguration(
          body.deploymentConfiguration,
          current.deploymentConfiguration,
        ),
        deployments,
        steady: current.steady && !redeploy && desired === current.desiredCount,
        version: current.version + 1,
      };
    });
  }

  /**
   * Reads the service, lets `change` say what it becomes (undefined: nothing
   * to write), and writes it conditionally on the version read, again after
   * a lost race; then a new deployment is announced, and the scheduler woken.
   */
  async #change(
    cluster: string,
    name: string,
    change: (current: ServiceRecord) => Promise<ServiceRecord | undefined>,
  ): Promise<Service> {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
      const current = await this.#deps.services.get(cluster, name);
      if (!current || current.status === 'INACTIVE') throw new ServiceNotFoundException();
      const next = await change(current);
      if (!next) return toService(this.#deps.arns, current, false);
      if (await this.#deps.services.save(next, current)) {
        const deployment = next.deployments[0];
        if (deployment && deployment.id !== current.deployments[0]?.id) {
          await this.#started(next, deployment, this.#deps.clock.now());
        } else {
          await this.#deps.waker.wake(cluster, name);
        }
        return toService(this.#deps.arns, next, false);
      }
    }
    throw new ClientException('Too many concurrent changes to the service; try again.');
  }

  /** A new deployment is news on the bus, and work for the scheduler. */
  async #started(service: ServiceRecord, deployment: DeploymentRecord, now: number): Promise<void> {
    await this.#deps.events.publish([
      deploymentStateChange(
        this.#deps.arns,
        service,
        {
          deploymentId: deployment.id,
          eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS',
          reason: deployment.rolloutStateReason,
        },
        now,
      ),
    ]);
    await this.#deps.waker.wake(service.cluster, service.name);
  }

  async delete(body: Record<string, unknown>): Promise<Service> {
    const { cluster, name } = await this.#target(body);
    const force = optionalBoolean(body.force, 'force') ?? false;
    return this.#change(cluster.name, name, async (current) => {
      if (current.status === 'DRAINING') return undefined;
      if (current.desiredCount > 0 && !force) {
        throw new InvalidParameterException(
          'The service cannot be stopped while it is scaled above 0.',
        );
      }
      return {
        ...current,
        status: 'DRAINING',
        desiredCount: 0,
        steady: false,
        version: current.version + 1,
      };
    });
  }

  async describe(
    body: Record<string, unknown>,
  ): Promise<{ services: Service[]; failures: Failure[] }> {
    const cluster = await requireActiveCluster(
      this.#deps.clusters,
      optionalString(body.cluster, 'cluster'),
    );
    const references = optionalStringList(body.services, 'services') ?? [];
    if (references.length === 0) throw new InvalidParameterException('Services cannot be empty.');
    if (references.length > MAX_DESCRIBED) {
      throw new InvalidParameterException(`services can have at most ${MAX_DESCRIBED} items.`);
    }
    const include = optionalStringList(body.include, 'include') ?? [];
    const wanted = references.map((reference) => ({ reference, name: serviceNameFrom(reference) }));
    const names = [...new Set(wanted.flatMap((w) => (w.name === undefined ? [] : [w.name])))];
    const found = await this.#deps.services.getMany(cluster.name, names);
    const byName = new Map(found.map((service) => [service.name, service]));
    const services: Service[] = [];
    const failures: Failure[] = [];
    for (const { reference, name } of wanted) {
      const service = name === undefined ? undefined : byName.get(name);
      if (service) services.push(toService(this.#deps.arns, service, include.includes('TAGS')));
      else {
        failures.push({
          arn: reference.startsWith('arn:')
            ? reference
            : serviceArn(this.#deps.arns, cluster.name, reference),
          reason: 'MISSING',
        });
      }
    }
    return { services, failures };
  }

  async list(body: Record<string, unknown>, page: PageRequest): Promise<Page<string>> {
    const cluster = await requireActiveCluster(
      this.#deps.clusters,
      optionalString(body.cluster, 'cluster'),
    );
    const launchType = optionalEnum(body.launchType, 'launchType', [
      'EC2',
      'FARGATE',
      'EXTERNAL',
      'MANAGED_INSTANCES',
    ] as const);
    const schedulingStrategy = optionalEnum(body.schedulingStrategy, 'schedulingStrategy', [
      'REPLICA',
      'DAEMON',
    ] as const);
    const result = await this.#deps.services.list(cluster.name, {
      ...page,
      launchType,
      schedulingStrategy,
    });
    return {
      ...result,
      items: result.items.map((name) => serviceArn(this.#deps.arns, cluster.name, name)),
    };
  }

  /** The cluster and service a request names (`cluster`, `service`). */
  async #target(body: Record<string, unknown>): Promise<{ cluster: ClusterRecord; name: string }> {
    const reference = optionalString(body.service, 'service');
    if (reference === undefined) throw new InvalidParameterException('service can not be blank.');
    const cluster = await requireActiveCluster(
      this.#deps.clusters,
      optionalString(body.cluster, 'cluster'),
    );
    const name = serviceNameFrom(reference);
    if (name === undefined) throw new InvalidParameterException(`Invalid service: ${reference}`);
    return { cluster, name };
  }

  /**
   * What a deployment launches, from the request and (on UpdateService) the
   * current primary deployment for what the request leaves out. Each part is
   * checked as RunTask would check it, so that a bad service fails here and
   * not task after task.
   */
  async #readLaunch(
    body: Record<string, unknown>,
    cluster: ClusterRecord,
    current: ServiceLaunch | undefined,
    schedulingStrategy: 'REPLICA' | 'DAEMON',
  ): Promise<ServiceLaunch> {
    const reference =
      optionalString(body.taskDefinition, 'taskDefinition') ??
      (current ? `${current.family}:${current.revision}` : undefined);
    if (reference === undefined) {
      throw new InvalidParameterException('taskDefinition can not be blank.');
    }
    let record: TaskDefinitionRecord;
    try {
      record = await this.#deps.resolveTaskDefinition(reference);
    } catch {
      throw new ClientException('TaskDefinition not found.');
    }
    if (record.status !== TASK_DEFINITION_STATUS.active && body.taskDefinition !== undefined) {
      throw new ClientException('TaskDefinition is inactive.');
    }
    const definition = record.body as TaskDefinition;
    const launchInput = {
      launchType:
        body.launchType ?? (body.capacityProviderStrategy ? undefined : current?.launchType),
      capacityProviderStrategy:
        body.capacityProviderStrategy ??
        (body.launchType ? undefined : current?.capacityProviderStrategy),
      platformVersion: body.platformVersion ?? current?.platformVersion,
    };
    const target = resolveLaunchTarget(launchInput, definition, cluster);
    const networkConfiguration =
      optionalObject(body.networkConfiguration, 'networkConfiguration') ??
      current?.networkConfiguration;
    readAwsvpcConfiguration(networkConfiguration, definition.networkMode, this.#deps.subnets);
    const placementStrategy =
      body.placementStrategy === undefined
        ? (current?.placementStrategy ??
          (target.launchType === 'FARGATE' || schedulingStrategy === 'DAEMON'
            ? []
            : DEFAULT_SERVICE_STRATEGY))
        : validateStrategies(
            (optionalObjectList(body.placementStrategy, 'placementStrategy') ?? []).map(
              (item, index) => ({
                type: optionalString(item.type, `placementStrategy[${index}].type`),
                field: optionalString(item.field, `placementStrategy[${index}].field`),
              }),
            ),
          ).map((strategy) => ({ type: strategy.type, field: strategy.field }));
    const placementConstraints =
      body.placementConstraints === undefined
        ? (current?.placementConstraints ?? [])
        : (optionalObjectList(body.placementConstraints, 'placementConstraints') ?? []).map(
            (item, index) => ({
              type: optionalString(item.type, `placementConstraints[${index}].type`) ?? '',
              expression: optionalString(
                item.expression,
                `placementConstraints[${index}].expression`,
              ),
            }),
          );
    validateConstraints(placementConstraints, definition.placementConstraints);
    return launchOf({
      family: record.family,
      revision: record.revision,
      launchType: target.capacityProviderName ? undefined : target.launchType,
      capacityProviderStrategy: launchInput.capacityProviderStrategy as
        | ServiceLaunch['capacityProviderStrategy']
        | undefined,
      platformVersion: target.platformVersion,
      networkConfiguration,
      placementConstraints,
      placementStrategy,
    });
  }

  #newDeployment(launch: ServiceLaunch, desiredCount: number, now: number): DeploymentRecord {
    const id = newDeploymentId();
    return {
      ...launch,
      id,
      status: 'PRIMARY',
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      failedTasks: 0,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${id} in progress.`,
      createdAt: now,
      updatedAt: now,
    };
  }
}

export type { ServiceManagerDependencies };
export { ServiceManager };
