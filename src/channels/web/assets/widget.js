/*
 * BigSeller connection-help chat widget. One tag on any page:
 *   <script src="https://bot.example.com/widget.js" data-locale="th" data-identity="JWT"></script>
 * Speaks the bot's Direct Line subset (/directline, polling). No dependencies, no build step.
 * Every piece of text from users or the knowledge base goes in with textContent, never innerHTML.
 */
(function () {
  'use strict';
  // Embedded twice (a CMS template and a page both adding the tag): one widget only.
  if (window.__bigsellerHelpWidget) return;
  window.__bigsellerHelpWidget = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  // The server is wherever this file came from, not the page that embeds it.
  var ORIGIN = new URL(script.src, location.href).origin;
  var BASE = ORIGIN + '/directline';
  var LOCALE = (script.getAttribute('data-locale') || navigator.language || 'th').slice(0, 5);
  var IDENTITY = script.getAttribute('data-identity') || undefined;
  // One saved conversation per signed-in account: switching sellers must not show another's chat.
  var STORE_KEY = 'bigseller-help:' + ORIGIN + ':' + (IDENTITY ? 'acct:' + subjectOf(IDENTITY) : 'anon');
  var MAX_LEN = 2000;
  var KEEP_HISTORY = 200;
  // Refresh the 30-minute token well before it ends; a dead token means a new conversation.
  var REFRESH_MARGIN_MS = 5 * 60 * 1000;
  // A reply that never comes must not leave the dots running (and the polling fast) forever.
  var WAIT_LIMIT_MS = 45 * 1000;
  var TH = /^th/i.test(LOCALE);
  var T = {
    open: TH ? 'เปิดแชทช่วยเหลือ' : 'Open help chat',
    close: TH ? 'ปิดแชท' : 'Close chat',
    title: TH ? 'ผู้ช่วยเชื่อมต่อร้านค้า' : 'Store connection help',
    subtitle: 'BigSeller',
    placeholder: TH ? 'พิมพ์ข้อความ…' : 'Type a message…',
    send: TH ? 'ส่ง' : 'Send',
    typing: TH ? 'กำลังพิมพ์' : 'typing',
    offline: TH ? 'เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กำลังลองใหม่…' : 'Cannot reach the server, retrying…',
    notSent: TH ? 'ส่งข้อความไม่สำเร็จ ลองส่งอีกครั้งนะคะ' : 'The message was not sent. Please try again.',
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
  var expiresAt = saved.expiresAt || 0;
  var conversationId = saved.conversationId;
  var watermark = saved.watermark || '0';
  var history = saved.history || [];
  var seen = {};
  history.forEach(function (a) { seen[a.id] = true; });
  var isOpen = !!saved.open;
  var waitingSince = 0;
  var pollTimer = null;
  var idlePolls = 0;
  var ready = null; // promise of a usable token, shared by everything that needs one

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) || '{}'); } catch (e) { return {}; }
  }
  function persist() {
    if (history.length > KEEP_HISTORY) history = history.slice(-KEEP_HISTORY);
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({
        token: token, expiresAt: expiresAt, conversationId: conversationId, watermark: watermark,
        history: history, open: isOpen, savedAt: Date.now(),
      }));
    } catch (e) { /* private mode or full storage: the chat still works, it just isn't kept */ }
  }

  // ---------- DOM helpers (textContent only) ----------
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  /** Text with its web addresses as links; the address is checked, the text stays text. */
  function linkified(text) {
    var frag = document.createDocumentFragment();
    var re = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
    var at = 0;
    var m;
    while ((m = re.exec(text))) {
      if (m.index > at) frag.appendChild(document.createTextNode(text.slice(at, m.index)));
      var a = el('a', 'bsw-link', m[0]);
      a.href = m[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      frag.appendChild(a);
      at = m.index + m[0].length;
    }
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  var FONT = '"Sarabun","Noto Sans Thai","Thonburi","Tahoma",sans-serif';
  var css = [
    '.bsw-launcher{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:0;background:#ff6a00;color:#fff;cursor:pointer;display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}',
    '.bsw-launcher:focus-visible{outline:3px solid #ffb27a;outline-offset:3px}',
    '.bsw-panel{position:fixed;right:20px;bottom:92px;width:380px;height:600px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:none;flex-direction:column;overflow:hidden;z-index:2147483001;font-family:' + FONT + ';font-size:15px;line-height:1.6;color:#222;text-align:left}',
    '.bsw-panel *{box-sizing:border-box}',
    '.bsw-panel.bsw-open{display:flex}',
    // Phones: the whole screen (dvh: the visible height once the keyboard or browser bars move).
    '@media (max-width:600px){.bsw-panel{right:0;bottom:0;width:100%;height:100%;height:100dvh;max-height:none;border-radius:0}.bsw-launcher.bsw-hidden{display:none}}',
    '.bsw-head{background:#ff6a00;color:#fff;padding:10px 14px;display:flex;align-items:center;gap:8px}',
    '.bsw-head-text{flex:1;min-width:0}.bsw-title{font-weight:700;font-size:16px}.bsw-sub{font-size:12px;opacity:.9}',
    '.bsw-icon-btn{background:transparent;border:0;color:#fff;font-size:20px;line-height:1;cursor:pointer;padding:6px 8px;border-radius:6px}.bsw-icon-btn:hover,.bsw-icon-btn:focus-visible{background:rgba(255,255,255,.2)}',
    '.bsw-log{flex:1;overflow-y:auto;padding:12px;background:#f6f7f9;display:flex;flex-direction:column;gap:8px}',
    '.bsw-row{display:flex}.bsw-row.bsw-user{justify-content:flex-end}',
    '.bsw-bubble{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}',
    '.bsw-bot .bsw-bubble{background:#fff;border:1px solid #e3e5e8;border-bottom-left-radius:4px}',
    '.bsw-user .bsw-bubble{background:#ff6a00;color:#fff;border-bottom-right-radius:4px}',
    '.bsw-link{color:inherit;text-decoration:underline}',
    '.bsw-steps{white-space:normal}.bsw-steps-title{font-weight:700;margin-bottom:2px}.bsw-path{font-size:13px;color:#666;margin-bottom:4px}',
    '.bsw-steps ol{margin:4px 0 4px 22px;padding:0}.bsw-steps li{margin:3px 0;padding-left:2px}',
    '.bsw-note{font-size:13px;color:#555;border-left:3px solid #ffb27a;padding-left:8px;margin-top:6px}',
    '.bsw-img{font-size:13px;color:#777;margin-top:4px}.bsw-img img{max-width:100%;border-radius:8px;display:block;margin-bottom:2px}',
    '.bsw-img-caption{display:flex;align-items:flex-start;gap:6px}.bsw-img-caption .bsw-icon{flex:none;margin-top:2px}',
    '.bsw-choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:2px}',
    '.bsw-choice{border:1px solid #ff6a00;background:#fff;color:#c24e00;border-radius:16px;padding:5px 12px;font:inherit;font-size:14px;line-height:1.5;cursor:pointer;text-align:left;text-decoration:none;display:inline-block}',
    '.bsw-choice:hover,.bsw-choice:focus-visible{background:#fff1e6}',
    '.bsw-card{white-space:normal}.bsw-card-title{font-weight:700}.bsw-card-text{margin-bottom:6px}',
    '.bsw-typing{display:none}.bsw-typing.bsw-on{display:flex}',
    '.bsw-typing .bsw-bubble{padding:10px 14px}',
    '.bsw-dots span{display:inline-block;width:7px;height:7px;margin:0 2px;border-radius:50%;background:#999;animation:bsw-b 1.2s infinite}',
    '.bsw-dots span:nth-child(2){animation-delay:.2s}.bsw-dots span:nth-child(3){animation-delay:.4s}',
    '@keyframes bsw-b{0%,60%,100%{opacity:.3;transform:translateY(0)}30%{opacity:1;transform:translateY(-3px)}}',
    '.bsw-error{display:none;background:#fff3cd;color:#7a5b00;font-size:13px;padding:4px 12px}.bsw-error.bsw-on{display:block}',
    '.bsw-form{display:flex;gap:6px;padding:8px;border-top:1px solid #e3e5e8;background:#fff}',
    // 16px: smaller text makes phones zoom into the field.
    '.bsw-input{flex:1;min-width:0;border:1px solid #ccd0d5;border-radius:18px;padding:8px 12px;font:inherit;font-size:16px;outline:none}.bsw-input:focus{border-color:#ff6a00}',
    '.bsw-send{border:0;background:#ff6a00;color:#fff;border-radius:18px;padding:0 16px;font:inherit;cursor:pointer}.bsw-send:disabled{opacity:.5;cursor:default}',
  ].join('\n');
  var style = el('style');
  style.textContent = css;
  document.head.appendChild(style);

  // Icons are inline SVG, not emoji: emoji fonts are missing on some systems (they became boxes).
  var svgNs = 'http://www.w3.org/2000/svg';
  function svgIcon(size, fill, d) {
    var icon = document.createElementNS(svgNs, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('width', String(size));
    icon.setAttribute('height', String(size));
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('class', 'bsw-icon');
    var path = document.createElementNS(svgNs, 'path');
    path.setAttribute('fill', fill);
    path.setAttribute('d', d);
    icon.appendChild(path);
    return icon;
  }
  var CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z';
  var PICTURE_ICON = 'M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2v9.6l4-4.1 3 3 4-4.5 3 3.3V7H5zm3.5 1.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z';

  var launcher = el('button', 'bsw-launcher');
  launcher.type = 'button';
  launcher.appendChild(svgIcon(30, '#fff', CHAT_ICON));
  launcher.setAttribute('aria-label', T.open);
  launcher.setAttribute('aria-expanded', 'false');
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
  closeBtn.title = T.close;
  closeBtn.setAttribute('aria-label', T.close);
  head.appendChild(headText);
  head.appendChild(restartBtn);
  head.appendChild(closeBtn);
  var log = el('div', 'bsw-log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  // The typing indicator lives at the end of the log, as a bot bubble with three dots.
  var typing = el('div', 'bsw-row bsw-bot bsw-typing');
  var typingBubble = el('div', 'bsw-bubble');
  typingBubble.setAttribute('role', 'status');
  typingBubble.setAttribute('aria-label', T.typing);
  var dots = el('span', 'bsw-dots');
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  typingBubble.appendChild(dots);
  typing.appendChild(typingBubble);
  log.appendChild(typing);
  var errorLine = el('div', 'bsw-error', T.offline);
  errorLine.setAttribute('role', 'alert');
  var form = el('form', 'bsw-form');
  var input = el('input', 'bsw-input');
  input.type = 'text';
  // No maxLength: it cut a pasted log at 2,000 characters without a word; a longer message is
  // refused on sending instead, and stays in the box to be shortened.
  input.placeholder = T.placeholder;
  input.setAttribute('aria-label', T.placeholder);
  input.autocomplete = 'off';
  input.setAttribute('enterkeyhint', 'send');
  var sendBtn = el('button', 'bsw-send', T.send);
  sendBtn.type = 'submit';
  sendBtn.setAttribute('aria-label', T.send);
  form.appendChild(input);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(errorLine);
  panel.appendChild(form);
  document.body.appendChild(launcher);
  document.body.appendChild(panel);

  // ---------- rendering ----------
  var lastChoices = null;

  /** Adds a row to the log, keeping the typing indicator last. */
  function addRow(row) {
    log.insertBefore(row, typing);
    log.scrollTop = log.scrollHeight;
  }

  function render(a) {
    if (a.type !== 'message') return;
    var fromUser = a.from && a.from.role === 'user';
    // Suggested actions answer the latest message only: anything newer retires them.
    if (lastChoices) { lastChoices.remove(); lastChoices = null; }
    var row = el('div', 'bsw-row ' + (fromUser ? 'bsw-user' : 'bsw-bot'));
    row.setAttribute('data-activity-id', a.id || '');
    var bubble = el('div', 'bsw-bubble');
    var steps = a.channelData && a.channelData.steps;
    var cards = (a.attachments || []).filter(function (att) { return att.contentType === 'application/vnd.microsoft.card.hero' && att.content; });
    if (steps && typeof steps === 'object') {
      bubble.classList.add('bsw-steps');
      bubble.appendChild(el('div', 'bsw-steps-title', steps.title));
      if (steps.menuPath) bubble.appendChild(el('div', 'bsw-path', steps.menuPath));
      var ol = el('ol');
      (steps.steps || []).forEach(function (s) { ol.appendChild(el('li', null, s)); });
      bubble.appendChild(ol);
      (steps.notes || []).forEach(function (n) { bubble.appendChild(el('div', 'bsw-note', n)); });
      (steps.images || []).forEach(function (img) { bubble.appendChild(image(img.url, img.caption)); });
    } else if (typeof a.text === 'string' && a.text) {
      // Users' own words are shown exactly as typed; bot texts get clickable addresses.
      if (fromUser) bubble.textContent = a.text;
      else bubble.appendChild(linkified(a.text));
    } else if (cards.length) {
      // A card alone is the bubble itself (no frame inside a frame).
      bubble.classList.add('bsw-card');
    }
    (a.attachments || []).forEach(function (att) {
      if (/^image\//.test(att.contentType || '')) bubble.appendChild(image(att.contentUrl, att.name));
    });
    cards.forEach(function (att, i) {
      var c = att.content;
      if (c.title) bubble.appendChild(el('div', 'bsw-card-title', c.title));
      if (c.text) bubble.appendChild(el('div', 'bsw-card-text', c.text));
      if (c.buttons && c.buttons.length) bubble.appendChild(buttons(c.buttons));
      if (i < cards.length - 1) bubble.appendChild(el('hr'));
    });
    if (!bubble.childNodes.length) return;
    row.appendChild(bubble);
    addRow(row);
    var actions = a.suggestedActions && a.suggestedActions.actions;
    if (!fromUser && actions && actions.length) {
      lastChoices = buttons(actions);
      addRow(lastChoices);
    }
  }

  function image(url, caption) {
    var box = el('div', 'bsw-img');
    // Only https pictures are loaded (no mixed content, no data: or javascript: tricks).
    if (url && /^https:\/\//i.test(url)) {
      var img = el('img');
      img.src = url;
      img.alt = caption || '';
      img.loading = 'lazy';
      box.appendChild(img);
      if (caption) box.appendChild(el('div', null, caption));
    } else if (caption) {
      // No picture yet: the caption says what the screenshot would show.
      box.classList.add('bsw-img-caption');
      box.appendChild(svgIcon(16, '#999', PICTURE_ICON));
      box.appendChild(el('span', null, caption));
    }
    return box;
  }

  function buttons(actions) {
    var wrap = el('div', 'bsw-choices');
    actions.forEach(function (act) {
      var label = act.title || act.text || '';
      if (act.type === 'openUrl') {
        // A real link (opens like any link, readable by screen readers), for web addresses only.
        if (!/^https?:\/\//i.test(String(act.value))) return;
        var link = el('a', 'bsw-choice', label + ' ↗');
        link.href = String(act.value);
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        wrap.appendChild(link);
        return;
      }
      var b = el('button', 'bsw-choice', label);
      b.type = 'button';
      b.addEventListener('click', function (ev) {
        send(act.displayText || act.text || label, act.value !== undefined ? act.value : undefined);
        // Pressed from the keyboard (a click without a pointer): the next answer is typed, and
        // the button is about to go. A tap does not open the phone's keyboard.
        if (ev.detail === 0) input.focus();
      });
      wrap.appendChild(b);
    });
    return wrap;
  }

  function setTyping(on) {
    typing.classList.toggle('bsw-on', !!on);
    if (on) log.scrollTop = log.scrollHeight;
  }
  function setError(on, text) {
    errorLine.textContent = text || T.offline;
    errorLine.classList.toggle('bsw-on', !!on);
  }
  function waiting() {
    if (waitingSince && Date.now() - waitingSince > WAIT_LIMIT_MS) waitingSince = 0;
    return !!waitingSince;
  }

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

  /** Keeps a token answer, unless the seller started over while it was on its way. */
  function took(r, forConversation) {
    if (forConversation && forConversation !== conversationId) return;
    token = r.token;
    expiresAt = Date.now() + (Number(r.expires_in) || 1800) * 1000;
    conversationId = r.conversationId || conversationId;
    persist();
  }

  function refresh() {
    var conv = conversationId;
    return api('POST', '/tokens/refresh', null, token).then(function (r) { took(r, conv); });
  }

  function start() {
    var body = { locale: LOCALE };
    if (IDENTITY) body.identity = IDENTITY;
    return api('POST', '/tokens/generate', body).then(function (r) {
      watermark = '0';
      took(r);
    });
  }

  /** A usable token: the saved one, refreshed when it is close to its end, or a new conversation. */
  function ensureConversation(force) {
    if (!token || !conversationId) return start();
    if (!force && expiresAt - Date.now() > REFRESH_MARGIN_MS) return Promise.resolve();
    return refresh().catch(function (e) {
      if (e.status === 401 || e.status === 403) { reset(); return start(); }
      throw e;
    });
  }

  function whenReady(force) {
    if (!ready || force) {
      ready = ensureConversation(force).then(function () { ready = null; }, function (e) { ready = null; throw e; });
    }
    return ready;
  }

  function reset() {
    token = undefined; expiresAt = 0; conversationId = undefined; watermark = '0'; history = []; seen = {};
    lastChoices = null;
    waitingSince = 0;
    while (log.firstChild !== typing) log.removeChild(log.firstChild);
    setTyping(false);
    persist();
  }

  function poll() {
    clearTimeout(pollTimer);
    pollTimer = null;
    whenReady()
      .then(function () {
        var conv = conversationId;
        return api('GET', '/conversations/' + encodeURIComponent(conv) + '/activities?watermark=' + encodeURIComponent(watermark), null, token).then(function (r) {
          if (conv !== conversationId) return; // restarted meanwhile
          // Only "offline" ends with a good poll: "too long" and "not sent" stay until the next send.
          if (errorLine.textContent === T.offline) setError(false);
          var fresh = (r.activities || []).filter(function (a) { return a && a.id && !seen[a.id]; });
          var latest = null;
          fresh.forEach(function (a) {
            seen[a.id] = true;
            latest = a;
            if (a.type !== 'message') return;
            history.push(a);
            render(a);
            if (!(a.from && a.from.role === 'user')) waitingSince = 0;
          });
          setTyping(waiting() || (latest && latest.type === 'typing'));
          watermark = r.watermark || watermark;
          persist();
          idlePolls = fresh.length ? 0 : idlePolls + 1;
          schedule();
        });
      })
      .catch(function (e) {
        if (e.status === 401 || e.status === 403) {
          whenReady(true).then(poll, function () { setError(true); schedule(3000); });
          return;
        }
        // "Not sent" stays until the seller sends again: it says what to do, "retrying" would not.
        setError(true, errorLine.classList.contains('bsw-on') && errorLine.textContent === T.notSent ? T.notSent : undefined);
        schedule(3000);
      });
  }

  function schedule(ms) {
    clearTimeout(pollTimer);
    pollTimer = null;
    if (!isOpen && !waiting()) return;
    // About once a second while the chat is active, slower and slower while nothing happens.
    var delay = ms || (waiting() ? 700 : Math.min(1000 * Math.pow(1.4, Math.max(0, idlePolls - 5)), 15000));
    pollTimer = setTimeout(poll, delay);
  }

  function send(text, value) {
    var activity = { type: 'message', text: text, locale: LOCALE, from: { id: 'user' } };
    if (value !== undefined) activity.value = value;
    waitingSince = Date.now();
    setTyping(true);
    // Hidden, not removed: if sending fails the seller can still press one. The next message
    // that arrives retires them for good (render).
    var choices = lastChoices;
    if (choices) choices.style.display = 'none';
    var attempt = function (retry) {
      return whenReady().then(function () {
        return api('POST', '/conversations/' + encodeURIComponent(conversationId) + '/activities', activity, token);
      }).catch(function (e) {
        if (retry && (e.status === 401 || e.status === 403)) return whenReady(true).then(function () { return attempt(false); });
        throw e;
      });
    };
    attempt(true)
      .then(function () { idlePolls = 0; setError(false); poll(); })
      .catch(function (e) {
        waitingSince = 0;
        setTyping(false);
        if (choices && choices === lastChoices) choices.style.display = '';
        if (e.status === 413) { setError(true, T.tooLong); return; }
        // Give the typed text back so nothing the seller wrote is lost.
        if (value === undefined && !input.value) input.value = text;
        setError(true, T.notSent);
        schedule(3000);
      });
  }

  // ---------- wiring ----------
  function open() {
    isOpen = true;
    panel.classList.add('bsw-open');
    launcher.classList.add('bsw-hidden');
    launcher.setAttribute('aria-label', T.close);
    launcher.setAttribute('aria-expanded', 'true');
    persist();
    // The restored history was laid out while hidden: show its end.
    log.scrollTop = log.scrollHeight;
    idlePolls = 0;
    poll();
    setTimeout(function () { input.focus(); log.scrollTop = log.scrollHeight; }, 50);
  }
  function close() {
    isOpen = false;
    panel.classList.remove('bsw-open');
    launcher.classList.remove('bsw-hidden');
    launcher.setAttribute('aria-label', T.open);
    launcher.setAttribute('aria-expanded', 'false');
    persist();
    launcher.focus();
  }

  launcher.addEventListener('click', function () { (isOpen ? close : open)(); });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') close(); });
  restartBtn.addEventListener('click', function () {
    reset();
    ready = null;
    poll();
    input.focus();
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (text.length > MAX_LEN) { setError(true, T.tooLong); return; }
    input.value = '';
    setError(false);
    send(text);
  });
  // Keeps a live token alive while the page stays open with the chat closed, so coming back to
  // it later continues the same conversation. A dead one is left alone: a new conversation is
  // only started when the seller opens the chat.
  setInterval(function () {
    var left = expiresAt - Date.now();
    if (token && left > 0 && left < REFRESH_MARGIN_MS) refresh().catch(function () { /* retried on next use */ });
  }, 60 * 1000);

  history.forEach(render);
  if (isOpen) open();
})();
