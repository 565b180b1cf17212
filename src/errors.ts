// Typed errors with a stable `code`, so callers branch on the code and people read a message that names the fix.
// One base class; subclasses only where callers branch (bad config, a no, storage faults).

/** Stable codes of every error Optin raises or emits. */
export type ConsentErrorCode = 'config' | 'denied' | 'storage' | 'timeout' | 'dropped' | 'callback' | 'delivery' | 'destroyed' | 'unmounted';

/** Base of every Optin error. Branch on `code`, not on the message. */
export class ConsentError extends Error {
  constructor(
    readonly code: ConsentErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    // Written out, not new.target.name: minifiers rename classes, and error monitoring groups by this name.
    this.name = 'ConsentError';
  }
}

/** One problem in a config: where it is (`purposes[2].id`) and what to do about it. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** The config (or a call's arguments) is wrong. `issues` lists every problem at once. */
export class ConsentConfigError extends ConsentError {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super('config', 'Optin config: ' + issues.map((i) => (i.path ? i.path + ': ' : '') + i.message).join('\n  '));
    this.name = 'ConsentConfigError';
  }
}

/** The person said no, or closed the prompt without answering (`dismissed`). Nothing was collected. */
export class ConsentDeniedError extends ConsentError {
  constructor(
    readonly purpose: string,
    readonly dismissed = false,
  ) {
    super('denied', `No consent for "${purpose}"${dismissed ? ' (prompt closed)' : ''}: do not collect; ask again only after the person acts (require(id, { ask: true })).`);
    this.name = 'ConsentDeniedError';
  }
}

/**
 * IndexedDB was missing, blocked, failed or full (decisions are then kept for this page view only), or a stored
 * record was unreadable (that purpose is asked again).
 */
export class ConsentStorageError extends ConsentError {
  constructor(message: string, cause?: unknown) {
    super('storage', message, cause);
    this.name = 'ConsentStorageError';
  }
}
