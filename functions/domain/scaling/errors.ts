import { EcsError, LimitExceededException } from '../errors';

/**
 * Application Auto Scaling's wire errors. They join Berth's one error
 * hierarchy so that the same boundary answers `{"__type", "message"}` for
 * both APIs; the `__type` values are Application Auto Scaling's own, which
 * its SDK clients map to their exception classes. Every one is a client
 * fault (HTTP 400), as in the service's model.
 *
 * `LimitExceededException` (50 policies, 200 scheduled actions per target)
 * is the ECS class of the same name and wire type, re-exported here.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/CommonErrors.html
 */

/** A request member breaks a constraint of the model or of the service's rules. */
class ValidationException extends EcsError {
  readonly errorType = 'ValidationException';
}

/** The scalable target, policy or scheduled action named does not exist. */
class ObjectNotFoundException extends EcsError {
  readonly errorType = 'ObjectNotFoundException';
}

/** Another request changed the same target in between; the client retries. */
class ConcurrentUpdateException extends EcsError {
  readonly errorType = 'ConcurrentUpdateException';
  constructor(message = 'Concurrent update to the scalable target. Please retry.') {
    super(message);
  }
}

/** The CloudWatch alarm a step policy is attached to could not be read. */
class FailedResourceAccessException extends EcsError {
  readonly errorType = 'FailedResourceAccessException';
}

/** A NextToken that this service did not hand out, or that no longer applies. */
class InvalidNextTokenException extends EcsError {
  readonly errorType = 'InvalidNextTokenException';
  constructor(message = 'Invalid NextToken.') {
    super(message);
  }
}

export {
  ConcurrentUpdateException,
  FailedResourceAccessException,
  InvalidNextTokenException,
  LimitExceededException,
  ObjectNotFoundException,
  ValidationException,
};
