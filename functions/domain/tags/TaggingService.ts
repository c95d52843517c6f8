import type { Tag } from '@aws-sdk/client-ecs';
import { clusterNameFrom, parseEcsArn } from '../arns';
import {
  ClientException,
  ClusterNotFoundException,
  InvalidParameterException,
  ResourceNotFoundException,
} from '../errors';
import { CLUSTER_STATUS } from '../model';
import type { ClusterRepository } from '../ports/ClusterRepository';
import type { TaskDefinitionRepository } from '../ports/TaskDefinitionRepository';
import { parseTaskDefinitionReference } from '../taskDefinitions/references';
import { MAX_TAGS } from '../taskDefinitions/validation';

/**
 * TagResource / UntagResource / ListTagsForResource, for every taggable
 * resource. Each resource type says how to read and conditionally write its
 * tags; the merge rules (same key overwrites, at most 50) live here once.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html
 */

interface TaggableResource {
  read(): Promise<{ tags: Tag[]; version: number }>;
  write(tags: Tag[], expectedVersion: number): Promise<boolean>;
}

interface TaggingServiceDependencies {
  readonly clusters: ClusterRepository;
  readonly taskDefinitions: TaskDefinitionRepository;
}

/** Read-modify-write attempts before giving up under contention. */
const MAX_TAG_ATTEMPTS = 10;

class TaggingService {
  readonly #deps: TaggingServiceDependencies;

  constructor(deps: TaggingServiceDependencies) {
    this.#deps = deps;
  }

  async list(resourceArn: string): Promise<Tag[]> {
    return (await this.#resource(resourceArn).read()).tags;
  }

  tag(resourceArn: string, tags: Tag[]): Promise<void> {
    return this.#update(resourceArn, (current) => {
      const merged = new Map(current.map((tag) => [tag.key, tag]));
      for (const tag of tags) merged.set(tag.key, tag);
      return [...merged.values()];
    });
  }

  untag(resourceArn: string, tagKeys: string[]): Promise<void> {
    const removed = new Set(tagKeys);
    return this.#update(resourceArn, (current) =>
      current.filter((tag) => tag.key === undefined || !removed.has(tag.key)),
    );
  }

  async #update(resourceArn: string, change: (current: Tag[]) => Tag[]): Promise<void> {
    const resource = this.#resource(resourceArn);
    for (let attempt = 0; attempt < MAX_TAG_ATTEMPTS; attempt += 1) {
      const { tags, version } = await resource.read();
      const next = change(tags);
      if (next.length > MAX_TAGS) {
        throw new InvalidParameterException(
          `A resource can have at most ${MAX_TAGS} tags; this request would leave it with ${next.length}.`,
        );
      }
      if (await resource.write(next, version)) return;
    }
    throw new ClientException('Too many concurrent updates to the tags of this resource.');
  }

  #resource(resourceArn: string): TaggableResource {
    const arn = parseEcsArn(resourceArn);
    if (!arn) {
      throw new InvalidParameterException(`The ARN provided is invalid: ${resourceArn}`);
    }
    switch (arn.resourceType) {
      case 'cluster':
        return this.#clusterResource(clusterNameFrom(resourceArn));
      case 'task-definition':
        return this.#taskDefinitionResource(resourceArn);
      default:
        throw new InvalidParameterException(
          `Tagging is not supported for resources of type ${arn.resourceType}.`,
        );
    }
  }

  #clusterResource(name: string): TaggableResource {
    const { clusters } = this.#deps;
    return {
      read: async () => {
        const cluster = await clusters.get(name);
        if (cluster?.status !== CLUSTER_STATUS.active) throw new ClusterNotFoundException();
        return cluster;
      },
      write: (tags, expectedVersion) => clusters.saveTags(name, tags, expectedVersion),
    };
  }

  #taskDefinitionResource(resourceArn: string): TaggableResource {
    const { family, revision } = parseTaskDefinitionReference(resourceArn);
    if (revision === undefined) {
      throw new InvalidParameterException(
        `The task definition ARN must include a revision: ${resourceArn}`,
      );
    }
    const { taskDefinitions } = this.#deps;
    return {
      read: async () => {
        const record = await taskDefinitions.getRevision(family, revision);
        if (!record) {
          throw new ResourceNotFoundException('The specified task definition does not exist.');
        }
        return record;
      },
      write: (tags, expectedVersion) =>
        taskDefinitions.saveTags(family, revision, tags, expectedVersion),
    };
  }
}

export type { TaggingServiceDependencies };
export { TaggingService };
