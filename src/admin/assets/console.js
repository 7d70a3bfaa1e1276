/*
 * The support team's console (docs/console.md): sign in, the report, the review queue. Plain
 * browser JavaScript against /admin/api. Every text that came from a seller is set as text,
 * never as HTML.
 */
(function () {
  'use strict';

  var texts = { th: {}, en: {} };
  var lang = localStorage.getItem('console-lang') || ((navigator.language || 'th').slice(0, 2) === 'en' ? 'en' : 'th');
  var topics = [];
  var signedIn = '';
  var $ = function (id) { return document.getElementById(id); };
  var SVG = 'http://www.w3.org/2000/svg';

  function t(key, vars) {
    // "1 message", "2 messages": a key_one text for a count of one, where the language has it.
    if (vars && vars.count === 1 && (texts[lang][key + '_one'] || texts.en[key + '_one'])) key += '_one';
    var s = texts[lang][key] || texts.en[key] || key;
    return s.replace(/\{\{(\w+)\}\}/g, function (_, k) { return vars && vars[k] !== undefined ? String(vars[k]) : ''; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function api(path, options) {
    var o = options || {};
    var init = { method: o.method || 'GET', credentials: 'same-origin', headers: {} };
    if (o.body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(o.body);
    }
    return fetch('/admin' + path, init).then(function (r) {
      if (r.status === 401 && path !== '/login') { showLogin(); throw new Error('signed out'); }
      return r;
    });
  }

  function notice(message, bad) {
    var n = $('notice');
    n.textContent = message;
    n.className = bad ? 'notice bad' : 'notice';
  }

  function translatePage() {
    document.documentElement.lang = lang;
    document.title = t('title');
    document.querySelectorAll('[data-t]').forEach(function (node) { node.textContent = t(node.getAttribute('data-t')); });
    Array.prototype.forEach.call($('days').options, function (o) { o.textContent = t('days', { count: o.value }); });
  }

  function topicTitle(id) {
    var topic = topics.filter(function (x) { return x.id === id; })[0];
    return topic ? topic.title[lang] : id;
  }

  /** What the bot did, in words: an article by its title, the other acts by their text. */
  function actLabel(act) {
    if (act.indexOf('answer:') === 0) return t('article') + ' “' + topicTitle(act.slice(7)) + '”';
    var label = t('act_' + act);
    return label === 'act_' + act ? act : label;
  }

  function percent(share) { return Math.round(share * 1000) / 10 + '%'; }

  /* Sign-in */

  function showLogin() {
    $('app').hidden = true;
    $('signout').hidden = true;
    $('who').textContent = '';
    $('login').hidden = false;
    $('login-email').focus();
  }

  function start() {
    api('/api/me').then(function (r) { return r.json(); }).then(function (me) {
      $('login').hidden = true;
      $('app').hidden = false;
      $('signout').hidden = false;
      signedIn = me.email;
      $('who').textContent = t('signedInAs', { email: me.email });
      return api('/api/topics').then(function (r) { return r.json(); });
    }).then(function (list) {
      topics = list.topics;
      fillTopicSelect($('own-topic'), topics[0] && topics[0].id);
      loadReport();
      loadReview();
    }).catch(function () { /* the sign-in form is shown */ });
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    $('login-error').textContent = '';
    api('/login', { method: 'POST', body: { email: $('login-email').value, password: $('login-password').value } }).then(function (r) {
      if (r.status === 204) { $('login-password').value = ''; start(); return; }
      $('login-error').textContent = r.status === 429 ? t('tooMany') : t('wrongLogin');
    });
  });

  $('signout').addEventListener('click', function () {
    api('/logout', { method: 'POST', body: {} }).then(showLogin);
  });

  $('lang').addEventListener('click', function () {
    lang = lang === 'th' ? 'en' : 'th';
    localStorage.setItem('console-lang', lang);
    translatePage();
    if (!$('app').hidden) {
      $('who').textContent = t('signedInAs', { email: signedIn });
      fillTopicSelect($('own-topic'), $('own-topic').value);
      loadReport();
      loadReview();
    }
  });

  /* Tabs */

  var TABS = ['report', 'review', 'sellers'];
  TABS.forEach(function (name) {
    $('tab-' + name).addEventListener('click', function () {
      notice('');
      TABS.forEach(function (other) {
        $(other).hidden = other !== name;
        $('tab-' + other).setAttribute('aria-selected', String(other === name));
      });
    });
  });

  /* Report */

  $('days').addEventListener('change', loadReport);

  function loadReport() {
    api('/api/report?days=' + $('days').value).then(function (r) { return r.json(); }).then(renderReport).catch(function (err) {
      if (err.message !== 'signed out') notice(t('error', { message: err.message }), true);
    });
  }

  function renderReport(r) {
    var figures = $('figures');
    figures.textContent = '';
    var csat = r.csat.count ? t('csatValue', { average: r.csat.average, count: r.csat.count }) : t('noRatings');
    [
      [String(r.conversations), t('conversations')],
      [percent(r.resolutionRate.confirmed), t('confirmed')],
      [percent(r.resolutionRate.assumed), t('assumed')],
      [percent(r.handoverRate), t('handover')],
      [r.csat.count ? String(r.csat.average) : '–', t('csat') + ': ' + csat],
    ].forEach(function (f) { figures.appendChild(el('div', { className: 'figure' }, [el('b', { text: f[0] }), el('span', { text: f[1] })])); });
    $('open-count').textContent = r.conversations ? t('open', { count: r.open }) : t('noData');
    renderChart(r.perDay);
    table($('channels'), [t('channel'), t('conversations'), t('confirmed'), t('assumed'), t('handover'), t('csat')], r.channels.map(function (c) {
      return [c.channel, c.conversations, percent(c.resolutionRate.confirmed), percent(c.resolutionRate.assumed), percent(c.handoverRate), c.csat.count ? c.csat.average + ' (' + c.csat.count + ')' : '–'];
    }));
    table($('failing'), [t('topic'), t('answered'), t('notResolved'), t('handedOver'), t('failRate')], r.failing.map(function (x) {
      return [topicTitle(x.topic), x.answered, x.notResolved, x.handedOver, percent(x.failRate)];
    }));
    table($('topics'), [t('topic'), t('answered'), t('resolved'), t('assumedShort'), t('notResolved'), t('handedOver'), t('abandoned')], r.topics.map(function (x) {
      return [topicTitle(x.topic), x.answered, x.resolved, x.assumed, x.notResolved, x.handedOver, x.abandoned];
    }));
  }

  function table(node, head, rows) {
    node.textContent = '';
    node.appendChild(el('thead', {}, [el('tr', {}, head.map(function (h, i) { return el('th', { scope: 'col', className: i ? 'num' : '', text: h }); }))]));
    node.appendChild(el('tbody', {}, rows.map(function (row) {
      return el('tr', {}, row.map(function (v, i) { return el('td', { className: i ? 'num' : '', text: String(v) }); }));
    })));
  }

  /** Stacked bars per day: confirmed, assumed, handed over, the rest. */
  function renderChart(days) {
    var chart = $('chart');
    chart.textContent = '';
    var parts = [
      ['confirmed', t('resolved'), '#1a7f37'],
      ['assumed', t('assumedShort'), '#7cc08b'],
      ['handedOver', t('handedOver'), '#bf8700'],
      ['other', t('other'), '#afb8c1'],
    ];
    var max = Math.max.apply(null, days.map(function (d) { return d.conversations; }).concat([1]));
    // The bars share the chart's width (a phone's too), 4 to 48 pixels each.
    var gap = days.length > 40 ? 2 : 6;
    // Measured on the page, not the chart: a report loaded behind another tab has no width.
    var room = document.querySelector('main').clientWidth - 90;
    var bar = Math.max(4, Math.min(48, Math.floor(room / days.length) - gap));
    var height = 160, bottom = 28;
    var width = days.length * (bar + gap) + 40;
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + (height + bottom));
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height + bottom));
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('perDay') + ': ' + days.map(function (d) { return d.day + ' ' + d.conversations; }).join(', '));
    days.forEach(function (d, i) {
      var x = 30 + i * (bar + gap);
      var y = height;
      var values = { confirmed: d.confirmed, assumed: d.assumed, handedOver: d.handedOver, other: d.conversations - d.confirmed - d.assumed - d.handedOver };
      parts.forEach(function (p) {
        var h = (values[p[0]] / max) * (height - 10);
        if (h <= 0) return;
        y -= h;
        var rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', String(x));
        rect.setAttribute('y', String(y));
        rect.setAttribute('width', String(bar));
        rect.setAttribute('height', String(h));
        rect.setAttribute('fill', p[2]);
        var title = document.createElementNS(SVG, 'title');
        title.textContent = d.day + ': ' + p[1] + ' ' + values[p[0]];
        rect.appendChild(title);
        svg.appendChild(rect);
      });
      var every = Math.ceil(days.length / Math.max(2, Math.floor(width / 60)));
      // Every few days, and the last one (the one before it left out when they would touch).
      if ((i % every === 0 && days.length - 1 - i >= every) || i === days.length - 1) {
        var label = document.createElementNS(SVG, 'text');
        label.setAttribute('x', String(x + bar / 2));
        label.setAttribute('y', String(height + 18));
        label.setAttribute('text-anchor', 'middle');
        label.setAttribute('font-size', '11');
        label.setAttribute('fill', '#57606a');
        label.textContent = d.day.slice(5);
        svg.appendChild(label);
      }
    });
    var axis = document.createElementNS(SVG, 'text');
    axis.setAttribute('x', '4');
    axis.setAttribute('y', '14');
    axis.setAttribute('font-size', '11');
    axis.setAttribute('fill', '#57606a');
    axis.textContent = String(max);
    svg.appendChild(axis);
    chart.appendChild(svg);
    chart.appendChild(el('div', { className: 'legend' }, parts.map(function (p) {
      var swatch = el('i', {});
      swatch.style.background = p[2];
      return el('span', {}, [swatch, document.createTextNode(p[1])]);
    })));
  }

  /* Review queue */

  function fillTopicSelect(select, chosen) {
    select.textContent = '';
    topics.forEach(function (x) {
      var o = el('option', { value: x.id, text: x.title[lang] });
      if (x.id === chosen) o.selected = true;
      select.appendChild(o);
    });
  }

  function loadReview() {
    api('/api/review').then(function (r) { return r.json(); }).then(renderGroups).catch(function (err) {
      if (err.message !== 'signed out') notice(t('error', { message: err.message }), true);
    });
  }

  function renderGroups(body) {
    var list = $('groups');
    list.textContent = '';
    if (body.groups.length === 0) list.appendChild(el('p', { className: 'card', text: t('reviewEmpty') }));
    body.groups.forEach(function (g, n) { list.appendChild(groupCard(g, n)); });
  }

  function groupCard(g, n) {
    var kinds = Object.keys(g.kinds).map(function (k) { return t('kind_' + k) + ' × ' + g.kinds[k]; }).join(' · ');
    var card = el('article', { className: 'card group', 'aria-labelledby': 'group-' + n }, [
      el('h3', { id: 'group-' + n, text: '“' + g.examples[0].text + '” — ' + t('groupCount', { count: g.count }) }),
      el('p', { className: 'kinds', text: kinds }),
    ]);
    card.appendChild(el('ul', { className: 'examples' }, g.examples.map(function (x) {
      var meta = x.channel + ' · ' + new Date(x.at).toLocaleString(lang === 'th' ? 'th-TH' : 'en-GB', { timeZone: 'Asia/Bangkok' });
      if (x.chosen !== undefined) meta += ' · ' + (x.chosen === null ? t('chosenNone') : t('chosen', { topic: topicTitle(x.chosen) }));
      var item = el('li', {}, [document.createTextNode(x.text + ' '), el('small', { text: '(' + meta + ')' })]);
      if (x.context && x.context.length) {
        item.appendChild(el('details', {}, [el('summary', { text: t('context') })].concat(x.context.map(function (c) {
          return el('div', { className: 'context', text: t('seller') + ': ' + c.seller + '\n' + t('bot') + ': ' + c.bot.filter(function (a, i, all) { return all.indexOf(a) === i; }).map(actLabel).join(', ') });
        }))));
      }
      return item;
    })));
    if (g.candidates.length) card.appendChild(el('p', { className: 'kinds', text: t('candidates') + ': ' + g.candidates.map(topicTitle).join(', ') }));
    var select = el('select', { id: 'topic-' + n });
    fillTopicSelect(select, g.candidates[0] || (topics[0] && topics[0].id));
    var add = el('button', { type: 'button', text: t('addPhrasing') });
    var offTopic = el('button', { type: 'button', className: 'secondary', text: t('offTopic') });
    var dismiss = el('button', { type: 'button', className: 'secondary', text: t('dismiss') });
    add.addEventListener('click', function () { act(g, { action: 'phrasing', topic: select.value }, t('learned')); });
    offTopic.addEventListener('click', function () { act(g, { action: 'off-topic' }, t('markedOffTopic')); });
    dismiss.addEventListener('click', function () { act(g, { action: 'dismiss' }, t('dismissed')); });
    card.appendChild(el('div', { className: 'actions' }, [el('label', { for: 'topic-' + n }, [el('span', { text: t('asPhrasing') }), select]), add, offTopic, dismiss]));
    return card;
  }

  function act(group, action, done) {
    api('/api/review/' + encodeURIComponent(group.id), { method: 'POST', body: action }).then(function (r) {
      if (r.status === 409) notice(t('changed'), true);
      else if (r.ok) notice(done);
      else return r.json().then(function (b) { notice(t('error', { message: b.error && b.error.message }), true); });
    }).then(function () { loadReview(); loadReport(); });
  }

  $('own').addEventListener('submit', function (e) {
    e.preventDefault();
    api('/api/phrasings', { method: 'POST', body: { topic: $('own-topic').value, text: $('own-text').value } }).then(function (r) {
      return r.json().then(function (b) {
        if (r.status !== 201) return notice(t('error', { message: b.error && b.error.message }), true);
        notice(b.added ? t('added') : t('exists'));
        $('own-text').value = '';
      });
    });
  });

  /* Seller data */

  var seller = null;

  $('seller-form').addEventListener('submit', function (e) {
    e.preventDefault();
    seller = { kind: $('seller-kind').value, value: $('seller-value').value.trim() };
    api('/api/sellers?' + seller.kind + '=' + encodeURIComponent(seller.value)).then(function (r) {
      return r.json().then(function (body) { renderSeller(r.status, body); });
    });
  });

  function renderSeller(status, body) {
    var out = $('seller-result');
    out.textContent = '';
    if (status === 404 || (status === 200 && body.conversations.length === 0 && body.tickets.length === 0)) return out.appendChild(el('p', { className: 'card', text: t('notFound') }));
    if (status !== 200) return notice(t('error', { message: body.error && body.error.message }), true);
    var card = el('div', { className: 'card' }, [el('h3', { text: body.userKey + ' — ' + t('found', { conversations: body.conversations.length, tickets: body.tickets.length }) })]);
    body.conversations.forEach(function (c) {
      card.appendChild(el('details', {}, [el('summary', { text: c.key })].concat(c.transcript.map(function (line) {
        return el('div', { className: 'context', text: (line.from === 'user' ? t('seller') : t('bot')) + ': ' + line.text });
      }))));
    });
    body.tickets.forEach(function (x) { card.appendChild(el('p', { text: x.ticket + ' · ' + x.status })); });
    var download = el('button', { type: 'button', className: 'secondary', text: t('download') });
    download.addEventListener('click', function () {
      var link = el('a', { href: URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' })), download: body.userKey.replace(/[^\w.-]/g, '_') + '.json' });
      link.click();
    });
    var remove = el('button', { type: 'button', text: t('deleteAll') });
    remove.addEventListener('click', function () {
      if (!window.confirm(t('confirmDelete'))) return;
      var payload = {};
      payload[seller.kind] = seller.value;
      api('/api/sellers/delete', { method: 'POST', body: payload }).then(function (r) { return r.json(); }).then(function (b) {
        notice(t('deletedAll', b.deleted));
        $('seller-result').textContent = '';
        loadReport();
        loadReview();
      });
    });
    card.appendChild(el('div', { className: 'actions' }, [download, remove]));
    out.appendChild(card);
  }

  fetch('/admin/texts.json').then(function (r) { return r.json(); }).then(function (loaded) {
    texts = loaded;
    translatePage();
    start();
  });
})();
