import { EcsError } from '../../functions/domain/errors';

/** Runs `run` and returns the EcsError it throws; fails on success or on any other error. */
const errorOf = (run: () => unknown): EcsError => {
  try {
    run();
  } catch (error) {
    if (error instanceof EcsError) return error;
    throw error;
  }
  throw new Error('Expected an EcsError, but nothing was thrown.');
};

export { errorOf };
