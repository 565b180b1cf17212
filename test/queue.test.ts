// createQueue(): work runs one piece after the other, and a failure does not stop what follows.
import { describe, expect, it } from 'vitest';
import { createQueue } from '../src/queue.js';

describe('createQueue', () => {
  it('starts each piece once the one before has settled, and returns its result', async () => {
    const inOrder = createQueue();
    const order: string[] = [];
    const slow = inOrder(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('first');
      return 1;
    });
    const fast = inOrder(() => order.push('second'));
    expect(await Promise.all([slow, fast])).toEqual([1, 2]);
    expect(order).toEqual(['first', 'second']);
  });

  it('rejects with the piece that failed and runs the next one all the same', async () => {
    const inOrder = createQueue();
    const failed = inOrder(() => Promise.reject(new Error('boom')));
    const next = inOrder(() => 'ran');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ran');
  });
});
