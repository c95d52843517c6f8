/**
 * `aws-local-stepfunctions` 3 calls `Promise.withResolvers` (Node 22+) on every
 * Task state, and Berth also runs on Node 20. This module installs the standard
 * behaviour when it is missing; import it before anything that runs a state
 * machine. It changes nothing on runtimes that already have it.
 *
 * The global is reached through a cast instead of a `declare global` so that
 * the augmentation cannot clash with `lib.es2024` once the project moves to it.
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

const installPromiseWithResolvers = (): void => {
  const promiseConstructor = Promise as PromiseWithResolvers;
  if (typeof promiseConstructor.withResolvers === 'function') return;
  Object.defineProperty(promiseConstructor, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve'];
      let reject!: Resolvers<T>['reject'];
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
};

installPromiseWithResolvers();

export { installPromiseWithResolvers };
