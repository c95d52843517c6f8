import type {
  DeleteTaskDefinitionsResponse,
  DeregisterTaskDefinitionResponse,
  DescribeTaskDefinitionResponse,
  ListTaskDefinitionFamiliesResponse,
  ListTaskDefinitionsResponse,
  RegisterTaskDefinitionResponse,
} from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../domain/errors';
import { readPageRequest, requiredString } from '../../domain/validation/requests';
import { optionalEnum, optionalString, optionalStringList } from '../../domain/validation/shape';
import type { Operation } from '../registry';

/** @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html */

const RegisterTaskDefinition: Operation = async (
  body,
  { taskDefinitions },
): Promise<RegisterTaskDefinitionResponse> => {
  const { taskDefinition, tags } = await taskDefinitions.register(body);
  return { taskDefinition, ...(tags.length > 0 ? { tags } : {}) };
};

const DescribeTaskDefinition: Operation = async (
  body,
  { taskDefinitions },
): Promise<DescribeTaskDefinitionResponse> => {
  const include = optionalStringList(body.include, 'include') ?? [];
  for (const item of include) optionalEnum(item, 'include', ['TAGS'] as const);
  const { taskDefinition, tags } = await taskDefinitions.describe(
    requiredString(body.taskDefinition, 'taskDefinition'),
  );
  return { taskDefinition, ...(include.includes('TAGS') ? { tags } : {}) };
};

const DeregisterTaskDefinition: Operation = async (
  body,
  { taskDefinitions },
): Promise<DeregisterTaskDefinitionResponse> => ({
  taskDefinition: await taskDefinitions.deregister(
    requiredString(body.taskDefinition, 'taskDefinition'),
  ),
});

const DeleteTaskDefinitions: Operation = (
  body,
  { taskDefinitions },
): Promise<DeleteTaskDefinitionsResponse> => {
  const references = optionalStringList(body.taskDefinitions, 'taskDefinitions');
  if (references === undefined) {
    throw new InvalidParameterException('taskDefinitions can not be blank.');
  }
  return taskDefinitions.deleteMany(references);
};

const ListTaskDefinitions: Operation = async (
  body,
  { taskDefinitions },
): Promise<ListTaskDefinitionsResponse> => {
  const page = await taskDefinitions.list({
    family: optionalString(body.familyPrefix, 'familyPrefix'),
    status:
      optionalEnum(body.status, 'status', ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'] as const) ??
      'ACTIVE',
    descending: optionalEnum(body.sort, 'sort', ['ASC', 'DESC'] as const) === 'DESC',
    page: readPageRequest(body),
  });
  return {
    taskDefinitionArns: page.items,
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
};

const ListTaskDefinitionFamilies: Operation = async (
  body,
  { taskDefinitions },
): Promise<ListTaskDefinitionFamiliesResponse> => {
  const page = await taskDefinitions.listFamilies({
    familyPrefix: optionalString(body.familyPrefix, 'familyPrefix'),
    status: optionalEnum(body.status, 'status', ['ACTIVE', 'INACTIVE', 'ALL'] as const) ?? 'ACTIVE',
    page: readPageRequest(body),
  });
  return { families: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
};

const taskDefinitionOperations = {
  RegisterTaskDefinition,
  DescribeTaskDefinition,
  DeregisterTaskDefinition,
  DeleteTaskDefinitions,
  ListTaskDefinitions,
  ListTaskDefinitionFamilies,
};

export { taskDefinitionOperations };
