import { InvalidParameterException } from '../errors';
import {
  isJsonObject,
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
  optionalStringMap,
} from '../validation/shape';
import { ValidationException } from './errors';
import {
  ADJUSTMENT_TYPES,
  type CustomizedMetricSpecification,
  ECS_DESIRED_COUNT,
  ECS_METRIC_TYPES,
  ECS_NAMESPACE,
  type EcsMetricType,
  ecsServiceOf,
  METRIC_AGGREGATION_TYPES,
  METRIC_STATISTICS,
  METRIC_TYPES,
  type MetricDimension,
  POLICY_TYPES,
  type PredefinedMetricSpecification,
  SCALABLE_DIMENSIONS,
  type ScalableTargetAction,
  type ScalableTargetKey,
  SERVICE_NAMESPACES,
  type StepAdjustment,
  type StepScalingPolicyConfiguration,
  type SuspendedState,
  type TargetTrackingMetricDataQuery,
  type TargetTrackingScalingPolicyConfiguration,
} from './model';
import { isKnownTimezone, parseSchedule, type Schedule } from './schedules';

/**
 * The request bodies of Application Auto Scaling's operations, read and
 * normalised. Two kinds of failure, both ValidationException as the service
 * answers them:
 *
 * - the model's constraints (required members, lengths, enums, patterns),
 *   gathered over the whole request and reported at once in AWS's wording,
 *   `2 validation errors detected: Value null at 'resourceId' failed to
 *   satisfy constraint: Member must not be null; …`;
 * - the service's own rules (MinCapacity ≤ MaxCapacity, the step intervals,
 *   the schedule's syntax…), one at a time, after the constraints hold.
 *
 * A member of the wrong JSON type is reported with the shape readers' text.
 * Only ECS services can be scaled: a namespace or dimension the real service
 * knows for another resource gets a message saying so, and one it does not
 * know gets its enum violation.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/CommonErrors.html
 */

/** The most items a Describe* page holds. */
const MAX_RESULTS = 50;
/** AWS's quota of step adjustments per step policy. */
const MAX_STEP_ADJUSTMENTS = 20;
/** The bound of MetricScale values in the model's documentation. */
const METRIC_SCALE_LIMIT = 2 ** 360;

const POLICY_NAME_PATTERN = '\\p{Print}+';
const SCHEDULED_ACTION_NAME_PATTERN =
  '(?!((^[ ]+.*)|(.*([\\u0000-\\u001f]|[\\u007f-\\u009f]|[:/|])+.*)|(.*[ ]+$))).+';
// Java's \p{Print} is printable ASCII, space included.
const POLICY_NAME_REGEX = /^[\x20-\x7e]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the model's pattern excludes control characters.
const SCHEDULED_ACTION_NAME_REGEX = /^(?! )(?!.* $)[^\u0000-\u001f\u007f-\u009f:/|]+$/;
const METRIC_QUERY_ID_REGEX = /^[a-z][a-zA-Z0-9_]*$/;
const ALB_RESOURCE_LABEL_REGEX = /^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/;

const lowerCamel = (path: string): string =>
  path
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');

const describeValue = (value: unknown): string => {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
};

/** The model's constraint violations of one request, reported together as AWS does. */
class Violations {
  private readonly messages: string[] = [];

  add(value: unknown, path: string, constraint: string): void {
    this.messages.push(
      `Value ${describeValue(value)} at '${lowerCamel(path)}' failed to satisfy constraint: ${constraint}`,
    );
  }

  throwIfAny(): void {
    const count = this.messages.length;
    if (count === 0) return;
    throw new ValidationException(
      `${count} validation error${count === 1 ? '' : 's'} detected: ${this.messages.join('; ')}`,
    );
  }
}

/** The shape readers' type errors, as this service's ValidationException. */
const typed = <T>(read: () => T): T => {
  try {
    return read();
  } catch (error) {
    if (error instanceof InvalidParameterException) {
      throw new ValidationException(error.message, { cause: error });
    }
    throw error;
  }
};

interface StringRules {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: { readonly regex: RegExp; readonly text: string };
}

const readString = (
  value: unknown,
  path: string,
  violations: Violations,
  rules: StringRules = {},
): string | undefined => {
  const text = typed(() => optionalString(value, path));
  if (text === undefined) {
    if (rules.required) violations.add(text, path, 'Member must not be null');
    return undefined;
  }
  if (rules.min !== undefined && text.length < rules.min) {
    violations.add(text, path, `Member must have length greater than or equal to ${rules.min}`);
  } else if (rules.max !== undefined && text.length > rules.max) {
    violations.add(text, path, `Member must have length less than or equal to ${rules.max}`);
  } else if (rules.pattern && !rules.pattern.regex.test(text)) {
    violations.add(
      text,
      path,
      `Member must satisfy regular expression pattern: ${rules.pattern.text}`,
    );
  }
  return text;
};

const RESOURCE_ID_RULES = { min: 1, max: 1600 } as const;

const readEnum = <T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
  violations: Violations,
  required = false,
): T | undefined => {
  const text = readString(value, path, violations, { required });
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    violations.add(
      text,
      path,
      `Member must satisfy enum value set: [${[...allowed].sort().join(', ')}]`,
    );
    return undefined;
  }
  return text as T;
};

const readCount = (
  value: unknown,
  path: string,
  violations: Violations,
  minimum = 0,
): number | undefined => {
  const count = typed(() => optionalInteger(value, path));
  if (count !== undefined && count < minimum) {
    violations.add(count, path, `Member must have value greater than or equal to ${minimum}`);
  }
  return count;
};

const readMaxResults = (value: unknown, violations: Violations): number | undefined => {
  const count = readCount(value, 'MaxResults', violations, 1);
  if (count !== undefined && count > MAX_RESULTS) {
    violations.add(
      count,
      'MaxResults',
      `Member must have value less than or equal to ${MAX_RESULTS}`,
    );
  }
  return count;
};

const readNames = (value: unknown, path: string, violations: Violations): string[] | undefined => {
  const names = typed(() => optionalStringList(value, path));
  if (names && names.length > MAX_RESULTS) {
    violations.add(
      `[${names.join(', ')}]`,
      path,
      `Member must have length less than or equal to ${MAX_RESULTS}`,
    );
  }
  names?.forEach((name, index) => {
    readString(name, `${path}.${index + 1}.member`, violations, RESOURCE_ID_RULES);
  });
  return names;
};

const body = (value: unknown): JsonObject => {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value))
    throw new ValidationException('The request body must be a JSON object.');
  return value;
};

const onlyEcs = (what: string, value: string, expected: string) =>
  new ValidationException(
    `Berth supports only ECS services: ${what} ${value} is not supported, use ${expected}.`,
  );

/** After the constraints hold: the namespace and dimension are ECS's. */
const requireEcs = (namespace: string | undefined, dimension: string | undefined): void => {
  if (namespace !== undefined && namespace !== ECS_NAMESPACE) {
    throw onlyEcs('ServiceNamespace', namespace, ECS_NAMESPACE);
  }
  if (dimension !== undefined && dimension !== ECS_DESIRED_COUNT) {
    throw onlyEcs('ScalableDimension', dimension, ECS_DESIRED_COUNT);
  }
};

/** The key members of a request that names one target; constraints go to `violations`. */
const readKeyMembers = (request: JsonObject, violations: Violations) => ({
  namespace: readEnum(
    request.ServiceNamespace,
    'ServiceNamespace',
    SERVICE_NAMESPACES,
    violations,
    true,
  ),
  resourceId: readString(request.ResourceId, 'ResourceId', violations, {
    required: true,
    ...RESOURCE_ID_RULES,
  }),
  dimension: readEnum(
    request.ScalableDimension,
    'ScalableDimension',
    SCALABLE_DIMENSIONS,
    violations,
    true,
  ),
});

/** Once the constraints have been reported: the key, which must name an ECS service. */
const ecsKey = (members: ReturnType<typeof readKeyMembers>): ScalableTargetKey => {
  requireEcs(members.namespace, members.dimension);
  const resourceId = members.resourceId ?? '';
  if (!ecsServiceOf(resourceId)) {
    throw new ValidationException(
      'Unsupported service namespace, resource type or scalable dimension',
    );
  }
  return {
    ServiceNamespace: ECS_NAMESPACE,
    ResourceId: resourceId,
    ScalableDimension: ECS_DESIRED_COUNT,
  };
};

const MIN_ABOVE_MAX = 'Minimum capacity cannot be greater than maximum capacity';

interface RegisterScalableTargetRequest extends ScalableTargetKey {
  readonly MinCapacity?: number;
  readonly MaxCapacity?: number;
  readonly RoleARN?: string;
  readonly SuspendedState?: Partial<SuspendedState>;
  readonly Tags?: Record<string, string>;
}

/**
 * RegisterScalableTarget creates a target or updates one: bounds that are
 * omitted are left as they are, so whether both are present on a create is
 * for the caller that knows whether the target exists.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
 */
const readRegisterScalableTarget = (input: unknown): RegisterScalableTargetRequest => {
  const request = body(input);
  const violations = new Violations();
  const key = readKeyMembers(request, violations);
  const min = readCount(request.MinCapacity, 'MinCapacity', violations);
  const max = readCount(request.MaxCapacity, 'MaxCapacity', violations);
  const role = readString(request.RoleARN, 'RoleARN', violations, RESOURCE_ID_RULES);
  const suspended = typed(() => optionalObject(request.SuspendedState, 'SuspendedState'));
  const tags = typed(() => optionalStringMap(request.Tags, 'Tags'));
  violations.throwIfAny();
  const target = ecsKey(key);
  if (min !== undefined && max !== undefined && min > max)
    throw new ValidationException(MIN_ABOVE_MAX);
  const flag = (name: keyof SuspendedState) =>
    typed(() => optionalBoolean(suspended?.[name], `SuspendedState.${name}`));
  const suspendedState = suspended && {
    ...(flag('DynamicScalingInSuspended') === undefined
      ? {}
      : { DynamicScalingInSuspended: flag('DynamicScalingInSuspended') }),
    ...(flag('DynamicScalingOutSuspended') === undefined
      ? {}
      : { DynamicScalingOutSuspended: flag('DynamicScalingOutSuspended') }),
    ...(flag('ScheduledScalingSuspended') === undefined
      ? {}
      : { ScheduledScalingSuspended: flag('ScheduledScalingSuspended') }),
  };
  return {
    ...target,
    ...(min === undefined ? {} : { MinCapacity: min }),
    ...(max === undefined ? {} : { MaxCapacity: max }),
    ...(role === undefined ? {} : { RoleARN: role }),
    ...(suspendedState === undefined
      ? {}
      : { SuspendedState: suspendedState as Partial<SuspendedState> }),
    ...(tags === undefined ? {} : { Tags: tags }),
  };
};

/**
 * The bounds a registration leaves a target with: the request's over the
 * existing ones. A new target needs both, and the result keeps min ≤ max
 * (a new min above the kept max is refused, as a pair would be).
 */
const registeredBounds = (
  existing: { readonly MinCapacity: number; readonly MaxCapacity: number } | undefined,
  request: Pick<RegisterScalableTargetRequest, 'MinCapacity' | 'MaxCapacity'>,
): { MinCapacity: number; MaxCapacity: number } => {
  const min = request.MinCapacity ?? existing?.MinCapacity;
  const max = request.MaxCapacity ?? existing?.MaxCapacity;
  if (min === undefined || max === undefined) {
    throw new ValidationException(
      'MinCapacity and MaxCapacity are required to register a new scalable target.',
    );
  }
  if (min > max) throw new ValidationException(MIN_ABOVE_MAX);
  return { MinCapacity: min, MaxCapacity: max };
};

/** DeregisterScalableTarget names a target, nothing more. */
const readDeregisterScalableTarget = (input: unknown): ScalableTargetKey => {
  const request = body(input);
  const violations = new Violations();
  const key = readKeyMembers(request, violations);
  violations.throwIfAny();
  return ecsKey(key);
};

interface DescribeFilter {
  readonly ServiceNamespace: typeof ECS_NAMESPACE;
  readonly ResourceId?: string;
  readonly ScalableDimension?: typeof ECS_DESIRED_COUNT;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

/** The members every Describe* shares: the namespace, optional dimension, paging. */
const readDescribeCommon = (request: JsonObject, violations: Violations) => ({
  namespace: readEnum(
    request.ServiceNamespace,
    'ServiceNamespace',
    SERVICE_NAMESPACES,
    violations,
    true,
  ),
  dimension: readEnum(
    request.ScalableDimension,
    'ScalableDimension',
    SCALABLE_DIMENSIONS,
    violations,
  ),
  maxResults: readMaxResults(request.MaxResults, violations),
  nextToken: readString(request.NextToken, 'NextToken', violations),
});

const describeFilter = (
  common: ReturnType<typeof readDescribeCommon>,
  resourceId: string | undefined,
): DescribeFilter => {
  requireEcs(common.namespace, common.dimension);
  return {
    ServiceNamespace: ECS_NAMESPACE,
    ...(resourceId === undefined ? {} : { ResourceId: resourceId }),
    ...(common.dimension === undefined ? {} : { ScalableDimension: ECS_DESIRED_COUNT }),
    ...(common.maxResults === undefined ? {} : { MaxResults: common.maxResults }),
    ...(common.nextToken === undefined ? {} : { NextToken: common.nextToken }),
  };
};

/** DescribeScalableTargets: up to 50 ResourceIds, paged by at most 50. */
const readDescribeScalableTargets = (
  input: unknown,
): DescribeFilter & { readonly ResourceIds?: string[] } => {
  const request = body(input);
  const violations = new Violations();
  const common = readDescribeCommon(request, violations);
  const ids = readNames(request.ResourceIds, 'ResourceIds', violations);
  violations.throwIfAny();
  return {
    ...describeFilter(common, undefined),
    ...(ids === undefined ? {} : { ResourceIds: ids }),
  };
};

/**
 * The Describe* of what hangs on a target: optionally by a list of names
 * (`member`) and a ResourceId.
 */
const readDescribeNamed = <Member extends 'PolicyNames' | 'ScheduledActionNames'>(
  input: unknown,
  member: Member,
): DescribeFilter & { readonly [K in Member]?: string[] } => {
  const request = body(input);
  const violations = new Violations();
  const common = readDescribeCommon(request, violations);
  const names = readNames(request[member], member, violations);
  const resourceId = readString(request.ResourceId, 'ResourceId', violations, RESOURCE_ID_RULES);
  violations.throwIfAny();
  // A computed key widens to string; it is `member`, whose type is Member.
  return {
    ...describeFilter(common, resourceId),
    ...(names === undefined ? {} : { [member]: names }),
  } as DescribeFilter & { readonly [K in Member]?: string[] };
};

/** DescribeScalingPolicies: optionally by PolicyNames and ResourceId. */
const readDescribeScalingPolicies = (input: unknown) => readDescribeNamed(input, 'PolicyNames');

/** DescribeScheduledActions: optionally by ScheduledActionNames and ResourceId. */
const readDescribeScheduledActions = (input: unknown) =>
  readDescribeNamed(input, 'ScheduledActionNames');

/** DescribeScalingActivities: optionally by ResourceId, with or without not-scaled activities. */
const readDescribeScalingActivities = (
  input: unknown,
): DescribeFilter & { readonly IncludeNotScaledActivities: boolean } => {
  const request = body(input);
  const violations = new Violations();
  const common = readDescribeCommon(request, violations);
  const resourceId = readString(request.ResourceId, 'ResourceId', violations, RESOURCE_ID_RULES);
  const includeNotScaled = typed(() =>
    optionalBoolean(request.IncludeNotScaledActivities, 'IncludeNotScaledActivities'),
  );
  violations.throwIfAny();
  return {
    ...describeFilter(common, resourceId),
    IncludeNotScaledActivities: includeNotScaled ?? false,
  };
};

const stepIntervalError = (message: string) => new ValidationException(message);

/**
 * The interval rules of step adjustments (scaling.md §1.4): no step open at
 * both ends, each lower below its upper, at most one open lower and one
 * open upper end, an open end wherever a bound reaches past zero on that
 * side, and, in order, neither overlap nor gap between consecutive steps.
 */
const checkStepIntervals = (steps: readonly StepAdjustment[]): void => {
  const lower = (step: StepAdjustment) => step.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY;
  const upper = (step: StepAdjustment) => step.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY;
  for (const step of steps) {
    if (
      step.MetricIntervalLowerBound === undefined &&
      step.MetricIntervalUpperBound === undefined
    ) {
      throw stepIntervalError(
        'Both lower and upper bounds of a step adjustment cannot be left unspecified',
      );
    }
    if (lower(step) >= upper(step)) {
      throw stepIntervalError(
        'The upper bound of a step adjustment must be greater than its lower bound',
      );
    }
  }
  const openLower = steps.filter((step) => step.MetricIntervalLowerBound === undefined).length;
  const openUpper = steps.filter((step) => step.MetricIntervalUpperBound === undefined).length;
  if (openLower > 1)
    throw stepIntervalError('At most one step adjustment can have a null lower bound');
  if (openUpper > 1)
    throw stepIntervalError('At most one step adjustment can have a null upper bound');
  if (openLower === 0 && steps.some((step) => lower(step) < 0)) {
    throw stepIntervalError(
      'There must be a StepAdjustment with an unspecified lower bound (i.e., lower bound is null) when one StepAdjustment has a negative lower bound',
    );
  }
  if (openUpper === 0 && steps.some((step) => upper(step) > 0)) {
    throw stepIntervalError(
      'There must be a StepAdjustment with an unspecified upper bound (i.e., upper bound is null) when one StepAdjustment has a positive upper bound',
    );
  }
  const ordered = [...steps].sort((a, b) => lower(a) - lower(b));
  for (let index = 1; index < ordered.length; index += 1) {
    const previous = upper(ordered[index - 1] as StepAdjustment);
    const next = lower(ordered[index] as StepAdjustment);
    if (previous > next) throw stepIntervalError('Step adjustment intervals cannot overlap');
    if (previous < next) throw stepIntervalError('Step adjustment intervals cannot have gaps');
  }
};

const readMetricScale = (
  value: unknown,
  path: string,
  violations: Violations,
): number | undefined => {
  const number = typed(() => optionalNumber(value, path));
  if (number !== undefined && Math.abs(number) > METRIC_SCALE_LIMIT) {
    violations.add(number, path, 'Member must be between -2^360 and 2^360');
  }
  return number;
};

const readStepScaling = (value: unknown): StepScalingPolicyConfiguration => {
  const path = 'StepScalingPolicyConfiguration';
  const configuration = typed(() => optionalObject(value, path)) ?? {};
  const violations = new Violations();
  const adjustmentType = readEnum(
    configuration.AdjustmentType,
    `${path}.AdjustmentType`,
    ADJUSTMENT_TYPES,
    violations,
    true,
  );
  const aggregation = readEnum(
    configuration.MetricAggregationType,
    `${path}.MetricAggregationType`,
    METRIC_AGGREGATION_TYPES,
    violations,
  );
  const cooldown = readCount(configuration.Cooldown, `${path}.Cooldown`, violations);
  const minMagnitude = readCount(
    configuration.MinAdjustmentMagnitude,
    `${path}.MinAdjustmentMagnitude`,
    violations,
    1,
  );
  const items =
    typed(() => optionalObjectList(configuration.StepAdjustments, `${path}.StepAdjustments`)) ?? [];
  const steps = items.map((item, index) => {
    const stepPath = `${path}.StepAdjustments.${index + 1}.member`;
    const adjustment = typed(() =>
      optionalInteger(item.ScalingAdjustment, `${stepPath}.ScalingAdjustment`),
    );
    if (adjustment === undefined)
      violations.add(undefined, `${stepPath}.ScalingAdjustment`, 'Member must not be null');
    const lowerBound = readMetricScale(
      item.MetricIntervalLowerBound,
      `${stepPath}.MetricIntervalLowerBound`,
      violations,
    );
    const upperBound = readMetricScale(
      item.MetricIntervalUpperBound,
      `${stepPath}.MetricIntervalUpperBound`,
      violations,
    );
    return {
      ...(lowerBound === undefined ? {} : { MetricIntervalLowerBound: lowerBound }),
      ...(upperBound === undefined ? {} : { MetricIntervalUpperBound: upperBound }),
      ScalingAdjustment: adjustment ?? 0,
    };
  });
  violations.throwIfAny();
  if (steps.length === 0) {
    throw new ValidationException('StepAdjustments must contain at least one step adjustment');
  }
  if (steps.length > MAX_STEP_ADJUSTMENTS) {
    throw new ValidationException(
      `There can be at most ${MAX_STEP_ADJUSTMENTS} step adjustments per scaling policy`,
    );
  }
  if (minMagnitude !== undefined && adjustmentType !== 'PercentChangeInCapacity') {
    throw new ValidationException(
      'MinAdjustmentMagnitude can be specified only when AdjustmentType is PercentChangeInCapacity',
    );
  }
  if (adjustmentType === 'ExactCapacity' && steps.some((step) => step.ScalingAdjustment < 0)) {
    throw new ValidationException(
      'ScalingAdjustment cannot be negative when AdjustmentType is ExactCapacity',
    );
  }
  checkStepIntervals(steps);
  return {
    AdjustmentType: adjustmentType ?? 'ChangeInCapacity',
    StepAdjustments: steps,
    ...(minMagnitude === undefined ? {} : { MinAdjustmentMagnitude: minMagnitude }),
    ...(cooldown === undefined ? {} : { Cooldown: cooldown }),
    ...(aggregation === undefined ? {} : { MetricAggregationType: aggregation }),
  };
};

const readDimensions = (
  value: unknown,
  path: string,
  violations: Violations,
): MetricDimension[] | undefined =>
  typed(() => optionalObjectList(value, path))?.map((item, index) => ({
    Name:
      readString(item.Name, `${path}.${index + 1}.member.Name`, violations, { required: true }) ??
      '',
    Value:
      readString(item.Value, `${path}.${index + 1}.member.Value`, violations, { required: true }) ??
      '',
  }));

const readMetricQueries = (
  items: JsonObject[],
  path: string,
  violations: Violations,
): TargetTrackingMetricDataQuery[] =>
  items.map((item, index) => {
    const queryPath = `${path}.${index + 1}.member`;
    const stat = typed(() => optionalObject(item.MetricStat, `${queryPath}.MetricStat`));
    const metric =
      stat && typed(() => optionalObject(stat.Metric, `${queryPath}.MetricStat.Metric`));
    if (stat && !metric)
      violations.add(undefined, `${queryPath}.MetricStat.Metric`, 'Member must not be null');
    const id = readString(item.Id, `${queryPath}.Id`, violations, {
      required: true,
      min: 1,
      max: 255,
    });
    const expression = readString(item.Expression, `${queryPath}.Expression`, violations, {
      min: 1,
      max: 2048,
    });
    const label = readString(item.Label, `${queryPath}.Label`, violations);
    const returnData = typed(() => optionalBoolean(item.ReturnData, `${queryPath}.ReturnData`));
    const metricStat = stat && {
      Metric: {
        ...(metric?.MetricName === undefined
          ? {}
          : {
              MetricName:
                readString(
                  metric.MetricName,
                  `${queryPath}.MetricStat.Metric.MetricName`,
                  violations,
                  { min: 1, max: 255 },
                ) ?? '',
            }),
        ...(metric?.Namespace === undefined
          ? {}
          : {
              Namespace:
                readString(
                  metric.Namespace,
                  `${queryPath}.MetricStat.Metric.Namespace`,
                  violations,
                  { min: 1, max: 255 },
                ) ?? '',
            }),
        ...(metric?.Dimensions === undefined
          ? {}
          : {
              Dimensions:
                readDimensions(
                  metric.Dimensions,
                  `${queryPath}.MetricStat.Metric.Dimensions`,
                  violations,
                ) ?? [],
            }),
      },
      Stat:
        readString(stat.Stat, `${queryPath}.MetricStat.Stat`, violations, { required: true }) ?? '',
      ...(stat.Unit === undefined
        ? {}
        : {
            Unit:
              readString(stat.Unit, `${queryPath}.MetricStat.Unit`, violations, {
                min: 1,
                max: 1023,
              }) ?? '',
          }),
    };
    return {
      Id: id ?? '',
      ...(expression === undefined ? {} : { Expression: expression }),
      ...(label === undefined ? {} : { Label: label }),
      ...(metricStat === undefined ? {} : { MetricStat: metricStat }),
      ...(returnData === undefined ? {} : { ReturnData: returnData }),
    };
  });

/** Metric math: unique ids that CloudWatch accepts, one source per query, one result. */
const checkMetricQueries = (queries: readonly TargetTrackingMetricDataQuery[]): void => {
  if (queries.length === 0)
    throw new ValidationException('Metrics must contain at least one metric data query');
  const ids = new Set<string>();
  for (const query of queries) {
    if (!METRIC_QUERY_ID_REGEX.test(query.Id)) {
      throw new ValidationException(
        `Invalid metric query Id ${query.Id}: it must start with a lowercase letter and contain only letters, numbers and underscores`,
      );
    }
    if (ids.has(query.Id)) throw new ValidationException(`Duplicate metric query Id ${query.Id}`);
    ids.add(query.Id);
    if ((query.Expression === undefined) === (query.MetricStat === undefined)) {
      throw new ValidationException(
        `Metric query ${query.Id} must specify exactly one of Expression and MetricStat`,
      );
    }
  }
  // ReturnData defaults to true; with several queries exactly one may return data.
  const returning = queries.filter((query) => query.ReturnData ?? queries.length === 1);
  if (returning.length !== 1) {
    throw new ValidationException('Exactly one metric data query must have ReturnData set to true');
  }
};

const readCustomizedMetric = (
  specification: JsonObject,
  path: string,
  violations: Violations,
): CustomizedMetricSpecification => {
  const metrics = typed(() => optionalObjectList(specification.Metrics, `${path}.Metrics`));
  const single = ['MetricName', 'Namespace', 'Dimensions', 'Statistic', 'Unit'].filter(
    (member) => specification[member] !== undefined && specification[member] !== null,
  );
  if (metrics !== undefined) {
    if (single.length > 0) {
      throw new ValidationException(
        `CustomizedMetricSpecification cannot specify both Metrics and ${single.join(', ')}`,
      );
    }
    const queries = readMetricQueries(metrics, `${path}.Metrics`, violations);
    violations.throwIfAny();
    checkMetricQueries(queries);
    return { Metrics: queries };
  }
  const metricName = readString(specification.MetricName, `${path}.MetricName`, violations, {
    required: true,
  });
  const namespace = readString(specification.Namespace, `${path}.Namespace`, violations, {
    required: true,
  });
  const statistic = readEnum(
    specification.Statistic,
    `${path}.Statistic`,
    METRIC_STATISTICS,
    violations,
    true,
  );
  const dimensions = readDimensions(specification.Dimensions, `${path}.Dimensions`, violations);
  const unit = readString(specification.Unit, `${path}.Unit`, violations);
  violations.throwIfAny();
  return {
    MetricName: metricName ?? '',
    Namespace: namespace ?? '',
    Statistic: statistic ?? 'Average',
    ...(dimensions === undefined ? {} : { Dimensions: dimensions }),
    ...(unit === undefined ? {} : { Unit: unit }),
  };
};

const readPredefinedMetric = (
  specification: JsonObject,
  path: string,
  violations: Violations,
): PredefinedMetricSpecification => {
  const type = readEnum(
    specification.PredefinedMetricType,
    `${path}.PredefinedMetricType`,
    METRIC_TYPES,
    violations,
    true,
  );
  const label = readString(specification.ResourceLabel, `${path}.ResourceLabel`, violations, {
    min: 1,
    max: 1023,
  });
  violations.throwIfAny();
  if (!(ECS_METRIC_TYPES as readonly string[]).includes(type ?? '')) {
    throw new ValidationException(
      `Berth supports only ECS services: PredefinedMetricType ${type} is not supported, use one of ${ECS_METRIC_TYPES.join(', ')}.`,
    );
  }
  if (type === 'ALBRequestCountPerTarget') {
    if (label === undefined) {
      throw new ValidationException(
        'ResourceLabel is required for the predefined metric ALBRequestCountPerTarget',
      );
    }
    if (!ALB_RESOURCE_LABEL_REGEX.test(label)) {
      throw new ValidationException(
        `Invalid ResourceLabel ${label}: expected app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>`,
      );
    }
  } else if (label !== undefined) {
    throw new ValidationException(
      'ResourceLabel can be specified only for the predefined metric ALBRequestCountPerTarget',
    );
  }
  return {
    PredefinedMetricType: type as EcsMetricType,
    ...(label === undefined ? {} : { ResourceLabel: label }),
  };
};

const readTargetTracking = (value: unknown): TargetTrackingScalingPolicyConfiguration => {
  const path = 'TargetTrackingScalingPolicyConfiguration';
  const configuration = typed(() => optionalObject(value, path)) ?? {};
  const violations = new Violations();
  const targetValue = readMetricScale(configuration.TargetValue, `${path}.TargetValue`, violations);
  if (targetValue === undefined)
    violations.add(undefined, `${path}.TargetValue`, 'Member must not be null');
  const scaleOutCooldown = readCount(
    configuration.ScaleOutCooldown,
    `${path}.ScaleOutCooldown`,
    violations,
  );
  const scaleInCooldown = readCount(
    configuration.ScaleInCooldown,
    `${path}.ScaleInCooldown`,
    violations,
  );
  const disableScaleIn = typed(() =>
    optionalBoolean(configuration.DisableScaleIn, `${path}.DisableScaleIn`),
  );
  const predefined = typed(() =>
    optionalObject(
      configuration.PredefinedMetricSpecification,
      `${path}.PredefinedMetricSpecification`,
    ),
  );
  const customized = typed(() =>
    optionalObject(
      configuration.CustomizedMetricSpecification,
      `${path}.CustomizedMetricSpecification`,
    ),
  );
  if ((predefined === undefined) === (customized === undefined)) {
    violations.throwIfAny();
    throw new ValidationException(
      'Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified',
    );
  }
  const predefinedSpecification =
    predefined &&
    readPredefinedMetric(predefined, `${path}.PredefinedMetricSpecification`, violations);
  const customizedSpecification =
    customized &&
    readCustomizedMetric(customized, `${path}.CustomizedMetricSpecification`, violations);
  violations.throwIfAny();
  // The proposal divides by the target: a target of 0 or below tracks nothing.
  if ((targetValue ?? 0) <= 0) throw new ValidationException('TargetValue must be greater than 0');
  return {
    TargetValue: targetValue ?? 0,
    ...(predefinedSpecification === undefined
      ? {}
      : { PredefinedMetricSpecification: predefinedSpecification }),
    ...(customizedSpecification === undefined
      ? {}
      : { CustomizedMetricSpecification: customizedSpecification }),
    ...(scaleOutCooldown === undefined ? {} : { ScaleOutCooldown: scaleOutCooldown }),
    ...(scaleInCooldown === undefined ? {} : { ScaleInCooldown: scaleInCooldown }),
    ...(disableScaleIn === undefined ? {} : { DisableScaleIn: disableScaleIn }),
  };
};

type PutScalingPolicyRequest = ScalableTargetKey & { readonly PolicyName: string } & (
    | {
        readonly PolicyType: 'TargetTrackingScaling';
        readonly TargetTrackingScalingPolicyConfiguration: TargetTrackingScalingPolicyConfiguration;
      }
    | {
        readonly PolicyType: 'StepScaling';
        readonly StepScalingPolicyConfiguration: StepScalingPolicyConfiguration;
      }
  );

/**
 * PutScalingPolicy creates or replaces a policy. PolicyType, when omitted,
 * follows the configuration given, and is StepScaling when neither is (the
 * API's original and only type); the configuration of the other type is
 * refused rather than silently dropped.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 */
const readPutScalingPolicy = (input: unknown): PutScalingPolicyRequest => {
  const request = body(input);
  const violations = new Violations();
  const name = readString(request.PolicyName, 'PolicyName', violations, {
    required: true,
    min: 1,
    max: 256,
    pattern: { regex: POLICY_NAME_REGEX, text: POLICY_NAME_PATTERN },
  });
  const key = readKeyMembers(request, violations);
  const policyType = readEnum(request.PolicyType, 'PolicyType', POLICY_TYPES, violations);
  violations.throwIfAny();
  const target = ecsKey(key);
  const hasTargetTracking = !isAbsent(request.TargetTrackingScalingPolicyConfiguration);
  const hasStep = !isAbsent(request.StepScalingPolicyConfiguration);
  const type = policyType ?? (hasTargetTracking ? 'TargetTrackingScaling' : 'StepScaling');
  if (type === 'PredictiveScaling') {
    throw new ValidationException(
      'Berth supports only StepScaling and TargetTrackingScaling policies for ECS services.',
    );
  }
  if (type === 'TargetTrackingScaling') {
    if (hasStep) {
      throw new ValidationException(
        'StepScalingPolicyConfiguration cannot be specified for a TargetTrackingScaling policy',
      );
    }
    if (!hasTargetTracking) {
      throw new ValidationException(
        'TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy',
      );
    }
    return {
      ...target,
      PolicyName: name ?? '',
      PolicyType: type,
      TargetTrackingScalingPolicyConfiguration: readTargetTracking(
        request.TargetTrackingScalingPolicyConfiguration,
      ),
    };
  }
  if (hasTargetTracking) {
    throw new ValidationException(
      'TargetTrackingScalingPolicyConfiguration cannot be specified for a StepScaling policy',
    );
  }
  if (!hasStep) {
    throw new ValidationException(
      'StepScalingPolicyConfiguration is required for a StepScaling policy',
    );
  }
  return {
    ...target,
    PolicyName: name ?? '',
    PolicyType: type,
    StepScalingPolicyConfiguration: readStepScaling(request.StepScalingPolicyConfiguration),
  };
};

const isAbsent = (value: unknown) => value === undefined || value === null;

/** DeleteScalingPolicy names a policy of a target. */
const readDeleteScalingPolicy = (
  input: unknown,
): ScalableTargetKey & { readonly PolicyName: string } => {
  const request = body(input);
  const violations = new Violations();
  const name = readString(request.PolicyName, 'PolicyName', violations, {
    required: true,
    ...RESOURCE_ID_RULES,
  });
  const key = readKeyMembers(request, violations);
  violations.throwIfAny();
  return { ...ecsKey(key), PolicyName: name ?? '' };
};

/** A timestamp as the JSON protocol sends it (epoch seconds), or an ISO 8601 text. */
const readTimestamp = (value: unknown, path: string): Date | undefined => {
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed))
      throw new ValidationException(`Invalid timestamp for ${path}: ${value}`);
    return new Date(parsed);
  }
  const seconds = typed(() => optionalNumber(value, path));
  return seconds === undefined ? undefined : new Date(Math.round(seconds * 1000));
};

const readScalableTargetAction = (
  value: unknown,
  violations: Violations,
): ScalableTargetAction | undefined => {
  const action = typed(() => optionalObject(value, 'ScalableTargetAction'));
  if (!action) return undefined;
  const min = readCount(action.MinCapacity, 'ScalableTargetAction.MinCapacity', violations);
  const max = readCount(action.MaxCapacity, 'ScalableTargetAction.MaxCapacity', violations);
  return {
    ...(min === undefined ? {} : { MinCapacity: min }),
    ...(max === undefined ? {} : { MaxCapacity: max }),
  };
};

interface PutScheduledActionRequest extends ScalableTargetKey {
  readonly ScheduledActionName: string;
  readonly Schedule?: string;
  /** The Schedule read, for the evaluator. */
  readonly parsedSchedule?: Schedule;
  readonly Timezone?: string;
  readonly StartTime?: Date;
  readonly EndTime?: Date;
  readonly ScalableTargetAction?: ScalableTargetAction;
}

/**
 * PutScheduledAction creates or updates an action; a new one needs a
 * Schedule, which the caller checks since only it knows whether the action
 * exists. The schedule and zone are checked here, so that an action that
 * could never fire is refused at once.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 */
const readPutScheduledAction = (input: unknown): PutScheduledActionRequest => {
  const request = body(input);
  const violations = new Violations();
  const name = readString(request.ScheduledActionName, 'ScheduledActionName', violations, {
    required: true,
    min: 1,
    max: 256,
    pattern: { regex: SCHEDULED_ACTION_NAME_REGEX, text: SCHEDULED_ACTION_NAME_PATTERN },
  });
  const key = readKeyMembers(request, violations);
  const schedule = readString(request.Schedule, 'Schedule', violations, RESOURCE_ID_RULES);
  const timezone = readString(request.Timezone, 'Timezone', violations, RESOURCE_ID_RULES);
  const action = readScalableTargetAction(request.ScalableTargetAction, violations);
  violations.throwIfAny();
  const target = ecsKey(key);
  const startTime = readTimestamp(request.StartTime, 'StartTime');
  const endTime = readTimestamp(request.EndTime, 'EndTime');
  const parsedSchedule = schedule === undefined ? undefined : parseSchedule(schedule);
  if (timezone !== undefined && !isKnownTimezone(timezone)) {
    throw new ValidationException(`Invalid Timezone ${timezone}: expected an IANA time zone name`);
  }
  if (startTime && endTime && endTime.getTime() <= startTime.getTime()) {
    throw new ValidationException('EndTime must be after StartTime');
  }
  if (
    action?.MinCapacity !== undefined &&
    action.MaxCapacity !== undefined &&
    action.MinCapacity > action.MaxCapacity
  ) {
    throw new ValidationException(MIN_ABOVE_MAX);
  }
  return {
    ...target,
    ScheduledActionName: name ?? '',
    ...(schedule === undefined ? {} : { Schedule: schedule, parsedSchedule }),
    ...(timezone === undefined ? {} : { Timezone: timezone }),
    ...(startTime === undefined ? {} : { StartTime: startTime }),
    ...(endTime === undefined ? {} : { EndTime: endTime }),
    ...(action === undefined ? {} : { ScalableTargetAction: action }),
  };
};

/** DeleteScheduledAction names an action of a target. */
const readDeleteScheduledAction = (
  input: unknown,
): ScalableTargetKey & { readonly ScheduledActionName: string } => {
  const request = body(input);
  const violations = new Violations();
  const name = readString(request.ScheduledActionName, 'ScheduledActionName', violations, {
    required: true,
    ...RESOURCE_ID_RULES,
  });
  const key = readKeyMembers(request, violations);
  violations.throwIfAny();
  return { ...ecsKey(key), ScheduledActionName: name ?? '' };
};

export type {
  DescribeFilter,
  PutScalingPolicyRequest,
  PutScheduledActionRequest,
  RegisterScalableTargetRequest,
};
export {
  checkStepIntervals,
  MAX_RESULTS,
  MAX_STEP_ADJUSTMENTS,
  readDeleteScalingPolicy,
  readDeleteScheduledAction,
  readDeregisterScalableTarget,
  readDescribeScalableTargets,
  readDescribeScalingActivities,
  readDescribeScalingPolicies,
  readDescribeScheduledActions,
  readPutScalingPolicy,
  readPutScheduledAction,
  readRegisterScalableTarget,
  registeredBounds,
};
