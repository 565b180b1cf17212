// The shapes Optin works with: the config a site owner writes, the decisions it stores, and the events it emits.
// Types only; nothing here runs.
import type { ConsentError } from './errors.js';
import type { BlockedRequest } from './guard.js';

/** A text in one language, or one per locale (`{ en: 'Analytics', 'zh-CN': '统计分析' }`). */
export type LocalizedText = string | { readonly [locale: string]: string };

/** Someone who receives data for a purpose. `country` marks a transfer abroad when it is not the site's own. */
export interface Recipient {
  readonly name: LocalizedText;
  /** A two-letter country code (ISO 3166-1), e.g. `'DE'`. */
  readonly country?: string;
  readonly url?: string;
  /** How to reach the recipient (an email or an http(s) URL): PIPL Arts. 23 and 39 ask for it when data is provided to another party or abroad. */
  readonly contact?: string;
}

/** One reason for collecting data, with everything a person needs to decide about it. */
export interface Purpose<Id extends string = string> {
  /** kebab-case and unique: `credit-scoring`. */
  readonly id: Id;
  readonly title: LocalizedText;
  /** Why the data is collected, in plain words. */
  readonly description: LocalizedText;
  /** What is collected: `['pages visited', 'device type']`. Required unless `necessary`. */
  readonly data?: readonly LocalizedText[];
  readonly recipients?: readonly Recipient[];
  /** How long it is kept: `'13 months'`. Required unless `necessary`. */
  readonly retention?: LocalizedText;
  /** Strictly necessary for the service the person asked for: no consent asked, cannot be switched off. */
  readonly necessary?: true;
  /** Needs its own explicit consent: never part of "Accept all" (credit scoring, health, location...). */
  readonly sensitive?: true;
  /** Sells or shares data, or cross-context ads: a Global Privacy Control signal denies it. */
  readonly sale?: true;
  /** Hosts this purpose sends data to. */
  readonly hosts?: readonly string[];
  /** Cookie and localStorage names it sets: cleared when it is refused or withdrawn. */
  readonly storage?: readonly string[];
}

/** Everything `createConsent` needs. Validated as a whole: see `ConsentConfigError`. */
export interface ConsentConfig<Id extends string = string> {
  /**
   * Who decides about the data: shown on the first layer. `country`, a two-letter code (e.g. `'CN'`), lets the dialogs mark a
   * recipient in another country as a cross-border transfer (PIPL Art. 39, GDPR Art. 44).
   */
  readonly controller: { readonly name: LocalizedText; readonly contact: string; readonly country?: string };
  /** A new `version` asks everyone again. `url`: http(s) or a same-origin path, or one per locale. */
  readonly policy: { readonly version: string; readonly url: LocalizedText };
  readonly purposes: readonly Purpose<Id>[];
  /** Locale to show; default: the page's `<html lang>`, else the first of `navigator.languages` that is available, else `en`. */
  readonly locale?: string;
  /** Overrides of UI strings per locale, read by the widgets. */
  readonly texts?: { readonly [locale: string]: { readonly [key: string]: string } };
  /** Days a decision holds before it is asked again. Default 180, at most 395 (13 months). */
  readonly expiresAfterDays?: number;
  /** IndexedDB database name; default `optin`. */
  readonly storageName?: string;
  /** The site's own endpoint for every receipt (`deliverReceipts`): an http(s) URL or a same-origin path. */
  readonly receipts?: { readonly endpoint: string };
  /**
   * Google Consent Mode v2 (`consentMode`): purpose id → the consent types a yes to it grants, e.g.
   * `{ analytics: ['analytics_storage'], marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'] }`.
   */
  readonly consentMode?: { readonly [K in Id]?: readonly ConsentModeType[] };
  /** The script tag turns the network guard on (`guardNetwork`): requests to a purpose's `hosts` wait for its yes. */
  readonly networkGuard?: true;
}

/** A consent type of Google Consent Mode v2. */
export type ConsentModeType = 'ad_storage' | 'ad_user_data' | 'ad_personalization' | 'analytics_storage' | 'functionality_storage' | 'personalization_storage' | 'security_storage';

/** How a decision was made; recorded as proof. */
export type DecisionMethod = 'banner' | 'preferences' | 'prompt' | 'api' | 'signal';

/** A purpose's state: `undecided` counts as no consent. */
export type PurposeState = 'granted' | 'denied' | 'undecided';

/** The stored decision for one purpose (schema version 1). */
export interface DecisionRecord {
  /** Schema version of this record. */
  readonly v: 1;
  readonly purpose: string;
  readonly granted: boolean;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly expires: number;
  readonly policy: string;
  /** SHA-256 of the disclosure shown (title, description, data, recipients, retention, locale). */
  readonly hash: string;
  readonly locale: string;
  readonly method: DecisionMethod;
  /** SHA-256 of the exact notice text the person saw when deciding (absent when none was passed to `decide`). */
  readonly textHash?: string;
  /** The control the person used (`allow`, `reject-all`, …; absent when none was passed to `decide`). */
  readonly action?: string;
  /** The browser sent a Global Privacy Control signal when this was decided (absent otherwise). */
  readonly gpc?: true;
  /**
   * A no that carries a Global Privacy Control opt-out of a sale: set by the signal and kept by every later no,
   * so only the person's own yes to that purpose ends it ("Accept all" does not).
   */
  readonly optOut?: true;
}

/** One entry of the append-only proof log. `prev` is the hash of the entry before it. */
export interface Receipt {
  readonly seq: number;
  readonly at: number;
  /** When a yes given here ends unless renewed (`expiresAfterDays` after `at`); absent in receipts recorded before Optin kept it. */
  readonly expires?: number;
  readonly policy: string;
  /** How it was decided; `reset`: the site's reset() ended the yeses in `withdrawn` (`choices` is then empty). */
  readonly method: DecisionMethod | 'reset';
  readonly locale: string;
  /** purpose id → granted */
  readonly choices: { readonly [purpose: string]: boolean };
  /** purpose id → disclosure hash shown */
  readonly hashes: { readonly [purpose: string]: string };
  /** SHA-256 of the exact notice text the person saw when deciding (absent when none was passed to `decide`). */
  readonly textHash?: string;
  /** The control the person used (`allow`, `reject-all`, …; absent when none was passed to `decide`). */
  readonly action?: string;
  /** The browser sent a Global Privacy Control signal (absent otherwise). */
  readonly gpc?: true;
  /**
   * The purposes this decision withdrew: granted until then (or until a new policy version, a changed disclosure or
   * expiry ended the yes), now denied or forgotten by a reset, also those the config no longer has (absent when
   * none). The back end stops their processing and starts deletion (PIPL 15, GDPR 17(1)(b)); a first no is only in
   * `choices`.
   */
  readonly withdrawn?: readonly string[];
  /** The Optin version that recorded it, so the dialogs shown can be told (absent before 0.1.0's receipts had it). */
  readonly sdk?: string;
  readonly prev: string;
}

/** What `verifyReceipts()` finds: `ok`, or at the chain's first break the entry that was changed, moved or removed. */
export type ReceiptCheck = { readonly ok: true; readonly count: number } | { readonly ok: false; readonly index: number; readonly reason: string };

/** Options of `require()`. */
export interface RequireOptions {
  /** Ask again even after an earlier no (only for an action the person just started). */
  readonly ask?: boolean;
  readonly signal?: AbortSignal;
  /** Give up waiting after this many milliseconds (rejects with code `timeout`). */
  readonly timeoutMs?: number;
}

/** Options of `gate()`. */
export interface GateOptions {
  /** Hold calls made before a decision (default true); false drops them. */
  readonly hold?: boolean;
  /** Most calls held per purpose before the oldest is dropped (default 100). */
  readonly limit?: number;
}

/** Options of `decide()` and `withdraw()`. */
export interface DecideOptions {
  readonly method?: DecisionMethod;
  /** Locale the disclosure was shown in (the widgets pass theirs). */
  readonly locale?: string;
  /**
   * The exact text of the notice the person decided in, as they saw it (the widgets pass the dialog's rendered
   * text). Its SHA-256 is kept as `textHash` in the records and the receipt: proof of the wording, including
   * overridden `texts`, that the disclosure hashes alone do not give.
   */
  readonly text?: string | undefined;
  /**
   * The control the person used, as the dialogs name it: `accept-all`, `reject-all`, `save`, `switch-off`, `allow`
   * or `deny`. Kept as `action` in the records and the receipt: with `method` and `textHash`, the explicit act and
   * the screen it was made on (COMPLIANCE SEP-07, written consent for credit reporting).
   */
  readonly action?: string | undefined;
}

/**
 * The plug point the dialogs attach to (see `optin/widgets`). The core never imports UI; it calls these.
 * `prompt` resolves true when the person answered (the answer arrives through `decide`), false when they
 * closed the prompt without answering; it rejects with a `ConsentError` of code `unmounted` when the dialogs went
 * away before an answer.
 */
export interface ConsentUI {
  show(): void;
  showPreferences(): void;
  prompt(purpose: string, options: { readonly ask: boolean }): Promise<boolean>;
  /** Nobody waits for `purpose` any more (timeout, abort): close its prompt unanswered. */
  cancel?(purpose: string): void;
}

/** Payload of the `change` event: every purpose's state now, and which ones changed. */
export interface ChangeEvent<Id extends string = string> {
  readonly states: { readonly [K in Id]: PurposeState };
  readonly changed: readonly Id[];
}

/** Payload of the `decision` event: the records just made (also sent to other tabs). */
export interface DecisionEvent {
  readonly records: readonly DecisionRecord[];
  readonly method: DecisionMethod;
}

/** Event name → payload. `error` carries a `ConsentError` (storage faults, dropped calls, listener errors). */
export interface ConsentEvents<Id extends string = string> {
  change: ChangeEvent<Id>;
  decision: DecisionEvent;
  /** A decision's receipt was kept (in IndexedDB, or in memory after a storage fault): the moment to deliver it. */
  receipt: Receipt;
  error: ConsentError;
}

// The window events the core and the guard dispatch, typed for `addEventListener('consent:change', (e) => e.detail…)`.
declare global {
  interface WindowEventMap {
    'consent:change': CustomEvent<ChangeEvent>;
    'consent:decision': CustomEvent<DecisionEvent>;
    'consent:receipt': CustomEvent<Receipt>;
    'consent:error': CustomEvent<ConsentError>;
    'consent:blocked': CustomEvent<BlockedRequest>;
  }
}

/** A consent instance made by `createConsent`. `Id` is the union of purpose ids when the config is a literal. */
export interface Consent<Id extends string = string> {
  /** Settles once stored decisions are loaded (one IndexedDB read). Never rejects. */
  readonly ready: Promise<void>;
  /** The validated config. */
  readonly config: ConsentConfig<Id>;
  /** The locale chosen from `config.locale`, the page's `<html lang>` or `navigator.languages`. */
  readonly locale: string;
  /**
   * True when this browser never stored a decision for this config (a flag in localStorage, `optin:<storageName>`,
   * written once a decision is stored or found stored, says so synchronously), so the dialogs show the banner
   * without waiting for `ready`. False for a returning visitor, and where localStorage cannot be read.
   */
  readonly firstVisit: boolean;
  /** True when the storage failed and decisions live only for this page view. */
  readonly memoryOnly: boolean;
  /** Granted right now? Synchronous, no I/O. Necessary purposes are always granted. */
  has(id: Id): boolean;
  /** One purpose's state, or every purpose's. */
  state(id: Id): PurposeState;
  state(): { readonly [K in Id]: PurposeState };
  /**
   * True while `id` is asked again because the policy version or the purpose's disclosure changed since the
   * person's last decision about it (the dialogs mark it as changed).
   */
  revised(id: Id): boolean;
  /**
   * Resolves once `id` is granted; rejects with `ConsentDeniedError` on a no (`dismissed: true` when the person
   * closed the prompt), and with code `unmounted` when the dialogs were unmounted while asking.
   */
  require(id: Id, options?: RequireOptions): Promise<void>;
  /** Wraps `fn` so that it runs only while `id` is granted; calls before a decision are held (bounded). */
  gate<A extends unknown[]>(id: Id, fn: (...args: A) => unknown, options?: GateOptions): (...args: A) => void;
  /** Records decisions. Resolves when they are stored (or kept in memory after a storage fault). */
  decide(choices: { readonly [K in Id]?: boolean }, options?: DecideOptions): Promise<void>;
  /** "Accept all" (`true`: every purpose `inAcceptAll`) or "Reject all" (`false`: every non-necessary purpose). */
  decideAll(granted: boolean, options?: DecideOptions): Promise<void>;
  /**
   * Whether "Accept all" grants `id` now: not necessary, not sensitive, and not a sale while a Global Privacy
   * Control signal is sent or its opt-out stands.
   */
  inAcceptAll(id: Id): boolean;
  /**
   * Withdraws consent for one purpose, or for every purpose: then also the stored decisions about purposes the
   * config no longer has are forgotten, so one added back later is asked again, and the receipt lists a yes among
   * them as withdrawn.
   */
  withdraw(id?: Id, options?: DecideOptions): Promise<void>;
  /** Forgets every stored decision (the proof log is kept); a receipt (method `reset`) lists the yeses it ended. */
  reset(): Promise<void>;
  /**
   * Listens to an event; returns the unsubscribe function. `replay` calls a `change` listener at once. Another event
   * name, or a listener that is not a function, throws `ConsentConfigError`.
   */
  on<E extends keyof ConsentEvents<Id>>(event: E, listener: (payload: ConsentEvents<Id>[E]) => void, options?: { readonly replay?: boolean }): () => void;
  /**
   * The proof log, oldest first; from the receipt numbered `from` (its `seq`) on, when given. Rejects when IndexedDB
   * has not answered within 5 s (an upgrade blocked by another tab).
   */
  receipts(from?: number): Promise<Receipt[]>;
  /** Checks the proof log's hash chain. Rejects, as `receipts()` does, when IndexedDB has not answered within 5 s. */
  verifyReceipts(): Promise<ReceiptCheck>;
  /** SHA-256 of a purpose's disclosure in a locale, as stored in records and receipts. */
  disclosureHash(id: Id, locale?: string): Promise<string>;
  /** Opens the first layer (needs the widgets). */
  show(): void;
  /** Opens the preferences (needs the widgets). */
  showPreferences(): void;
  /** Plugs the dialogs in; returns the function that unplugs them. */
  attach(ui: ConsentUI): () => void;
  /**
   * Ends this instance (a hot module reload, a test, a view torn down): it stops hearing other tabs and collecting.
   * From then on only necessary purposes are granted here, calls through its gates never run, `require()`,
   * `decide()` and `reset()` reject with code `destroyed`, and so do the `require()` calls still waiting. Stored
   * decisions and receipts stay: the next instance reads them. Unmount its dialogs first.
   */
  destroy(): void;
}
