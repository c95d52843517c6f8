import { InvalidParameterException } from './errors';

/**
 * ECS ARNs in the long format (the default for every account since 2021).
 * Inputs accept a bare name/id or the full ARN interchangeably; these helpers
 * mint ARNs and take them apart.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html
 */

interface ArnContext {
  readonly accountId: string;
  readonly region: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

const ecsArnPrefix = ({ region, accountId }: ArnContext): string =>
  `arn:aws:ecs:${region}:${accountId}:`;

const clusterArn = (context: ArnContext, name: string): string =>
  `${ecsArnPrefix(context)}cluster/${name}`;

const taskDefinitionArn = (context: ArnContext, family: string, revision: number): string =>
  `${ecsArnPrefix(context)}task-definition/${family}:${revision}`;

const serviceArn = (context: ArnContext, cluster: string, name: string): string =>
  `${ecsArnPrefix(context)}service/${cluster}/${name}`;

interface ParsedArn {
  readonly region: string;
  readonly accountId: string;
  /** `cluster`, `task-definition`, `task`, `service`, `container-instance`, … */
  readonly resourceType: string;
  /** Everything after `<resourceType>/`. */
  readonly resourceId: string;
}

const ARN_PATTERN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]*):(\d*):([a-z-]+)\/(.+)$/;

/** Splits an ECS ARN, or returns undefined when the text is not one. */
const parseEcsArn = (text: string): ParsedArn | undefined => {
  const match = ARN_PATTERN.exec(text);
  if (!match) return undefined;
  const [, region, accountId, resourceType, resourceId] = match;
  return {
    region: region ?? '',
    accountId: accountId ?? '',
    resourceType: resourceType ?? '',
    resourceId: resourceId ?? '',
  };
};

/**
 * The cluster name from a name or ARN; `default` when none is given, as in
 * every ECS operation that takes an optional `cluster`.
 */
const clusterNameFrom = (reference: string | undefined): string => {
  if (reference === undefined || reference === '') return 'default';
  if (reference.startsWith('arn:')) {
    const arn = parseEcsArn(reference);
    if (arn?.resourceType !== 'cluster' || arn.resourceId.includes('/')) {
      throw new InvalidParameterException(`Invalid cluster ARN: ${reference}`);
    }
    return arn.resourceId;
  }
  return reference;
};

/**
 * A service's name from its name or ARN (`service/<cluster>/<name>`, or the
 * legacy `service/<name>`); undefined for an ARN of anything else.
 */
const serviceNameFrom = (reference: string): string | undefined => {
  if (!reference.startsWith('arn:')) return reference;
  const arn = parseEcsArn(reference);
  if (arn?.resourceType !== 'service') return undefined;
  return arn.resourceId.split('/').at(-1);
};

export type { ArnContext, ParsedArn };
export {
  clusterArn,
  clusterNameFrom,
  NAME_PATTERN,
  parseEcsArn,
  serviceArn,
  serviceNameFrom,
  taskDefinitionArn,
};
