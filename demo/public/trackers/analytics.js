// Demo tracker (stands in for a third-party analytics tag): sends one page view each time it runs. The page
// declares it as <script type="text/plain" data-consent="analytics">, so it runs only once analytics is granted.
(function () {
  'use strict';
  var endpoint = '/collect/analytics/pageview';
  var body = JSON.stringify({ page: location.pathname });
  var queued = false;
  try {
    queued = typeof navigator.sendBeacon == 'function' && navigator.sendBeacon(endpoint, body);
  } catch (error) {
    queued = false;
  }
  if (!queued) {
    fetch(endpoint, { method: 'POST', body: body, keepalive: true, headers: { 'Content-Type': 'text/plain' } }).catch(function () {});
  }
  var previous = window.demoAnalytics;
  window.demoAnalytics = { pageviews: ((previous && previous.pageviews) || 0) + 1 };
})();
