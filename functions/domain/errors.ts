/**
 * The one error hierarchy of Berth. Each class *is* an ECS wire error: its
 * `errorType` becomes `__type` in the `{"__type", "message"}` body and its
 * `statusCode` the HTTP status. ECS marks every exception as a client fault
 * (HTTP 400) except `ServerException` (HTTP 500), so only that class overrides
 * the status.
 *
 * Anything thrown that is not an `EcsError` is a bug: the error boundary logs
 * it in full and answers a bare `ServerException`.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html
 */
abstract class EcsError extends Error {
  abstract readonly errorType: string;
  readonly statusCode: number = 400;

  toJSON(): { __type: string; message: string } {
    return { __type: this.errorType, message: this.message };
  }
}

/** Generic client fault: wrong combination of parameters, unknown task definition, … */
class ClientException extends EcsError {
  readonly errorType = 'ClientException';
}

/** A parameter has an invalid value. */
class InvalidParameterException extends EcsError {
  readonly errorType = 'InvalidParameterException';
}

class ClusterNotFoundException extends EcsError {
  readonly errorType = 'ClusterNotFoundException';
  constructor(message = 'Cluster not found.') {
    super(message);
  }
}

class ClusterContainsServicesException extends EcsError {
  readonly errorType = 'ClusterContainsServicesException';
  constructor(message = 'The Cluster cannot be deleted while Services are active.') {
    super(message);
  }
}

class ClusterContainsContainerInstancesException extends EcsError {
  readonly errorType = 'ClusterContainsContainerInstancesException';
  constructor(message = 'The Cluster cannot be deleted while Container Instances are active.') {
    super(message);
  }
}

class ClusterContainsTasksException extends EcsError {
  readonly errorType = 'ClusterContainsTasksException';
  constructor(message = 'The Cluster cannot be deleted while Tasks are active.') {
    super(message);
  }
}

/** A clientToken was reused with different parameters. */
class ConflictException extends EcsError {
  readonly errorType = 'ConflictException';
  constructor(
    message: string,
    readonly resourceIds: string[] = [],
  ) {
    super(message);
  }
  override toJSON(): { __type: string; message: string; resourceIds: string[] } {
    return { ...super.toJSON(), resourceIds: this.resourceIds };
  }
}

class ResourceNotFoundException extends EcsError {
  readonly errorType = 'ResourceNotFoundException';
}

class LimitExceededException extends EcsError {
  readonly errorType = 'LimitExceededException';
}

/** RunTask on FARGATE with a platform version that does not exist. */
class PlatformUnknownException extends EcsError {
  readonly errorType = 'PlatformUnknownException';
}

/** More than 10 custom attributes on a resource. */
class AttributeLimitExceededException extends EcsError {
  readonly errorType = 'AttributeLimitExceededException';
}

/** PutAttributes/DeleteAttributes on a target that does not exist. */
class TargetNotFoundException extends EcsError {
  readonly errorType = 'TargetNotFoundException';
}

/** UpdateService/DeleteService/ListTasks name a service that does not exist. */
class ServiceNotFoundException extends EcsError {
  readonly errorType = 'ServiceNotFoundException';
  constructor(message = 'Service not found.') {
    super(message);
  }
}

/** UpdateService on a service that is DRAINING or INACTIVE. */
class ServiceNotActiveException extends EcsError {
  readonly errorType = 'ServiceNotActiveException';
  constructor(message = 'Service was not ACTIVE.') {
    super(message);
  }
}

/** A resource is in use and cannot be removed (a capacity provider with tasks on it). */
class ResourceInUseException extends EcsError {
  readonly errorType = 'ResourceInUseException';
}

/** Not an ECS shape, but the generic AWS JSON-protocol error for an unknown `X-Amz-Target`. */
class UnknownOperationException extends EcsError {
  readonly errorType = 'UnknownOperationException';
}

/** Not an ECS shape, but the generic AWS JSON-protocol error for a body that cannot be read. */
class SerializationException extends EcsError {
  readonly errorType = 'SerializationException';
}

/** The only server fault. Its message never carries internal details. */
class ServerException extends EcsError {
  readonly errorType = 'ServerException';
  override readonly statusCode = 500;
  constructor(message = 'An internal error occurred.') {
    super(message);
  }
}

export {
  AttributeLimitExceededException,
  ClientException,
  ClusterContainsContainerInstancesException,
  ClusterContainsServicesException,
  ClusterContainsTasksException,
  ClusterNotFoundException,
  ConflictException,
  EcsError,
  InvalidParameterException,
  LimitExceededException,
  PlatformUnknownException,
  ResourceInUseException,
  ResourceNotFoundException,
  SerializationException,
  ServerException,
  ServiceNotActiveException,
  ServiceNotFoundException,
  TargetNotFoundException,
  UnknownOperationException,
};
