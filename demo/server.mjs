// The demo site's server: static files from demo/public, the script-tag build from dist/, the news page in its
// inline-stub (/) and strict-CSP (/strict) variants with the shared config put in, the privacy policy in the language
// asked for (?lang=zh-CN), and an in-memory log of every collection hit.
// `node demo/server.mjs` serves it on http://127.0.0.1:5173/ (or $PORT); tests call startServer({ port: 0 }).
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collect, isCollection, purposeOf } from './collect.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PUBLIC = join(HERE, 'public');
const DIST = resolve(HERE, '..', 'dist');
// No 'unsafe-inline' anywhere: the page's only inline script on / is the stub, which /strict loads as a file.
const CSP = "default-src 'self'; report-uri /csp-report";
const MAX_BODY = 64 * 1024;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
const TEXT = TYPES['.txt'];
const JSON_TYPE = TYPES['.json'];
// The SDK files served at the site's root, from dist/.
const SDK_FILES = ['/optin.global.js', '/optin-stub.js'];
const PAGES = ['/', '/index.html', '/strict'];

/** The file for `pathname` inside `root`, or null when it would leave the root (`..`, a symlink out, NUL). */
async function fileIn(root, pathname) {
  if (pathname.includes('..') || pathname.includes('\0') || pathname.includes('\\')) return null;
  const base = await realpath(root).catch(() => resolve(root));
  const path = resolve(base, '.' + pathname);
  if (!path.startsWith(base + sep)) return null;
  const real = await realpath(path).catch(() => null);
  if (!real || !real.startsWith(base + sep)) return null;
  const info = await stat(real).catch(() => null);
  return info?.isFile() ? real : null;
}

/** Reads a request body, at most MAX_BODY bytes (the rest is discarded). */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The language a page is asked in (`?lang=zh-CN`, else English), set as its `<html lang>`. */
const inLanguage = (html, params) => html.replace(/<html lang="[^"]*"/, `<html lang="${params.get('lang')?.toLowerCase() == 'zh-cn' ? 'zh-CN' : 'en'}"`);

/**
 * The news page from demo/public/index.html: language, stub (inline, or a file under the strict CSP), the config
 * from optin-config.json (the one the privacy page loads with data-config) as the page's inline JSON, hostile CSS.
 */
async function renderPage(pathname, params, dist) {
  const strict = pathname == '/strict';
  let stub = '<script src="/optin-stub.js"></script>';
  if (!strict) {
    // A `</script` inside the code would end the inline script early.
    const code = (await readFile(join(dist, 'optin-stub.js'), 'utf8')).replace(/<\/(script)/gi, '<\\/$1').trim();
    stub = `<script>${code}</script>`;
  }
  const hostile = params.get('hostile') == '1' ? '<link rel="stylesheet" href="/hostile.css">' : '';
  // `<\/` is the same string in JSON, and cannot end the data block early.
  const json = (await readFile(join(PUBLIC, 'optin-config.json'), 'utf8')).replace(/<\/(script)/gi, '<\\/$1').trim();
  const config = `<script type="application/json" id="optin-config">\n${json}\n</script>`;
  const html = await readFile(join(PUBLIC, 'index.html'), 'utf8');
  return inLanguage(html, params)
    .replace('<!--optin-stub-->', () => stub)
    .replace('<!--optin-config-->', () => config)
    .replace('<!--hostile-css-->', hostile);
}

/** The privacy policy, with <html lang> from ?lang (zh-CN or en): the language its dialogs speak. */
async function renderPolicy(params) {
  return inLanguage(await readFile(join(PUBLIC, 'privacy.html'), 'utf8'), params);
}

/**
 * Starts the demo server. `log` is the live array of collection hits `{ seq, time, purpose, method, path }`
 * (tests read it directly); `cspReports` the bodies posted to /csp-report; `receipts` the consent receipts
 * posted to /consent-receipts, one per receipt. `dist` points at another build.
 * @example
 * const server = await startServer({ port: 0 });
 * await page.goto(server.url);   // 'http://127.0.0.1:PORT/'
 * expect(server.log).toEqual([]);
 * await server.close();
 */
export async function startServer({ port = 0, host = '127.0.0.1', dist = DIST } = {}) {
  const log = [];
  const cspReports = [];
  const receipts = [];
  let seq = 0;

  const handle = async (req, res) => {
    const { method = 'GET' } = req;
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...(type ? { 'Content-Type': type } : {}), ...headers });
      res.end(method == 'HEAD' ? undefined : body);
    };
    const notAllowed = (allowed) => send(405, TEXT, 'Method not allowed\n', { Allow: allowed });
    let url;
    let pathname;
    try {
      // Concatenated, not resolved: a request for `//strict` is a path here, not a host.
      url = new URL('http://localhost' + (req.url ?? '/'));
      pathname = decodeURIComponent((req.url ?? '/').split(/[?#]/)[0] ?? '/');
    } catch {
      return send(400, TEXT, 'Bad request\n');
    }
    if (pathname.includes('..') || pathname.includes('\0') || pathname.includes('\\')) return send(400, TEXT, 'Bad request\n');
    // `${server.url}/strict` and `new URL('/strict', server.url)` must reach the same page.
    pathname = pathname.replace(/\/{2,}/g, '/');

    if (isCollection(pathname)) {
      log.push({ seq: ++seq, time: new Date().toISOString(), purpose: purposeOf(pathname), method, path: pathname });
      if (method == 'POST') await readBody(req);
      if (pathname.startsWith('/collect/')) return collect(req, pathname, url.searchParams, send, CSP);
    }
    if (pathname == '/api/log') return method == 'GET' ? send(200, JSON_TYPE, JSON.stringify({ entries: log })) : notAllowed('GET');
    if (pathname == '/api/log/clear') {
      if (method != 'POST') return notAllowed('POST');
      log.length = 0;
      return send(204);
    }
    // The site's own receipt endpoint (WDR-04): it keeps one copy per receipt, since a receipt may arrive twice. The
    // demo has no sessions, so a copy is one with the same content; a real site keeps one per session, seq and at.
    if (pathname == '/consent-receipts') {
      if (method != 'POST') return notAllowed('POST');
      let list;
      try {
        list = JSON.parse(await readBody(req)).receipts;
      } catch {
        list = undefined;
      }
      if (!Array.isArray(list)) return send(400, TEXT, 'Expected JSON { "receipts": [ … ] }\n');
      for (const receipt of list) {
        const copy = JSON.stringify(receipt);
        if (!receipts.some((r) => JSON.stringify(r) == copy)) receipts.push(receipt);
      }
      return send(204);
    }
    if (pathname == '/api/receipts') return method == 'GET' ? send(200, JSON_TYPE, JSON.stringify({ receipts })) : notAllowed('GET');
    if (pathname == '/api/csp-reports') return method == 'GET' ? send(200, JSON_TYPE, JSON.stringify({ reports: cspReports })) : notAllowed('GET');
    if (pathname == '/csp-report') {
      if (method != 'POST') return notAllowed('POST');
      const body = await readBody(req);
      try {
        cspReports.push(JSON.parse(body));
      } catch {
        cspReports.push({ raw: body });
      }
      return send(204);
    }

    if (method != 'GET' && method != 'HEAD') return notAllowed('GET, HEAD');
    if (PAGES.includes(pathname)) {
      let html;
      try {
        html = await renderPage(pathname, url.searchParams, dist);
      } catch {
        return send(500, TEXT, 'Optin demo: dist/optin-stub.js is missing: run npm run build\n');
      }
      const headers = pathname == '/strict' ? { 'Content-Security-Policy': CSP } : {};
      return send(200, TYPES['.html'], html, headers);
    }
    if (pathname == '/privacy.html') return send(200, TYPES['.html'], await renderPolicy(url.searchParams));
    if (SDK_FILES.includes(pathname)) {
      const file = await fileIn(dist, pathname);
      if (!file) return send(500, TEXT, `Optin demo: dist${pathname} is missing: run npm run build\n`);
      return send(200, TYPES['.js'], await readFile(file));
    }
    const file = await fileIn(PUBLIC, pathname);
    if (!file) return send(404, TEXT, 'Not found\n');
    return send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error('Optin demo: request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': TEXT, 'Cache-Control': 'no-store' });
      res.end('Internal error\n');
    });
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done(undefined));
  });
  const address = server.address();
  const actual = typeof address == 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    log,
    cspReports,
    receipts,
    clearLog: () => void (log.length = 0),
    clearReceipts: () => void (receipts.length = 0),
    clearCspReports: () => void (cspReports.length = 0),
    close: () =>
      new Promise((done, fail) => {
        server.close((error) => (error ? fail(error) : done(undefined)));
        // Keep-alive connections from a browser would hold close() open.
        server.closeAllConnections();
      }),
  };
}

// Run directly: `node demo/server.mjs` (npm run demo builds first).
if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) {
  const { url } = await startServer({ port: Number(process.env.PORT) || 5173, host: '127.0.0.1' });
  console.log(`Optin demo: ${url}`);
}
