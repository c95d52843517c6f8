import { parseEcsArn } from '../arns';
import { ClientException } from '../errors';

/**
 * A task definition is named three ways: `family` (its latest ACTIVE
 * revision), `family:revision`, or the full ARN.
 */
interface TaskDefinitionReference {
  readonly family: string;
  readonly revision?: number | undefined;
}

const parseRevision = (text: string): number => {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ClientException(`Invalid revision number. Number: ${text}`);
  }
  return Number(text);
};

/** Parses a task definition reference; a revision that is not a number is a ClientException. */
const parseTaskDefinitionReference = (text: string): TaskDefinitionReference => {
  let familyAndRevision = text;
  if (text.startsWith('arn:')) {
    const arn = parseEcsArn(text);
    if (arn?.resourceType !== 'task-definition') {
      throw new ClientException(`Invalid task definition ARN: ${text}`);
    }
    familyAndRevision = arn.resourceId;
  }
  const separator = familyAndRevision.lastIndexOf(':');
  if (separator === -1) return { family: familyAndRevision };
  return {
    family: familyAndRevision.slice(0, separator),
    revision: parseRevision(familyAndRevision.slice(separator + 1)),
  };
};

export type { TaskDefinitionReference };
export { parseTaskDefinitionReference };
