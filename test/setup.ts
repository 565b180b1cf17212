// Unit tests run in happy-dom, which has no IndexedDB: fake-indexeddb stands in (browser tests use the real one).
import 'fake-indexeddb/auto';

// happy-dom's shadowRoot.activeElement throws a TypeError while focus is in another shadow tree (another instance's
// dialogs still on the page): it walks up past the document. A browser answers null there. Focus is in this tree
// exactly when the tree around it has this tree's host as its focused element; only then is happy-dom asked.
const shadowFocus = Object.getOwnPropertyDescriptor(ShadowRoot.prototype, 'activeElement')!;
Object.defineProperty(ShadowRoot.prototype, 'activeElement', {
  ...shadowFocus,
  get(this: ShadowRoot) {
    const around = this.host.getRootNode() as Partial<DocumentOrShadowRoot>;
    return around.activeElement == this.host ? shadowFocus.get!.call(this) : null;
  },
});
