// What waits for a purpose's decision, in memory for this page view only: calls held by gate() (bounded, run once
// each in order after a yes, dropped after a no) and require() calls (settled by the answer).
import { ConsentError } from './errors.js';

/**
 * Something waiting for a decision: `yes` runs after a yes, `no` (when given) after a no
 * (or with the error that ended its instance); `ask`, a require() call
 * not yet asked by dialogs (none were attached), asks them.
 */
export interface Waiter {
  yes(): void;
  no?(error?: Error): void;
  ask?(): void;
}

/**
 * Waiters per purpose id, oldest first. Sets: a waiter that stops waiting leaves in constant time, where an array
 * copied the others for each one (thousands of require() calls timing out together froze the page for seconds).
 */
export type Queues = Map<string, Set<Waiter>>;

/** Adds `waiter` for `id`; when more than `limit` wait, drops the oldest and returns it. */
export function enqueue(queues: Queues, id: string, waiter: Waiter, limit = Infinity): Waiter | undefined {
  const queue = queues.get(id) ?? new Set();
  queues.set(id, queue);
  queue.add(waiter);
  // Written so that a limit that is not a number (NaN) holds nothing rather than everything.
  if (queue.size <= limit) return;
  const [oldest] = queue;
  queue.delete(oldest!);
  return oldest;
}

/** Takes `waiter` out (a require() call that stopped waiting). */
export function dequeue(queues: Queues, id: string, waiter: Waiter): void {
  queues.get(id)?.delete(waiter);
}

/** Settles and forgets every waiter of `id`, in order; one that throws is reported and the others still run. */
export function settle(queues: Queues, id: string, granted: boolean, report: (error: ConsentError) => void): void {
  const queue = queues.get(id) ?? [];
  queues.delete(id);
  for (const waiter of queue) {
    try {
      if (granted) waiter.yes();
      else waiter.no?.();
    } catch (cause) {
      report(new ConsentError('callback', `A call waiting for "${id}" threw when it ran; the decision stands.`, cause));
    }
  }
}
