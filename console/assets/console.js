// The web console: signs in with an API token, then shows feeds, alerts, watchlists and deliveries from /v1.
'use strict';

(() => {
  const TOKEN_KEY = 'newsalert.token';
  const REFRESH_MS = 5000;
  const main = document.getElementById('main');
  let refreshTimer = null;

  // --- small DOM helpers: every text goes in through textContent, never as markup ---------------

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function toast(message) {
    const box = document.getElementById('toast');
    box.textContent = message;
    box.classList.add('show');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => box.classList.remove('show'), 3500);
  }

  function when(iso) {
    if (!iso) return el('span', { class: 'muted', text: 'never' });
    const at = new Date(iso);
    const seconds = Math.round((at - Date.now()) / 1000);
    const abs = Math.abs(seconds);
    const [n, unit] = abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min']
      : abs < 86400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'd'];
    const text = abs < 5 ? 'now' : seconds < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    return el('time', { datetime: iso, title: at.toLocaleString(), text });
  }

  // `text` with each of `terms` wrapped in <mark>, longest first, ignoring case.
  function highlight(text, terms) {
    const unique = [...new Set(terms.filter((t) => t && t.trim()))].sort((a, b) => b.length - a.length);
    const frag = document.createDocumentFragment();
    if (!unique.length) { frag.append(text); return frag; }
    const pattern = new RegExp(unique.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
    let last = 0;
    for (const found of text.matchAll(pattern)) {
      frag.append(text.slice(last, found.index), el('mark', { text: found[0] }));
      last = found.index + found[0].length;
    }
    frag.append(text.slice(last));
    return frag;
  }

  // A feed's link as an href only when it is a web address: a hostile feed's javascript: or data:
  // link stays text (the Content-Security-Policy would block it too).
  function webLink(url) {
    try {
      return ['http:', 'https:'].includes(new URL(url).protocol) ? url : null;
    } catch {
      return null;
    }
  }

  function badge(kind, text) { return el('span', { class: `badge ${kind}`, text }); }

  // --- the API -------------------------------------------------------------------------------------

  class SignedOut extends Error {}

  async function api(method, path, { body, type, accept } = {}) {
    const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ''}` };
    if (type) headers['Content-Type'] = type;
    if (accept) headers.Accept = accept;
    const response = await fetch(path, { method, headers, body, cache: 'no-store' });
    const text = await response.text();
    let data = null;
    if ((response.headers.get('Content-Type') || '').startsWith('application/json')) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('That token was not accepted. Sign in again.');
      throw new SignedOut();
    }
    return { status: response.status, ok: response.ok, data, text };
  }

  function failure(result) {
    return (result.data && result.data.error) || `the daemon answered ${result.status}`;
  }

  // --- sign-in -------------------------------------------------------------------------------------

  function showLogin(message) {
    stopRefresh();
    document.getElementById('sign-out').hidden = true;
    document.getElementById('who').textContent = '';
    const input = el('input', { id: 'token', type: 'password', autocomplete: 'current-password', required: true,
                                'aria-describedby': 'token-help' });
    const problem = el('p', { class: 'notice bad', role: 'alert', hidden: !message, text: message || '' });
    const form = el('form', { class: 'login', 'aria-labelledby': 'login-title' },
      el('h1', { id: 'login-title', text: 'Sign in to newsalert' }),
      el('label', { for: 'token', text: 'API token' }), input,
      el('p', { id: 'token-help', class: 'muted small',
                text: 'A token from http.tokens in the daemon\'s config. It is kept for this tab only.' }),
      problem, el('button', { type: 'submit', text: 'Sign in' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      try {
        const result = await api('GET', '/v1/status');
        if (!result.ok) throw new Error(failure(result));
        route();
      } catch (error) {
        if (!(error instanceof SignedOut)) { problem.hidden = false; problem.textContent = error.message; }
      }
    });
    main.replaceChildren(form);
    input.focus();
  }

  // --- feeds ---------------------------------------------------------------------------------------

  function feedHealth(feed) {
    if (feed.last_result === 'never') return ['idle', 'waiting'];
    if (!feed.error_streak) return ['ok', 'ok'];
    return feed.error_streak > 1 ? ['bad', 'backing off'] : ['warn', 'failing'];
  }

  async function feedsView() {
    const { data } = await api('GET', '/v1/feeds');
    const feeds = data.feeds || [];
    const counts = { ok: 0, failing: 0, 'backing off': 0, waiting: 0 };
    for (const feed of feeds) counts[feedHealth(feed)[1]] += 1;
    const rows = feeds.map((feed) => {
      const [kind, label] = feedHealth(feed);
      return el('tr', {},
        el('td', {}, badge(kind, label)),
        el('td', { class: 'name' }, feed.title ? el('span', { class: 'clip', title: feed.title, text: feed.title }) : null,
          el('a', { class: 'clip small mono', href: webLink(feed.url), title: feed.url, rel: 'noreferrer', text: feed.url })),
        el('td', {}, when(feed.last_success)),
        el('td', { class: 'error small' }, feed.last_error || el('span', { class: 'muted', text: '—' })),
        el('td', { class: 'hide-narrow' }, when(feed.next_poll)));
    });
    return [
      el('h1', { text: 'Feeds' }),
      el('div', { class: 'summary' }, Object.entries(counts).map(([label, n]) =>
        el('div', { class: 'count' }, el('b', { text: n }), label))),
      feeds.length ? el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Feeds' },
        el('thead', {}, el('tr', {}, ['Health', 'Feed', 'Last success', 'Last error', 'Next poll'].map((h, i) =>
          el('th', { scope: 'col', class: i === 4 ? 'hide-narrow' : null, text: h })))),
        el('tbody', {}, rows)))
        : el('p', { class: 'empty', text: 'No feeds are configured.' }),
    ];
  }

  // --- alerts --------------------------------------------------------------------------------------

  function deliveryChip(delivery) {
    const kind = { delivered: 'ok', pending: 'warn', dead: 'bad' }[delivery.state] || 'idle';
    const detail = delivery.last_error ? `: ${delivery.last_error}` : '';
    return el('span', { class: `badge ${kind}`, title: `${delivery.state}${detail}`,
                        text: `${delivery.webhook} · ${delivery.state}` });
  }

  function matchedNames(label, hits) {
    if (!hits || !hits.length) return null;
    return el('span', { class: 'hit-group' }, `${label}: `,
      hits.map((h, i) => [i ? ', ' : '', el('b', { title: (h.matched || []).join(', '), text: h.name })]));
  }
  function hitSurfaces(hits) { return (hits || []).flatMap((h) => [h.name, ...(h.matched || [])]); }

  function alertCard(alert) {
    const terms = [...hitSurfaces(alert.actors), ...hitSurfaces(alert.regions)];
    return el('article', { class: 'card alert' },
      el('h3', {}, webLink(alert.link) ? el('a', { href: webLink(alert.link), target: '_blank', rel: 'noopener noreferrer' },
        highlight(alert.title, terms)) : highlight(alert.title, terms)),
      el('div', { class: 'meta' }, el('span', { text: alert.watchlist }), when(alert.first_seen),
        el('span', { class: 'clip', title: alert.feed, text: alert.feed }),
        alert.copies ? el('span', { text: `${alert.copies} more ${alert.copies === 1 ? 'copy' : 'copies'}` }) : null),
      (alert.snippets || []).slice(0, 2).map((s) => el('p', { class: 'snippet' }, highlight(s, terms))),
      el('div', { class: 'names' }, matchedNames('Actors', alert.actors), matchedNames('Regions', alert.regions)),
      el('div', { class: 'chips' }, alert.state !== 'alerted' ? badge('idle', alert.state) : null,
        (alert.deliveries || []).map(deliveryChip)));
  }

  async function alertsView(params) {
    const watchlist = params.get('watchlist') || '';
    const query = new URLSearchParams({ limit: '100', since: '30d' });
    if (watchlist) query.set('watchlist', watchlist);
    const [alerts, lists] = await Promise.all([api('GET', `/v1/alerts?${query}`), api('GET', '/v1/watchlists')]);
    const select = el('select', { id: 'alert-filter', onchange: (e) => {
      location.hash = e.target.value ? `#/alerts?watchlist=${encodeURIComponent(e.target.value)}` : '#/alerts';
    } }, el('option', { value: '', text: 'every watchlist' }),
    (lists.data.watchlists || []).map((w) => el('option', { value: w.name, selected: w.name === watchlist, text: w.name })));
    const items = alerts.data.alerts || [];
    return [
      el('h1', { text: 'Alerts' }),
      el('div', { class: 'toolbar' }, el('label', { for: 'alert-filter', text: 'Watchlist' }), select,
        el('span', { class: 'muted small', text: 'newest first, last 30 days; refreshes by itself' })),
      items.length ? el('div', { class: 'cards', id: 'alert-list' }, items.map(alertCard))
        : el('p', { class: 'empty', id: 'alert-list', text: 'No alerts yet in this window.' }),
    ];
  }

  // --- watchlists ----------------------------------------------------------------------------------

  async function watchlistsView() {
    const { data } = await api('GET', '/v1/watchlists');
    const lists = data.watchlists || [];
    const rows = lists.map((w) => el('tr', {},
      el('td', { class: 'name' }, el('a', { class: 'clip', href: `#/watchlists/${encodeURIComponent(w.name)}`,
        text: w.name })),
      el('td', {}, w.read_only ? badge('idle', 'config file') : badge('ok', 'editable')),
      el('td', { class: 'small mono hide-narrow' }, el('span', { class: 'clip', title: w.defined_in, text: w.defined_in })),
      el('td', {}, el('a', { href: `#/alerts?watchlist=${encodeURIComponent(w.name)}`, text: 'alerts' }))));
    return [
      el('div', { class: 'toolbar' }, el('h1', { class: 'grow', text: 'Watchlists' }),
        el('a', { class: 'button', href: '#/watchlists/new', text: 'New watchlist' })),
      lists.length ? el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Watchlists' },
        el('thead', {}, el('tr', {}, ['Name', 'Kept in', 'File', ''].map((h, i) =>
          el('th', { scope: 'col', class: i === 2 ? 'hide-narrow' : null, text: h })))),
        el('tbody', {}, rows)))
        : el('p', { class: 'empty', text: 'No watchlists yet.' }),
    ];
  }

  const NEW_WATCHLIST = `# People, organisations, armed groups: a name, or {name, aliases: [...]}
actors:
  - name: Ali Khamenei
    aliases: [Khamenei]
# Countries, provinces, cities: demonyms and capitals count too
regions: [Iran, Israel]
# actor and region, any, or a rule: Khamenei and (Israel or "Tel Aviv")
require: actor and region
`;

  // A YAML editor with line numbers; marks(lines) flags the lines an error points at.
  function yamlEditor(text, readOnly) {
    const gutter = el('pre', { class: 'gutter', 'aria-hidden': 'true' });
    const area = el('textarea', { id: 'yaml', spellcheck: 'false', autocapitalize: 'off', 'aria-label': 'Watchlist YAML',
                                  'aria-describedby': 'errors', readonly: readOnly });
    area.value = text;
    let bad = new Set();
    const paint = () => {
      const count = area.value.split('\n').length;
      gutter.replaceChildren(...Array.from({ length: count }, (_, i) =>
        el('span', { class: bad.has(i + 1) ? 'bad' : null, text: i + 1 })));
      gutter.scrollTop = area.scrollTop;
    };
    area.addEventListener('input', paint);
    area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
    area.addEventListener('keydown', (event) => {   // Tab indents; Escape then Tab leaves the editor
      if (event.key !== 'Tab' || event.shiftKey || area.readOnly || area.dataset.escaped) return;
      event.preventDefault();
      area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
      paint();
    });
    area.addEventListener('keyup', (event) => { if (event.key === 'Escape') area.dataset.escaped = '1'; });
    area.addEventListener('focus', () => { delete area.dataset.escaped; });
    paint();
    return {
      node: el('div', { class: 'editor' }, gutter, area),
      area,
      marks(lines) { bad = new Set(lines); paint(); },
      goTo(line, column) {
        const lines = area.value.split('\n');
        let start = 0;
        for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) start += lines[i].length + 1;
        const at = start + Math.max(0, Math.min((column || 1) - 1, (lines[line - 1] || '').length));
        area.focus();
        area.setSelectionRange(at, start + (lines[line - 1] || '').length);
        area.scrollTop = Math.max(0, (line - 4) * 20);
      },
    };
  }

  function errorList(errors, editor) {
    return el('ul', { class: 'errors', id: 'errors', role: 'alert' }, errors.map((e) => {
      const where = e.line ? `line ${e.line}${e.column ? `, column ${e.column}` : ''}` : 'watchlist';
      const path = e.path ? `${e.path}: ` : '';
      return el('li', {}, el('button', { type: 'button', class: 'error-line',
        onclick: () => e.line && editor.goTo(e.line, e.column) }, el('b', { text: where }), ` — ${path}${e.message}`));
    }));
  }

  function tryResults(result) {
    const hits = result.alerts || [];
    const head = el('h2', { text: `Would have raised ${hits.length} ${hits.length === 1 ? 'alert' : 'alerts'} ` +
      `from ${result.articles_tried} articles in the last ${result.since}` + (result.complete ? '' : ' (newest only)') });
    const cards = hits.map(({ article, explanation }) => {
      const terms = ((explanation && explanation.occurrences) || []).map((o) => o.surface);
      return el('article', { class: 'card tried' },
        el('h3', {}, el('a', { href: webLink(article.link), target: '_blank', rel: 'noopener noreferrer' },
          highlight(article.title, terms))),
        el('div', { class: 'meta' }, el('span', { class: 'clip', text: article.feed_title || article.feed }),
          article.published ? when(article.published) : null,
          explanation ? el('span', { text: `score ${explanation.score}` }) : null),
        article.summary ? el('p', { class: 'snippet' }, highlight(article.summary.slice(0, 400), terms)) : null);
    });
    return [head, el('div', { class: 'cards' }, cards)];
  }

  async function watchlistEditorView(name) {
    const creating = name === null;
    let readOnly = false, definedIn = '';
    let text = NEW_WATCHLIST;
    if (!creating) {
      const [doc, list] = await Promise.all([
        api('GET', `/v1/watchlists/${encodeURIComponent(name)}`, { accept: 'application/yaml' }),
        api('GET', '/v1/watchlists')]);
      if (!doc.ok) return [el('h1', { text: name }), el('p', { class: 'notice bad', text: failure(doc) })];
      text = doc.text;
      const entry = (list.data.watchlists || []).find((w) => w.name === name) || {};
      readOnly = !!entry.read_only;
      definedIn = entry.defined_in || '';
    }
    const editor = yamlEditor(text, readOnly);
    const nameInput = el('input', { id: 'wl-name', required: true, pattern: '[A-Za-z0-9_.\\-]+', value: name || '',
                                    readonly: !creating, 'aria-describedby': 'name-help' });
    const messages = el('div', { id: 'messages', 'aria-live': 'polite' });
    const results = el('section', { id: 'try-results', 'aria-live': 'polite' });
    const currentName = () => nameInput.value.trim();

    const showErrors = (result) => {
      const errors = (result.data && result.data.errors) || [{ message: failure(result) }];
      editor.marks(errors.map((e) => e.line).filter(Boolean));
      messages.replaceChildren(errorList(errors, editor));
    };
    const clearErrors = () => { editor.marks([]); messages.replaceChildren(); };
    const checkName = () => {
      if (nameInput.checkValidity()) return true;
      messages.replaceChildren(el('p', { class: 'notice bad', role: 'alert',
        text: 'Give the watchlist a name: letters, digits, _, . and - only.' }));
      nameInput.focus();
      return false;
    };

    const save = async () => {
      if (!checkName()) return;
      const result = await api('PUT', `/v1/watchlists/${encodeURIComponent(currentName())}`,
        { body: editor.area.value, type: 'application/yaml' });
      if (!result.ok) return showErrors(result);
      clearErrors();
      toast(`Saved watchlist ${currentName()}: it is running now`);
      if (creating) location.hash = `#/watchlists/${encodeURIComponent(currentName())}`;
    };
    const tryIt = async () => {
      if (!checkName()) return;
      results.replaceChildren(el('p', { class: 'muted', text: 'Trying on the stored articles…' }));
      const result = await api('POST', `/v1/watchlists/${encodeURIComponent(currentName())}/try?since=7d`,
        { body: editor.area.value, type: 'application/yaml' });
      if (!result.ok) { results.replaceChildren(); return showErrors(result); }
      clearErrors();
      results.replaceChildren(...tryResults(result.data));
    };
    const remove = async () => {
      if (!confirm(`Delete watchlist ${name}? Its alerts stop at once.`)) return;
      const result = await api('DELETE', `/v1/watchlists/${encodeURIComponent(name)}`);
      if (!result.ok) return showErrors(result);
      toast(`Deleted watchlist ${name}`);
      location.hash = '#/watchlists';
    };

    return [
      el('div', { class: 'toolbar' }, el('h1', { class: 'grow', text: creating ? 'New watchlist' : name }),
        el('a', { class: 'button quiet', href: '#/watchlists', text: 'All watchlists' })),
      readOnly ? el('p', { class: 'notice', text: `Defined in ${definedIn}: change it there. ` +
        'You can still try edits here on the stored articles.' }) : null,
      el('div', { class: 'editor-head' },
        el('div', {}, el('label', { for: 'wl-name', text: 'Name' }), el('br'), nameInput),
        el('span', { id: 'name-help', class: 'muted small grow',
          text: 'YAML, as in the config file (docs/matching.md). Tab indents; Escape, then Tab, leaves the editor.' })),
      editor.node,
      messages,
      el('div', { class: 'toolbar' },
        el('button', { type: 'button', class: 'quiet', id: 'try', onclick: tryIt, text: 'Try it on the last 7 days' }),
        readOnly ? null : el('button', { type: 'button', id: 'save', onclick: save, text: 'Save' }),
        creating || readOnly ? null : el('button', { type: 'button', class: 'danger', id: 'delete', onclick: remove,
          text: 'Delete' })),
      results,
    ];
  }

  // --- deliveries ----------------------------------------------------------------------------------

  async function deliveriesView() {
    const { data } = await api('GET', '/v1/deliveries');
    const letters = data.dead_letters || [], disabled = data.disabled_webhooks || [];
    const retry = async (letter, button) => {
      button.disabled = true;
      const result = await api('POST', `/v1/deliveries/${letter.id}/retry`);
      if (!result.ok) { button.disabled = false; return toast(failure(result)); }
      toast(`Alert queued again for ${letter.webhook}`);
      render();
    };
    const letterRows = letters.map((letter) => {
      const button = el('button', { type: 'button', class: 'quiet', text: 'Retry',
                                    'aria-label': `Retry ${letter.title || letter.alert_id} to ${letter.webhook}` });
      button.addEventListener('click', () => retry(letter, button));
      return el('tr', {},
        el('td', { class: 'name' }, webLink(letter.link) ? el('a', { class: 'clip', href: webLink(letter.link), rel: 'noreferrer',
          title: letter.title, text: letter.title || letter.alert_id }) : el('span', { class: 'clip', text: letter.title || letter.alert_id }),
        el('span', { class: 'muted small', text: letter.watchlist })),
        el('td', { class: 'mono' }, letter.webhook),
        el('td', { class: 'error small' }, `${letter.last_error} (${letter.attempts} ${letter.attempts === 1 ? 'attempt' : 'attempts'})`),
        el('td', { class: 'hide-narrow' }, when(letter.failed)),
        el('td', {}, button));
    });
    return [
      el('h1', { text: 'Deliveries' }),
      el('h2', { text: 'Disabled webhooks' }),
      disabled.length ? el('div', { class: 'cards', id: 'disabled' }, disabled.map((d) => el('div', { class: 'card' },
        el('h3', {}, badge('bad', 'disabled'), ' ', d.webhook),
        el('div', { class: 'meta' }, el('span', { class: 'mono', text: d.url }), when(d.since)),
        el('p', { text: `${d.reason}. Retrying one of its dead letters switches it back on.` }))))
        : el('p', { class: 'muted', text: 'None: every webhook is on.' }),
      el('h2', { text: `Dead letters (${letters.length})` }),
      letters.length ? el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Dead letters' },
        el('thead', {}, el('tr', {}, ['Alert', 'Webhook', 'Last error', 'Failed', ''].map((h, i) =>
          el('th', { scope: 'col', class: i === 3 ? 'hide-narrow' : null, text: h })))),
        el('tbody', {}, letterRows)))
        : el('p', { class: 'empty', text: 'No dead letters: every alert was delivered or is still being tried.' }),
    ];
  }

  // --- routing -------------------------------------------------------------------------------------

  function parseHash() {
    const [path, query] = (location.hash.slice(1) || '/feeds').split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || '') };
  }

  function viewFor({ parts, params }) {
    const [section, name] = parts;
    if (section === 'alerts') return { key: 'alerts', live: true, build: () => alertsView(params) };
    if (section === 'watchlists' && name) {
      return { key: 'watchlists', live: false, build: () => watchlistEditorView(name === 'new' ? null : name) };
    }
    if (section === 'watchlists') return { key: 'watchlists', live: false, build: watchlistsView };
    if (section === 'deliveries') return { key: 'deliveries', live: true, build: deliveriesView };
    return { key: 'feeds', live: true, build: feedsView };
  }

  function stopRefresh() { clearTimeout(refreshTimer); refreshTimer = null; }

  let rendering = 0;
  async function render({ focus = false } = {}) {
    stopRefresh();
    const view = viewFor(parseHash());
    const ticket = ++rendering;
    for (const link of document.querySelectorAll('.bar nav a')) {
      if (link.dataset.view === view.key) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    try {
      const nodes = await view.build();
      if (ticket !== rendering) return;   // a newer view started meanwhile
      // A refresh waits while someone is using a control of the page, so focus is never lost.
      const active = document.activeElement;
      if (!focus && active && main.contains(active) && active.matches('select, input, textarea')) {
        refreshTimer = setTimeout(render, REFRESH_MS);
        return;
      }
      const scroll = window.scrollY;
      main.replaceChildren(...nodes.flat().filter(Boolean));
      if (focus) main.focus(); else window.scrollTo(0, scroll);
    } catch (error) {
      if (error instanceof SignedOut || ticket !== rendering) return;
      main.replaceChildren(el('p', { class: 'notice bad', role: 'alert', text: `Could not load this page: ${error.message}` }));
    }
    if (view.live && ticket === rendering) {
      refreshTimer = setTimeout(() => { if (!document.hidden) render(); else refreshTimer = setTimeout(render, REFRESH_MS); },
        REFRESH_MS);
    }
  }

  // Moving between views puts focus on the new content, as a page load would for a screen
  // reader; the first load leaves it at the top, where the skip link is.
  async function route({ focus = true } = {}) {
    if (!sessionStorage.getItem(TOKEN_KEY)) return showLogin();
    document.getElementById('sign-out').hidden = false;
    document.getElementById('who').textContent = 'signed in';
    await render({ focus });
  }

  document.getElementById('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin('Signed out.');
  });
  window.addEventListener('hashchange', () => route());
  route({ focus: false });
})();
