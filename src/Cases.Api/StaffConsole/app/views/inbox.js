// The inbox: the cases at and under the user's node, or the department's dispatches; overdue and warned first.
import { api, query } from '../api.js';
import { h, notice } from '../dom.js';
import { t, time, remaining } from '../i18n.js';
import { commandBar } from './commands.js';
import { nodeNames } from './nodes.js';

const finished = ['closed', 'withdrawn', 'merged'];

/** The deadline that matters now: the nearest of the clocks still running. */
export function nextDeadline(c) {
  const running = (c.clocks ?? []).filter((k) => k.state !== 'paused').map((k) => k.deadline).sort();
  return running[0] ?? c.acknowledgeBy ?? c.resolveBy ?? null;
}

const warned = (c) => (c.warnings ?? []).length > 0;

/** Overdue first, then those with a warning (预警), then by the nearest deadline. */
export function urgencyOrder(a, b) {
  const rank = (c) => (c.overdue ? 0 : warned(c) ? 1 : 2);
  return rank(a) - rank(b) || String(nextDeadline(a) ?? '9').localeCompare(String(nextDeadline(b) ?? '9'));
}

function scope(user) {
  if (user.role === 'department') return { departmentId: user.departmentId };
  if (user.role === 'agent') return { status: 'resolved' };
  return { nodeId: user.nodeId ?? undefined };
}

export function caseCard(user, c, names, message) {
  const deadline = nextDeadline(c);
  const card = h('article', { class: `case ${c.overdue ? 'is-overdue' : warned(c) ? 'is-warned' : ''}`, 'data-case': c.caseNumber, 'aria-labelledby': `t-${c.caseId}` },
    h('header', {},
      h('h2', { id: `t-${c.caseId}` }, h('a', { href: `#/case/${c.caseId}` }, c.caseNumber), ' ', c.title),
      h('p', { class: 'badges' },
        h('span', { class: `badge st-${c.status}` }, t(`st_${c.status}`)),
        c.overdue && h('span', { class: 'badge overdue' }, t('overdue')),
        !c.overdue && warned(c) && h('span', { class: 'badge warned' }, t('warning')),
        c.urgency === 'urgent' && h('span', { class: 'badge urgent' }, t('ur_urgent')))),
    h('dl', { class: 'facts' },
      h('dt', {}, t('node')), h('dd', {}, names.get(c.currentNodeId) ?? c.currentNodeId),
      h('dt', {}, t('raisedAt')), h('dd', {}, time(c.raisedAt)),
      deadline && !finished.includes(c.status) && [h('dt', {}, t('deadline')), h('dd', { class: 'remaining' }, `${time(deadline)} · ${remaining(deadline)}`)]),
    message);
  if (!finished.includes(c.status)) {
    card.append(commandBar(user, c, (now, conflict) => card.replaceWith(caseCard(user, now, names,
      conflict === null ? notice(t('done')) : notice(`${t('conflict')} ${conflict}`, 'conflict')))));
  }
  return card;
}

export async function renderInbox(view, user) {
  const [answer, names] = await Promise.all([api(`/api/cases?${query({ ...scope(user), pageSize: 100 })}`), nodeNames()]);
  const items = (answer.body?.items ?? []).filter((c) => !finished.includes(c.status) || user.role === 'auditor').sort(urgencyOrder);
  view.replaceChildren(
    h('div', { class: 'title-row' }, h('h1', {}, t('inbox')), h('button', { type: 'button', onclick: () => renderInbox(view, user) }, t('refresh'))),
    answer.ok ? '' : notice(answer.body?.detail ?? t('error'), 'error'),
    items.length ? h('div', { class: 'cases' }, items.map((c) => caseCard(user, c, names))) : h('p', { class: 'muted' }, t('empty')));
}
