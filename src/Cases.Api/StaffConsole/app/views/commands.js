// The commands a user may give a case now, as buttons with the fields they need. The service decides in the end:
// a refusal comes back as 409 and the case is shown as it now is.
import { api } from '../api.js';
import { h, field, showErrors, notice } from '../dom.js';
import { t } from '../i18n.js';

const active = ['open', 'acknowledged', 'dispatched', 'resolved'];
const text = (name, required = false) => ({ name, kind: 'textarea', required });

/** What the user's role and place allow on this case; mirrors the domain's rules so that buttons rarely 409. */
export function commandsFor(user, c) {
  const list = [];
  const add = (name, path, fields = []) => list.push({ name, path, fields });
  const here = (user.role === 'gridworker' || user.role === 'coordinator') && user.nodeId === c.currentNodeId;
  if (here) {
    if (c.status === 'open') add('acknowledge', 'acknowledge', [text('note')]);
    if (['open', 'acknowledged'].includes(c.status)) add('escalate', 'escalate', [text('reason', true)]);
    if (user.role === 'coordinator' && ['acknowledged', 'dispatched'].includes(c.status) && ['district', 'street', 'community', 'grid'].includes(c.currentLevel)) {
      add('dispatch', 'dispatch', [{ name: 'departmentId', kind: 'department', required: true }, text('instructions')]);
    }
    if (c.status === 'acknowledged') add('resolve', 'resolve', [text('resolution', true)]);
    if (['acknowledged', 'dispatched'].includes(c.status) && !c.pendingExtension) {
      add('extension', 'extension', [{ name: 'days', kind: 'number', required: true }, text('reason', true)]);
    }
    if (active.includes(c.status) && !c.paused) add('pause', 'pause', [text('reason', true)]);
    if (c.paused) add('resume', 'resume');
    if (c.status === 'resolved') add('close', 'close', [text('note')]);
  }
  if (user.role === 'coordinator' && c.pendingExtension && c.nodePath?.includes(user.nodeId) && user.nodeId !== c.pendingExtension.nodeId) {
    add('decide', 'extension/decision', [{ name: 'granted', kind: 'checkbox' }]);
  }
  if (user.role === 'coordinator' && active.includes(c.status) && c.nodePath?.includes(user.nodeId) && !here) add('supervise', 'supervise', [text('note', true)]);
  if (user.role === 'department') {
    for (const d of c.dispatches.filter((x) => x.departmentId === user.departmentId)) {
      if (d.status === 'pending') add('accept', `dispatches/${d.dispatchId}/accept`);
      if (['pending', 'accepted'].includes(d.status)) add('return', `dispatches/${d.dispatchId}/return`, [text('reason', true)]);
      if (d.status === 'accepted' && c.status === 'dispatched') add('resolve', 'resolve', [text('resolution', true)]);
    }
  }
  if (user.role === 'agent') {
    if (c.status === 'resolved') {
      add('feedback', 'feedback', [{ name: 'satisfied', kind: 'checkbox' }, { name: 'score', kind: 'score', required: true }, text('comment')]);
    }
    if (active.includes(c.status)) add('withdraw', 'withdraw', [text('reason', true)]);
  }
  return list;
}

function control(spec, departments) {
  const name = spec.name;
  if (spec.kind === 'department') return h('select', { name }, departments.map((d) => h('option', { value: d.id }, d.name)));
  if (spec.kind === 'score') return h('select', { name }, [5, 4, 3, 2, 1].map((s) => h('option', { value: s }, s)));
  if (spec.kind === 'number') return h('input', { name, type: 'number', min: 1, max: 10, value: 3 });
  if (spec.kind === 'checkbox') return h('input', { name, type: 'checkbox', checked: true });
  return h('textarea', { name, rows: 2, required: spec.required });
}

function read(form, spec) {
  const input = form.elements[spec.name];
  if (spec.kind === 'checkbox') return input.checked;
  if (spec.kind === 'number' || spec.kind === 'score') return Number(input.value);
  return input.value.trim() || (spec.required ? '' : undefined);
}

let departmentList;
const departments = async () => { departmentList ??= (await api('/api/departments')).body ?? []; return departmentList; };

/**
 * The buttons for one case. A button with fields opens a small form; a plain one acts at once.
 * `changed(view, conflict)` receives the case as it now is, after success or after a 409.
 */
export function commandBar(user, c, changed) {
  const bar = h('div', { class: 'commands' });
  const panel = h('div', { class: 'command-form' });
  const prefix = `c${c.caseId.slice(0, 8)}`;
  for (const command of commandsFor(user, c)) {
    bar.append(h('button', { type: 'button', 'data-command': command.name, onclick: () => (command.fields.length ? open(command) : send(command, {}, null)) }, t(`cmd_${command.name}`)));
  }

  async function open(command) {
    const depts = command.fields.some((f) => f.kind === 'department') ? await departments() : [];
    const form = h('form', { class: 'inline', 'aria-label': t(`cmd_${command.name}`) },
      command.fields.map((spec) => field(`${prefix}-${command.name}-${spec.name}`, t(`f_${spec.name}`), control(spec, depts))),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t('confirm')),
        h('button', { type: 'button', onclick: () => panel.replaceChildren() }, t('cancel'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send(command, Object.fromEntries(command.fields.map((spec) => [spec.name, read(form, spec)])), form);
    });
    panel.replaceChildren(form);
    form.querySelector('textarea,select,input')?.focus();
  }

  async function send(command, values, form) {
    bar.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    const answer = await api(`/api/cases/${c.caseId}/${command.path}`, { method: 'POST', body: { ...values, expectedVersion: c.version } });
    bar.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    if (answer.ok) return changed(answer.body, null);
    if (answer.status === 409) {
      const now = await api(`/api/cases/${c.caseId}`);
      return changed(now.ok ? now.body : c, answer.body?.detail ?? '');
    }
    const unplaced = form ? showErrors(form, answer.body) : [];
    if (!form || unplaced.length || !answer.body?.errors) panel.append(notice(answer.body?.detail ?? t('error'), 'error'));
    return undefined;
  }

  return h('div', {}, bar, panel);
}
