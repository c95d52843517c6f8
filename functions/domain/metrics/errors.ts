import { EcsError } from '../errors';

/**
 * CloudWatch's wire errors, in Berth's one error hierarchy. CloudWatch speaks
 * AWS JSON 1.0 with `awsQueryCompatible`: the body's `__type` is the model's
 * shape name (`errorType`, as for every `EcsError`), and the protocol layer
 * also sends `x-amzn-query-error: <queryErrorCode>;Sender`, from which the
 * SDKs and the CLI read the old Query error code (`InvalidParameterValue`)
 * that scripts written against the Query API still compare.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html
 */
abstract class CloudWatchError extends EcsError {
  /** The `awsQueryError` code of the shape: what `x-amzn-query-error` carries. */
  abstract readonly queryErrorCode: string;
}

/** A member's value is not allowed (NaN, a reserved namespace, a bad enum value, …). */
class InvalidParameterValueException extends CloudWatchError {
  readonly errorType = 'InvalidParameterValueException';
  readonly queryErrorCode = 'InvalidParameterValue';
}

/** A required member is absent. */
class MissingRequiredParameterException extends CloudWatchError {
  readonly errorType = 'MissingRequiredParameterException';
  readonly queryErrorCode = 'MissingParameter';
}

/** Members that cannot go together (Value and StatisticValues, too many datapoints, …). */
class InvalidParameterCombinationException extends CloudWatchError {
  readonly errorType = 'InvalidParameterCombinationException';
  readonly queryErrorCode = 'InvalidParameterCombination';
}

/**
 * PutMetricAlarm over the account's alarm quota. The model names this shape
 * `LimitExceededFault`, with Query code `LimitExceeded`.
 */
class LimitExceededFault extends CloudWatchError {
  readonly errorType = 'LimitExceededFault';
  readonly queryErrorCode = 'LimitExceeded';
}

/** A named alarm does not exist (DeleteAlarms, SetAlarmState). HTTP 404 in the model. */
class ResourceNotFound extends CloudWatchError {
  readonly errorType = 'ResourceNotFound';
  readonly queryErrorCode = 'ResourceNotFound';
  override readonly statusCode = 404;
}

/** A NextToken that this service did not hand out (or no longer can read). */
class InvalidNextToken extends CloudWatchError {
  readonly errorType = 'InvalidNextToken';
  readonly queryErrorCode = 'InvalidNextToken';
  constructor(message = 'The service returned an invalid NextToken.') {
    super(message);
  }
}

/**
 * The generic validation failure CloudWatch answers where the model declares
 * no shape (GetMetricData's time range, an enum of SetAlarmState). Not a
 * modelled shape: clients see it as a plain service error with this code.
 */
class ValidationError extends CloudWatchError {
  readonly errorType = 'ValidationError';
  readonly queryErrorCode = 'ValidationError';
}

/** The only server fault of the model (Query code `InternalServiceError`, HTTP 500). */
class InternalServiceFault extends CloudWatchError {
  readonly errorType = 'InternalServiceFault';
  readonly queryErrorCode = 'InternalServiceError';
  override readonly statusCode = 500;
  constructor(message = 'Request processing has failed due to some unknown error.') {
    super(message);
  }
}

export {
  CloudWatchError,
  InternalServiceFault,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  LimitExceededFault,
  MissingRequiredParameterException,
  ResourceNotFound,
  ValidationError,
};
