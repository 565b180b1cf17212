// require(): waits for consent to one purpose, asking the person through the dialogs' prompt when they are attached.
// It resolves on a yes only; a no, an abort, a timeout or a prompt that failed rejects, and nothing is granted.
import { ConsentDeniedError, ConsentError } from './errors.js';
import { dequeue, enqueue, type Queues, type Waiter } from './gate.js';
import type { ConsentUI, PurposeState, RequireOptions } from './types.js';

/** What require() reads of its consent instance. */
export interface Instance {
  /** Settles once the stored decisions are read. */
  readonly ready: Promise<void>;
  /** The require() calls waiting per purpose, settled by decisions. */
  readonly waiting: Queues;
  readonly state: (id: string) => PurposeState;
  /** The dialogs, when attached. */
  readonly ui: () => ConsentUI | undefined;
  readonly report: (error: ConsentError) => void;
}

/** Resolves once `id`, a purpose of the config, is granted: see `Consent.require`. */
export function waitForConsent({ ready, waiting, state, ui, report }: Instance, id: string, { ask = false, signal, timeoutMs }: RequireOptions = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    // Called with an argument, it rejects with it, whatever it is: an abort's reason may be null, 0 or ''.
    const stop = (...error: [Error?]) => {
      if (done) return;
      done = true;
      dequeue(waiting, id, waiter);
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      // Nobody waits for this purpose any more (a timeout, an abort): its prompt, if open, closes unanswered.
      if (!waiting.get(id)?.size && state(id) != 'granted') ui()?.cancel?.(id);
      if (error.length) reject(error[0]!);
      else resolve();
    };
    const waiter: Waiter = { yes: () => stop(), no: (error = new ConsentDeniedError(id)) => stop(error) };
    const abort = () => stop(signal!.reason as Error);
    const failed = (cause: unknown) => {
      // The dialogs went away unanswered (unmounted): said as such, no fault of theirs.
      if ((cause as ConsentError | undefined)?.code == 'unmounted') return stop(cause as ConsentError);
      const error = new ConsentError('callback', 'The consent prompt failed; nothing was granted.', cause);
      report(error);
      stop(error);
    };
    if (signal?.aborted) return abort();
    // The timeout and the signal count from the call, also while the stored decisions are still being read.
    signal?.addEventListener('abort', abort);
    // Longer than a timer can wait (2^31 - 1 ms, about 24.8 days): no timer, since one would fire at once.
    if (timeoutMs != null && !(timeoutMs > 2 ** 31 - 1)) timer = setTimeout(stop, timeoutMs, new ConsentError('timeout', `No decision about "${id}" within ${timeoutMs} ms; nothing was collected.`));
    void ready.then(() => {
      if (done) return;
      if (state(id) == 'granted') return stop();
      if (state(id) == 'denied' && !ask) return stop(new ConsentDeniedError(id));
      enqueue(waiting, id, waiter);
      // The dialogs, when attached, ask the person: now, or once they are (an app may mount them later, in a
      // component's effect or on another route); their answer arrives through decide(). A closed prompt answers
      // nothing: this call rejects and nothing is recorded.
      (waiter.ask = () => {
        const dialogs = ui();
        if (!dialogs) return;
        delete waiter.ask;
        try {
          dialogs.prompt(id, { ask }).then((answered) => answered || stop(new ConsentDeniedError(id, true)), failed);
        } catch (cause) {
          failed(cause);
        }
      })();
    });
  });
}
