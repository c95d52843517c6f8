import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { respondWithError } from '../api/protocol';
import { isQueryRequest, respondQueryError } from '../api/query';
import { EcsError, ServerException } from '../domain/errors';

/**
 * The one error boundary of the API. An `EcsError` is a client-visible answer
 * and goes out as it is; anything else is a bug, logged in full and answered
 * with a bare `ServerException` that leaks nothing. Each answer is in the
 * protocol the request spoke: AWS JSON, or Query (IAM, STS) as XML.
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
    const answer = isQueryRequest(request.event) ? respondQueryError : respondWithError;
    if (error instanceof EcsError) {
      request.response = answer(error, requestId, request.event);
      return;
    }
    logger.error('Unexpected error', { error, requestId });
    request.response = answer(new ServerException(), requestId, request.event);
  },
});

export { errorBoundary };
