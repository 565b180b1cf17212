// Unit tests run in happy-dom, which has no IndexedDB: fake-indexeddb stands in (browser tests use the real one).
import 'fake-indexeddb/auto';
