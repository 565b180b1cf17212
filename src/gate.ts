// Calls held while a purpose is undecided: bounded per purpose, run once each in order after a yes, dropped
// after a no. Held calls live in memory for this page view only, never in storage.
import { ConsentError } from './errors.js';

/** The queues of held calls, one per purpose. */
export interface Holds {
  hold(purpose: string, call: () => void, limit: number): void;
  /** Runs and forgets every call held for `purpose`, in the order they were made. */
  release(purpose: string): void;
  /** Forgets every call held for `purpose` without running it. */
  drop(purpose: string): void;
}

/** Creates the queues; `report` receives dropped calls and errors thrown by released ones. */
export function createHolds(report: (error: ConsentError) => void): Holds {
  const held = new Map<string, (() => void)[]>();
  return {
    hold(purpose, call, limit) {
      const queue = held.get(purpose) ?? [];
      held.set(purpose, queue);
      queue.push(call);
      if (queue.length > limit) {
        queue.shift();
        report(new ConsentError('dropped', `More than ${limit} calls held for "${purpose}" before a decision: the oldest was dropped. Raise gate(id, fn, { limit }) or collect less before consent.`));
      }
    },
    release(purpose) {
      const queue = held.get(purpose) ?? [];
      held.delete(purpose);
      for (const call of queue) {
        try {
          call();
        } catch (cause) {
          report(new ConsentError('callback', `A held call for "${purpose}" threw when it ran after consent.`, { cause }));
        }
      }
    },
    drop(purpose) {
      held.delete(purpose);
    },
  };
}
