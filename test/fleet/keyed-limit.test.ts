/** Keyed bounded concurrency: at most N tasks at once, and never two of one key at once. */
import { describe, expect, it } from 'vitest';
import { createKeyedLimit } from '../../src/core/fleet/keyed-limit.js';

describe('a keyed limit', () => {
  it('runs at most `concurrency` tasks at once and the tasks of one key one after another, in order', async () => {
    const limit = createKeyedLimit(3);
    let running = 0;
    let peak = 0;
    const busyKeys = new Set<string>();
    const order: string[] = [];
    const task = (key: string, label: string) =>
      limit.run(key, async () => {
        expect(busyKeys.has(key), `two tasks of ${key} at once`).toBe(false);
        busyKeys.add(key);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(label);
        running -= 1;
        busyKeys.delete(key);
        return label;
      });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        task(`k${index % 4}`, `k${index % 4}#${Math.floor(index / 4)}`),
      ),
    );
    expect(results).toHaveLength(20);
    expect(peak).toBe(3);
    for (const key of ['k0', 'k1', 'k2', 'k3']) {
      expect(order.filter((label) => label.startsWith(`${key}#`))).toEqual(
        [0, 1, 2, 3, 4].map((n) => `${key}#${n}`),
      );
    }
  });

  it('goes on with a key after one of its tasks failed', async () => {
    const limit = createKeyedLimit(2);
    const failed = limit.run('a', () => Promise.reject(new Error('no')));
    const next = limit.run('a', () => Promise.resolve('yes'));
    await expect(failed).rejects.toThrow('no');
    await expect(next).resolves.toBe('yes');
  });
});
