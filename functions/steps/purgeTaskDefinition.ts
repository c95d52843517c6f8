import { dependencies } from '../config/dependencies';
import { InvalidParameterException } from '../domain/errors';
import type { TaskDefinitionCleanupInput, TaskDefinitionCleanupResult } from './contracts';

/**
 * A step of the task-definition clean-up workflow: removes one revision that
 * is DELETE_IN_PROGRESS. It does only this one step; waiting and retrying
 * belong to the state machine. Idempotent: a revision already gone reports
 * `GONE`, so a retried or restarted execution is harmless.
 */
const handler = async (input: TaskDefinitionCleanupInput): Promise<TaskDefinitionCleanupResult> => {
  if (typeof input?.family !== 'string' || !Number.isInteger(input?.revision)) {
    throw new InvalidParameterException('The clean-up step needs a family and a revision.');
  }
  const status = await dependencies().taskDefinitions.purge(input.family, input.revision);
  return { family: input.family, revision: input.revision, status };
};

export { handler };
