import { type ArnContext, clusterArn, serviceArn } from '../arns';
import type { JsonObject } from '../validation/shape';

/**
 * What an API call asks permission for: IAM's action, the resources it acts
 * on and the condition keys the request itself carries, as the ECS Service
 * Authorization Reference lists them per action (reference/security.md §4).
 * Short names and ids are expanded to ARNs first, so that a policy on ARNs
 * sees the same resource whichever form the caller used. Keys that need a
 * read (`aws:ResourceTag/…`) are added by the caller only when a policy
 * asks for them.
 *
 * Members of the wrong type count as absent here: validation refuses them
 * with ECS's error right after, and no resource is skipped because of them
 * (an unreadable resource is checked as `*`, which only `Resource: "*"` allows).
 */

interface Permission {
  /** `ecs:RunTask`. */
  readonly action: string;
  /** ARNs (or `*`): each one must be allowed. */
  readonly resources: readonly string[];
  /** Condition keys from the request, lower-cased. */
  readonly context: ReadonlyMap<string, readonly string[]>;
}

const text = (body: JsonObject, name: string): string | undefined => {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const texts = (body: JsonObject, name: string): string[] => {
  const value = body[name];
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
};

const ecsArn = (arns: ArnContext, path: string): string =>
  `arn:aws:ecs:${arns.region}:${arns.accountId}:${path}`;

/** A cluster's ARN from its name or ARN (`default` when absent). */
const clusterOf = (arns: ArnContext, reference: string | undefined): string => {
  if (reference === undefined) return clusterArn(arns, 'default');
  if (reference.startsWith('arn:')) return reference;
  return clusterArn(arns, reference);
};

const clusterName = (arn: string): string => arn.slice(arn.indexOf('cluster/') + 'cluster/'.length);

/** `task/<cluster>/<id>` or `container-instance/<cluster>/<id>` from an id or an ARN. */
const inCluster = (arns: ArnContext, type: string, cluster: string, reference: string): string =>
  reference.startsWith('arn:')
    ? reference
    : ecsArn(arns, `${type}/${clusterName(cluster)}/${reference}`);

const taskDefinitionOf = (arns: ArnContext, reference: string | undefined): string => {
  if (reference === undefined) return '*';
  if (reference.startsWith('arn:')) return reference;
  // `family` alone means its latest revision, which only a read would tell: any revision.
  return ecsArn(arns, `task-definition/${reference.includes(':') ? reference : `${reference}:*`}`);
};

const capacityProviderOf = (arns: ArnContext, reference: string): string =>
  reference.startsWith('arn:') ? reference : ecsArn(arns, `capacity-provider/${reference}`);

const serviceOf = (arns: ArnContext, cluster: string, reference: string): string =>
  reference.startsWith('arn:') ? reference : serviceArn(arns, clusterName(cluster), reference);

/** `aws:RequestTag/<key>` and `aws:TagKeys` from ECS's `tags: [{key, value}]`. */
const requestTags = (body: JsonObject, member = 'tags'): Array<[string, string[]]> => {
  const tags = body[member];
  if (!Array.isArray(tags)) return [];
  const pairs = tags.flatMap((tag) =>
    typeof tag === 'object' && tag !== null && !Array.isArray(tag) && typeof tag.key === 'string'
      ? [[tag.key, typeof tag.value === 'string' ? tag.value : ''] as const]
      : [],
  );
  if (pairs.length === 0) return [];
  return [
    ...pairs.map(([key, value]): [string, string[]] => [
      `aws:requesttag/${key.toLowerCase()}`,
      [value],
    ]),
    ['aws:tagkeys', pairs.map(([key]) => key)],
  ];
};

const permission = (
  action: string,
  resources: readonly string[],
  context: Array<[string, string[]]> = [],
): Permission => ({
  action,
  resources: resources.length > 0 ? resources : ['*'],
  context: new Map(context.filter(([, values]) => values.length > 0)),
});

type Rule = (body: JsonObject, arns: ArnContext) => Permission;

const onCluster =
  (action: string): Rule =>
  (body, arns) =>
    permission(action, [clusterOf(arns, text(body, 'cluster'))]);

const onNothing =
  (action: string): Rule =>
  () =>
    permission(action, ['*']);

/** Tasks or container instances of one cluster, with `ecs:cluster`. */
const inClusterRule =
  (action: string, type: 'task' | 'container-instance', member: string, many: boolean): Rule =>
  (body, arns) => {
    const cluster = clusterOf(arns, text(body, 'cluster'));
    const references = many
      ? texts(body, member)
      : [text(body, member)].filter((r) => r !== undefined);
    return permission(
      action,
      references.map((reference) => inCluster(arns, type, cluster, reference)),
      [['ecs:cluster', [cluster]]],
    );
  };

const serviceRule =
  (action: string, member: string, many: boolean): Rule =>
  (body, arns) => {
    const cluster = clusterOf(arns, text(body, 'cluster'));
    const references = many
      ? texts(body, member)
      : [text(body, member)].filter((r) => r !== undefined);
    const taskDefinition = text(body, 'taskDefinition');
    return permission(
      action,
      references.map((reference) => serviceOf(arns, cluster, reference)),
      [
        ['ecs:cluster', [cluster]],
        ['ecs:task-definition', taskDefinition ? [taskDefinitionOf(arns, taskDefinition)] : []],
        ...(action === 'ecs:CreateService' ? requestTags(body) : []),
      ],
    );
  };

const launchRule =
  (action: string): Rule =>
  (body, arns) => {
    const cluster = clusterOf(arns, text(body, 'cluster'));
    return permission(
      action,
      [taskDefinitionOf(arns, text(body, 'taskDefinition'))],
      [
        ['ecs:cluster', [cluster]],
        [
          'ecs:container-instances',
          texts(body, 'containerInstances').map((reference) =>
            inCluster(arns, 'container-instance', cluster, reference),
          ),
        ],
        ...requestTags(body),
      ],
    );
  };

const taggingRule =
  (action: string): Rule =>
  (body) => {
    const resource = text(body, 'resourceArn');
    const keys = texts(body, 'tagKeys');
    return permission(
      action,
      [resource ?? '*'],
      [
        ...requestTags(body),
        ...(keys.length > 0 ? [['aws:tagkeys', keys] as [string, string[]]] : []),
      ],
    );
  };

/** ECS's actions, by operation name (the `X-Amz-Target` suffix). */
const ECS_RULES: Readonly<Record<string, Rule>> = {
  CreateCluster: (body, arns) =>
    permission(
      'ecs:CreateCluster',
      [clusterOf(arns, text(body, 'clusterName'))],
      requestTags(body),
    ),
  DeleteCluster: onCluster('ecs:DeleteCluster'),
  DescribeClusters: (body, arns) =>
    permission(
      'ecs:DescribeClusters',
      (texts(body, 'clusters').length > 0 ? texts(body, 'clusters') : ['default']).map((cluster) =>
        clusterOf(arns, cluster),
      ),
    ),
  ListClusters: onNothing('ecs:ListClusters'),
  PutClusterCapacityProviders: onCluster('ecs:PutClusterCapacityProviders'),
  CreateCapacityProvider: (body, arns) =>
    permission(
      'ecs:CreateCapacityProvider',
      [capacityProviderOf(arns, text(body, 'name') ?? '*')],
      requestTags(body),
    ),
  DescribeCapacityProviders: (body, arns) =>
    permission(
      'ecs:DescribeCapacityProviders',
      texts(body, 'capacityProviders').map((reference) => capacityProviderOf(arns, reference)),
    ),
  DeleteCapacityProvider: (body, arns) =>
    permission('ecs:DeleteCapacityProvider', [
      capacityProviderOf(arns, text(body, 'capacityProvider') ?? '*'),
    ]),
  RegisterTaskDefinition: (body, arns) =>
    permission(
      'ecs:RegisterTaskDefinition',
      [taskDefinitionOf(arns, text(body, 'family'))],
      requestTags(body),
    ),
  DescribeTaskDefinition: onNothing('ecs:DescribeTaskDefinition'),
  DeregisterTaskDefinition: onNothing('ecs:DeregisterTaskDefinition'),
  DeleteTaskDefinitions: (body, arns) =>
    permission(
      'ecs:DeleteTaskDefinitions',
      texts(body, 'taskDefinitions').map((reference) => taskDefinitionOf(arns, reference)),
    ),
  ListTaskDefinitions: onNothing('ecs:ListTaskDefinitions'),
  ListTaskDefinitionFamilies: onNothing('ecs:ListTaskDefinitionFamilies'),
  TagResource: taggingRule('ecs:TagResource'),
  UntagResource: taggingRule('ecs:UntagResource'),
  ListTagsForResource: taggingRule('ecs:ListTagsForResource'),
  RegisterContainerInstance: (body, arns) =>
    permission(
      'ecs:RegisterContainerInstance',
      [clusterOf(arns, text(body, 'cluster'))],
      requestTags(body),
    ),
  DeregisterContainerInstance: onCluster('ecs:DeregisterContainerInstance'),
  ListContainerInstances: onCluster('ecs:ListContainerInstances'),
  ListAttributes: onCluster('ecs:ListAttributes'),
  SubmitTaskStateChange: onCluster('ecs:SubmitTaskStateChange'),
  SubmitContainerStateChange: onCluster('ecs:SubmitContainerStateChange'),
  DescribeContainerInstances: inClusterRule(
    'ecs:DescribeContainerInstances',
    'container-instance',
    'containerInstances',
    true,
  ),
  UpdateContainerInstancesState: inClusterRule(
    'ecs:UpdateContainerInstancesState',
    'container-instance',
    'containerInstances',
    true,
  ),
  PutAttributes: attributeRule('ecs:PutAttributes'),
  DeleteAttributes: attributeRule('ecs:DeleteAttributes'),
  RunTask: launchRule('ecs:RunTask'),
  StartTask: launchRule('ecs:StartTask'),
  StopTask: inClusterRule('ecs:StopTask', 'task', 'task', false),
  DescribeTasks: inClusterRule('ecs:DescribeTasks', 'task', 'tasks', true),
  ListTasks: inClusterRule('ecs:ListTasks', 'container-instance', 'containerInstance', false),
  CreateService: serviceRule('ecs:CreateService', 'serviceName', false),
  UpdateService: serviceRule('ecs:UpdateService', 'service', false),
  DeleteService: serviceRule('ecs:DeleteService', 'service', false),
  DescribeServices: serviceRule('ecs:DescribeServices', 'services', true),
  ListServices: (body, arns) =>
    permission(
      'ecs:ListServices',
      ['*'],
      [['ecs:cluster', [clusterOf(arns, text(body, 'cluster'))]]],
    ),
};

function attributeRule(action: string): Rule {
  return (body, arns) => {
    const cluster = clusterOf(arns, text(body, 'cluster'));
    const attributes = Array.isArray(body.attributes) ? body.attributes : [];
    const targets = attributes.flatMap((attribute) =>
      typeof attribute === 'object' &&
      attribute !== null &&
      !Array.isArray(attribute) &&
      typeof attribute.targetId === 'string'
        ? [inCluster(arns, 'container-instance', cluster, attribute.targetId)]
        : [],
    );
    return permission(action, [...new Set(targets)], [['ecs:cluster', [cluster]]]);
  };
}

/**
 * The permission an operation needs: ECS's by its rules; the other services
 * on the endpoint (Application Auto Scaling, CloudWatch, Berth's usage) by
 * their action on `*`, as their policies are mostly written.
 */
const permissionFor = (
  service: 'ecs' | 'application-autoscaling' | 'cloudwatch' | 'berth',
  operation: string,
  body: JsonObject,
  arns: ArnContext,
): Permission => {
  if (service === 'ecs') {
    const rule = Object.hasOwn(ECS_RULES, operation) ? ECS_RULES[operation] : undefined;
    if (rule) return rule(body, arns);
  }
  return permission(`${service}:${operation}`, ['*']);
};

export type { Permission };
export { permission, permissionFor };
