/*
 * BigSeller connection-help chat widget. One tag on any page:
 *   <script src="https://bot.example.com/widget.js" data-locale="th" data-identity="JWT"></script>
 * Options (docs/widget.md): data-position, data-offset-side, data-offset-bottom, data-privacy-url.
 * Script API: window.ConnectionHelp.open() / .close() / .toggle() / .isOpen(), and the window
 * events connectionhelp:ready, :open, :close and :unread.
 * Speaks the bot's Direct Line subset (/directline, polling). No dependencies, no build step.
 * Everything sits in a shadow root, so the host page's CSS cannot reach it.
 * Every piece of text from users or the knowledge base goes in with textContent, never innerHTML.
 */
(function () {
  'use strict';
  // Embedded twice (a CMS template and a page both adding the tag): one widget only.
  if (window.__bigsellerHelpWidget) return;
  window.__bigsellerHelpWidget = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  function option(name) { return (script.getAttribute(name) || '').trim(); }
  // The server is wherever this file came from, not the page that embeds it.
  var ORIGIN = new URL(script.src, location.href).origin;
  var BASE = ORIGIN + '/directline';
  var LOCALE = (option('data-locale') || navigator.language || 'th').slice(0, 5);
  var IDENTITY = option('data-identity') || undefined;
  var SIDE = option('data-position') === 'left' ? 'left' : 'right';
  var OFFSET_SIDE = pixels(option('data-offset-side'), 20);
  var OFFSET_BOTTOM = pixels(option('data-offset-bottom'), 20);
  var PRIVACY_URL = webAddress(option('data-privacy-url'));
  // One saved conversation per signed-in account: switching sellers must not show another's chat.
  var STORE_KEY = 'bigseller-help:' + ORIGIN + ':' + (IDENTITY ? 'acct:' + subjectOf(IDENTITY) : 'anon');
  var MAX_LEN = 2000;
  // How long the chat is kept at most (ANALYTICS_RETENTION_DAYS): the server writes it in.
  var KEPT_DAYS = 90;
  var MAX_PICTURE_BYTES = 5 * 1024 * 1024;
  var PICTURE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'];
  var KEEP_HISTORY = 200;
  // Refresh the 30-minute token well before it ends; a dead one is resumed (resumeKey).
  var REFRESH_MARGIN_MS = 5 * 60 * 1000;
  // A reply that never comes must not leave the dots running (and the polling fast) forever.
  var WAIT_LIMIT_MS = 45 * 1000;
  var DEFAULT_LANG = /^th/i.test(LOCALE) ? 'th' : 'en';

  var STRINGS = {
    th: {
      open: 'เปิดแชทช่วยเหลือ',
      close: 'ปิดแชท',
      title: 'ผู้ช่วยเชื่อมต่อร้านค้า',
      log: 'บทสนทนากับผู้ช่วย',
      you: 'คุณพิมพ์:',
      bot: 'น้องบิ๊กตอบ:',
      placeholder: 'พิมพ์ข้อความ…',
      send: 'ส่ง',
      picture: 'ส่งรูปภาพ',
      yourPicture: 'รูปที่คุณส่ง',
      typing: 'น้องบิ๊กกำลังพิมพ์…',
      sending: 'กำลังส่ง…',
      sent: 'ส่งแล้ว',
      notSent: 'ส่งไม่สำเร็จ',
      retry: 'ลองส่งอีกครั้ง',
      offline: 'เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กำลังลองใหม่…',
      notSentNotice: 'ส่งข้อความไม่สำเร็จ กด "ลองส่งอีกครั้ง" หรือรอให้เชื่อมต่อได้แล้วระบบจะส่งให้เองค่ะ',
      tooLong: 'ข้อความยาวเกิน ' + MAX_LEN + ' ตัวอักษร',
      pictureTooBig: 'รูปใหญ่เกินไป ส่งได้ไม่เกิน 5 MB ค่ะ',
      pictureTooBigServer: 'รูปใหญ่เกินกว่าที่ระบบรับได้ ลองส่งรูปที่เล็กลงนะคะ',
      pictureType: 'ส่งได้เฉพาะรูป JPEG, PNG, WebP หรือ HEIC ค่ะ',
      restart: 'เริ่มบทสนทนาใหม่',
      confirmTitle: 'เริ่มบทสนทนาใหม่ไหมคะ',
      confirmText: 'ข้อความทั้งหมดในแชทนี้จะถูกลบ และเริ่มคุยกันใหม่ตั้งแต่ต้น',
      confirmYes: 'เริ่มใหม่',
      confirmNo: 'ยกเลิก',
      newChat: 'บทสนทนาก่อนหน้าหมดเวลาแล้ว เริ่มบทสนทนาใหม่ค่ะ',
      unread: 'ข้อความใหม่ {n} ข้อความ',
      privacy: 'แชทนี้จะถูกบันทึกไว้ไม่เกิน ' + KEPT_DAYS + ' วัน และอาจส่งต่อให้ทีมซัพพอร์ตเพื่อช่วยแก้ปัญหา',
      privacyLink: 'นโยบายความเป็นส่วนตัว',
    },
    en: {
      open: 'Open help chat',
      close: 'Close chat',
      title: 'Store connection help',
      log: 'Conversation with the help bot',
      you: 'You said:',
      bot: 'Bot said:',
      placeholder: 'Type a message…',
      send: 'Send',
      picture: 'Send a picture',
      yourPicture: 'Your picture',
      typing: 'The bot is typing…',
      sending: 'Sending…',
      sent: 'Sent',
      notSent: 'Not sent',
      retry: 'Retry',
      offline: 'Cannot reach the server, retrying…',
      notSentNotice: 'The message was not sent. Press "Retry", or it is sent by itself once the connection is back.',
      tooLong: 'Message longer than ' + MAX_LEN + ' characters',
      pictureTooBig: 'The picture is too large: at most 5 MB.',
      pictureTooBigServer: 'The picture is larger than the server accepts. Please send a smaller one.',
      pictureType: 'Only JPEG, PNG, WebP or HEIC pictures can be sent.',
      restart: 'Start a new conversation',
      confirmTitle: 'Start a new conversation?',
      confirmText: 'Every message in this chat will be removed.',
      confirmYes: 'Start over',
      confirmNo: 'Cancel',
      newChat: 'The earlier conversation has ended. This is a new one.',
      unread: '{n} new message(s)',
      privacy: 'This chat is recorded, kept for up to ' + KEPT_DAYS + ' days, and may be sent to our support team to solve your problem.',
      privacyLink: 'Privacy policy',
    },
  };

  function pixels(value, fallback) {
    var n = parseInt(value, 10);
    return isFinite(n) && n >= 0 && n <= 400 ? n : fallback;
  }
  function webAddress(value) {
    if (!value) return '';
    try {
      var u = new URL(value, location.href);
      return /^https?:$/.test(u.protocol) ? u.href : '';
    } catch (e) { return ''; }
  }
  function subjectOf(jwt) {
    try {
      var part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return String(JSON.parse(atob(part)).sub || 'signed');
    } catch (e) { return 'signed'; }
  }
  function randomId(prefix) {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // ---------- state kept across page reloads ----------
  var saved = load();
  var token = saved.token;
  var expiresAt = saved.expiresAt || 0;
  var conversationId = saved.conversationId;
  var resumeKey = saved.resumeKey;
  var userId = saved.userId || randomId('web_');
  var watermark = saved.watermark || '0';
  var history = saved.history || [];
  // Messages of the seller not yet accepted by the server, in order: {cid, text, value?, at, state}.
  // Pictures are kept in memory only (a file does not fit in localStorage).
  var outbox = (saved.outbox || []).filter(function (m) { return m && m.cid && m.text; });
  var unread = saved.unread || 0;
  var lang = saved.lang === 'th' || saved.lang === 'en' ? saved.lang : DEFAULT_LANG;
  var seen = {};
  history.forEach(function (a) { seen[a.id] = true; });
  var isOpen = !!saved.open;
  var waitingSince = 0;
  var pollTimer = null;
  var idlePolls = 0;
  var authRetries = 0;
  var ready = null; // promise of a usable token, shared by everything that needs one
  var epoch = 0; // bumped by "start over": answers to requests of an older chat are dropped
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) || '{}'); } catch (e) { return {}; }
  }
  function persist() {
    if (history.length > KEEP_HISTORY) history = history.slice(-KEEP_HISTORY);
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({
        token: token, expiresAt: expiresAt, conversationId: conversationId, resumeKey: resumeKey, userId: userId,
        watermark: watermark, history: history, open: isOpen, unread: unread, lang: lang, savedAt: Date.now(),
        outbox: outbox.filter(function (m) { return !m.file && m.state !== 'rejected'; }).map(function (m) {
          return { cid: m.cid, text: m.text, value: m.value, at: m.at, state: m.state };
        }),
      }));
    } catch (e) { /* private mode or full storage: the chat still works, it just isn't kept */ }
  }

  function t(key) { return STRINGS[lang][key] || STRINGS.en[key] || key; }

  // ---------- DOM helpers (textContent only) ----------
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  /** An element whose text is one of the widget's own words: it follows the chat's language. */
  function word(tag, cls, key) {
    var n = el(tag, cls, t(key));
    n.setAttribute('data-t', key);
    return n;
  }
  /** An element whose accessible name (and tooltip) is one of the widget's own words. */
  function labelled(n, key) {
    n.setAttribute('data-t-label', key);
    n.setAttribute('aria-label', t(key));
    return n;
  }
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) parent.appendChild(arguments[i]);
    return parent;
  }
  function button(cls, key) {
    var b = labelled(el('button', cls), key);
    b.type = 'button';
    return b;
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

  // ---------- styles: everything explicit, nothing inherited from the host page ----------
  var FONT = '"Sarabun","Noto Sans Thai","Thonburi","Tahoma",sans-serif';
  // White text on it: 5.5:1 (#ff6a00 was 2.9:1).
  var ORANGE = '#b54400';
  var PANEL_BOTTOM = OFFSET_BOTTOM + 72;
  var css = [
    // The host's rules cannot select inside the shadow root; inherited properties (font, colour,
    // letter-spacing, list-style...) would still flow in through the host element: reset them.
    ':host{all:initial!important}',
    '.bsw-root{font-family:' + FONT + ';font-size:15px;font-weight:400;font-style:normal;line-height:1.6;color:#222;letter-spacing:normal;word-spacing:normal;text-transform:none;text-align:left;text-indent:0;white-space:normal;direction:ltr;-webkit-text-size-adjust:100%;text-size-adjust:100%}',
    '*,*::before,*::after{box-sizing:border-box}',
    '[hidden]{display:none!important}',
    'button,input{font:inherit;color:inherit;letter-spacing:inherit;word-spacing:inherit;text-transform:none;text-indent:0;margin:0;min-width:0;min-height:0}',
    '.bsw-sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}',
    '.bsw-launcher{position:fixed;' + SIDE + ':' + OFFSET_SIDE + 'px;bottom:' + OFFSET_BOTTOM + 'px;width:60px;height:60px;padding:0;border-radius:50%;border:0;background:' + ORANGE + ';color:#fff;cursor:pointer;display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}',
    // Two rings, white inside a near-black one: at least 3:1 on light and on dark pages alike.
    '.bsw-launcher:focus-visible{outline:3px solid #1f2933;outline-offset:3px;box-shadow:0 0 0 3px #fff,0 4px 14px rgba(0,0,0,.25)}',
    '.bsw-badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#c5221f;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;box-shadow:0 0 0 2px #fff}',
    '.bsw-panel{position:fixed;' + SIDE + ':' + OFFSET_SIDE + 'px;bottom:' + PANEL_BOTTOM + 'px;width:380px;max-width:calc(100vw - ' + 2 * OFFSET_SIDE + 'px);height:600px;max-height:calc(100vh - ' + (PANEL_BOTTOM + 20) + 'px);background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:none;flex-direction:column;overflow:hidden;z-index:2147483001}',
    '.bsw-panel.bsw-open{display:flex}',
    // Phones: the whole screen (dvh: the visible height once the keyboard or browser bars move).
    '@media (max-width:600px){.bsw-panel{left:0;right:0;top:0;bottom:0;width:100%;max-width:none;height:100%;height:100dvh;max-height:none;border-radius:0}.bsw-launcher.bsw-hidden{display:none}}',
    '.bsw-head{flex:none;background:' + ORANGE + ';color:#fff;padding:8px 8px 8px 16px;display:flex;align-items:center;gap:8px}',
    '.bsw-head-text{flex:1;min-width:0}',
    '.bsw-title{font-weight:700;font-size:16px;line-height:1.4;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.bsw-sub{font-size:12px;line-height:1.4}',
    // 44x44 each, 8px apart: no mistaking "start over" for "close".
    '.bsw-icon-btn{flex:none;width:44px;height:44px;padding:0;display:inline-flex;align-items:center;justify-content:center;background:transparent;border:0;border-radius:8px;color:#fff;cursor:pointer}',
    '.bsw-icon-btn:hover{background:rgba(0,0,0,.18)}.bsw-icon-btn:focus-visible{outline:2px solid #fff;outline-offset:-4px}',
    '.bsw-log{flex:1;min-height:0;overflow-y:auto;overscroll-behavior:contain;position:relative;padding:12px;background:#f6f7f9;display:flex;flex-direction:column;gap:10px}',
    '.bsw-log:focus-visible{outline:2px solid ' + ORANGE + ';outline-offset:-2px}',
    '.bsw-row{display:flex;flex-direction:column;align-items:flex-start}.bsw-row.bsw-user{align-items:flex-end}',
    '.bsw-bubble{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}',
    '.bsw-bot .bsw-bubble{background:#fff;border:1px solid #e3e5e8;border-bottom-left-radius:4px}',
    '.bsw-user .bsw-bubble{background:' + ORANGE + ';color:#fff;border-bottom-right-radius:4px}',
    '.bsw-user .bsw-bubble.bsw-picture{background:#fff;border:1px solid #e3e5e8;padding:4px}',
    '.bsw-meta{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin-top:2px;padding:0 4px;font-size:12px;line-height:1.4;color:#5f6368}',
    '.bsw-failed .bsw-status,.bsw-rejected .bsw-status{color:#b3261e;font-weight:700}',
    '.bsw-retry{min-height:32px;padding:0 12px;border:1px solid ' + ORANGE + ';border-radius:16px;background:#fff;color:' + ORANGE + ';font-size:13px;cursor:pointer}',
    '.bsw-retry:hover,.bsw-retry:focus-visible{background:#fff1e6}',
    '.bsw-notice{align-self:center;max-width:90%;padding:4px 12px;border-radius:12px;background:#eceef1;color:#3c4043;font-size:13px;text-align:center}',
    '.bsw-link{color:inherit;text-decoration:underline}',
    '.bsw-steps{white-space:normal}.bsw-steps-title{font-weight:700;margin-bottom:2px}.bsw-path{font-size:13px;color:#5f6368;margin-bottom:4px}',
    '.bsw-steps ol{display:block;margin:4px 0 4px 22px;padding:0;list-style:decimal outside}.bsw-steps li{display:list-item;margin:3px 0;padding:0 0 0 2px}',
    '.bsw-note{font-size:13px;color:#4d5156;border-left:3px solid #e07a3f;padding-left:8px;margin-top:6px}',
    '.bsw-img{font-size:13px;color:#5f6368;margin-top:4px}.bsw-img img{max-width:100%;max-height:260px;border-radius:8px;display:block;margin-bottom:2px}',
    '.bsw-picture .bsw-img{margin:0}',
    '.bsw-img-caption{display:flex;align-items:flex-start;gap:6px}.bsw-img-caption .bsw-icon{flex:none;margin-top:2px}',
    '.bsw-choices{display:flex;flex-wrap:wrap;gap:8px;margin-top:2px}',
    '.bsw-choice{display:inline-block;min-height:36px;padding:5px 14px;border:1px solid ' + ORANGE + ';border-radius:18px;background:#fff;color:' + ORANGE + ';font-size:14px;line-height:1.5;cursor:pointer;text-align:left;text-decoration:none}',
    '.bsw-choice:hover,.bsw-choice:focus-visible{background:#fff1e6}.bsw-choice:focus-visible{outline:2px solid #1f2933;outline-offset:2px}',
    '.bsw-card{white-space:normal}.bsw-card-title{font-weight:700}.bsw-card-text{margin-bottom:6px;white-space:pre-wrap}',
    '.bsw-typing{display:none}.bsw-typing.bsw-on{display:flex}',
    '.bsw-typing .bsw-bubble{padding:10px 14px}',
    '.bsw-dots span{display:inline-block;width:7px;height:7px;margin:0 2px;border-radius:50%;background:#80868b;animation:bsw-b 1.2s infinite}',
    '.bsw-dots span:nth-child(2){animation-delay:.2s}.bsw-dots span:nth-child(3){animation-delay:.4s}',
    '@keyframes bsw-b{0%,60%,100%{opacity:.3;transform:translateY(0)}30%{opacity:1;transform:translateY(-3px)}}',
    '@media (prefers-reduced-motion:reduce){.bsw-dots span{animation:none;opacity:.7}}',
    '.bsw-error{flex:none;display:none;background:#fff3cd;color:#6b4f00;font-size:13px;padding:4px 12px}.bsw-error.bsw-on{display:block}',
    '.bsw-form{flex:none;display:flex;align-items:center;gap:6px;padding:8px 8px 4px;border-top:1px solid #e3e5e8;background:#fff}',
    // 16px: smaller text makes phones zoom into the field.
    '.bsw-input{flex:1;min-width:0;width:auto;height:44px;padding:0 14px;border:1px solid #8a9099;border-radius:22px;background:#fff;color:#222;font-size:16px;outline:none;box-shadow:none}',
    '.bsw-input:focus{border-color:' + ORANGE + ';box-shadow:0 0 0 1px ' + ORANGE + '}',
    '.bsw-pic{flex:none;width:44px;height:44px;padding:0;display:inline-flex;align-items:center;justify-content:center;border:0;border-radius:50%;background:transparent;cursor:pointer}',
    '.bsw-pic:hover{background:#f1f3f4}',
    '.bsw-send{flex:none;height:44px;padding:0 18px;border:0;border-radius:22px;background:' + ORANGE + ';color:#fff;font-weight:700;cursor:pointer}',
    '.bsw-pic:focus-visible,.bsw-send:focus-visible{outline:2px solid #1f2933;outline-offset:2px}',
    '.bsw-privacy{flex:none;margin:0;padding:0 14px 8px;background:#fff;color:#5f6368;font-size:12px;line-height:1.5}',
    '.bsw-privacy a{color:inherit;text-decoration:underline}',
    '.bsw-confirm{position:absolute;top:0;right:0;bottom:0;left:0;z-index:2;display:flex;align-items:center;justify-content:center;padding:16px;background:rgba(0,0,0,.45)}',
    '.bsw-confirm-box{width:100%;max-width:320px;padding:18px;border-radius:12px;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.3)}',
    '.bsw-confirm-title{margin:0 0 4px;font-size:16px;font-weight:700}.bsw-confirm-text{margin:0 0 16px;color:#3c4043}',
    '.bsw-confirm-actions{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:8px}',
    '.bsw-btn{min-height:44px;padding:0 18px;border:1px solid #8a9099;border-radius:22px;background:#fff;color:#222;cursor:pointer}',
    '.bsw-btn-main{border-color:' + ORANGE + ';background:' + ORANGE + ';color:#fff;font-weight:700}',
    '.bsw-btn:focus-visible{outline:2px solid #1f2933;outline-offset:2px}',
  ].join('\n');

  // Icons are inline SVG, not emoji: emoji fonts are missing on some systems (they became boxes).
  var svgNs = 'http://www.w3.org/2000/svg';
  function svgIcon(size, fill, d) {
    var icon = document.createElementNS(svgNs, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('width', String(size));
    icon.setAttribute('height', String(size));
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('focusable', 'false');
    icon.setAttribute('class', 'bsw-icon');
    var path = document.createElementNS(svgNs, 'path');
    path.setAttribute('fill', fill);
    path.setAttribute('d', d);
    icon.appendChild(path);
    return icon;
  }
  var CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z';
  var PICTURE_ICON = 'M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2v9.6l4-4.1 3 3 4-4.5 3 3.3V7H5zm3.5 1.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z';
  var CLOSE_ICON = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z';
  var RESTART_ICON = 'M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z';

  // ---------- the widget's tree, inside a shadow root ----------
  var host = document.createElement('bigseller-help');
  var shadow = host.attachShadow({ mode: 'open' });
  var root = el('div', 'bsw-root');
  shadow.appendChild(root);
  // A constructed stylesheet: a host page whose Content-Security-Policy forbids inline styles
  // would block a <style> element. Older browsers get the element.
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  } catch (e) {
    shadow.insertBefore(el('style', null, css), root);
  }

  var launcher = labelled(el('button', 'bsw-launcher'), 'open');
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  var badge = el('span', 'bsw-badge');
  badge.setAttribute('aria-hidden', 'true');
  badge.hidden = true;
  append(launcher, svgIcon(30, '#fff', CHAT_ICON), badge);
  // Outside the panel, which is display:none while closed: a hidden live region says nothing.
  var announcer = el('div', 'bsw-sr');
  announcer.setAttribute('role', 'status');

  var panel = labelled(el('div', 'bsw-panel'), 'title');
  panel.setAttribute('role', 'dialog');
  var head = el('div', 'bsw-head');
  var restartBtn = append(button('bsw-icon-btn', 'restart'), svgIcon(22, '#fff', RESTART_ICON));
  var closeBtn = append(button('bsw-icon-btn', 'close'), svgIcon(22, '#fff', CLOSE_ICON));
  append(head, append(el('div', 'bsw-head-text'), word('div', 'bsw-title', 'title'), el('div', 'bsw-sub', 'BigSeller')), restartBtn, closeBtn);

  // role=log is a polite live region itself; focusable so the keyboard can scroll it.
  var log = labelled(el('div', 'bsw-log'), 'log');
  log.setAttribute('role', 'log');
  log.tabIndex = 0;
  // The typing indicator sits at the end of the log as three dots, hidden from screen readers:
  // a live region inside the log would be read over the messages. The announcer says it instead.
  var typing = el('div', 'bsw-row bsw-bot bsw-typing');
  typing.setAttribute('aria-hidden', 'true');
  append(typing, append(el('div', 'bsw-bubble'), append(el('span', 'bsw-dots'), el('span'), el('span'), el('span'))));
  log.appendChild(typing);

  var errorLine = el('div', 'bsw-error');
  errorLine.setAttribute('role', 'alert');
  var form = el('form', 'bsw-form');
  var picBtn = append(button('bsw-pic', 'picture'), svgIcon(24, '#3c4043', PICTURE_ICON));
  var fileInput = el('input');
  fileInput.type = 'file';
  fileInput.accept = PICTURE_TYPES.join(',') + ',.heic,.heif';
  fileInput.hidden = true;
  fileInput.tabIndex = -1;
  fileInput.setAttribute('aria-hidden', 'true');
  var input = labelled(el('input', 'bsw-input'), 'placeholder');
  input.type = 'text';
  // No maxLength: it cut a pasted log at 2,000 characters without a word; a longer message is
  // refused on sending instead, and stays in the box to be shortened.
  input.setAttribute('data-t-placeholder', 'placeholder');
  input.placeholder = t('placeholder');
  input.autocomplete = 'off';
  input.setAttribute('enterkeyhint', 'send');
  var sendBtn = word('button', 'bsw-send', 'send');
  sendBtn.type = 'submit';
  append(form, picBtn, fileInput, input, sendBtn);
  var privacy = append(el('p', 'bsw-privacy'), word('span', null, 'privacy'));
  if (PRIVACY_URL) {
    var privacyLink = word('a', null, 'privacyLink');
    privacyLink.href = PRIVACY_URL;
    privacyLink.target = '_blank';
    privacyLink.rel = 'noopener';
    append(privacy, document.createTextNode(' '), privacyLink);
  }

  var confirmBox = el('div', 'bsw-confirm');
  confirmBox.hidden = true;
  var confirmInner = el('div', 'bsw-confirm-box');
  confirmInner.setAttribute('role', 'alertdialog');
  confirmInner.setAttribute('aria-modal', 'true');
  confirmInner.setAttribute('aria-labelledby', 'bsw-confirm-title');
  confirmInner.setAttribute('aria-describedby', 'bsw-confirm-text');
  var confirmTitle = word('p', 'bsw-confirm-title', 'confirmTitle');
  confirmTitle.id = 'bsw-confirm-title';
  var confirmText = word('p', 'bsw-confirm-text', 'confirmText');
  confirmText.id = 'bsw-confirm-text';
  var confirmNo = word('button', 'bsw-btn', 'confirmNo');
  confirmNo.type = 'button';
  var confirmYes = word('button', 'bsw-btn bsw-btn-main', 'confirmYes');
  confirmYes.type = 'button';
  append(confirmInner, confirmTitle, confirmText, append(el('div', 'bsw-confirm-actions'), confirmNo, confirmYes));
  confirmBox.appendChild(confirmInner);

  append(panel, head, log, errorLine, form, privacy, confirmBox);
  append(root, launcher, announcer, panel);
  document.body.appendChild(host);

  // ---------- the chat's language: the widget's words follow the bot's last reply ----------
  function applyLanguage() {
    root.setAttribute('lang', lang);
    Array.prototype.forEach.call(root.querySelectorAll('[data-t]'), function (n) { n.textContent = t(n.getAttribute('data-t')); });
    Array.prototype.forEach.call(root.querySelectorAll('[data-t-label]'), function (n) { n.setAttribute('aria-label', t(n.getAttribute('data-t-label'))); });
    Array.prototype.forEach.call(root.querySelectorAll('[data-t-placeholder]'), function (n) { n.placeholder = t(n.getAttribute('data-t-placeholder')); });
    Array.prototype.forEach.call(root.querySelectorAll('[data-t-title]'), function (n) { n.title = t(n.getAttribute('data-t-title')); });
    showUnread();
  }
  function setLanguage(locale) {
    var next = /^th/i.test(locale) ? 'th' : /^en/i.test(locale) ? 'en' : null;
    if (!next || next === lang) return;
    lang = next;
    applyLanguage();
  }

  // ---------- rendering ----------
  var lastChoices = null;
  var rowsByCid = {};
  var lastSentStatus = null;

  /** Adds a row to the log, keeping the typing indicator last. */
  function addRow(row) {
    log.insertBefore(row, typing);
    return row;
  }
  function retireChoices() {
    if (lastChoices) { lastChoices.remove(); lastChoices = null; }
  }

  function clock(at) {
    var d = new Date(at || Date.now());
    if (isNaN(d.getTime())) d = new Date();
    var time = el('time', null, d.toLocaleTimeString(lang === 'th' ? 'th-TH' : 'en-GB', { hour: '2-digit', minute: '2-digit' }));
    time.dateTime = d.toISOString();
    return time;
  }

  /** A message row: who said it (for screen readers), the bubble, then its time (and status). */
  function messageRow(fromUser, at) {
    var bubble = el('div', 'bsw-bubble');
    var meta = append(el('div', 'bsw-meta'), clock(at));
    var row = append(el('div', 'bsw-row ' + (fromUser ? 'bsw-user' : 'bsw-bot')), word('span', 'bsw-sr', fromUser ? 'you' : 'bot'), bubble, meta);
    row.bubble = bubble;
    row.meta = meta;
    return row;
  }

  /** The activity's content into the bubble; false when it has nothing to show. */
  function fill(bubble, a, fromUser) {
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
      if (fromUser) bubble.appendChild(document.createTextNode(a.text));
      else bubble.appendChild(linkified(a.text));
    } else if (cards.length) {
      // A card alone is the bubble itself (no frame inside a frame).
      bubble.classList.add('bsw-card');
    }
    (a.attachments || []).forEach(function (att) {
      if (!/^image\//.test(att.contentType || '')) return;
      if (fromUser) bubble.classList.add('bsw-picture');
      bubble.appendChild(image(att.contentUrl, fromUser ? t('yourPicture') : att.name));
    });
    cards.forEach(function (att, i) {
      var c = att.content;
      if (c.title) bubble.appendChild(el('div', 'bsw-card-title', c.title));
      if (c.text) bubble.appendChild(el('div', 'bsw-card-text', c.text));
      if (c.buttons && c.buttons.length) bubble.appendChild(buttons(c.buttons));
      if (i < cards.length - 1) bubble.appendChild(el('hr'));
    });
    return bubble.childNodes.length > 0;
  }

  function render(a) {
    if (a.type !== 'message') return null;
    var fromUser = a.from && a.from.role === 'user';
    var row = messageRow(fromUser, a.timestamp);
    row.setAttribute('data-activity-id', a.id || '');
    var cid = a.channelData && a.channelData.clientActivityID;
    if (cid) row.setAttribute('data-cid', cid);
    if (!fromUser && typeof a.locale === 'string') row.bubble.setAttribute('lang', a.locale.slice(0, 2));
    if (!fill(row.bubble, a, fromUser)) return null;
    // Suggested actions answer the latest message only: anything newer retires them.
    retireChoices();
    addRow(row);
    var actions = a.suggestedActions && a.suggestedActions.actions;
    if (!fromUser && actions && actions.length) {
      lastChoices = buttons(actions);
      addRow(lastChoices);
    }
    return row;
  }

  /**
   * Where a picture can be loaded from: https, or the bot's own server (a seller's upload, whose
   * signed address may name it with http behind a TLS proxy). Nothing else: no mixed content,
   * no data: or javascript: tricks.
   */
  function pictureAddress(url) {
    if (typeof url !== 'string') return '';
    if (/^https:\/\//i.test(url)) return url;
    try {
      var u = new URL(url);
      return u.host === new URL(ORIGIN).host ? ORIGIN + u.pathname + u.search : '';
    } catch (e) { return ''; }
  }

  /** A picture with its caption; `preview` is the widget's own copy of a picture being sent. */
  function image(url, caption, preview) {
    var box = el('div', 'bsw-img');
    var src = preview || pictureAddress(url);
    if (src) {
      var img = el('img');
      img.src = src;
      img.alt = caption || '';
      img.loading = 'lazy';
      // A signed address that has expired (an old chat): its words instead of a broken picture.
      img.addEventListener('error', function () { if (caption) captionOnly(box, caption); });
      box.appendChild(img);
    } else if (caption) {
      captionOnly(box, caption);
    }
    return box;
  }
  /** No picture (yet): the caption says what it would show. */
  function captionOnly(box, caption) {
    while (box.firstChild) box.removeChild(box.firstChild);
    box.classList.add('bsw-img-caption');
    append(box, svgIcon(16, '#5f6368', PICTURE_ICON), el('span', null, caption));
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
        say(act.displayText || act.text || label, act.value !== undefined ? act.value : undefined);
        // Pressed from the keyboard (a click without a pointer): the next answer is typed, and
        // the button is about to go. A tap does not open the phone's keyboard.
        if (ev.detail === 0) input.focus();
      });
      wrap.appendChild(b);
    });
    return wrap;
  }

  function notice(key) {
    var n = word('div', 'bsw-notice', key);
    n.setAttribute('role', 'note');
    addRow(n);
  }

  // ---------- the seller's own messages: shown at once, then sent, or kept to retry ----------
  /** The bubble of a message the server has not confirmed yet. */
  function drawPending(m) {
    retireChoices();
    var row = messageRow(true, m.at);
    row.setAttribute('data-cid', m.cid);
    if (m.file) {
      row.bubble.classList.add('bsw-picture');
      row.bubble.appendChild(image(null, t('yourPicture'), m.preview));
    } else {
      row.bubble.appendChild(document.createTextNode(m.text));
    }
    rowsByCid[m.cid] = row;
    addRow(row);
    setStatus(m, m.state === 'failed' ? 'failed' : 'sending');
    scrollToEnd();
  }

  /** sending, sent, failed (kept: one tap retries) or rejected (with the reason's words). */
  function setStatus(m, state, reasonKey) {
    var row = rowsByCid[m.cid];
    if (!row) return;
    var meta = row.meta;
    while (meta.childNodes.length > 1) meta.removeChild(meta.lastChild);
    row.classList.remove('bsw-sending', 'bsw-failed', 'bsw-rejected');
    if (state === 'sent') {
      // "Sent" under the latest message only: one label says it for the ones above.
      if (lastSentStatus) lastSentStatus.remove();
      lastSentStatus = word('span', 'bsw-status', 'sent');
      meta.appendChild(lastSentStatus);
      return;
    }
    row.classList.add('bsw-' + state);
    meta.appendChild(word('span', 'bsw-status', state === 'sending' ? 'sending' : reasonKey || 'notSent'));
    if (state === 'failed') {
      var retry = word('button', 'bsw-retry', 'retry');
      retry.type = 'button';
      retry.addEventListener('click', function () { retryFailed(); input.focus(); });
      meta.appendChild(retry);
    }
  }

  function newMessage(text, value, file) {
    var m = { cid: randomId('bsw-'), text: text, value: value, at: new Date().toISOString(), state: 'queued' };
    if (file) {
      m.file = file;
      m.preview = /heic|heif/i.test(file.type) ? '' : URL.createObjectURL(file);
    }
    return m;
  }

  /** The seller said something (typed, a button, a picture): shown at once, then sent in order. */
  function say(text, value, file) {
    var m = newMessage(text, value, file);
    // A new message is a retry of the ones that failed before it: order is kept.
    outbox.forEach(function (o) { if (o.state === 'failed') { o.state = 'queued'; setStatus(o, 'sending'); } });
    outbox.push(m);
    persist();
    drawPending(m);
    waitingSince = Date.now();
    setTyping(true);
    flush();
  }

  function retryFailed() {
    var any = false;
    outbox.forEach(function (o) { if (o.state === 'failed') { o.state = 'queued'; setStatus(o, 'sending'); any = true; } });
    if (!any) return;
    setError(false);
    waitingSince = Date.now();
    setTyping(true);
    flush();
  }

  function outboxEntry(cid) {
    for (var i = 0; i < outbox.length; i++) if (outbox[i].cid === cid) return outbox[i];
    return null;
  }
  function dropFromOutbox(cid) {
    var m = outboxEntry(cid);
    outbox = outbox.filter(function (o) { return o.cid !== cid; });
    if (m && m.preview) setTimeout(function () { URL.revokeObjectURL(m.preview); }, 60 * 1000);
  }

  /** Sends the outbox one message at a time, in order; stops at the first that fails. */
  function flush() {
    if (sending) return;
    var m = outbox[0];
    if (!m || m.state !== 'queued') return;
    sending = true;
    var started = epoch;
    deliver(m, true).then(function (r) {
      if (started !== epoch) return;
      sending = false;
      if (r && r.id) {
        var row = rowsByCid[m.cid];
        if (row) row.setAttribute('data-activity-id', r.id);
      }
      if (outboxEntry(m.cid)) setStatus(m, 'sent');
      dropFromOutbox(m.cid);
      persist();
      idlePolls = 0;
      if (errorLine.getAttribute('data-t') !== 'tooLong') setError(false);
      poll();
      flush();
    }, function (e) {
      if (started !== epoch) return;
      sending = false;
      failed(m, e);
      flush();
    });
  }

  function failed(m, e) {
    // The server refused this one for good (too large, wrong type): no retry, and the next goes on.
    var refused = e.status === 400 || e.status === 413 || e.status === 415;
    if (refused) {
      var reason = e.status === 415 ? 'pictureType' : e.status === 413 ? (m.file ? 'pictureTooBigServer' : 'tooLong') : 'notSent';
      m.state = 'rejected';
      setStatus(m, 'rejected', reason);
      dropFromOutbox(m.cid);
      setError(true, reason);
      announce(t(reason));
    } else {
      // Kept as it is, cid and all: resent by a tap or when the connection comes back.
      m.state = 'failed';
      m.offline = !e.status || e.status >= 500 || e.status === 429;
      outbox.forEach(function (o) { if (o.state === 'queued') { o.state = 'failed'; o.offline = m.offline; setStatus(o, 'failed'); } });
      setStatus(m, 'failed');
      setError(true, 'notSentNotice');
      announce(t('notSent'));
    }
    persist();
    if (!outbox.some(function (o) { return o.state === 'queued'; })) {
      waitingSince = 0;
      setTyping(false);
    }
    schedule(3000);
  }

  /** Posts one message (or uploads one picture) with its clientActivityID; one retry on a stale token. */
  function deliver(m, retry) {
    return whenReady().then(function () {
      if (m.file) return upload(m);
      var activity = { type: 'message', text: m.text, locale: LOCALE, from: { id: userId }, channelData: { clientActivityID: m.cid } };
      if (m.value !== undefined) activity.value = m.value;
      return api('POST', '/conversations/' + encodeURIComponent(conversationId) + '/activities', activity, token);
    }).catch(function (e) {
      if (retry && isAuthError(e)) return whenReady(true).then(function () { return deliver(m, false); });
      throw e;
    });
  }

  function upload(m) {
    var activity = { type: 'message', from: { id: userId }, locale: LOCALE, channelData: { clientActivityID: m.cid } };
    var body = new FormData();
    body.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }));
    body.append('file', m.file, m.file.name || 'picture');
    var path = '/conversations/' + encodeURIComponent(conversationId) + '/upload?userId=' + encodeURIComponent(userId);
    return api('POST', path, body, token);
  }

  function pictureProblem(file) {
    var type = (file.type || '').toLowerCase();
    var typeOk = PICTURE_TYPES.indexOf(type) >= 0 || (!type && /\.(heic|heif)$/i.test(file.name || ''));
    if (!typeOk) return 'pictureType';
    if (file.size > MAX_PICTURE_BYTES) return 'pictureTooBig';
    return null;
  }

  // ---------- status lines ----------
  function setTyping(on) {
    var was = typing.classList.contains('bsw-on');
    typing.classList.toggle('bsw-on', !!on);
    if (on && !was) {
      scrollToEnd();
      if (isOpen) announce(t('typing'));
    }
  }
  function setError(on, key) {
    key = key || 'offline';
    errorLine.setAttribute('data-t', key);
    errorLine.textContent = t(key);
    errorLine.classList.toggle('bsw-on', !!on);
  }
  function announce(text) {
    // Emptied first, so the same words twice are read twice.
    announcer.textContent = '';
    setTimeout(function () { announcer.textContent = text; }, 60);
  }
  function waiting() {
    if (waitingSince && Date.now() - waitingSince > WAIT_LIMIT_MS) waitingSince = 0;
    return !!waitingSince;
  }

  // ---------- scrolling: a new answer opens at its start, not at its end ----------
  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }
  /**
   * Where the latest answer starts: the first bot message after the seller's last one; the top
   * of the log when the seller has said nothing yet; null when the seller's message is the last.
   */
  function answerStart() {
    var rows = log.querySelectorAll('.bsw-row:not(.bsw-typing)');
    var start = null;
    for (var i = rows.length - 1; i >= 0; i--) {
      if (rows[i].classList.contains('bsw-user')) return start;
      start = rows[i];
    }
    return log.firstChild;
  }
  function showLatestAnswer() {
    var start = answerStart();
    if (start) log.scrollTop = Math.max(0, start.offsetTop - 12);
    else scrollToEnd();
  }

  // ---------- unread badge ----------
  function showUnread() {
    badge.hidden = !unread;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    var label = isOpen ? t('close') : t('open');
    if (unread && !isOpen) label += ' (' + t('unread').replace('{n}', String(unread)) + ')';
    launcher.setAttribute('aria-label', label);
  }
  function addUnread(n) {
    unread += n;
    showUnread();
    announce(t('unread').replace('{n}', String(unread)));
    emit('unread', { count: unread });
  }

  function emit(name, detail) {
    try { window.dispatchEvent(new CustomEvent('connectionhelp:' + name, { detail: detail || {} })); } catch (e) { /* very old browsers */ }
  }

  // ---------- Direct Line ----------
  function api(method, path, body, auth) {
    var headers = {};
    var isForm = typeof FormData !== 'undefined' && body instanceof FormData;
    if (!isForm) headers['Content-Type'] = 'application/json';
    if (auth) headers.Authorization = 'Bearer ' + auth;
    return fetch(BASE + path, { method: method, headers: headers, body: body ? (isForm ? body : JSON.stringify(body)) : undefined }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { var e = new Error((j.error && j.error.message) || ('HTTP ' + r.status)); e.status = r.status; throw e; }
        return j;
      });
    });
  }
  // 401 missing or forged, 403 expired (or another conversation's), 404 conversation gone.
  function isAuthError(e) { return e.status === 401 || e.status === 403 || e.status === 404; }

  /** Keeps a token answer. */
  function took(r) {
    token = r.token;
    expiresAt = Date.now() + (Number(r.expires_in) || 1800) * 1000;
    conversationId = r.conversationId || conversationId;
    if (r.resumeKey) resumeKey = r.resumeKey;
    persist();
  }

  function refresh() {
    var started = epoch;
    return api('POST', '/tokens/refresh', null, token).then(function (r) { if (started === epoch) took(r); });
  }

  /**
   * A conversation: the saved one continued when `resume` is its resumeKey and the server still
   * has it (same id, resumed: history and watermark kept), otherwise a new one.
   */
  function start(resume) {
    var started = epoch;
    var body = { user: { id: userId }, locale: LOCALE };
    if (IDENTITY) body.identity = IDENTITY;
    if (resume) body.resume = resume;
    return api('POST', '/tokens/generate', body).then(function (r) {
      if (started !== epoch) return;
      var resumed = !!resume && r.resumed === true && r.conversationId === conversationId;
      // A conversation the server no longer has: said so, never wiped without a word.
      if (!resumed && conversationId) {
        var hadChat = history.length > 0;
        clearChat();
        if (hadChat) notice('newChat');
      }
      took(r);
    });
  }

  /** A usable token: the saved one, refreshed near its end; an expired one resumed. */
  function ensureConversation(stale) {
    if (!token || !conversationId) return start(conversationId ? resumeKey : undefined);
    if (stale || expiresAt <= Date.now()) return start(resumeKey);
    if (expiresAt - Date.now() > REFRESH_MARGIN_MS) return Promise.resolve();
    return refresh().catch(function (e) {
      if (isAuthError(e)) return start(resumeKey);
      throw e;
    });
  }

  function whenReady(stale) {
    if (!ready || stale) {
      ready = ensureConversation(stale).then(function () { ready = null; }, function (e) { ready = null; throw e; });
    }
    return ready;
  }

  /** Forgets the conversation shown (not the seller's unsent messages, which go to the next one). */
  function clearChat() {
    token = undefined; expiresAt = 0; conversationId = undefined; resumeKey = undefined; watermark = '0'; history = []; seen = {};
    lastChoices = null;
    lastSentStatus = null;
    while (log.firstChild !== typing) log.removeChild(log.firstChild);
    rowsByCid = {};
    outbox.forEach(drawPending);
    // Unsent messages go to the next conversation: its answer is awaited.
    waitingSince = outbox.length ? Date.now() : 0;
    setTyping(outbox.length > 0);
    persist();
  }

  /** "Start over": everything goes, unsent messages included. */
  function reset() {
    epoch += 1;
    sending = false;
    outbox = [];
    unread = 0;
    lang = DEFAULT_LANG;
    userId = randomId('web_');
    clearChat();
    setError(false);
    applyLanguage();
    ready = null;
  }

  /** An activity from the server; the row it added, if any. */
  function take(a) {
    seen[a.id] = true;
    if (a.type !== 'message') return null;
    history.push(a);
    var fromUser = a.from && a.from.role === 'user';
    var cid = a.channelData && a.channelData.clientActivityID;
    if (fromUser && cid && rowsByCid[cid]) {
      echoed(rowsByCid[cid], a);
      return null;
    }
    if (!fromUser) {
      waitingSince = 0;
      if (typeof a.locale === 'string') setLanguage(a.locale);
    }
    return render(a);
  }

  /** The server's copy of a message shown as pending: its words as kept (secrets removed), its picture. */
  function echoed(row, a) {
    var m = outboxEntry(a.channelData.clientActivityID);
    row.setAttribute('data-activity-id', a.id);
    var fresh = el('div', 'bsw-bubble');
    if (fill(fresh, a, true)) {
      row.replaceChild(fresh, row.bubble);
      row.bubble = fresh;
    }
    if (m) {
      setStatus(m, 'sent');
      dropFromOutbox(m.cid);
    }
  }

  function poll() {
    clearTimeout(pollTimer);
    pollTimer = null;
    var started = epoch;
    whenReady()
      .then(function () {
        var conv = conversationId;
        return api('GET', '/conversations/' + encodeURIComponent(conv) + '/activities?watermark=' + encodeURIComponent(watermark), null, token).then(function (r) {
          if (started !== epoch || conv !== conversationId) return; // restarted meanwhile
          authRetries = 0;
          // Only "offline" ends with a good poll: "too long" and "not sent" stay until the next send.
          if (errorLine.getAttribute('data-t') === 'offline') setError(false);
          var fresh = (r.activities || []).filter(function (a) { return a && a.id && !seen[a.id]; });
          var latest = null;
          var botRows = 0;
          var userRows = 0;
          fresh.forEach(function (a) {
            latest = a;
            var row = take(a);
            if (row && row.classList.contains('bsw-bot')) botRows += 1;
            else if (row) userRows += 1;
          });
          setTyping(waiting() || (latest && latest.type === 'typing'));
          if (botRows) showLatestAnswer();
          else if (userRows) scrollToEnd();
          if (botRows && !isOpen) addUnread(botRows);
          watermark = r.watermark || watermark;
          persist();
          idlePolls = fresh.length ? 0 : idlePolls + 1;
          // The connection is back: what failed for want of it goes now.
          if (outbox.some(function (o) { return o.state === 'failed' && o.offline; })) retryFailed();
          flush();
          schedule();
        });
      })
      .catch(function (e) {
        if (started !== epoch) return;
        if (isAuthError(e) && authRetries < 2) {
          authRetries += 1;
          whenReady(true).then(poll, function () { setError(true); schedule(3000); });
          return;
        }
        // "Not sent" stays until the seller sends again: it says what to do, "retrying" would not.
        if (!(errorLine.classList.contains('bsw-on') && errorLine.getAttribute('data-t') !== 'offline')) setError(true);
        schedule(3000);
      });
  }

  function schedule(ms) {
    clearTimeout(pollTimer);
    pollTimer = null;
    var failedOnes = outbox.some(function (o) { return o.state === 'failed' && o.offline; });
    if (!isOpen && !waiting() && !failedOnes) return;
    // About once a second while the chat is active, slower and slower while nothing happens.
    var delay = ms || (waiting() ? 700 : Math.min(1000 * Math.pow(1.4, Math.max(0, idlePolls - 5)), 15000));
    pollTimer = setTimeout(poll, delay);
  }

  // ---------- the in-widget confirmation of "start over" ----------
  function askRestart() {
    confirmBox.hidden = false;
    // Only the question can be reached while it is open.
    head.inert = true; log.inert = true; form.inert = true; privacy.inert = true;
    confirmNo.focus();
  }
  function closeConfirm(focus) {
    confirmBox.hidden = true;
    head.inert = false; log.inert = false; form.inert = false; privacy.inert = false;
    if (focus) focus.focus();
  }

  // ---------- wiring ----------
  function open(restoring) {
    var was = isOpen;
    isOpen = true;
    unread = 0;
    panel.classList.add('bsw-open');
    launcher.classList.add('bsw-hidden');
    launcher.setAttribute('aria-expanded', 'true');
    showUnread();
    persist();
    // The history was laid out while hidden: show the start of the latest answer.
    showLatestAnswer();
    idlePolls = 0;
    poll();
    if (!restoring) setTimeout(function () { input.focus(); }, 50);
    if (!was) emit('open');
  }
  function close() {
    var hadFocus = !!shadow.activeElement;
    var was = isOpen;
    isOpen = false;
    closeConfirm();
    panel.classList.remove('bsw-open');
    launcher.classList.remove('bsw-hidden');
    launcher.setAttribute('aria-expanded', 'false');
    showUnread();
    persist();
    // Back to the launcher only from inside the widget: a host's own button keeps its focus.
    if (hadFocus) launcher.focus();
    if (was) emit('close');
  }

  launcher.addEventListener('click', function () { if (isOpen) close(); else open(); });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      if (!confirmBox.hidden) closeConfirm(restartBtn);
      else close();
      return;
    }
    // Keep Tab inside the question while it is open.
    if (ev.key === 'Tab' && !confirmBox.hidden) {
      var target = shadow.activeElement === confirmNo ? confirmYes : confirmNo;
      ev.preventDefault();
      target.focus();
    }
  });
  restartBtn.addEventListener('click', askRestart);
  confirmNo.addEventListener('click', function () { closeConfirm(restartBtn); });
  confirmYes.addEventListener('click', function () {
    closeConfirm();
    reset();
    poll();
    input.focus();
  });
  picBtn.addEventListener('click', function () { fileInput.click(); });
  fileInput.addEventListener('change', function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    if (!file) return;
    var problem = pictureProblem(file);
    if (problem) { setError(true, problem); announce(t(problem)); return; }
    setError(false);
    say(undefined, undefined, file);
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (text.length > MAX_LEN) { setError(true, 'tooLong'); return; }
    input.value = '';
    setError(false);
    say(text);
  });
  window.addEventListener('online', function () { retryFailed(); poll(); });
  // Keeps a live token alive while the page stays open with the chat closed, so coming back to
  // it later continues the same conversation. A dead one is resumed when next needed.
  setInterval(function () {
    var left = expiresAt - Date.now();
    if (token && left > 0 && left < REFRESH_MARGIN_MS) refresh().catch(function () { /* retried on next use */ });
  }, 60 * 1000);

  window.ConnectionHelp = {
    open: function () { open(); },
    close: function () { close(); },
    toggle: function () { if (isOpen) close(); else open(); },
    isOpen: function () { return isOpen; },
  };

  // Messages the server has already: no longer pending (the page was reloaded while they went out).
  history.forEach(function (a) { var cid = a.channelData && a.channelData.clientActivityID; if (cid) dropFromOutbox(cid); });
  history.forEach(render);
  outbox.forEach(function (m) { m.state = 'queued'; drawPending(m); });
  applyLanguage();
  if (outbox.length) {
    waitingSince = Date.now();
    setTyping(true);
  }
  if (isOpen) open(true);
  if (outbox.length) flush();
  emit('ready');
})();
