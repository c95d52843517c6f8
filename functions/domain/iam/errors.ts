import { EcsError } from '../errors';

/**
 * The errors of signing and access, in Berth's one error hierarchy. Each has
 * two wire forms, because the same check guards two protocols on the one
 * endpoint: ECS's JSON (`errorType`, HTTP 400, as ECS answers every one of
 * them) and IAM's and STS's Query protocol (`queryErrorCode` in an
 * `<ErrorResponse>`, with `queryStatusCode`).
 *
 * @see ../shared/reference/security.md §2 (ECS's codes and IAM's, with their wording)
 */
abstract class AccessError extends EcsError {
  /** The Query protocol's code (IAM, STS). */
  abstract readonly queryErrorCode: string;
  /** The Query protocol's status: IAM answers 403 to an unauthenticated or refused call. */
  readonly queryStatusCode: number = 403;
}

class MissingAuthenticationTokenException extends AccessError {
  readonly errorType = 'MissingAuthenticationTokenException';
  readonly queryErrorCode = 'MissingAuthenticationToken';
  constructor(message = 'Missing Authentication Token') {
    super(message);
  }
}

/** An `Authorization` header (or presigned query) that lacks a part. */
class IncompleteSignatureException extends AccessError {
  readonly errorType = 'IncompleteSignatureException';
  readonly queryErrorCode = 'IncompleteSignature';
  override readonly queryStatusCode = 400;
}

/** An access key that does not exist or is inactive. */
class UnrecognizedClientException extends AccessError {
  readonly errorType = 'UnrecognizedClientException';
  readonly queryErrorCode = 'InvalidClientTokenId';
  constructor(message = 'The security token included in the request is invalid.') {
    super(message);
  }
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** A signature that does not match, is out of its time window, or has the wrong scope. */
class InvalidSignatureException extends AccessError {
  readonly errorType = 'InvalidSignatureException';
  readonly queryErrorCode = 'SignatureDoesNotMatch';
  constructor(message = SIGNATURE_MISMATCH) {
    super(message);
  }
}

/** An identity whose policies do not allow the action on the resource. */
class AccessDeniedException extends AccessError {
  readonly errorType = 'AccessDeniedException';
  readonly queryErrorCode = 'AccessDenied';
}

/** Too many requests of one category (ECS's token buckets). The SDKs retry it. */
class ThrottlingException extends AccessError {
  readonly errorType = 'ThrottlingException';
  readonly queryErrorCode = 'Throttling';
  override readonly queryStatusCode = 400;
  constructor(message = 'Rate exceeded') {
    super(message);
  }
}

/** IAM's own errors: Query protocol only, so their JSON form is never seen. */
abstract class IamError extends AccessError {
  get errorType(): string {
    return this.queryErrorCode;
  }
}

class NoSuchEntityException extends IamError {
  readonly queryErrorCode = 'NoSuchEntity';
  override readonly queryStatusCode = 404;
}

class EntityAlreadyExistsException extends IamError {
  readonly queryErrorCode = 'EntityAlreadyExists';
  override readonly queryStatusCode = 409;
}

class IamLimitExceededException extends IamError {
  readonly queryErrorCode = 'LimitExceeded';
  override readonly queryStatusCode = 409;
}

/** A user that still has access keys or policies. */
class DeleteConflictException extends IamError {
  readonly queryErrorCode = 'DeleteConflict';
  override readonly queryStatusCode = 409;
}

class MalformedPolicyDocumentException extends IamError {
  readonly queryErrorCode = 'MalformedPolicyDocument';
  override readonly queryStatusCode = 400;
}

class IamValidationError extends IamError {
  readonly queryErrorCode = 'ValidationError';
  override readonly queryStatusCode = 400;
}

/** A Query request whose `Action` Berth does not serve. */
class InvalidActionException extends IamError {
  readonly queryErrorCode = 'InvalidAction';
  override readonly queryStatusCode = 400;
}

export {
  AccessDeniedException,
  AccessError,
  DeleteConflictException,
  EntityAlreadyExistsException,
  IamError,
  IamLimitExceededException,
  IamValidationError,
  IncompleteSignatureException,
  InvalidActionException,
  InvalidSignatureException,
  MalformedPolicyDocumentException,
  MissingAuthenticationTokenException,
  NoSuchEntityException,
  ThrottlingException,
  UnrecognizedClientException,
};
