/**
 * The dashboard's browser script (ES2017, no libraries): fetches clusters, metrics, alerts and jobs with the
 * function key of the page (`?code=`) and the API key (from `#key=` or the login form, kept in sessionStorage), and
 * draws the charts as inline SVG.
 * Kept as a string module so `tsc` ships it inside dist/ (the deployment package is dist/ only); no backticks or
 * `${` inside, so it stays a plain raw string.
 */
export const dashboardScript = String.raw`(function () {
  'use strict';
  var palette = ['#4cc9f0', '#f72585', '#b5e48c', '#ffb703', '#9d4edd', '#06d6a0', '#ff6b6b', '#48bfe3', '#e9c46a', '#8ecae6'];
  var ranges = { '15m': 900e3, '1h': 3600e3, '6h': 21600e3, '24h': 86400e3 };
  var state = { range: '1h', timer: null };
  var params = new URLSearchParams(location.search);
  var functionKey = params.get('code') || '';
  var base = location.pathname.replace(/\/dashboard\/?$/, '');

  function apiKey() {
    var m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem('rcm-api-key', decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem('rcm-api-key') || '';
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      // CSSOM, not a style attribute: the page's CSP allows no inline styles.
      else if (k === 'style') attrs[k].split(';').forEach(function (d) { var i = d.indexOf(':'); if (i > 0) node.style.setProperty(d.slice(0, i).trim(), d.slice(i + 1).trim()); });
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function get(path) {
    var headers = { 'x-api-key': apiKey() };
    if (functionKey) headers['x-functions-key'] = functionKey;
    return fetch(base + path, { headers: headers }).then(function (res) {
      if (res.status === 404 && path.indexOf('/jobs') > 0) return { unavailable: true };
      if (!res.ok) return res.json().catch(function () { return {}; }).then(function (p) { throw new Error(res.status + ' ' + (p.code || res.statusText) + (p.detail ? ': ' + p.detail : '')); });
      return res.json();
    });
  }

  function fmt(v, unit) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    if (unit === 'By' || unit === 'By/s') {
      var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      var i = 0;
      var x = Math.abs(v);
      while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
      return (v < 0 ? '-' : '') + (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + ' ' + units[i] + (unit === 'By/s' ? '/s' : '');
    }
    if (unit === 'pct') return (v * 100).toFixed(1) + ' %';
    if (unit === 'ms') return (v >= 100 ? v.toFixed(0) : v.toFixed(2)) + ' ms';
    if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(2) + ' M';
    if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(1) + ' k';
    if (Math.abs(v) >= 100) return v.toFixed(0);
    return (Math.round(v * 100) / 100).toString();
  }
  /** hh:mm, with seconds when the chart spans less than 15 minutes. */
  function clock(ms, span) {
    var d = new Date(ms);
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2) + (span < 900e3 ? ':' + ('0' + d.getSeconds()).slice(-2) : '');
  }

  /** An SVG line chart: one line per series, optional dashed limit lines, axes, grid, legend, hover values. */
  function lineChart(title, lines, opts) {
    opts = opts || {};
    var W = 560, H = 220, L = 64, R = 12, T = 14, B = 28;
    var box = el('figure', { class: 'chart' }, [el('figcaption', { text: title })]);
    var pts = [];
    lines.concat(opts.limits || []).forEach(function (l) { l.points.forEach(function (p) { if (p[1] !== null) pts.push(p); }); });
    if (!pts.length) { box.appendChild(el('div', { class: 'empty', text: 'no data in this range yet' })); return box; }
    var t0 = Math.min.apply(null, pts.map(function (p) { return p[0]; }));
    var t1 = Math.max.apply(null, pts.map(function (p) { return p[0]; }));
    if (t1 === t0) { t0 -= 30e3; t1 += 30e3; }
    var vmax = Math.max.apply(null, pts.map(function (p) { return p[1]; }));
    var vmin = Math.min(0, Math.min.apply(null, pts.map(function (p) { return p[1]; })));
    if (opts.max !== undefined) vmax = Math.max(opts.max, vmax);
    if (vmax === vmin) vmax = vmin + 1;
    vmax = vmax * 1.05;
    var x = function (t) { return L + (t - t0) / (t1 - t0) * (W - L - R); };
    var y = function (v) { return T + (1 - (v - vmin) / (vmax - vmin)) * (H - T - B); };
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'plot', role: 'img', 'aria-label': title });
    for (var g = 0; g <= 4; g++) {
      var v = vmin + (vmax - vmin) * g / 4;
      root.appendChild(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
      root.appendChild(svg('text', { x: L - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(v, opts.unit)));
    }
    for (var k = 0; k <= 4; k++) {
      var t = t0 + (t1 - t0) * k / 4;
      root.appendChild(svg('text', { x: x(t), y: H - 8, class: 'tick', 'text-anchor': k === 0 ? 'start' : k === 4 ? 'end' : 'middle' }, clock(t, t1 - t0)));
    }
    function path(points) {
      var d = '';
      var pen = false;
      points.forEach(function (p) {
        if (p[1] === null) { pen = false; return; }
        d += (pen ? 'L' : 'M') + x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1);
        pen = true;
      });
      return d;
    }
    (opts.limits || []).forEach(function (l) {
      root.appendChild(svg('path', { d: path(l.points), class: 'limit', stroke: l.color }));
    });
    lines.forEach(function (l) {
      if (opts.area && lines.length === 1) {
        var first = l.points.filter(function (p) { return p[1] !== null; });
        if (first.length > 1) root.appendChild(svg('path', { d: path(l.points) + 'L' + x(first[first.length - 1][0]) + ',' + y(vmin) + 'L' + x(first[0][0]) + ',' + y(vmin) + 'Z', fill: l.color, class: 'area' }));
      }
      root.appendChild(svg('path', { d: path(l.points), class: 'line', stroke: l.color }));
      var last = l.points.filter(function (p) { return p[1] !== null; }).pop();
      if (last) {
        var dot = svg('circle', { cx: x(last[0]), cy: y(last[1]), r: 3, fill: l.color });
        dot.appendChild(svg('title', {}, l.name + ': ' + fmt(last[1], opts.unit)));
        root.appendChild(dot);
      }
    });
    box.appendChild(root);
    var legend = el('div', { class: 'legend' });
    lines.forEach(function (l) {
      var last = l.points.filter(function (p) { return p[1] !== null; }).pop();
      legend.appendChild(el('span', {}, [el('i', { style: 'background:' + l.color }), l.name + ' ', el('b', { text: last ? fmt(last[1], opts.unit) : '–' })]));
    });
    (opts.limits || []).forEach(function (l) { legend.appendChild(el('span', { class: 'muted' }, [el('i', { class: 'dash', style: 'border-color:' + l.color }), l.name])); });
    box.appendChild(legend);
    return box;
  }

  function seriesFor(metrics, metric, colorOf) {
    return metrics.series.filter(function (s) { return s.metric === metric; }).map(function (s) {
      return { name: s.node + (s.role === 'replica' ? ' (r)' : ''), color: colorOf(s.node), points: s.points, node: s.node, role: s.role };
    });
  }

  function tile(label, value, tone) {
    return el('div', { class: 'tile ' + (tone || '') }, [el('div', { class: 'label', text: label }), el('div', { class: 'value', text: value })]);
  }

  function clusterSection(cluster, metrics, alerts, jobs) {
    var readings = (metrics.latest && metrics.latest.readings) || [];
    var nodes = readings.map(function (r) { return r.node; }).sort();
    var colorOf = function (node) { var i = nodes.indexOf(node); return palette[(i < 0 ? 0 : i) % palette.length]; };
    var up = readings.filter(function (r) { return r.reachable; }).length;
    var masters = readings.filter(function (r) { return r.role === 'master' && r.reachable; });
    var sum = function (list, f) { return list.reduce(function (a, r) { return a + (f(r) || 0); }, 0); };
    var lookups = sum(masters, function (r) { return (r.hitsDelta || 0) + (r.missesDelta || 0); });
    var hitRatio = lookups > 0 ? sum(masters, function (r) { return r.hitsDelta; }) / lookups : null;
    var used = sum(readings, function (r) { return r.usedMemoryBytes; });
    var max = sum(readings, function (r) { return r.maxmemoryBytes; });
    var firing = alerts.alerts.filter(function (a) { return a.status === 'firing'; });
    var section = el('section', { class: 'cluster', id: 'cluster-' + cluster.id });
    section.appendChild(el('header', { class: 'cluster-head' }, [
      el('h2', { text: cluster.displayName || cluster.id }),
      el('span', { class: 'pill', text: cluster.mode }),
      el('span', { class: 'pill ' + (up === readings.length && readings.length ? 'ok' : 'bad'), text: up + '/' + readings.length + ' nodes up' }),
      firing.length ? el('span', { class: 'pill bad', text: firing.length + ' alert' + (firing.length > 1 ? 's' : '') + ' firing' }) : el('span', { class: 'pill ok', text: 'no alerts' }),
      el('span', { class: 'muted small', text: metrics.latest ? 'sampled ' + new Date(metrics.latest.at).toLocaleTimeString() : 'not sampled yet' }),
    ]));
    section.appendChild(el('div', { class: 'tiles' }, [
      tile('Operations/s', fmt(sum(readings, function (r) { return r.opsPerSec; }))),
      tile('Hit ratio (masters, interval)', hitRatio === null ? '–' : fmt(hitRatio, 'pct'), hitRatio !== null && hitRatio < 0.8 ? 'warn' : ''),
      tile('Memory used', fmt(used, 'By') + (max ? ' / ' + fmt(max, 'By') : ''), max && used / max > 0.9 ? 'warn' : ''),
      tile('Evictions/s', fmt(sum(readings, function (r) { return r.evictionsPerSec; })), sum(readings, function (r) { return r.evictionsPerSec; }) > 0 ? 'warn' : ''),
      tile('Keys', fmt(sum(masters, function (r) { return r.keys; }))),
      tile('Max PING RTT', fmt(Math.max.apply(null, [0].concat(readings.map(function (r) { return r.rttMs || 0; }))), 'ms')),
    ]));
    var memLines = seriesFor(metrics, 'used_memory_bytes', colorOf);
    var limits = seriesFor(metrics, 'maxmemory_bytes', colorOf).filter(function (l) { return l.points.some(function (p) { return p[1]; }); })
      .map(function (l) { return { name: 'maxmemory ' + l.node, color: l.color, points: l.points }; });
    var charts = el('div', { class: 'charts' }, [
      lineChart('Hit ratio (per interval)', seriesFor(metrics, 'hit_ratio', colorOf).filter(function (l) { return l.role === 'master'; }), { unit: 'pct', max: 1 }),
      lineChart('Operations / s', seriesFor(metrics, 'ops_per_sec', colorOf), {}),
      lineChart('Memory used vs maxmemory', memLines, { unit: 'By', limits: limits }),
      lineChart('Evictions / s', seriesFor(metrics, 'evictions_per_sec', colorOf), {}),
      lineChart('Latency: PING round trip', seriesFor(metrics, 'rtt_ms', colorOf), { unit: 'ms' }),
      lineChart('Network in', seriesFor(metrics, 'net_in_bytes_per_sec', colorOf), { unit: 'By/s' }),
    ]);
    section.appendChild(charts);
    var lower = el('div', { class: 'lower' });
    lower.appendChild(topologyPanel(readings, colorOf));
    var side = el('div', { class: 'side' });
    side.appendChild(alertsPanel(alerts));
    side.appendChild(jobsPanel(jobs));
    lower.appendChild(side);
    section.appendChild(lower);
    return section;
  }

  function topologyPanel(readings, colorOf) {
    var panel = el('div', { class: 'panel' }, [el('h3', { text: 'Topology' })]);
    var shards = {};
    readings.forEach(function (r) { (shards[r.shard] = shards[r.shard] || []).push(r); });
    var table = el('table', {}, [el('thead', {}, [el('tr', {}, ['', 'node', 'role', 'slots', 'memory', 'clients', 'keys', 'repl. lag', 'rtt'].map(function (h) { return el('th', { text: h }); }))])]);
    var body = el('tbody');
    Object.keys(shards).sort().forEach(function (shard, i) {
      shards[shard].sort(function (a, b) { return a.role === b.role ? a.node.localeCompare(b.node) : a.role === 'master' ? -1 : 1; });
      shards[shard].forEach(function (r, j) {
        var mem = r.maxmemoryBytes ? r.usedMemoryBytes / r.maxmemoryBytes : null;
        var bar = el('div', { class: 'bar' }, [el('span', { style: 'width:' + Math.min(100, Math.round((mem || 0) * 100)) + '%' })]);
        body.appendChild(el('tr', { class: (j === 0 && i > 0 ? 'shard-start ' : '') + (r.reachable ? '' : 'down') }, [
          el('td', {}, [el('i', { class: 'dot ' + (r.reachable ? 'up' : 'down'), style: r.reachable ? 'background:' + colorOf(r.node) : '' })]),
          el('td', { class: 'mono', text: r.node }),
          el('td', { text: r.reachable ? r.role : 'unreachable (' + (r.error || '?') + ')' }),
          el('td', { text: r.role === 'master' && r.slotCount ? String(r.slotCount) : '' }),
          el('td', {}, [fmt(r.usedMemoryBytes, 'By') + (mem !== null ? ' (' + fmt(mem, 'pct') + ')' : ''), mem !== null ? bar : null]),
          el('td', { text: fmt(r.connectedClients) }),
          el('td', { text: fmt(r.keys) }),
          el('td', { text: r.role === 'replica' ? fmt(r.replicationLagBytes, 'By') + (r.masterLinkUp === false ? ' · link down' : '') : '' }),
          el('td', { text: fmt(r.rttMs, 'ms') }),
        ]));
      });
    });
    table.appendChild(body);
    panel.appendChild(readings.length ? table : el('div', { class: 'empty', text: 'not sampled yet' }));
    return panel;
  }

  function alertsPanel(alerts) {
    var panel = el('div', { class: 'panel' }, [el('h3', { text: 'Active alerts' })]);
    if (!alerts.alerts.length) { panel.appendChild(el('div', { class: 'empty ok', text: 'All clear' })); return panel; }
    var list = el('ul', { class: 'alerts' });
    alerts.alerts.forEach(function (a) {
      list.appendChild(el('li', { class: a.severity + ' ' + a.status }, [
        el('b', { text: a.rule }), ' ',
        el('span', { class: 'pill ' + (a.status === 'firing' ? 'bad' : 'warn'), text: a.status }), ' ',
        el('span', { class: 'mono small', text: a.node || 'cluster' }),
        el('div', { class: 'muted small', text: a.metric + ' = ' + fmt(a.value) + ' (threshold ' + fmt(a.threshold) + ') since ' + new Date(a.since).toLocaleTimeString() }),
      ]));
    });
    panel.appendChild(list);
    return panel;
  }

  function jobsPanel(jobs) {
    var panel = el('div', { class: 'panel' }, [el('h3', { text: 'Running jobs' })]);
    if (jobs.unavailable) { panel.appendChild(el('div', { class: 'empty', text: 'jobs API not available in this deployment' })); return panel; }
    if (jobs.error) { panel.appendChild(el('div', { class: 'empty', text: jobs.error })); return panel; }
    var running = (jobs.items || []).filter(function (j) { return j.status === 'running' || j.status === 'queued'; });
    if (!running.length) { panel.appendChild(el('div', { class: 'empty', text: 'none running' })); return panel; }
    var list = el('ul', { class: 'jobs' });
    running.forEach(function (j) {
      var progress = Object.keys(j.progress || {}).map(function (k) { return k + ' ' + fmt(j.progress[k]); }).join(' · ');
      list.appendChild(el('li', {}, [el('b', { text: j.kind }), ' ', el('span', { class: 'pill warn', text: j.status }), el('div', { class: 'muted small', text: j.id + (progress ? ' — ' + progress : '') })]));
    });
    panel.appendChild(list);
    return panel;
  }

  function render() {
    var main = document.getElementById('clusters');
    var status = document.getElementById('status');
    if (!apiKey()) { document.getElementById('login').hidden = false; status.textContent = 'API key needed'; return; }
    document.getElementById('login').hidden = true;
    status.textContent = 'loading…';
    var to = Date.now();
    var from = to - ranges[state.range];
    get('/clusters').then(function (list) {
      var clusters = list.items || list.clusters || list;
      return Promise.all(clusters.map(function (c) {
        var q = '?from=' + from + '&to=' + to + '&maxPoints=240';
        return Promise.all([
          get('/clusters/' + c.id + '/metrics' + q),
          get('/clusters/' + c.id + '/alerts'),
          get('/clusters/' + c.id + '/jobs?limit=20').catch(function (e) { return { error: e.message }; }),
        ]).then(function (r) { return clusterSection(c, r[0], r[1], r[2]); }, function (e) {
          return el('section', { class: 'cluster' }, [el('h2', { text: c.id }), el('div', { class: 'empty bad', text: e.message })]);
        });
      }));
    }).then(function (sections) {
      main.replaceChildren.apply(main, sections.length ? sections : [el('div', { class: 'empty', text: 'No clusters registered.' })]);
      status.textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.setAttribute('data-loaded', 'true');
    }).catch(function (e) {
      status.textContent = e.message;
      if (/^401|^403/.test(e.message)) { sessionStorage.removeItem('rcm-api-key'); document.getElementById('login').hidden = false; }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var picker = document.getElementById('range');
    Object.keys(ranges).forEach(function (r) {
      var b = el('button', { type: 'button', text: r, 'data-range': r, class: r === state.range ? 'active' : '' });
      b.addEventListener('click', function () {
        state.range = r;
        Array.prototype.forEach.call(picker.children, function (c) { c.className = c.getAttribute('data-range') === r ? 'active' : ''; });
        render();
      });
      picker.appendChild(b);
    });
    document.getElementById('login').addEventListener('submit', function (ev) {
      ev.preventDefault();
      sessionStorage.setItem('rcm-api-key', document.getElementById('apikey').value.trim());
      render();
    });
    render();
    state.timer = setInterval(render, 30e3);
  });
})();
`;
