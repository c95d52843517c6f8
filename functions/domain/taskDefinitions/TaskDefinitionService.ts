import type { Failure, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import { type ArnContext, taskDefinitionArn } from '../arns';
import { ClientException, InvalidParameterException } from '../errors';
import {
  type Page,
  type PageRequest,
  TASK_DEFINITION_STATUS,
  type TaskDefinitionRecord,
  type TaskDefinitionStatus,
} from '../model';
import type { Clock } from '../ports/Clock';
import type { TaskDefinitionRepository } from '../ports/TaskDefinitionRepository';
import type { WorkflowStarter } from '../ports/WorkflowStarter';
import { parseTaskDefinitionReference, type TaskDefinitionReference } from './references';
import { validateTaskDefinitionRequest } from './validation';

/**
 * Task definitions: immutable revisions of a family, numbered 1, 2, 3, …
 * without gaps or duplicates.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 */

/** ECS caps a family at a million revisions. */
const MAX_REVISIONS = 1_000_000;
/** Attempts at taking the next revision number before giving up as ECS does. */
const MAX_REGISTER_ATTEMPTS = 25;
const MAX_DELETE_BATCH = 10;

const UNABLE_TO_DESCRIBE = 'Unable to describe task definition.';

interface TaskDefinitionServiceDependencies {
  readonly taskDefinitions: TaskDefinitionRepository;
  readonly workflows: WorkflowStarter;
  readonly clock: Clock;
  readonly arns: ArnContext;
  /** Waits between contended attempts; injectable so unit tests run instantly. */
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

interface TaskDefinitionWithTags {
  readonly taskDefinition: TaskDefinition;
  readonly tags: Tag[];
}

const defaultSleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

class TaskDefinitionService {
  readonly #deps: TaskDefinitionServiceDependencies;
  /**
   * The last revision this process saw per family. Registering with the right
   * guess takes one conditional write instead of a read and a write; a stale
   * guess costs one failed write, which returns the current counter.
   */
  readonly #latestRevisionSeen = new Map<string, number>();

  constructor(deps: TaskDefinitionServiceDependencies) {
    this.#deps = deps;
  }

  async register(body: Record<string, unknown>): Promise<TaskDefinitionWithTags> {
    const { definition, tags } = validateTaskDefinitionRequest(body);
    const { family, ...rest } = definition;
    if (family === undefined) throw new ClientException('Family can not be blank.');
    const sleep = this.#deps.sleep ?? defaultSleep;
    let expected = this.#latestRevisionSeen.get(family) ?? 0;
    for (let attempt = 0; attempt < MAX_REGISTER_ATTEMPTS; attempt += 1) {
      const revision = expected + 1;
      const now = this.#deps.clock.now();
      if (revision > MAX_REVISIONS) {
        throw new ClientException(
          `The family ${family} has reached the limit of ${MAX_REVISIONS} revisions.`,
        );
      }
      const record: TaskDefinitionRecord = {
        family,
        revision,
        status: TASK_DEFINITION_STATUS.active,
        registeredAt: now,
        statusChangedAt: now,
        body: rest,
        tags,
        version: 1,
      };
      const result = await this.#deps.taskDefinitions.appendRevision(record, expected);
      if (result.outcome === 'appended') {
        this.#latestRevisionSeen.set(family, revision);
        return { taskDefinition: this.toTaskDefinition(record), tags };
      }
      expected = result.family?.latestRevision ?? 0;
      this.#latestRevisionSeen.set(family, expected);
      // Lost a race: back off with jitter so that a burst of registrations spreads out.
      if (attempt > 0) await sleep(Math.floor(Math.random() * 10 * Math.min(attempt, 5)));
    }
    throw new ClientException(
      'Too many concurrent attempts to create a new revision of the specified family.',
    );
  }

  /** A revision by reference; a bare family means its latest ACTIVE revision. */
  async resolve(reference: string): Promise<TaskDefinitionRecord> {
    const parsed = parseTaskDefinitionReference(reference);
    const record =
      parsed.revision === undefined
        ? await this.#deps.taskDefinitions.getLatestActive(parsed.family)
        : await this.#deps.taskDefinitions.getRevision(parsed.family, parsed.revision);
    if (!record) throw new ClientException(UNABLE_TO_DESCRIBE);
    return record;
  }

  async describe(reference: string): Promise<TaskDefinitionWithTags> {
    const record = await this.resolve(reference);
    return { taskDefinition: this.toTaskDefinition(record), tags: record.tags };
  }

  /** DeregisterTaskDefinition: ACTIVE → INACTIVE; deregistering an INACTIVE revision changes nothing. */
  async deregister(reference: string): Promise<TaskDefinition> {
    const parsed = this.#requireRevision(reference);
    const changed = await this.#deps.taskDefinitions.changeStatus(
      parsed.family,
      parsed.revision,
      TASK_DEFINITION_STATUS.active,
      TASK_DEFINITION_STATUS.inactive,
      this.#deps.clock.now(),
    );
    if (changed) return this.toTaskDefinition(changed);
    const current = await this.#deps.taskDefinitions.getRevision(parsed.family, parsed.revision);
    if (!current) throw new ClientException(UNABLE_TO_DESCRIBE);
    return this.toTaskDefinition(current);
  }

  /**
   * DeleteTaskDefinitions: INACTIVE revisions move to DELETE_IN_PROGRESS and a
   * clean-up workflow removes them. A revision already DELETE_IN_PROGRESS has
   * its workflow started again (idempotently), so a retry after a failure
   * between the two steps heals. Each problem is a failure entry, not an error.
   */
  async deleteMany(
    references: string[],
  ): Promise<{ taskDefinitions: TaskDefinition[]; failures: Failure[] }> {
    if (references.length === 0) {
      throw new InvalidParameterException('taskDefinitions cannot be empty.');
    }
    if (references.length > MAX_DELETE_BATCH) {
      throw new InvalidParameterException(
        `taskDefinitions can have at most ${MAX_DELETE_BATCH} items.`,
      );
    }
    const taskDefinitions: TaskDefinition[] = [];
    const failures: Failure[] = [];
    for (const reference of references) {
      const outcome = await this.#deleteOne(reference);
      if ('failure' in outcome) failures.push(outcome.failure);
      else taskDefinitions.push(outcome.taskDefinition);
    }
    return { taskDefinitions, failures };
  }

  /** The step of the clean-up workflow: removes a revision that is still DELETE_IN_PROGRESS. */
  async purge(family: string, revision: number): Promise<'PURGED' | 'GONE'> {
    const record = await this.#deps.taskDefinitions.getRevision(family, revision);
    if (record?.status !== TASK_DEFINITION_STATUS.deleteInProgress) return 'GONE';
    await this.#deps.taskDefinitions.purge(family, revision);
    return 'PURGED';
  }

  /**
   * The safety net of the clean-up workflow: purges DELETE_IN_PROGRESS
   * revisions that have waited longer than `graceMilliseconds` (their
   * execution was lost or gave up). Returns how many it purged.
   */
  async sweepStaleDeletions(graceMilliseconds: number): Promise<number> {
    const deadline = this.#deps.clock.now() - graceMilliseconds;
    let purged = 0;
    let nextToken: string | undefined;
    do {
      const page = await this.#deps.taskDefinitions.list({
        status: TASK_DEFINITION_STATUS.deleteInProgress,
        descending: false,
        maxResults: 100,
        nextToken,
      });
      for (const { family, revision } of page.items) {
        const record = await this.#deps.taskDefinitions.getRevision(family, revision);
        if (
          record &&
          record.statusChangedAt <= deadline &&
          (await this.purge(family, revision)) === 'PURGED'
        ) {
          purged += 1;
        }
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return purged;
  }

  async list(query: {
    family?: string | undefined;
    status: TaskDefinitionStatus;
    descending: boolean;
    page: PageRequest;
  }): Promise<Page<string>> {
    const page = await this.#deps.taskDefinitions.list({
      ...query.page,
      family: query.family,
      status: query.status,
      descending: query.descending,
    });
    return {
      ...page,
      items: page.items.map(({ family, revision }) =>
        taskDefinitionArn(this.#deps.arns, family, revision),
      ),
    };
  }

  listFamilies(query: {
    familyPrefix?: string | undefined;
    status: 'ACTIVE' | 'INACTIVE' | 'ALL';
    page: PageRequest;
  }): Promise<Page<string>> {
    return this.#deps.taskDefinitions.listFamilies({
      ...query.page,
      familyPrefix: query.familyPrefix,
      status: query.status,
    });
  }

  toTaskDefinition(record: TaskDefinitionRecord): TaskDefinition {
    return {
      taskDefinitionArn: taskDefinitionArn(this.#deps.arns, record.family, record.revision),
      family: record.family,
      revision: record.revision,
      status: record.status,
      ...record.body,
      registeredAt: new Date(record.registeredAt),
      registeredBy: `arn:aws:iam::${this.#deps.arns.accountId}:root`,
      ...(record.deregisteredAt === undefined
        ? {}
        : { deregisteredAt: new Date(record.deregisteredAt) }),
    };
  }

  #requireRevision(reference: string): Required<TaskDefinitionReference> {
    const parsed = parseTaskDefinitionReference(reference);
    if (parsed.revision === undefined) throw new ClientException('Revision is missing.');
    return { family: parsed.family, revision: parsed.revision };
  }

  async #deleteOne(
    reference: string,
  ): Promise<{ taskDefinition: TaskDefinition } | { failure: Failure }> {
    let parsed: TaskDefinitionReference;
    try {
      parsed = parseTaskDefinitionReference(reference);
    } catch {
      parsed = { family: reference };
    }
    if (parsed.revision === undefined || parsed.family === '') {
      return {
        failure: {
          arn: reference,
          reason:
            'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.',
        },
      };
    }
    const { family, revision } = parsed;
    const arn = taskDefinitionArn(this.#deps.arns, family, revision);
    const current = await this.#deps.taskDefinitions.getRevision(family, revision);
    if (!current) {
      return {
        failure: {
          arn,
          reason:
            'The specified task definition does not exist. Specify a valid account, family, revision and try again.',
        },
      };
    }
    if (current.status === TASK_DEFINITION_STATUS.active) {
      return {
        failure: {
          arn,
          reason:
            'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        },
      };
    }
    const deleting =
      current.status === TASK_DEFINITION_STATUS.deleteInProgress
        ? current
        : await this.#deps.taskDefinitions.changeStatus(
            family,
            revision,
            TASK_DEFINITION_STATUS.inactive,
            TASK_DEFINITION_STATUS.deleteInProgress,
            this.#deps.clock.now(),
          );
    if (!deleting) {
      // Changed under us (a concurrent delete or purge): report what it is now.
      return { failure: { arn, reason: 'The specified task definition changed; try again.' } };
    }
    await this.#deps.workflows.startTaskDefinitionCleanup({ family, revision });
    return { taskDefinition: this.toTaskDefinition(deleting) };
  }
}

export type { TaskDefinitionServiceDependencies, TaskDefinitionWithTags };
export { MAX_REGISTER_ATTEMPTS, TaskDefinitionService };
