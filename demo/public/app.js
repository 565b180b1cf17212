// Daily Lantern's page script: texts in the page's language, the collection calls (each through Optin's gate or
// require), and the live panel of what the server received. Loaded with defer after optin.global.js; only uses
// `window.consent`, which is the stub or the real instance. Never writes HTML from strings: textContent only.
(function () {
  'use strict';

  var LANG = document.documentElement.lang == 'zh-CN' ? 'zh-CN' : 'en';

  var TEXTS = {
    en: {
      pageTitle: 'Daily Lantern: today’s stories',
      held: 'held (waiting for consent)',
      sent: 'sent',
      blocked: 'blocked (no consent)',
      callAnalytics: 'Analytics tracker: page view',
      callPersonalisation: 'Recommendations request',
      callMarketing: 'Advertising pixel',
      callVideo: 'Video player embed',
      callCredit: 'Credit score request',
      recoWaiting: 'Recommendations appear once you allow personalisation.',
      recoLoading: 'Loading recommendations…',
      recoFailed: 'Recommendations could not be loaded. They will be tried again on your next visit.',
      creditWaiting: 'Waiting for your choice…',
      creditScore: 'Your credit score is {score} (from {bureau}).',
      creditDenied: 'No score checked: you did not allow credit scoring.',
      creditFailed: 'The score could not be fetched. Please try again later.',
      logUnavailable: 'The server log could not be read right now.',
      receiptsNone: 'Proof of your choices: the server holds no consent receipt yet.',
      receiptsHeld: 'Proof of your choices: the server holds {count} consent receipt(s), the last from {time} ({method}).',
      receiptsWithdrew: ' It withdrew: {purposes}.',
      strictLink: 'This page under a strict CSP',
      consentRecord: 'Download my consent record',
      recordFailed: 'Your consent record could not be read right now. Please try again later.',
      inlineLink: 'This page with the inline stub',
    },
    'zh-CN': {
      pageTitle: '灯笼日报：今日报道',
      skip: '跳到报道',
      brand: '灯笼日报',
      tagline: '读新闻，不被“读”',
      langNav: '语言',
      privacySettings: '隐私设置',
      consentRecord: '下载我的同意记录',
      recordFailed: '暂时无法读取您的同意记录，请稍后再试。',
      h1: '今日报道',
      a1Title: '监管部门就用户数据约谈三家应用',
      a1Meta: '科技 · 阅读约4分钟',
      a1Body: '三家应用都没有清楚告诉用户收集了哪些数据、用于什么目的。其中一家默认为支付用户开通了信用评分。监管部门的要求是：只收集服务必需的信息，收集前先征得同意。',
      a2Title: '灯笼节点亮老城区',
      a2Meta: '城市 · 阅读约3分钟',
      a2Body: '本周，数千盏纸灯笼挂满了运河两岸。一些停业多年的作坊重新开张，赶制订单。',
      a3Title: '新铁路线开通，两小时直达海边',
      a3Meta: '出行 · 阅读约2分钟',
      a3Body: '新线路将于周一开通，每天运行十二趟列车。明天起可在车站和网上购票。',
      videoTitle: '视频：夜市重新开张',
      videoNote: '此播放器由美国的 StreamBox 公司提供，只有在您允许嵌入视频后才会加载。',
      videoFrame: 'StreamBox 视频播放器：夜市重新开张',
      recoTitle: '为您推荐',
      recoWaiting: '您允许个性化推荐后，这里才会显示推荐内容。',
      creditTitle: '灯笼支付信用评分',
      creditIntro: '查询评分会将您的姓名、身份证号码和付款记录发送给 Lumen 征信机构。此功能完全自愿，只有在您允许信用评分后才会进行。',
      creditButton: '查询我的信用评分',
      logTitle: '服务器收到了什么',
      logIntro: '此面板列出服务器收到的所有请求。在您同意之前，不会有任何数据到达。',
      logCaption: '演示服务器收到的请求（每秒更新）',
      colTime: '时间',
      colPurpose: '目的',
      colPath: '路径',
      logEmpty: '服务器尚未收到任何数据。',
      callsTitle: '本页发起的数据收集请求',
      callsIntro: '每个请求都会在同意关口等待，直到您对其目的作出决定。',
      footerController: '灯笼日报有限公司。隐私问题请联系：',
      footerPolicy: '隐私政策',
      footerStrict: '在严格内容安全策略下查看本页',
      held: '已暂缓（等待同意）',
      sent: '已发送',
      blocked: '已拦截（未获同意）',
      callAnalytics: '统计分析脚本：页面浏览',
      callPersonalisation: '推荐内容请求',
      callMarketing: '广告像素',
      callVideo: '视频播放器嵌入',
      callCredit: '信用评分请求',
      recoLoading: '正在加载推荐内容…',
      recoFailed: '推荐内容加载失败，下次访问时会再次尝试。',
      creditWaiting: '正在等待您的选择…',
      creditScore: '您的信用评分为 {score}（来自 Lumen 征信机构）。',
      creditDenied: '未查询评分：您没有允许信用评分。',
      creditFailed: '暂时无法获取评分，请稍后再试。',
      logUnavailable: '暂时无法读取服务器日志。',
      receiptsNone: '您的选择的证明：服务器尚未保存任何同意回执。',
      receiptsHeld: '您的选择的证明：服务器保存了 {count} 条同意回执，最近一条来自 {time}（{method}）。',
      receiptsWithdrew: '它撤回了：{purposes}。',
      strictLink: '在严格内容安全策略下查看本页',
      inlineLink: '查看使用内联存根的本页',
    },
  };
  var T = TEXTS[LANG];
  /** The text for `key` in the page's language; the English of most texts is the HTML itself. */
  var t = function (key) {
    return T[key] != null ? T[key] : TEXTS.en[key];
  };

  // ---- Texts -------------------------------------------------------------------------------------------------
  function translate() {
    document.title = t('pageTitle');
    if (LANG == 'en') return;
    document.querySelectorAll('[data-i18n]').forEach(function (el) {
      var text = T[el.getAttribute('data-i18n')];
      if (text) el.textContent = text;
    });
    document.querySelectorAll('[data-i18n-label]').forEach(function (el) {
      var text = T[el.getAttribute('data-i18n-label')];
      if (text) el.setAttribute('aria-label', text);
    });
    document.querySelectorAll('[data-i18n-title]').forEach(function (el) {
      var text = T[el.getAttribute('data-i18n-title')];
      if (text) el.setAttribute('title', text);
    });
  }

  function languageLinks() {
    document.querySelectorAll('.lang-switch a').forEach(function (link) {
      var url = new URL(location.href);
      url.search = '';
      url.hash = '';
      url.searchParams.set('lang', link.getAttribute('data-lang'));
      link.href = url.pathname + url.search;
      if (link.getAttribute('data-lang') == LANG) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    });
    // The policy in the page's language: the dialogs on it speak the language of its <html lang>.
    var policy = document.querySelector('a[data-i18n="footerPolicy"]');
    if (policy && LANG != 'en') policy.href = '/privacy.html?lang=' + LANG + '#' + LANG;
    // The footer offers the other variant of this page, in the same language.
    var strict = location.pathname == '/strict';
    var other = document.querySelector('a[data-i18n="footerStrict"]');
    if (other) {
      other.href = (strict ? '/' : '/strict') + (LANG == 'en' ? '' : '?lang=' + LANG);
      other.textContent = t(strict ? 'inlineLink' : 'strictLink');
    }
  }

  // ---- Consent -----------------------------------------------------------------------------------------------
  var consent = function () {
    return window.consent;
  };
  // The latest states from `consent:change`; the real instance's state() is asked first when it is there.
  var states = {};
  function stateOf(purpose) {
    var c = consent();
    if (c && typeof c.state == 'function') {
      try {
        return c.state(purpose);
      } catch (error) {
        return 'undecided';
      }
    }
    return states[purpose] || 'undecided';
  }

  // ---- The list of this page's collection calls and their status ---------------------------------------------
  var calls = [];
  var callList = document.getElementById('collection-calls');

  /** Adds a call to the list as held; returns it, for setStatus. */
  function addCall(purpose, labelKey) {
    var item = { purpose: purpose, status: 'held', li: document.createElement('li') };
    var name = document.createElement('span');
    name.className = 'call-name';
    name.textContent = t(labelKey) + ' ';
    var code = document.createElement('code');
    code.textContent = purpose;
    name.appendChild(code);
    item.badge = document.createElement('span');
    item.li.setAttribute('data-purpose', purpose);
    item.li.append(name, ' ', item.badge);
    callList.appendChild(item.li);
    calls.push(item);
    setStatus(item, 'held');
    return item;
  }

  function setStatus(item, status) {
    item.status = status;
    item.li.setAttribute('data-status', status);
    item.badge.className = 'status status-' + status;
    item.badge.textContent = t(status);
  }

  /**
   * `consent.gate(purpose, fn)`, and each call of the result listed: held until the gate runs it (sent) or
   * drops it after a no (blocked).
   */
  function gated(purpose, labelKey, fn) {
    var c = consent();
    var run = c ? c.gate(purpose, function (item) {
      setStatus(item, 'sent');
      fn();
    }) : null;
    return function () {
      var item = addCall(purpose, labelKey);
      if (run) run(item);
      // Already refused: the gate dropped the call at once.
      if (item.status == 'held' && stateOf(purpose) == 'denied') setStatus(item, 'blocked');
      return item;
    };
  }

  // Declared elements (the analytics tag, the video embed) are released by Optin itself: their status follows the
  // purpose. The tag runs once, so it stays sent; the embed is unloaded again when video is withdrawn.
  var declared = [];
  function declare(purpose, labelKey, sticky) {
    declared.push({ item: addCall(purpose, labelKey), sticky: sticky });
  }

  function refresh() {
    calls.forEach(function (item) {
      if (item.status == 'held' && stateOf(item.purpose) == 'denied') setStatus(item, 'blocked');
    });
    declared.forEach(function (entry) {
      var state = stateOf(entry.item.purpose);
      if (entry.sticky && entry.item.status == 'sent') return;
      setStatus(entry.item, state == 'granted' ? 'sent' : state == 'denied' ? 'blocked' : 'held');
    });
  }

  // ---- Recommendations (personalisation) ---------------------------------------------------------------------
  var box = document.getElementById('recommendations');
  var recommendationsShown = false;
  function showMessage(text) {
    var p = document.createElement('p');
    p.textContent = text;
    box.replaceChildren(p);
  }
  function loadRecommendations() {
    recommendationsShown = true;
    showMessage(t('recoLoading'));
    fetch('/collect/personalisation/recommendations?lang=' + encodeURIComponent(LANG), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (titles) {
        // Withdrawn while the list was on its way: it is not shown.
        if (!recommendationsShown) return;
        var list = document.createElement('ul');
        list.className = 'recommendations';
        titles.forEach(function (title) {
          var li = document.createElement('li');
          li.textContent = String(title);
          list.appendChild(li);
        });
        box.replaceChildren(list);
      })
      .catch(function () {
        showMessage(t('recoFailed'));
      });
  }
  var requestRecommendations = gated('personalisation', 'callPersonalisation', loadRecommendations);

  // ---- Advertising pixel (marketing) -------------------------------------------------------------------------
  var firePixel = gated('marketing', 'callMarketing', function () {
    var img = new Image(1, 1);
    img.alt = '';
    img.className = 'pixel';
    img.src = '/collect/marketing/pixel.gif';
    document.body.appendChild(img);
  });

  // ---- Reading time (analytics): a beat every two seconds while the page is open, as trackers do -------------
  // hold: false, so beats from before a decision are dropped rather than sent in a burst after a yes; after a
  // withdrawal the gate stops them at once.
  var beat = consent() ? consent().gate('analytics', function () {
    navigator.sendBeacon('/collect/analytics/heartbeat', JSON.stringify({ page: location.pathname }));
  }, { hold: false }) : function () {};
  setInterval(function () { beat(); }, 2000);

  // ---- Credit score (credit-scoring, sensitive: asked for when the person clicks) ----------------------------
  var creditButton = document.getElementById('credit-check');
  var creditResult = document.getElementById('credit-result');
  var checking = false;
  creditButton.addEventListener('click', function () {
    var c = consent();
    if (checking || !c) return;
    // Not disabled while the prompt is open: the prompt returns focus to this button when it closes.
    checking = true;
    var item = addCall('credit-scoring', 'callCredit');
    creditResult.textContent = t('creditWaiting');
    c.require('credit-scoring', { ask: true })
      .then(
        function () {
          setStatus(item, 'sent');
          return fetch('/collect/credit-scoring/score', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' })
            .then(function (response) {
              if (!response.ok) throw new Error('HTTP ' + response.status);
              return response.json();
            })
            .then(function (result) {
              creditResult.textContent = t('creditScore').replace('{score}', String(result.score)).replace('{bureau}', String(result.bureau));
            })
            .catch(function () {
              creditResult.textContent = t('creditFailed');
            });
        },
        function () {
          setStatus(item, 'blocked');
          creditResult.textContent = t('creditDenied');
        },
      )
      .then(function () {
        checking = false;
      });
  });

  // ---- Privacy settings ----------------------------------------------------------------------------------------
  document.getElementById('privacy-settings').addEventListener('click', function () {
    var c = consent();
    if (c) c.showPreferences();
  });

  // The person's copy of their consent record (PIPL Arts. 44-45, GDPR Art. 15): choices now and every receipt.
  document.getElementById('consent-record').addEventListener('click', function () {
    var c = consent();
    if (!c || !c.receipts) return;
    Promise.all([c.receipts(), c.verifyReceipts()]).then(function (got) {
      var record = { controller: c.config.controller, policy: c.config.policy, choices: c.state(), receipts: got[0], check: got[1] };
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' }));
      link.download = 'consent-record.json';
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    }).catch(function () {
      window.alert(t('recordFailed'));
    });
  });

  // ---- Live log of what reached the server -------------------------------------------------------------------
  var tbody = document.getElementById('log-entries');
  var shown = '';
  function cell(row, text, tag) {
    var td = document.createElement('td');
    if (tag) {
      var inner = document.createElement(tag);
      inner.textContent = text;
      td.appendChild(inner);
    } else td.textContent = text;
    row.appendChild(td);
    return td;
  }
  function renderLog(entries) {
    var key = entries.length ? entries.length + ':' + entries[entries.length - 1].seq : '';
    if (key == shown) return;
    shown = key;
    var rows = entries.map(function (entry) {
      var row = document.createElement('tr');
      var time = document.createElement('time');
      time.dateTime = entry.time;
      time.textContent = new Date(entry.time).toLocaleTimeString(LANG, { hour12: false });
      row.appendChild(document.createElement('td')).appendChild(time);
      cell(row, entry.purpose);
      cell(row, entry.method + ' ' + entry.path, 'code');
      return row;
    });
    if (!rows.length) {
      var empty = document.createElement('tr');
      empty.className = 'empty';
      cell(empty, t('logEmpty')).colSpan = 3;
      rows.push(empty);
    }
    tbody.replaceChildren.apply(tbody, rows);
  }
  // The receipts Optin delivered to the site's own endpoint (deliverReceipts): the site's copy of the proof.
  // A withdrawal names what it withdrew, so the back end stops that processing and starts deletion (WDR-04).
  var receiptsHeld = document.getElementById('receipts-held');
  function titleOf(id) {
    var c = consent();
    var purpose = c && c.config && c.config.purposes.filter(function (p) { return p.id == id; })[0];
    var title = purpose ? purpose.title : id;
    return String(typeof title == 'string' ? title : title[LANG] || title.en);
  }
  function renderReceipts(receipts) {
    var last = receipts[receipts.length - 1];
    var withdrawn = last && Array.isArray(last.withdrawn) ? last.withdrawn : [];
    receiptsHeld.textContent = last
      ? t('receiptsHeld')
          .replace('{count}', String(receipts.length))
          .replace('{time}', new Date(last.at).toLocaleTimeString(LANG, { hour12: false }))
          .replace('{method}', String(last.method)) +
        (withdrawn.length ? t('receiptsWithdrew').replace('{purposes}', withdrawn.map(titleOf).join(LANG == 'en' ? ', ' : '、')) : '')
      : t('receiptsNone');
  }
  function poll() {
    fetch('/api/receipts', { cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : { receipts: [] }; })
      .then(function (body) { renderReceipts(Array.isArray(body.receipts) ? body.receipts : []); })
      .catch(function () { receiptsHeld.textContent = ''; });
    fetch('/api/log', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (body) {
        renderLog(Array.isArray(body.entries) ? body.entries : []);
      })
      .catch(function () {
        shown = 'unavailable';
        var row = document.createElement('tr');
        row.className = 'empty';
        cell(row, t('logUnavailable')).colSpan = 3;
        tbody.replaceChildren(row);
      })
      .then(function () {
        setTimeout(poll, 1000);
      });
  }

  // ---- Start -------------------------------------------------------------------------------------------------
  translate();
  languageLinks();
  declare('analytics', 'callAnalytics', true);
  declare('video', 'callVideo', false);

  window.addEventListener('consent:change', function (event) {
    if (event.detail && event.detail.states) states = event.detail.states;
    refresh();
    // Withdrawn: the list drawn from reading history goes, and the box says how to get it back (PIPL Art. 24).
    if (recommendationsShown && stateOf('personalisation') != 'granted') {
      recommendationsShown = false;
      showMessage(t('recoWaiting'));
    }
    // Allowed later, after an earlier no had dropped the first request: the box can fill in now.
    if (!recommendationsShown && stateOf('personalisation') == 'granted') {
      var last = calls.filter(function (item) { return item.purpose == 'personalisation'; }).pop();
      if (!last || last.status == 'blocked') requestRecommendations();
    }
  });

  requestRecommendations();
  firePixel();
  refresh();
  var c = consent();
  if (c && c.ready && typeof c.ready.then == 'function') c.ready.then(refresh);
  poll();
})();
