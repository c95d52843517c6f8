import { EcsError } from '../../../../functions/domain/errors';
import {
  ConcurrentUpdateException,
  FailedResourceAccessException,
  InvalidNextTokenException,
  LimitExceededException,
  ObjectNotFoundException,
  ValidationException,
} from '../../../../functions/domain/scaling/errors';

describe('Application Auto Scaling errors', () => {
  it.each([
    [new ValidationException('bad'), 'ValidationException', 'bad'],
    [new ObjectNotFoundException('gone'), 'ObjectNotFoundException', 'gone'],
    [
      new ConcurrentUpdateException(),
      'ConcurrentUpdateException',
      'Concurrent update to the scalable target. Please retry.',
    ],
    [new FailedResourceAccessException('no alarm'), 'FailedResourceAccessException', 'no alarm'],
    [new InvalidNextTokenException(), 'InvalidNextTokenException', 'Invalid NextToken.'],
    [new LimitExceededException('too many'), 'LimitExceededException', 'too many'],
  ])('%p answers __type %s with its message as a client fault', (error, type, message) => {
    // Assess
    expect(error).toBeInstanceOf(EcsError);
    expect(error.statusCode).toBe(400);
    expect(error.toJSON()).toEqual({ __type: type, message });
  });

  it('keeps the cause it was given', () => {
    // Prepare
    const cause = new Error('underlying');

    // Act
    const error = new ValidationException('bad', { cause });

    // Assess
    expect(error.cause).toBe(cause);
  });
});
