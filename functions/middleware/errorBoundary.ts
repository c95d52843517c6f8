import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { respondWithError } from '../api/protocol';
import { EcsError, ServerException } from '../domain/errors';

/**
 * The one error boundary of the API. An `EcsError` is a client-visible answer
 * and goes out as it is; anything else is a bug, logged in full and answered
 * with a bare `ServerException` that leaks nothing.
 */

interface Logger {
  error(message: string, ...details: unknown[]): void;
}

const errorBoundary = (
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> => ({
  onError: async function errorBoundaryOnError(request) {
    const error = request.error;
    const requestId = request.context.awsRequestId;
    if (error instanceof EcsError) {
      request.response = respondWithError(error, requestId, request.event);
      return;
    }
    logger.error('Unexpected error', { error, requestId });
    request.response = respondWithError(new ServerException(), requestId, request.event);
  },
});

export { errorBoundary };
