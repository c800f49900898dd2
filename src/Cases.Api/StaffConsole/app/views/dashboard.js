// The dashboard: the 三率 and friends for a node (or the user's department), a trend chart, the street ranking,
// and the backlog per child node as a tree table to drill into.
import { api, query } from '../api.js';
import { h, field, options, notice } from '../dom.js';
import { t, time, percent } from '../i18n.js';
import { nodeNames } from './nodes.js';

const rates = ['response', 'resolution', 'satisfaction', 'onTimeResolution', 'settledInGrid'];
const counts = ['open', 'acknowledged', 'dispatched', 'awaitingFeedback', 'overdue', 'warned'];
const spans = { day: 30, week: 26 * 7, month: 365 };

function cards(summary) {
  const f = summary.figures;
  return h('section', { 'aria-labelledby': 'rates-h' }, h('h2', { id: 'rates-h' }, t('rates')),
    h('div', { class: 'cards' },
      rates.map((r) => h('div', { class: 'card', 'data-rate': r }, h('span', { class: 'label' }, t(`rate_${r}`)), h('span', { class: 'value' }, percent(f.rates?.[r])))),
      ['raised', 'resolved', 'closed'].map((k) => h('div', { class: 'card', 'data-count': k }, h('span', { class: 'label' }, t(k)), h('span', { class: 'value' }, f[k] ?? 0)))),
    h('p', { class: 'muted' }, `${t('asOf')} ${time(summary.asOf?.timestamp)}`));
}

function chart(element, series) {
  const days = series.points.map((p) => time(p.bucketStart).slice(0, 10));
  const plot = window.echarts.init(element, null, { renderer: 'canvas' });
  plot.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: [t('raised'), t('resolved'), t('rate_response')] },
    grid: { left: 40, right: 40, bottom: 30, top: 40 },
    xAxis: { type: 'category', data: days },
    yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } }],
    series: [
      { name: t('raised'), type: 'bar', data: series.points.map((p) => p.figures.raised) },
      { name: t('resolved'), type: 'bar', data: series.points.map((p) => p.figures.resolved) },
      { name: t('rate_response'), type: 'line', yAxisIndex: 1, data: series.points.map((p) => (p.figures.rates?.response == null ? null : +(p.figures.rates.response * 100).toFixed(1))) },
    ],
  });
  new ResizeObserver(() => plot.resize()).observe(element);
}

/** One row per node; a row with children opens the node's own board beneath it. */
function boardRows(board, depth, body, show) {
  return board.children.map((child) => {
    const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-node': child.nodeId }, `${child.name}`);
    const figures = h('button', { type: 'button', class: 'link figures', 'aria-label': `${t('figures')}: ${child.name}`, onclick: () => show(child.nodeId) }, t('figures'));
    const row = h('tr', { 'data-depth': depth },
      h('th', { scope: 'row', class: `depth-${Math.min(depth, 4)}` }, toggle, ' ', figures), counts.map((k) => h('td', {}, child.counts[k])));
    let opened = [];
    toggle.addEventListener('click', async () => {
      if (toggle.getAttribute('aria-expanded') === 'true') {
        opened.forEach((r) => r.remove());
        toggle.setAttribute('aria-expanded', 'false');
        return;
      }
      const next = await api(`/api/grid/${encodeURIComponent(child.nodeId)}/board`);
      if (!next.ok) return;
      opened = boardRows(next.body, depth + 1, body, show);
      row.after(...opened);
      toggle.setAttribute('aria-expanded', 'true');
    });
    return row;
  });
}

function backlog(board, show) {
  const body = h('tbody', {});
  body.append(h('tr', { class: 'total' }, h('th', { scope: 'row' }, board.name), counts.map((k) => h('td', {}, board.counts[k]))), ...boardRows(board, 1, body, show));
  return h('section', { 'aria-labelledby': 'backlog-h' }, h('h2', { id: 'backlog-h' }, t('backlog')),
    h('div', { class: 'scroll' }, h('table', { class: 'tree' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('node')), counts.map((k) => h('th', { scope: 'col' }, t(`cnt_${k}`))))), body)));
}

function departmentBoard(board) {
  return h('section', {}, h('h2', {}, t('backlog')), h('dl', { class: 'facts' },
    ['pending', 'accepted', 'activeCases'].map((k) => [h('dt', {}, t(k)), h('dd', {}, board[k])]),
    h('dt', {}, t('overdue')), h('dd', {}, board.overdueCases)));
}

function ranking(result) {
  return h('section', { 'aria-labelledby': 'ranking-h' }, h('h2', { id: 'ranking-h' }, `${t('ranking')} · ${t('rate_response')}`),
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, [t('rank'), t('node'), t('value'), t('raised')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, result.nodes.map((n) => h('tr', {}, h('td', {}, n.rank), h('td', {}, n.name), h('td', {}, percent(n.value)), h('td', {}, n.raised)))))));
}

export async function renderDashboard(view, user, bucket = 'day', nodeId = user.nodeId) {
  const department = user.role === 'department';
  const scope = department ? { departmentId: user.departmentId } : { nodeId: nodeId ?? undefined };
  const from = new Date(Date.now() - spans[bucket] * 86400000).toISOString().slice(0, 10);
  const [summary, series, rank, board] = await Promise.all([
    api(`/api/metrics/summary?${query(scope)}`),
    api(`/api/metrics/timeseries?${query({ ...scope, bucket, from })}`),
    department ? null : api(`/api/metrics/ranking?${query({ level: 'street', metric: 'response' })}`),
    department ? api(`/api/departments/${encodeURIComponent(user.departmentId)}/board`)
      : user.role === 'admin' ? null : api(`/api/grid/${encodeURIComponent(nodeId ?? 'sc')}/board`),
  ]);
  const select = h('select', { name: 'bucket' }, options(['day', 'week', 'month'], t, bucket));
  const names = department ? new Map() : await nodeNames();
  const scopeName = department ? user.name : names.get(nodeId ?? 'sc') ?? summary.body?.scope ?? '';
  select.addEventListener('change', () => renderDashboard(view, user, select.value, nodeId));
  const plot = h('div', { class: 'chart', role: 'img', 'aria-label': `${t('series')}: ${t('raised')}, ${t('resolved')}, ${t('rate_response')}` });
  view.replaceChildren(
    h('div', { class: 'title-row' }, h('h1', {}, `${t('dashboard')} · ${scopeName}`),
      h('div', { class: 'actions' },
        nodeId !== user.nodeId && h('button', { type: 'button', id: 'up', onclick: () => renderDashboard(view, user, bucket) }, t('up')),
        h('button', { type: 'button', id: 'refresh', onclick: () => renderDashboard(view, user, bucket, nodeId) }, t('refresh')))),
    summary.ok ? cards(summary.body) : notice(summary.body?.detail ?? t('error'), 'error'),
    h('section', { 'aria-labelledby': 'series-h' }, h('div', { class: 'title-row' }, h('h2', { id: 'series-h' }, t('series')), field('bucket', t('bucket'), select)), plot),
    rank?.ok && rank.body.nodes.length ? ranking(rank.body) : '',
    board?.ok ? (department ? departmentBoard(board.body) : backlog(board.body, (id) => renderDashboard(view, user, bucket, id))) : '');
  if (series.ok && window.echarts) chart(plot, series.body);
}
