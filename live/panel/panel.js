// @ts-check
// The live panel's script: signs in when needed, follows GET /api/v1/live
// (Server-Sent Events) and redraws the tables; sparklines (uPlot) from
// GET /api/v1/live/history every HISTORY_REFRESH_MS. It draws; it computes nothing.
(function () {
  'use strict';
  /** Sparklines are refetched this often (the server keeps one point per 10 s). */
  var HISTORY_REFRESH_MS = 10000;
  /** Thresholds of the default alert rules, to highlight a figure. */
  var BAD = { latency_p95_ms: 8000, rebuffer_pct: 2, playback_failure_pct: 5 };
  var COLUMNS = [
    ['concurrent_viewers', 'viewers'], ['sessions', 'sessions'],
    ['startup_p50_ms', 'startup p50 ms'], ['startup_p95_ms', 'startup p95 ms'],
    ['rebuffer_pct', 'rebuffer %'], ['latency_p50_ms', 'latency p50 ms'], ['latency_p95_ms', 'latency p95 ms'],
    ['playback_failure_pct', 'failure %'], ['ebvs_pct', 'EBVS %'], ['events_per_s', 'events/s'],
    ['clicks', 'clicks'], ['chat_messages', 'chat'],
  ];
  var $ = function (id) { return /** @type {HTMLElement} */ (document.getElementById(id)); };
  var history = { groups: [], shows: [] };
  var charts = new Map();

  function fmt(v) {
    if (v === null || v === undefined) return '–';
    return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
  }

  function header(table, keyName) {
    var tr = document.createElement('tr');
    ['retailer', keyName].concat(COLUMNS.map(function (c) { return c[1]; }), ['viewers, 30 min', 'latency p95, 30 min']).forEach(function (t) {
      var th = document.createElement('th');
      th.textContent = t;
      tr.appendChild(th);
    });
    table.tHead.replaceChildren(tr);
  }

  function pointsFor(kind, retailer, key) {
    var list = kind === 'region' ? history.groups : history.shows;
    for (var i = 0; i < list.length; i++) {
      var s = list[i];
      if (s.retailer_id === retailer && (kind === 'region' ? s.region : s.show_id) === key) return s.points;
    }
    return [];
  }

  function spark(td, id, xs, ys, color) {
    var data = [xs, ys];
    var chart = charts.get(id);
    if (chart && chart.root.isConnected) {
      chart.setData(data);
      td.appendChild(chart.root);
      return;
    }
    // @ts-ignore uPlot is the global of /live/uplot.js
    chart = new uPlot({ width: 110, height: 28, cursor: { show: false }, legend: { show: false }, select: { show: false },
      scales: { x: { time: false } }, axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: color, width: 1.5, spanGaps: true, points: { show: false } }] }, data, td);
    charts.set(id, chart);
  }

  function render(table, kind, rows) {
    var keyName = kind === 'region' ? 'region' : 'show_id';
    var body = table.tBodies[0];
    var fresh = document.createElement('tbody');
    if (rows.length === 0) {
      var tr0 = document.createElement('tr');
      var td0 = document.createElement('td');
      td0.colSpan = COLUMNS.length + 4;
      td0.className = 'empty';
      td0.textContent = 'no events in the window';
      tr0.appendChild(td0);
      fresh.appendChild(tr0);
    }
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      [row.retailer_id, row[keyName]].forEach(function (t) {
        var td = document.createElement('td');
        td.textContent = t;
        tr.appendChild(td);
      });
      COLUMNS.forEach(function (c) {
        var td = document.createElement('td');
        var v = row[c[0]];
        td.textContent = fmt(v);
        if (BAD[c[0]] !== undefined && v !== null && v > BAD[c[0]]) td.className = 'bad';
        tr.appendChild(td);
      });
      var pts = pointsFor(kind, row.retailer_id, row[keyName]);
      var xs = pts.map(function (p) { return p[0] / 1000; });
      var id = kind + '\u0000' + row.retailer_id + '\u0000' + row[keyName];
      var tdV = document.createElement('td');
      tdV.className = 'spark';
      var tdL = document.createElement('td');
      tdL.className = 'spark';
      tr.appendChild(tdV);
      tr.appendChild(tdL);
      fresh.appendChild(tr);
      if (pts.length > 1) {
        spark(tdV, id + '\u0000v', xs, pts.map(function (p) { return p[1]; }), '#0969da');
        spark(tdL, id + '\u0000l', xs, pts.map(function (p) { return p[2]; }), '#bf3989');
      }
    });
    table.replaceChild(fresh, body);
  }

  function show(snapshot) {
    $('window').textContent = String(snapshot.window_s);
    $('status').textContent = 'live · snapshot at ' + new Date(snapshot.at).toISOString().slice(11, 19) + ' UTC';
    render(/** @type {HTMLTableElement} */ ($('regions')), 'region', snapshot.groups);
    render(/** @type {HTMLTableElement} */ ($('shows')), 'show', snapshot.shows);
  }

  function loadHistory() {
    return fetch('/api/v1/live/history', { credentials: 'same-origin' }).then(function (r) {
      if (r.ok) return r.json().then(function (h) { history = h; });
    });
  }

  function follow() {
    $('signin').hidden = true;
    $('panel').hidden = false;
    header($('regions'), 'region');
    header($('shows'), 'show');
    loadHistory();
    setInterval(loadHistory, HISTORY_REFRESH_MS);
    var source = new EventSource('/api/v1/live');
    source.addEventListener('snapshot', function (e) { show(JSON.parse(/** @type {MessageEvent} */ (e).data)); });
    source.onerror = function () { $('status').textContent = 'reconnecting…'; };
  }

  function signIn() {
    $('status').textContent = 'sign in to see the live figures';
    $('signin').hidden = false;
    $('signin').addEventListener('submit', function (e) {
      e.preventDefault();
      var token = /** @type {HTMLInputElement} */ ($('token')).value;
      fetch('/api/v1/session', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token }) })
        .then(function (r) {
          if (r.ok) return follow();
          return r.json().then(function (b) { $('signin-error').textContent = b.error || ('sign-in failed: ' + r.status); });
        });
    });
  }

  fetch('/api/v1/session', { credentials: 'same-origin' }).then(function (r) { if (r.ok) follow(); else signIn(); });
})();
