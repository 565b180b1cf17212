// Tells the other tabs of this origin about decisions, so a yes or a withdrawal there takes effect here at once.
// Browsers without BroadcastChannel simply see the change on their next load.
import type { DecisionRecord } from './types.js';

/** What one tab tells the others. What arrives is unchecked: any script of the origin can post on the channel. */
export type SyncMessage = { records?: readonly DecisionRecord[]; reset?: true; at?: number };

/** Opens the channel for database `name`; returns `post` and `close`. */
export function createSync(name: string, receive: (message: SyncMessage | null | undefined) => void) {
  let channel: BroadcastChannel | undefined;
  try {
    // Not on a server (Node has BroadcastChannel, no document): it has no tabs, and an open channel is never freed,
    // so a server making an instance per request would keep every one of them. A page without IndexedDB (turned off)
    // does have tabs, and needs the channel most: its decisions live in each tab's memory only.
    if (globalThis.document) channel = new BroadcastChannel('optin:' + name);
  } catch {
    // No BroadcastChannel (a ReferenceError), or Firefox with cookies blocked (SecurityError): other tabs then see a
    // change on their next load.
  }
  if (channel) channel.onmessage = (event: MessageEvent<SyncMessage | null | undefined>) => receive(event.data);
  // In Node with a document of its own (happy-dom in tests), an open channel would keep the process alive.
  (channel as { unref?: () => void } | undefined)?.unref?.();
  return { post: (message: SyncMessage) => channel?.postMessage(message), close: () => channel?.close() };
}
