import type {
  ListTagsForResourceResponse,
  TagResourceResponse,
  UntagResourceResponse,
} from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../domain/errors';
import { validateTags } from '../../domain/taskDefinitions/validation';
import { requiredString } from '../../domain/validation/requests';
import { optionalStringList } from '../../domain/validation/shape';
import type { Operation } from '../registry';

/** @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html */

const TagResource: Operation = async (body, { tagging }): Promise<TagResourceResponse> => {
  const resourceArn = requiredString(body.resourceArn, 'resourceArn');
  if (body.tags === undefined || body.tags === null) {
    throw new InvalidParameterException('tags can not be blank.');
  }
  await tagging.tag(resourceArn, validateTags(body.tags, 'tags'));
  return {};
};

const UntagResource: Operation = async (body, { tagging }): Promise<UntagResourceResponse> => {
  const resourceArn = requiredString(body.resourceArn, 'resourceArn');
  const tagKeys = optionalStringList(body.tagKeys, 'tagKeys');
  if (tagKeys === undefined) throw new InvalidParameterException('tagKeys can not be blank.');
  await tagging.untag(resourceArn, tagKeys);
  return {};
};

const ListTagsForResource: Operation = async (
  body,
  { tagging },
): Promise<ListTagsForResourceResponse> => ({
  tags: await tagging.list(requiredString(body.resourceArn, 'resourceArn')),
});

const tagOperations = { TagResource, UntagResource, ListTagsForResource };

export { tagOperations };
