// require() calls waiting for a decision: each settles on the person's answer, an abort signal or a timeout,
// whichever comes first, and then stops listening.
import { ConsentDeniedError, ConsentError } from './errors.js';

type Settle = (answer: boolean | Error) => void;

/** The waiting calls, per purpose. */
export function createWaiters() {
  const waiting = new Map<string, Set<Settle>>();
  return {
    /** A promise for `id` that a decision (or `signal`, or `timeoutMs`) settles; `cancel` rejects it early. */
    wait(id: string, signal?: AbortSignal, timeoutMs?: number) {
      const set = waiting.get(id) ?? new Set();
      waiting.set(id, set);
      let settle: Settle = () => undefined;
      const promise = new Promise<void>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const abort = () => settle(signal!.reason instanceof Error ? signal!.reason : new DOMException('Aborted', 'AbortError'));
        settle = (answer) => {
          if (!set.delete(settle)) return;
          clearTimeout(timer);
          signal?.removeEventListener('abort', abort);
          if (answer === true) resolve();
          else reject(answer === false ? new ConsentDeniedError(id) : answer);
        };
        set.add(settle);
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort);
        if (timeoutMs != null) timer = setTimeout(() => settle(new ConsentError('timeout', `No decision about "${id}" within ${timeoutMs} ms; nothing was collected.`)), timeoutMs);
      });
      return { promise, cancel: (error: Error) => settle(error) };
    },
    /** Settles every call waiting for `id` with the decision. */
    decided(id: string, granted: boolean) {
      waiting.get(id)?.forEach((settle) => settle(granted));
    },
  };
}
