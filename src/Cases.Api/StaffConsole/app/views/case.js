// One case: its facts, clocks, dispatches, every event with who did it, and the case as it was at any version.
import { api, query } from '../api.js';
import { h, notice } from '../dom.js';
import { t, time, remaining, label } from '../i18n.js';
import { commandBar } from './commands.js';
import { nodeNames } from './nodes.js';

const table = (caption, headings, rows) => h('div', { class: 'scroll' },
  h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, headings.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headings.length }, t('none'))))));

function facts(c, names) {
  const r = c.resident ?? {};
  return h('dl', { class: 'facts' },
    h('dt', {}, t('status')), h('dd', {}, h('span', { class: `badge st-${c.status}` }, t(`st_${c.status}`)), c.overdue ? h('span', { class: 'badge overdue' }, t('overdue')) : ''),
    h('dt', {}, t('node')), h('dd', {}, names.get(c.currentNodeId) ?? c.currentNodeId),
    h('dt', {}, t('channel')), h('dd', {}, t(`ch_${c.channel}`)),
    h('dt', {}, t('urgency')), h('dd', {}, t(`ur_${c.urgency}`)),
    h('dt', {}, t('raisedAt')), h('dd', {}, time(c.raisedAt)),
    h('dt', {}, t('description')), h('dd', {}, c.description),
    h('dt', {}, t('resident')), h('dd', { class: 'resident' }, [r.name, r.phone, r.address].filter(Boolean).join(' · '), r.masked ? ` ${t('masked')}` : ''));
}

const clockRows = (c) => (c.clocks ?? []).map((k) => h('tr', {},
  h('td', {}, label('clk_', k.clock)), h('td', {}, time(k.deadline)), h('td', {}, t(`cs_${k.state}`)),
  h('td', {}, k.state === 'running' ? remaining(k.deadline) : ''), h('td', {}, (k.fired ?? []).join(', '))));

const dispatchRows = (c, departments) => (c.dispatches ?? []).map((d) => h('tr', {},
  h('td', {}, departments.get(d.departmentId) ?? d.departmentId), h('td', {}, label('ds_', d.status)), h('td', {}, time(d.dispatchedAt)), h('td', {}, time(d.acceptBy)), h('td', {}, time(d.acceptedAt)), h('td', {}, d.returnReason ?? d.instructions ?? '')));

/** What an event says, in a line: its clock, node, reason or note, whichever it carries. */
function summary(data) {
  const keys = ['clock', 'stage', 'deadline', 'acknowledgeBy', 'resolveBy', 'acceptBy', 'departmentId', 'reason', 'note', 'resolution', 'instructions', 'comment', 'score', 'satisfied', 'days', 'granted'];
  const parts = keys.filter((k) => data?.[k] !== undefined && data[k] !== null).map((k) => {
    const v = data[k];
    return `${k}: ${typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? time(v) : v}`;
  });
  if (data?.to?.name) parts.unshift(`→ ${data.to.name}`);
  if (data?.currentNode?.name) parts.unshift(data.currentNode.name);
  return parts.join(' · ');
}

const eventRows = (events) => events.map((e) => h('tr', {},
  h('td', {}, e.version), h('td', {}, label('ev_', e.type)), h('td', {}, time(e.timestamp)),
  h('td', {}, e.actor ? `${e.actor.name ?? e.actor.id} (${t(`role_${e.actor.role}`)})` : ''), h('td', {}, summary(e.data))));

function timeTravel(c, events, names) {
  const output = h('div', { id: 'as-it-was', 'aria-live': 'polite' });
  const slider = h('input', { id: 'version', type: 'range', min: 1, max: c.version, value: c.version });
  const label = h('output', { for: 'version' }, c.version);
  slider.addEventListener('change', async () => {
    label.textContent = slider.value;
    const then = await api(`/api/cases/${c.caseId}/state?${query({ version: slider.value })}`);
    const event = events.find((e) => String(e.version) === slider.value);
    output.replaceChildren(then.ok
      ? h('section', { class: 'past' }, h('h3', {}, `${t('asItWas')} · ${t('asOfVersion')} ${slider.value}${event ? ` · ${time(event.timestamp)}` : ''}`), facts(then.body, names))
      : notice(then.body?.detail ?? t('error'), 'error'));
  });
  return h('section', {}, h('h2', {}, t('timeTravel')),
    h('div', { class: 'field' }, h('label', { for: 'version' }, `${t('asOfVersion')} (1–${c.version})`), slider, label), output);
}

export async function renderCase(view, user, caseId, message) {
  const [answer, history, names, departmentList] = await Promise.all([
    api(`/api/cases/${caseId}`), api(`/api/cases/${caseId}/history`), nodeNames(), api('/api/departments')]);
  const departments = new Map((departmentList.body ?? []).map((d) => [d.id, d.name]));
  if (!answer.ok) {
    view.replaceChildren(notice(answer.body?.detail ?? t('error'), 'error'));
    return;
  }
  const c = answer.body;
  const events = history.body?.events ?? [];
  view.replaceChildren(
    h('p', {}, h('a', { href: '#/inbox' }, `← ${t('back')}`)),
    h('h1', {}, h('span', { id: 'case-number' }, c.caseNumber), ' ', c.title),
    message ?? '',
    facts(c, names),
    commandBar(user, c, (now, conflict) => renderCase(view, user, caseId,
      conflict === null ? notice(t('done')) : notice(`${t('conflict')} ${conflict}`, 'conflict'))),
    table(t('clocks'), [t('clock'), t('deadline'), t('state'), t('remaining'), t('warning')], clockRows(c)),
    table(t('dispatches'), [t('department'), t('status'), t('dispatchedAt'), t('acceptBy'), t('acceptedAt'), t('details')], dispatchRows(c, departments)),
    h('section', { class: 'timeline' }, table(t('timeline'), ['#', t('events'), t('time'), t('actor'), t('details')], eventRows(events))),
    timeTravel(c, events, names));
}
