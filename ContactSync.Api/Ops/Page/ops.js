// The operator dashboard: polls /api/ops/status once a second with the operator key (sessionStorage only) and
// draws what it answers. No framework and no inline script (the page's Content-Security-Policy forbids it); every
// value from the API goes into the page as text, never as markup.
'use strict';

const KEY = 'contactsync.operatorKey';
const WINDOW_SECONDS = 300;
const COLORS = ['#1d4ed8', '#b91c1c', '#15803d', '#7c3aed', '#c2410c', '#0e7490', '#be185d', '#4b5563'];
const SVG = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);
const state = { key: sessionStorage.getItem(KEY), timer: null, previous: null, samples: [], rebuilds: new Map(), online: true };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = v; else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) node.append(c);
  return node;
}

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function api(path, method = 'GET', key = state.key) {
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), 8000);
  let res;
  try {
    res = await fetch(path, { method, headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' }, signal: abort.signal, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'The API is not answering.');
  } finally {
    clearTimeout(timeout);
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) throw new ApiError(res.status, (body && (body.detail || body.title)) || ('HTTP ' + res.status));
  return { status: res.status, body };
}

// ---- sign-in ----

async function signIn(event) {
  event.preventDefault();
  const key = $('key').value.trim();
  const error = $('signin-error');
  error.textContent = '';
  if (!key) { error.textContent = 'Enter the operator key.'; $('key').focus(); return; }
  try {
    const { body } = await api('/api/ops/status', 'GET', key);
    state.key = key;
    sessionStorage.setItem(KEY, key);
    $('key').value = '';
    showDashboard();
    render(body);
    schedule();
  } catch (e) {
    error.textContent = e.status === 401 || e.status === 403
      ? `That key was refused (${e.status}): it is not the operator key.`
      : `Could not sign in: ${e.message}`;
    $('key').focus();
  }
}

function signOut(message) {
  state.key = null;
  sessionStorage.removeItem(KEY);
  clearTimeout(state.timer);
  state.samples = []; state.previous = null; state.rebuilds.clear();
  $('dashboard').hidden = true; $('signout').hidden = true; $('signin').hidden = false;
  $('disconnected').hidden = true; $('live').textContent = '';
  $('signin-error').textContent = message || '';
  $('key').focus();
}

function showDashboard() {
  $('signin').hidden = true; $('dashboard').hidden = false; $('signout').hidden = false;
}

// ---- polling ----

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(tick, 1000);
}

async function tick() {
  if (!state.key) return;
  try {
    const { body } = await api('/api/ops/status');
    setOnline(true);
    render(body);
    await pollRebuilds(body);
  } catch (e) {
    if (e.status === 401 || e.status === 403) { signOut(`The operator key is no longer accepted (${e.status}); sign in again.`); return; }
    setOnline(false);
  }
  schedule();
}

function setOnline(online) {
  if (state.online === online) return;
  state.online = online;
  $('disconnected').hidden = online;
  if (!online) $('last-seen').textContent = state.previous ? time(state.previous.at) : 'before';
}

// ---- rendering ----

function render(s) {
  $('live').textContent = 'Updated ' + time(s.at);
  sample(s);
  renderFigures(s);
  renderCharts(s);
  renderProjections(s.projections);
  renderConnections(s.connections, s.connectionsTruncated);
}

function sample(s) {
  const t = Date.parse(s.at) / 1000;
  const prev = state.previous;
  const dt = prev ? t - Date.parse(prev.at) / 1000 : 0;
  const rate = (now, before) => (dt > 0 ? Math.max(0, (now - before) / dt) : 0);
  state.samples.push({
    t,
    events: s.throughput.eventsLastSecond,
    lags: Object.fromEntries(s.projections.map((p) => [p.name, p.lag])),
    requests: prev ? rate(s.throttling.providerRequests, prev.throttling.providerRequests) : 0,
    throttled: prev ? rate(s.throttling.throttledRequests, prev.throttling.throttledRequests) : 0,
  });
  while (state.samples.length && state.samples[0].t < t - WINDOW_SECONDS) state.samples.shift();
  state.previous = s;
}

function renderFigures(s) {
  const last = state.samples[state.samples.length - 1];
  const figure = (id, main, sub) => $(id).replaceChildren(main, el('small', { text: sub }));
  figure('fig-events', `${s.throughput.eventsLastSecond}/s`, `${s.throughput.eventsLastMinute} in the last minute`);
  const worst = s.projections.reduce((a, p) => (p.lag > (a?.lag ?? -1) ? p : a), null);
  figure('fig-lag', `${worst ? worst.lag : 0} events`, worst && worst.lag > 0 ? worst.name : 'every projection at the head');
  figure('fig-requests', `${last.requests.toFixed(1)}/s`, `${s.throttling.providerRequests} in finished runs`);
  figure('fig-throttled', `${last.throttled.toFixed(1)}/s`, `${s.throttling.throttledRequests} in finished runs`);
}

function renderCharts(s) {
  const pick = (f) => state.samples.map((x) => ({ t: x.t, v: f(x) }));
  chart('chart-events', 'Events appended per second', [{ name: 'events/s', values: pick((x) => x.events) }]);
  chart('chart-lag', 'Projection lag in events', s.projections.map((p) => ({ name: p.name, values: pick((x) => x.lags[p.name] ?? 0) })));
  chart('chart-requests', 'Provider requests and throttled answers per second',
    [{ name: 'requests/s', values: pick((x) => x.requests) }, { name: 'throttled/s', values: pick((x) => x.throttled) }]);
}

// An inline SVG line chart over the last WINDOW_SECONDS; its text alternative states the current and largest values.
function chart(id, title, series) {
  const host = $(id);
  const w = 300, h = 100;
  const now = state.samples.length ? state.samples[state.samples.length - 1].t : 0;
  const max = Math.max(1, ...series.flatMap((s) => s.values.map((p) => p.v)));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const summary = series.map((s) => `${s.name} now ${fmt(s.values.at(-1)?.v ?? 0)}, max ${fmt(Math.max(0, ...s.values.map((p) => p.v)))}`).join('; ');
  svg.setAttribute('aria-label', `${title}, last ${WINDOW_SECONDS / 60} minutes: ${summary}`);
  for (const y of [0.25, 0.5, 0.75]) {
    const line = document.createElementNS(SVG, 'line');
    line.setAttribute('x1', 0); line.setAttribute('x2', w); line.setAttribute('y1', h * y); line.setAttribute('y2', h * y);
    line.setAttribute('stroke', '#e5e7eb'); line.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(line);
  }
  series.forEach((s, i) => {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', s.values.map((p) => `${(w * (1 - (now - p.t) / WINDOW_SECONDS)).toFixed(1)},${(h - 2 - (h - 4) * p.v / max).toFixed(1)}`).join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', COLORS[i % COLORS.length]);
    line.setAttribute('stroke-width', '2');
    line.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(line);
  });
  const legend = el('ul', { class: 'legend' }, el('li', { text: `scale 0–${fmt(max)}` }),
    ...series.map((s, i) => {
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = COLORS[i % COLORS.length];
      return el('li', {}, swatch, `${s.name}: ${fmt(s.values.at(-1)?.v ?? 0)}`);
    }));
  host.replaceChildren(svg, legend);
}

// Rows are kept per id and updated in place, so focus, button state and results survive the once-a-second update.
function rowFor(tbody, id, create) {
  let row = tbody.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
  if (!row) { row = create(); row.dataset.id = id; tbody.append(row); }
  return row;
}

function renderProjections(projections) {
  const tbody = $('projections').querySelector('tbody');
  for (const p of projections) {
    const row = rowFor(tbody, p.name, () => {
      const button = el('button', { type: 'button', class: 'secondary', 'aria-label': `Rebuild the ${p.name} projection`, text: 'Rebuild' });
      button.addEventListener('click', () => rebuild(p.name, row));
      return el('tr', { 'data-projection': p.name },
        el('td', { 'data-label': 'Projection', class: 'name', text: p.name }),
        el('td', { 'data-label': 'State' }, el('span', { class: 'state' })),
        el('td', { 'data-label': 'Position / head', class: 'num position' }),
        el('td', { 'data-label': 'Lag', class: 'num lag' }),
        el('td', { 'data-label': 'Rebuild' }, button,
          el('progress', { class: 'rebuild-progress', max: '1', value: '0', 'aria-label': `Rebuild progress of ${p.name}`, hidden: true }),
          el('span', { class: 'result', 'aria-live': 'polite' }),
          el('span', { class: 'checksum' })));
    });
    const tracked = state.rebuilds.get(p.name);
    const shown = tracked ? 'rebuilding' : p.state;
    const st = row.querySelector('.state');
    st.textContent = shown; st.className = `state state-${shown}`;
    row.querySelector('.position').textContent = `${p.position} / ${p.head}`;
    row.querySelector('.lag').textContent = `${p.lag} events`;
    if (p.state === 'rebuilding' && !tracked) state.rebuilds.set(p.name, { before: null, seen: true });
  }
}

async function rebuild(name, row) {
  const button = row.querySelector('button');
  const result = row.querySelector('.result');
  button.disabled = true;
  row.querySelector('.checksum').textContent = '';
  try {
    const before = (await api(`/api/ops/projections/${encodeURIComponent(name)}`)).body.rebuiltAt;
    await api(`/api/ops/projections/${encodeURIComponent(name)}/rebuild`, 'POST');
    state.rebuilds.set(name, { before, seen: false });
    showRebuild(row, 0, 'Rebuild requested; waiting for the projector…');
  } catch (e) {
    if (e.status === 409) { state.rebuilds.set(name, { before: null, seen: true }); showRebuild(row, 0, 'Already rebuilding.'); return; }
    result.textContent = `Rebuild refused: ${e.message}`;
    result.classList.add('bad');
    button.disabled = false;
  }
}

function showRebuild(row, progress, text) {
  const bar = row.querySelector('.rebuild-progress');
  bar.hidden = false;
  bar.value = progress;
  bar.setAttribute('aria-valuetext', `${Math.round(progress * 100)} percent`);
  const result = row.querySelector('.result');
  result.classList.remove('bad');
  result.textContent = text;
}

async function pollRebuilds() {
  for (const [name, tracked] of state.rebuilds) {
    const row = $('projections').querySelector(`tr[data-projection="${CSS.escape(name)}"]`);
    if (!row) continue;
    const p = (await api(`/api/ops/projections/${encodeURIComponent(name)}`)).body;
    if (p.state === 'rebuilding') {
      tracked.seen = true;
      showRebuild(row, p.progress, `Rebuilding: ${Math.round(p.progress * 100)}%`);
    } else if (tracked.seen || p.rebuiltAt !== tracked.before) {
      state.rebuilds.delete(name);
      row.querySelector('.rebuild-progress').hidden = true;
      row.querySelector('.result').textContent = `Rebuilt at ${time(p.rebuiltAt)}.`;
      row.querySelector('.checksum').textContent = `Checksum ${p.checksum}`;
      row.querySelector('button').disabled = false;
      const st = row.querySelector('.state');
      st.textContent = p.state; st.className = `state state-${p.state}`;
    }
  }
}

function renderConnections(connections, truncated) {
  const tbody = $('connections').querySelector('tbody');
  $('connections-count').textContent = `(${connections.length}${truncated ? '+' : ''})`;
  $('connections-note').textContent = truncated ? `Only the first ${connections.length} connections are shown.` : (connections.length ? '' : 'No connection exists yet.');
  const ids = new Set(connections.map((c) => c.id));
  for (const row of [...tbody.rows]) if (!ids.has(row.dataset.id)) row.remove();
  for (const c of connections) {
    const short = c.id.slice(0, 8);
    const row = rowFor(tbody, c.id, () => {
      const actions = el('div', { class: 'actions' });
      for (const [step, label] of [['sync', 'Sync now'], ['pause', 'Pause'], ['resume', 'Resume']]) {
        const b = el('button', { type: 'button', class: step === 'sync' ? '' : 'secondary', 'data-step': step, 'aria-label': `${label}: connection ${short}`, text: label });
        b.addEventListener('click', () => step_(c.id, step, label, row));
        actions.append(b);
      }
      return el('tr', { 'data-connection-id': c.id },
        el('td', { 'data-label': 'Tenant / conn.' }, el('span', { class: 'id tenant' }), el('br'), el('span', { class: 'id conn' })),
        el('td', { 'data-label': 'Provider', class: 'provider' }),
        el('td', { 'data-label': 'State' }, el('span', { class: 'state' })),
        el('td', { 'data-label': 'Progress' },
          el('progress', { class: 'sync-progress', 'aria-label': `Sync progress of connection ${short}` }), el('span', { class: 'bar-label' })),
        el('td', { 'data-label': 'Last sync', class: 'last-sync' }),
        el('td', { 'data-label': 'Lag', class: 'num lag' }),
        el('td', { 'data-label': 'Errors', class: 'err' }),
        el('td', { 'data-label': 'Requests', class: 'num requests' }),
        el('td', { 'data-label': 'Actions' }, actions, el('span', { class: 'result', 'aria-live': 'polite' })));
    });
    row.querySelector('.tenant').textContent = `tenant ${c.tenantId}`;
    row.querySelector('.conn').textContent = `connection ${c.id}`;
    row.querySelector('.provider').textContent = c.provider;
    const st = row.querySelector('.state');
    st.textContent = c.state + (c.pausedFor ? ` (${c.pausedFor})` : ''); st.className = `state state-${c.state}`;
    renderProgress(row, c);
    row.querySelector('.last-sync').textContent = c.lastSyncAt ? time(c.lastSyncAt) : 'never';
    row.dataset.lastSync = c.lastSyncAt || '';
    row.dataset.state = c.state;
    row.querySelector('.lag').textContent = c.lag === null ? '–' : duration(c.lag);
    const errors = [c.lastError, c.counts.conflicts ? `${c.counts.conflicts} open conflicts` : null].filter(Boolean).join('; ');
    const err = row.querySelector('.err');
    err.textContent = errors || 'none';
    err.classList.toggle('none', !errors);
    row.querySelector('.requests').textContent = `${c.requests.total} sent, ${c.requests.throttled} throttled · ${c.counts.linked} linked`;
    row.querySelector('[data-step=pause]').disabled = c.state === 'paused' || c.state === 'disconnected';
    row.querySelector('[data-step=resume]').disabled = c.state !== 'paused';
  }
}

// A running sync shows its phase and done of total; a connection whose last run has ended shows a full bar, "done".
function renderProgress(row, c) {
  const bar = row.querySelector('.sync-progress');
  const label = row.querySelector('.bar-label');
  if (c.progress) {
    bar.hidden = false;
    if (c.progress.total > 0) { bar.max = c.progress.total; bar.value = Math.min(c.progress.done, c.progress.total); } else bar.removeAttribute('value');
    bar.setAttribute('aria-valuetext', `${c.progress.phase}: ${c.progress.done} of ${c.progress.total}`);
    label.textContent = `${c.progress.phase}: ${c.progress.done} of ${c.progress.total}`;
  } else if (c.lastSyncAt) {
    bar.hidden = false; bar.max = 1; bar.value = 1;
    bar.setAttribute('aria-valuetext', 'done');
    label.textContent = 'done';
  } else {
    bar.hidden = true;
    label.textContent = 'not synced yet';
  }
}

async function step_(id, step, label, row) {
  const result = row.querySelector('.result');
  result.classList.remove('bad');
  result.textContent = `${label}…`;
  try {
    const { status, body } = await api(`/api/ops/connections/${id}/${step}`, 'POST');
    result.textContent = `${label}: ${status === 202 ? 'accepted' : 'done'} (${status}), now ${body.state}.`;
  } catch (e) {
    result.classList.add('bad');
    result.textContent = `${label} refused (${e.status || 'no answer'}): ${e.message}`;
  }
}

// ---- formatting ----

function time(iso) { return iso ? new Date(iso).toLocaleTimeString('en-GB') : '–'; }
function fmt(v) { return v >= 100 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString(); }
function duration(s) {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

document.addEventListener('DOMContentLoaded', () => {
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => signOut('Signed out.'));
  if (state.key) {
    showDashboard();
    tick();
  } else {
    $('key').focus();
  }
});
