/*
 * BigSeller connection-help chat widget. One tag on any page:
 *   <script src="https://bot.example.com/widget.js" data-locale="th" data-identity="JWT"></script>
 * Speaks the bot's Direct Line subset (polling). No dependencies, no build step.
 * Every piece of text from users or the knowledge base goes in with textContent, never innerHTML.
 */
(function () {
  'use strict';
  if (window.__bigsellerHelpWidget) return;
  window.__bigsellerHelpWidget = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var ORIGIN = new URL(script.src, location.href).origin;
  var BASE = ORIGIN + '/directline';
  var LOCALE = (script.getAttribute('data-locale') || navigator.language || 'th').slice(0, 5);
  var IDENTITY = script.getAttribute('data-identity') || undefined;
  // One saved conversation per signed-in account: switching sellers must not show another's chat.
  var STORE_KEY = 'bigseller-help:' + ORIGIN + ':' + (IDENTITY ? 'acct:' + subjectOf(IDENTITY) : 'anon');
  var MAX_LEN = 2000;
  var TH = /^th/i.test(LOCALE);
  var T = {
    open: TH ? 'เปิดแชทช่วยเหลือ' : 'Open help chat',
    close: TH ? 'ปิดแชท' : 'Close chat',
    title: TH ? 'ผู้ช่วยเชื่อมต่อร้านค้า' : 'Store connection help',
    subtitle: 'BigSeller',
    placeholder: TH ? 'พิมพ์ข้อความ…' : 'Type a message…',
    send: TH ? 'ส่ง' : 'Send',
    offline: TH ? 'เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กำลังลองใหม่…' : 'Cannot reach the server, retrying…',
    restart: TH ? 'เริ่มใหม่' : 'Start over',
    tooLong: TH ? 'ข้อความยาวเกิน ' + MAX_LEN + ' ตัวอักษร' : 'Message longer than ' + MAX_LEN + ' characters',
  };

  function subjectOf(jwt) {
    try {
      var part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return String(JSON.parse(atob(part)).sub || 'signed');
    } catch (e) { return 'signed'; }
  }

  // ---------- state kept across page reloads ----------
  var saved = load();
  var token = saved.token;
  var conversationId = saved.conversationId;
  var watermark = saved.watermark || '0';
  var history = saved.history || [];
  var seen = {};
  history.forEach(function (a) { seen[a.id] = true; });
  var waiting = false;
  var pollTimer = null;
  var idlePolls = 0;
  var isOpen = !!saved.open;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) || '{}'); } catch (e) { return {}; }
  }
  function persist() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({
        token: token, conversationId: conversationId, watermark: watermark,
        history: history.slice(-200), open: isOpen, savedAt: Date.now(),
      }));
    } catch (e) { /* private mode: the chat still works, it just isn't kept */ }
  }

  // ---------- DOM helpers (textContent only) ----------
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  var css = [
    '.bsw-launcher{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:0;background:#ff6a00;color:#fff;cursor:pointer;display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}',
    '.bsw-panel{position:fixed;right:20px;bottom:92px;width:380px;height:600px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:none;flex-direction:column;overflow:hidden;z-index:2147483001;font-family:"Sarabun","Noto Sans Thai","Thonburi","Tahoma",system-ui,sans-serif;font-size:15px;line-height:1.6;color:#222}',
    '.bsw-panel.bsw-open{display:flex}',
    '@media (max-width:600px){.bsw-panel{right:0;bottom:0;width:100%;height:100%;max-height:100%;border-radius:0}.bsw-launcher.bsw-hidden{display:none}}',
    '.bsw-head{background:#ff6a00;color:#fff;padding:10px 14px;display:flex;align-items:center;gap:8px}',
    '.bsw-head-text{flex:1;min-width:0}.bsw-title{font-weight:700;font-size:16px}.bsw-sub{font-size:12px;opacity:.9}',
    '.bsw-icon-btn{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;padding:4px 6px;border-radius:6px}.bsw-icon-btn:hover{background:rgba(255,255,255,.2)}',
    '.bsw-log{flex:1;overflow-y:auto;padding:12px;background:#f6f7f9;display:flex;flex-direction:column;gap:8px}',
    '.bsw-row{display:flex}.bsw-row.bsw-user{justify-content:flex-end}',
    '.bsw-bubble{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}',
    '.bsw-bot .bsw-bubble{background:#fff;border:1px solid #e3e5e8;border-bottom-left-radius:4px}',
    '.bsw-user .bsw-bubble{background:#ff6a00;color:#fff;border-bottom-right-radius:4px}',
    '.bsw-steps-title{font-weight:700;margin-bottom:2px}.bsw-path{font-size:13px;color:#666;margin-bottom:4px}',
    '.bsw-steps ol{margin:4px 0 4px 20px;padding:0}.bsw-steps li{margin:2px 0}',
    '.bsw-note{font-size:13px;color:#555;border-left:3px solid #ffb27a;padding-left:8px;margin-top:6px}',
    '.bsw-img{font-size:13px;color:#777;margin-top:4px}.bsw-img img{max-width:100%;border-radius:8px;display:block}',
    '.bsw-choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:2px}',
    '.bsw-choice{border:1px solid #ff6a00;background:#fff;color:#d45500;border-radius:16px;padding:5px 12px;font:inherit;font-size:14px;cursor:pointer;text-align:left}',
    '.bsw-choice:hover,.bsw-choice:focus{background:#fff1e6}',
    '.bsw-card{background:#fff;border:1px solid #e3e5e8;border-radius:10px;padding:8px 12px}',
    '.bsw-typing{display:none;padding:0 12px 6px;background:#f6f7f9}.bsw-typing.bsw-on{display:block}',
    '.bsw-dots span{display:inline-block;width:7px;height:7px;margin-right:3px;border-radius:50%;background:#aaa;animation:bsw-b 1.2s infinite}',
    '.bsw-dots span:nth-child(2){animation-delay:.2s}.bsw-dots span:nth-child(3){animation-delay:.4s}',
    '@keyframes bsw-b{0%,60%,100%{opacity:.3;transform:translateY(0)}30%{opacity:1;transform:translateY(-3px)}}',
    '.bsw-error{display:none;background:#fff3cd;color:#7a5b00;font-size:13px;padding:4px 12px}.bsw-error.bsw-on{display:block}',
    '.bsw-form{display:flex;gap:6px;padding:8px;border-top:1px solid #e3e5e8;background:#fff}',
    '.bsw-input{flex:1;min-width:0;border:1px solid #ccd0d5;border-radius:18px;padding:8px 12px;font:inherit;font-size:16px;outline:none}.bsw-input:focus{border-color:#ff6a00}',
    '.bsw-send{border:0;background:#ff6a00;color:#fff;border-radius:18px;padding:0 16px;font:inherit;cursor:pointer}.bsw-send:disabled{opacity:.5;cursor:default}',
  ].join('\n');
  var style = el('style');
  style.textContent = css;
  document.head.appendChild(style);

  var launcher = el('button', 'bsw-launcher');
  launcher.type = 'button';
  // An inline SVG bubble: emoji fonts are missing on some systems (the icon became a box).
  var svgNs = 'http://www.w3.org/2000/svg';
  var icon = document.createElementNS(svgNs, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('width', '30');
  icon.setAttribute('height', '30');
  icon.setAttribute('aria-hidden', 'true');
  var bubblePath = document.createElementNS(svgNs, 'path');
  bubblePath.setAttribute('fill', '#fff');
  bubblePath.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z');
  icon.appendChild(bubblePath);
  launcher.appendChild(icon);
  launcher.setAttribute('aria-label', T.open);
  var panel = el('div', 'bsw-panel');
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', T.title);
  var head = el('div', 'bsw-head');
  var headText = el('div', 'bsw-head-text');
  headText.appendChild(el('div', 'bsw-title', T.title));
  headText.appendChild(el('div', 'bsw-sub', T.subtitle));
  var restartBtn = el('button', 'bsw-icon-btn', '↻');
  restartBtn.type = 'button';
  restartBtn.title = T.restart;
  restartBtn.setAttribute('aria-label', T.restart);
  var closeBtn = el('button', 'bsw-icon-btn', '✕');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', T.close);
  head.appendChild(headText);
  head.appendChild(restartBtn);
  head.appendChild(closeBtn);
  var log = el('div', 'bsw-log');
  log.setAttribute('aria-live', 'polite');
  var typing = el('div', 'bsw-typing');
  typing.setAttribute('aria-label', TH ? 'กำลังพิมพ์' : 'typing');
  var dots = el('span', 'bsw-dots');
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  typing.appendChild(dots);
  var errorLine = el('div', 'bsw-error', T.offline);
  var form = el('form', 'bsw-form');
  var input = el('input', 'bsw-input');
  input.type = 'text';
  input.maxLength = MAX_LEN;
  input.placeholder = T.placeholder;
  input.setAttribute('aria-label', T.placeholder);
  input.autocomplete = 'off';
  var sendBtn = el('button', 'bsw-send', T.send);
  sendBtn.type = 'submit';
  sendBtn.setAttribute('aria-label', T.send);
  form.appendChild(input);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(errorLine);
  panel.appendChild(form);
  document.body.appendChild(launcher);
  document.body.appendChild(panel);

  // ---------- rendering ----------
  var lastChoices = null;

  function render(a) {
    if (a.type === 'typing') return;
    var fromUser = a.from && a.from.role === 'user';
    var row = el('div', 'bsw-row ' + (fromUser ? 'bsw-user' : 'bsw-bot'));
    row.setAttribute('data-activity-id', a.id || '');
    var bubble = el('div', 'bsw-bubble');
    var steps = a.channelData && a.channelData.steps;
    if (steps) {
      bubble.classList.add('bsw-steps');
      bubble.appendChild(el('div', 'bsw-steps-title', steps.title));
      if (steps.menuPath) bubble.appendChild(el('div', 'bsw-path', steps.menuPath));
      var ol = el('ol');
      (steps.steps || []).forEach(function (s) { ol.appendChild(el('li', null, s)); });
      bubble.appendChild(ol);
      (steps.notes || []).forEach(function (n) { bubble.appendChild(el('div', 'bsw-note', n)); });
      (steps.images || []).forEach(function (img) { bubble.appendChild(image(img.url, img.caption)); });
    } else if (a.text) {
      bubble.textContent = a.text;
    }
    (a.attachments || []).forEach(function (att) {
      if (/^image\//.test(att.contentType || '')) bubble.appendChild(image(att.contentUrl, att.name));
      else if (att.contentType === 'application/vnd.microsoft.card.hero' && att.content) {
        var card = el('div', 'bsw-card');
        if (att.content.title) card.appendChild(el('div', 'bsw-steps-title', att.content.title));
        if (att.content.text) card.appendChild(el('div', null, att.content.text));
        card.appendChild(buttons(att.content.buttons || []));
        bubble.appendChild(card);
      }
    });
    if (!bubble.childNodes.length && !bubble.textContent) return;
    row.appendChild(bubble);
    log.appendChild(row);
    var actions = a.suggestedActions && a.suggestedActions.actions;
    if (actions && actions.length) {
      if (lastChoices) lastChoices.remove();
      lastChoices = buttons(actions);
      log.appendChild(lastChoices);
    } else if (!fromUser && lastChoices) {
      // Choices belong to the latest question only.
      lastChoices.remove();
      lastChoices = null;
    }
    log.scrollTop = log.scrollHeight;
  }

  function image(url, caption) {
    var box = el('div', 'bsw-img');
    if (url && /^https:\/\//i.test(url)) {
      var img = el('img');
      img.src = url;
      img.alt = caption || '';
      img.loading = 'lazy';
      box.appendChild(img);
      if (caption) box.appendChild(el('div', null, caption));
    } else if (caption) {
      box.textContent = caption;
    }
    return box;
  }

  function buttons(actions) {
    var wrap = el('div', 'bsw-choices');
    actions.forEach(function (act) {
      var b = el('button', 'bsw-choice', act.title || act.text || '');
      b.type = 'button';
      b.addEventListener('click', function () {
        if (act.type === 'openUrl' && /^https?:\/\//i.test(String(act.value))) {
          window.open(String(act.value), '_blank', 'noopener');
          return;
        }
        post(act.displayText || act.title || act.text || '', act.value);
      });
      wrap.appendChild(b);
    });
    return wrap;
  }

  function setTyping(on) {
    typing.classList.toggle('bsw-on', !!on);
    if (on) log.scrollTop = log.scrollHeight;
  }
  function setError(on) { errorLine.classList.toggle('bsw-on', !!on); }

  // ---------- Direct Line ----------
  function api(method, path, body, auth) {
    var headers = { 'Content-Type': 'application/json' };
    if (auth) headers.Authorization = 'Bearer ' + auth;
    return fetch(BASE + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { var e = new Error((j.error && j.error.message) || ('HTTP ' + r.status)); e.status = r.status; throw e; }
        return j;
      });
    });
  }

  function start() {
    var body = { locale: LOCALE };
    if (IDENTITY) body.identity = IDENTITY;
    return api('POST', '/tokens/generate', body).then(function (r) {
      token = r.token;
      conversationId = r.conversationId;
      watermark = '0';
      persist();
    });
  }

  function ensureConversation() {
    if (token && conversationId) {
      return api('POST', '/tokens/refresh', null, token).then(function (r) { token = r.token; persist(); }, function (e) {
        if (e.status === 401 || e.status === 403) { reset(); return start(); }
        throw e;
      });
    }
    return start();
  }

  function reset() {
    token = undefined; conversationId = undefined; watermark = '0'; history = []; seen = {};
    lastChoices = null;
    while (log.firstChild) log.removeChild(log.firstChild);
    persist();
  }

  function poll() {
    clearTimeout(pollTimer);
    if (!token) return;
    api('GET', '/conversations/' + encodeURIComponent(conversationId) + '/activities?watermark=' + encodeURIComponent(watermark), null, token)
      .then(function (r) {
        setError(false);
        var fresh = (r.activities || []).filter(function (a) { return !seen[a.id]; });
        var latest = null;
        fresh.forEach(function (a) {
          seen[a.id] = true;
          latest = a;
          if (a.type === 'typing') return;
          history.push(a);
          render(a);
          if (!(a.from && a.from.role === 'user')) waiting = false;
        });
        setTyping(waiting || (latest && latest.type === 'typing'));
        watermark = r.watermark || watermark;
        persist();
        idlePolls = fresh.length ? 0 : idlePolls + 1;
        schedule();
      })
      .catch(function (e) {
        if (e.status === 401 || e.status === 403) { ensureConversation().then(poll, function () { setError(true); schedule(); }); return; }
        setError(true);
        schedule(3000);
      });
  }

  function schedule(ms) {
    clearTimeout(pollTimer);
    if (!isOpen && !waiting) return;
    // Quick while a reply is expected, slower when the chat is idle.
    var delay = ms || (waiting ? 700 : Math.min(1000 * Math.pow(1.5, Math.min(idlePolls, 8)), 15000));
    pollTimer = setTimeout(poll, delay);
  }

  function post(text, value) {
    if (!token) return;
    var activity = { type: 'message', text: text, locale: LOCALE, from: { id: 'user' } };
    if (value !== undefined) activity.value = value;
    waiting = true;
    setTyping(true);
    if (lastChoices) { lastChoices.remove(); lastChoices = null; }
    api('POST', '/conversations/' + encodeURIComponent(conversationId) + '/activities', activity, token)
      .then(function () { idlePolls = 0; setError(false); poll(); })
      .catch(function (e) {
        waiting = false;
        setTyping(false);
        var row = el('div', 'bsw-row bsw-bot');
        row.appendChild(el('div', 'bsw-bubble', e.status === 413 ? T.tooLong : (e.message || T.offline)));
        log.appendChild(row);
      });
  }

  // ---------- wiring ----------
  function open() {
    isOpen = true;
    panel.classList.add('bsw-open');
    launcher.classList.add('bsw-hidden');
    launcher.setAttribute('aria-label', T.close);
    persist();
    // The restored history was laid out while hidden: show its end.
    log.scrollTop = log.scrollHeight;
    ensureConversation().then(function () { setError(false); poll(); }, function () { setError(true); schedule(3000); });
    setTimeout(function () { input.focus(); log.scrollTop = log.scrollHeight; }, 50);
  }
  function close() {
    isOpen = false;
    panel.classList.remove('bsw-open');
    launcher.classList.remove('bsw-hidden');
    launcher.setAttribute('aria-label', T.open);
    persist();
  }

  launcher.addEventListener('click', function () { (isOpen ? close : open)(); });
  closeBtn.addEventListener('click', close);
  restartBtn.addEventListener('click', function () { reset(); start().then(poll, function () { setError(true); }); });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (text.length > MAX_LEN) { setError(true); return; }
    input.value = '';
    post(text);
  });

  history.forEach(render);
  if (isOpen) open();
})();
