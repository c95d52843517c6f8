import type { Tag } from '@aws-sdk/client-ecs';
import type {
  Page,
  PageRequest,
  TaskDefinitionFamilyRecord,
  TaskDefinitionRecord,
  TaskDefinitionStatus,
} from '../model';

type AppendRevisionResult =
  | { readonly outcome: 'appended' }
  /** Another registration took the revision first; `family` is the family as it now stands. */
  | { readonly outcome: 'conflict'; readonly family: TaskDefinitionFamilyRecord | undefined };

interface ListTaskDefinitionsQuery extends PageRequest {
  /** Exact family name (ECS calls it a prefix, but matches it whole). */
  readonly family?: string | undefined;
  readonly status: TaskDefinitionStatus;
  readonly descending: boolean;
}

interface ListFamiliesQuery extends PageRequest {
  readonly familyPrefix?: string | undefined;
  readonly status: 'ACTIVE' | 'INACTIVE' | 'ALL';
}

interface TaskDefinitionRepository {
  getFamily(family: string): Promise<TaskDefinitionFamilyRecord | undefined>;
  /**
   * Stores `record` as the family's next revision, atomically with moving the
   * family's counter from `expectedLatestRevision` to `record.revision`. Two
   * registrations racing for one number cannot both win, and a crash cannot
   * leave the counter ahead of the revisions: numbering stays gapless.
   */
  appendRevision(
    record: TaskDefinitionRecord,
    expectedLatestRevision: number,
  ): Promise<AppendRevisionResult>;
  getRevision(family: string, revision: number): Promise<TaskDefinitionRecord | undefined>;
  /** The highest ACTIVE revision of a family. */
  getLatestActive(family: string): Promise<TaskDefinitionRecord | undefined>;
  /**
   * Moves a revision from one status to another (keeping the family's count
   * of ACTIVE revisions right); undefined when it was not in status `from`.
   */
  changeStatus(
    family: string,
    revision: number,
    from: TaskDefinitionStatus,
    to: TaskDefinitionStatus,
    at: number,
  ): Promise<TaskDefinitionRecord | undefined>;
  /** Removes a revision for good; the family keeps its counter so numbering continues. */
  purge(family: string, revision: number): Promise<void>;
  list(query: ListTaskDefinitionsQuery): Promise<Page<{ family: string; revision: number }>>;
  listFamilies(query: ListFamiliesQuery): Promise<Page<string>>;
  saveTags(
    family: string,
    revision: number,
    tags: Tag[],
    expectedVersion: number,
  ): Promise<boolean>;
}

export type {
  AppendRevisionResult,
  ListFamiliesQuery,
  ListTaskDefinitionsQuery,
  TaskDefinitionRepository,
};
