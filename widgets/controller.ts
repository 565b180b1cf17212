// Which dialog is open and why: the banner while choices are missing, the preferences on request, one purpose
// prompt at a time for require(). All dialog state lives here; the Preact views only draw it (tests need no DOM).
import { ConsentError, type Consent, type ConsentUI, type DecisionMethod, type Purpose } from '../src/index.js';

/** What the dialogs show now. */
export interface View {
  /** The stored decisions are loaded: before that, nothing is shown (a switch would show a stale "off"). */
  readonly ready: boolean;
  readonly banner: boolean;
  /** The preferences' switches while they are open. */
  readonly preferences: { readonly [id: string]: boolean } | undefined;
  /** Purpose of the open prompt (over the preferences only the one their sensitive switch asked for). */
  readonly prompt: string | undefined;
  /** Grows with each saved decision, so the same "Choices saved" is announced again; back to 0 after 5 s, or when
   * the layer on top (where it is said) changes. */
  readonly saved: number;
  /** What was saved withdrew a yes by its switch: said as "Consent withdrawn" (A11Y-10). */
  readonly withdrawn: boolean;
}

/** The dialogs' state machine; `ui` is what the core calls through `consent.attach()`. */
export interface Controller {
  readonly ui: ConsentUI;
  readonly view: () => View;
  /** Banner buttons: Accept all (true) or Reject all (false). */
  readonly answerBanner: (granted: boolean) => void;
  readonly closeBanner: () => void;
  readonly openPreferences: () => void;
  /** Flips a switch; switching off a yes already given withdraws it at once. */
  readonly toggle: (id: string) => void;
  /** Saves the switches as they are, or, with `all`, every purpose the "all" buttons cover. */
  readonly save: (all?: boolean) => void;
  readonly closePreferences: () => void;
  readonly answerPrompt: (granted: boolean) => void;
  readonly closePrompt: () => void;
  readonly stop: () => void;
}

type Answer = (answered: boolean | Promise<boolean>) => void;

/**
 * Creates the controller for `consent`. Decisions are recorded with `locale`, the language the dialogs show, and
 * `shownText()`, the text of the dialog decided in as the person sees it; `draw` is called with each new view.
 */
export function createController(consent: Consent, locale: string, draw: (view: View) => void, shownText: () => string | undefined = () => undefined): Controller {
  const purposes = consent.config.purposes;
  const optional = purposes.filter((p) => !p.necessary);
  // Purposes the banner asks about: "Accept all" never covers necessary or sensitive ones.
  const covered = (id: string) => optional.some((p) => p.id == id && !p.sensitive);
  const undecided = () => optional.some((p) => !p.sensitive && consent.state(p.id) == 'undecided');
  const prompts = new Map<string, { promise: Promise<boolean>; answer: Answer }>();
  // require() calls that wait for the banner's answer instead of stacking a prompt on it, with their purpose.
  const bannerWaiters = new Map<Answer, string>();
  // Prompts asked for before the stored decisions are read (a require() made before the dialogs were mounted), each
  // with its purpose and `ask`: asked once they are read, so that one the banner covers waits for the banner.
  const early = new Map<Answer, [string, boolean]>();
  // Closing the banner hides it for this page view (no nagging); show() brings it back. A prompt closed without an
  // answer is not shown again this page view either, unless an action of the person's asks (`ask: true`).
  let dismissed = false;
  const closedPrompts = new Set<string>();
  let forced = false;
  // Switches the person has flipped since the preferences opened; the others follow decisions made meanwhile.
  let touched = new Set<string>();
  // The sensitive purpose whose switch, turned on in the preferences, opened its prompt over them: other prompts
  // (require() calls of the page) wait until the preferences close.
  let asked: string | undefined;
  let wantsPreferences = false;
  // What is stored is known once it is read, or at once on a first visit (nothing is stored): before that the banner
  // would flash for a returning visitor and a switch could show a stale "off". An answer given meanwhile is newer.
  const known = (v: View) => v.ready || consent.firstVisit;
  // The layer on top: a prompt, else the preferences (true), else the page (false), where "Choices saved" is said.
  const top = (v: View) => v.prompt ?? !!v.preferences;
  const next = (patch: Partial<View>): View => {
    const v = { ...view, ...patch };
    const prompt = v.preferences ? asked : prompts.keys().next().value;
    const drawn = { ...v, banner: known(v) && !dismissed && (forced || undecided()), prompt: prompts.has(prompt!) ? prompt : undefined };
    // A message goes with the layer it was said in: not said again by the one below, nor by one opening over it.
    return 'saved' in patch || top(drawn) == top(view) ? drawn : { ...drawn, saved: 0 };
  };
  let view: View = { ready: false, banner: false, preferences: undefined, prompt: undefined, saved: 0, withdrawn: false };
  view = next({});
  // Once stopped (unmounted), nothing draws again: not the stored decisions arriving, not a late timer.
  let stopped = false;
  // Set while a decision of the dialogs takes effect: its change event only sets the view, which the action then
  // draws once with its "Choices saved" (a yes switched off drew the preferences three times, each with every row).
  let deciding = false;
  const update = (patch: Partial<View> = {}) => stopped || ((view = next(patch)), deciding || draw(view));
  // "Choices saved" is announced at once, then leaves the page after a few seconds instead of covering part of it.
  let quiet: ReturnType<typeof setTimeout> | undefined;
  const saved = (withdrawn = false) => {
    clearTimeout(quiet);
    quiet = setTimeout(() => update({ saved: 0 }), 5000);
    return { saved: view.saved + 1, withdrawn };
  };
  // Said in a layer that was under a modal one until now (or on the page): inert there, it was out of the
  // accessibility tree, and a live region that enters the tree with its words already in is not announced. So the
  // words come a moment later (the browser updates the tree after a frame), unless another layer opened meanwhile.
  const sayBelow = () => {
    const below = top(view);
    setTimeout(() => !stopped && top(view) === below && update(saved()), 150);
  };
  const switches = () => Object.fromEntries(optional.map((p) => [p.id, touched.has(p.id) ? !!view.preferences?.[p.id] : consent.has(p.id)]));
  // Answers the calls waiting for the banner whose purpose is now decided, or (`all`) every one: a purpose the
  // banner left undecided (closed, or a sale under a privacy signal) answers "not answered" and require() rejects.
  const settleBanner = (all: boolean) => {
    for (const [answer, id] of bannerWaiters) {
      const decided = consent.state(id) != 'undecided';
      if (!all && !decided) continue;
      bannerWaiters.delete(answer);
      answer(decided);
    }
  };
  const settlePrompt = (id: string | undefined, answered: boolean | Promise<boolean>) => {
    prompts.get(id!)?.answer(answered);
    prompts.delete(id!);
  };
  // decide() rejects only for an unknown id or a non-boolean, which the dialogs never pass; storage faults arrive
  // as `error` events and the decision still holds for this page view.
  // The decision takes effect synchronously inside decide(), so states are current right after this call.
  const record = (decision: () => Promise<void>) => {
    forced = false;
    deciding = true;
    try {
      decision().catch(() => undefined);
    } finally {
      deciding = false;
    }
  };
  // `action` names the control used, for the proof (SEP-07).
  const decide = (choices: { readonly [id: string]: boolean }, method: DecisionMethod, action: string) => record(() => consent.decide(choices, { method, locale, text: shownText(), action }));

  const offChange = consent.on('change', ({ changed }) => {
    // A decision made elsewhere (the banner, another tab, the API) answers the prompts waiting for it; a reset,
    // which leaves the purpose undecided, answers nothing.
    for (const id of changed) if (consent.state(id) != 'undecided') settlePrompt(id, true);
    settleBanner(false);
    update(view.preferences ? { preferences: switches() } : {});
  });
  const openPreferences = () => {
    touched = new Set();
    asked = undefined;
    // Asked for before the stored decisions are read: open once they are, so no switch shows a stale "off" (on a
    // first visit at once: nothing is stored).
    if (known(view)) update({ preferences: switches() });
    else wantsPreferences = true;
  };
  // Nothing the page's browser refuses while drawing may reach it as an unhandled rejection.
  consent.ready
    .then(() => {
      update({ ready: true });
      // The prompt's promise itself: its rejection (unmounted while asking) settles the call, never the page.
      early.forEach(([id, ask], answer) => answer(ui.prompt(id, { ask })));
      early.clear();
      if (wantsPreferences) openPreferences();
    })
    .catch(console.error);

  const ui: ConsentUI = {
    show() {
      dismissed = false;
      forced = true;
      update({ preferences: undefined });
    },
    showPreferences: openPreferences,
    prompt(id, { ask }) {
      if (!known(view)) return new Promise<boolean>((answer) => early.set(answer, [id, ask]));
      if (!ask && closedPrompts.has(id)) return Promise.resolve(false);
      // The banner already asks about this purpose: one dialog at a time, and its answer settles the call.
      if (!ask && view.banner && covered(id)) return new Promise<boolean>((answer) => bannerWaiters.set(answer, id));
      let entry = prompts.get(id);
      if (!entry) {
        let answer: Answer = () => undefined;
        const promise = new Promise<boolean>((resolve) => (answer = resolve));
        prompts.set(id, (entry = { promise, answer }));
      }
      // Drawn also when the prompt was already waiting (behind the preferences, whose switch now asks for it).
      update();
      return entry.promise;
    },
    cancel(id) {
      // A call that timed out or was aborted before the decisions were read is not asked for later.
      early.forEach(([other], answer) => other == id && (early.delete(answer), answer(false)));
      settlePrompt(id, false);
      update();
    },
  };

  return {
    ui,
    view: () => view,
    answerBanner(granted) {
      // Accept all leaves sensitive purposes (and, under a Global Privacy Control signal, sales) undecided.
      record(() => consent.decideAll(granted, { method: 'banner', locale, text: shownText(), action: granted ? 'accept-all' : 'reject-all' }));
      settleBanner(true);
      update(saved());
    },
    closeBanner() {
      dismissed = true;
      forced = false;
      settleBanner(true);
      update();
    },
    openPreferences,
    toggle(id) {
      const on = !view.preferences?.[id];
      // A sensitive purpose is granted only in a dialog of its own whose yes names it (PIPL Art. 29): its prompt.
      if (on && purposes.some((p) => p.id == id && p.sensitive)) {
        // The switch follows the prompt's answer, also after it was switched off here.
        touched.delete(id);
        asked = id;
        consent.require(id, { ask: true }).catch(() => undefined);
        return;
      }
      touched.add(id);
      update({ preferences: { ...view.preferences, [id]: on } });
      // Switching off a yes withdraws it at once, as easily as it was given (COMPLIANCE WDR-02: open, then one
      // action), and closing the dialog cannot undo it. A yes still waits for Save: a deliberate act.
      if (!on && consent.has(id)) {
        decide({ [id]: false }, 'preferences', 'switch-off');
        update(saved(true));
      }
    },
    save(all) {
      const on = view.preferences ?? {};
      // "Accept all" here turns on what the banner's would, keeps the other switches as set, and leaves sensitive
      // purposes out: their own prompt decides them.
      const chosen = (p: Purpose) => (all === undefined ? !!on[p.id] : all && (!!on[p.id] || consent.inAcceptAll(p.id)));
      decide(Object.fromEntries(optional.filter((p) => !(all && p.sensitive)).map((p) => [p.id, chosen(p)])), 'preferences', all === undefined ? 'save' : all ? 'accept-all' : 'reject-all');
      settleBanner(true);
      update({ preferences: undefined });
      sayBelow();
    },
    closePreferences: () => update({ preferences: undefined }),
    answerPrompt(granted) {
      const id = view.prompt!;
      settlePrompt(id, true);
      decide({ [id]: granted }, 'prompt', granted ? 'allow' : 'deny');
      update();
      sayBelow();
    },
    closePrompt() {
      closedPrompts.add(view.prompt!);
      settlePrompt(view.prompt, false);
      update();
    },
    stop() {
      stopped = true;
      clearTimeout(quiet);
      offChange();
      // Unanswered, and not by the person: the require() calls waiting reject with code `unmounted`, which an app
      // tells apart from a closed prompt (`dismissed`).
      const gone = () => Promise.reject(new ConsentError('unmounted', 'The dialogs were unmounted before an answer; nothing was granted. Call require() again once they are mounted.'));
      bannerWaiters.forEach((_, answer) => answer(gone()));
      for (const id of [...prompts.keys()]) settlePrompt(id, gone());
    },
  };
}
