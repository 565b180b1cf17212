// Work that must happen one piece after the other, in the order it was given: storage writes, messages between
// tabs. A piece that fails does not stop the ones after it.

/**
 * A queue: each piece of work starts once the one before it has settled; the promise returned is that piece's.
 * @example
 * const inOrder = createQueue();
 * void inOrder(() => save(first));
 * void inOrder(() => save(second)); // starts after save(first) settles, whether it resolved or rejected
 */
export function createQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => T | PromiseLike<T>): Promise<T> => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };
}
