import { EcsError } from '../../../../functions/domain/errors';
import {
  InternalServiceFault,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  LimitExceededFault,
  MissingRequiredParameterException,
  ResourceNotFound,
  ValidationError,
} from '../../../../functions/domain/metrics/errors';

describe('CloudWatch errors', () => {
  it.each([
    [
      new InvalidParameterValueException('m'),
      'InvalidParameterValueException',
      'InvalidParameterValue',
      400,
    ],
    [
      new MissingRequiredParameterException('m'),
      'MissingRequiredParameterException',
      'MissingParameter',
      400,
    ],
    [
      new InvalidParameterCombinationException('m'),
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
      400,
    ],
    [new LimitExceededFault('m'), 'LimitExceededFault', 'LimitExceeded', 400],
    [new ResourceNotFound('m'), 'ResourceNotFound', 'ResourceNotFound', 404],
    [new InvalidNextToken('m'), 'InvalidNextToken', 'InvalidNextToken', 400],
    [new ValidationError('m'), 'ValidationError', 'ValidationError', 400],
    [new InternalServiceFault('m'), 'InternalServiceFault', 'InternalServiceError', 500],
  ])('%p is %s on the wire with query code %s and status %i', (error, type, code, status) => {
    // Assess
    expect(error).toBeInstanceOf(EcsError);
    expect(error.toJSON()).toEqual({ __type: type, message: 'm' });
    expect(error.queryErrorCode).toBe(code);
    expect(error.statusCode).toBe(status);
  });
});
