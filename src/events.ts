// A small typed event emitter. Listeners are isolated: one that throws does not stop the others or the
// decision. Every event is mirrored on window as a `consent:<name>` CustomEvent for tag managers.
import { ConsentError } from './errors.js';

type Listener<T> = (payload: T) => void;

/** Emitter for an event map `{ name: payload }`. */
export interface Emitter<Events> {
  on<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): () => void;
  emit<E extends keyof Events & string>(event: E, payload: Events[E]): void;
  /** Calls one listener of `event` (a replay) as `emit` would, isolated. */
  call<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>, payload: Events[E]): void;
}

/** Creates an emitter; `error` events receive the errors thrown by other listeners. */
export function createEmitter<Events extends { error: ConsentError }>(): Emitter<Events> {
  const listeners: { [E in keyof Events]?: Set<Listener<Events[E]>> } = {};
  const emitter: Emitter<Events> = {
    on(event, listener) {
      const set = (listeners[event] ??= new Set());
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(event, payload) {
      // A copy, so a listener that unsubscribes (or subscribes) while we loop changes nothing this time.
      for (const listener of [...(listeners[event] ?? [])]) emitter.call(event, listener, payload);
      globalThis.dispatchEvent?.(new CustomEvent('consent:' + event, { detail: payload }));
    },
    call(event, listener, payload) {
      try {
        listener(payload);
      } catch (cause) {
        if (event != 'error') emitter.emit('error', new ConsentError('callback', `A "${event}" listener threw; the others ran and the decision stands.`, cause));
      }
    },
  };
  return emitter;
}
