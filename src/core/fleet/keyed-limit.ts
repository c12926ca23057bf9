/**
 * Bounded concurrency with keys: at most `concurrency` tasks at once (p-limit), and tasks of one key strictly one
 * after another, so that one token family never has two operations in flight whatever the bound.
 */
import pLimit from 'p-limit';

export interface KeyedLimit {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export function createKeyedLimit(concurrency: number): KeyedLimit {
  const limit = pLimit(concurrency);
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const before = tails.get(key) ?? Promise.resolve();
      // The key's turn first, then a slot: a task waiting for its key holds no slot.
      const result = before.then(
        () => limit(task),
        () => limit(task),
      );
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
