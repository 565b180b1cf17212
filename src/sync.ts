// Tells the other tabs of this origin about decisions, so a yes or a withdrawal there takes effect here at once.
// Browsers without BroadcastChannel simply see the change on their next load.
import type { DecisionRecord } from './types.js';

/** What one tab tells the others. */
export type SyncMessage = { records: DecisionRecord[] } | { reset: true };

/** Opens the channel for database `name`; returns `post` and `close`. */
export function createSync(name: string, receive: (message: SyncMessage) => void) {
  const channel = typeof BroadcastChannel == 'function' ? new BroadcastChannel('optin:' + name) : undefined;
  if (channel) channel.onmessage = (event: MessageEvent<SyncMessage>) => receive(event.data);
  return {
    post: (message: SyncMessage) => channel?.postMessage(message),
    close: () => channel?.close(),
  };
}
