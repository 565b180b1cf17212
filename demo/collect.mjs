// The demo's "third parties": the collection endpoints a tracker, an ad pixel, a video embed and a credit bureau
// would run, all on this one server so that every hit is logged and a test can prove nothing arrived early.

// A 1x1 transparent GIF, as ad pixels are.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const RECOMMENDATIONS = {
  en: ['Night markets return to the old town', 'How the new rail line shortens the trip to the coast', 'Five lantern workshops worth a visit'],
  'zh-CN': ['夜市重回老城区', '新铁路线如何缩短去海边的行程', '五家值得一去的灯笼作坊'],
};

const EMBED_TEXT = {
  en: { title: 'StreamBox player', label: 'Video: the night market reopens (demo player)', caption: 'StreamBox · The night market reopens · 2:14' },
  'zh-CN': { title: 'StreamBox 播放器', label: '视频：夜市重新开张（演示播放器）', caption: 'StreamBox · 夜市重新开张 · 2:14' },
};

/**
 * The purpose a logged path belongs to: the segment after `/collect/`, or the base name of a `/trackers/` file.
 * @example purposeOf('/collect/analytics/pageview') // 'analytics'; purposeOf('/trackers/analytics.js') // 'analytics'
 */
export function purposeOf(pathname) {
  if (pathname.startsWith('/collect/')) return pathname.slice('/collect/'.length).split('/')[0] ?? '';
  const file = pathname.slice('/trackers/'.length).split('/').pop() ?? '';
  return file.replace(/\.[^.]*$/, '');
}

/** True for the paths the collection log records. */
export const isCollection = (pathname) => pathname.startsWith('/collect/') || pathname.startsWith('/trackers/');

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The embedded player's page: no script and no inline style, so the strict page's CSP allows it as it is. */
function embedPage(lang) {
  const t = EMBED_TEXT[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<link rel="stylesheet" href="/embed.css">
</head>
<body>
<main class="player">
<div class="screen" role="img" aria-label="${escapeHtml(t.label)}"><span class="play" aria-hidden="true">▶</span></div>
<p class="caption">${escapeHtml(t.caption)}</p>
</main>
</body>
</html>
`;
}

/** `?lang=` of the request, else of the page that embeds it (the Referer), else English. */
function langOf(params, referer) {
  const pick = (value) => (value?.toLowerCase() == 'zh-cn' ? 'zh-CN' : value?.toLowerCase() == 'en' ? 'en' : undefined);
  let fromReferer;
  try {
    fromReferer = referer ? new URL(referer).searchParams.get('lang') : undefined;
  } catch {
    fromReferer = undefined;
  }
  return pick(params.get('lang')) ?? pick(fromReferer) ?? 'en';
}

/**
 * Answers a `/collect/...` request (already logged by the caller): `params` is its query, `send(status, type, body,
 * headers?)` writes the response, `csp` is the strict page's policy, sent with the embed to show it needs no more.
 */
export function collect(req, pathname, params, send, csp) {
  const { method } = req;
  const only = (allowed, answer) => (allowed.includes(method) ? answer() : send(405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: allowed.join(', ') }));
  const json = (value) => send(200, 'application/json; charset=utf-8', JSON.stringify(value));
  switch (pathname) {
    case '/collect/analytics/pageview':
      return only(['GET', 'HEAD', 'POST'], () => send(204));
    case '/collect/personalisation/recommendations':
      return only(['GET', 'HEAD'], () => json(RECOMMENDATIONS[langOf(params)]));
    case '/collect/marketing/pixel.gif':
      return only(['GET', 'HEAD'], () => send(200, 'image/gif', PIXEL));
    case '/collect/video/embed':
      return only(['GET', 'HEAD'], () => send(200, 'text/html; charset=utf-8', embedPage(langOf(params, req.headers.referer)), { 'Content-Security-Policy': csp }));
    case '/collect/credit-scoring/score':
      return only(['POST'], () => json({ score: 712, bureau: 'Lumen Credit Bureau' }));
    default:
      return send(204);
  }
}
