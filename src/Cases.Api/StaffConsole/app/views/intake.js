// Intake: the agent files an appeal while the resident is on the line.
import { api, newKey } from '../api.js';
import { h, field, options, showErrors, notice } from '../dom.js';
import { t } from '../i18n.js';
import { gridPicker } from './gridpicker.js';

export async function renderIntake(view) {
  const categories = (await api('/api/categories')).body ?? [];
  const picker = await gridPicker();
  const status = h('div', { id: 'intake-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('file'));
  const form = h('form', { class: 'intake', novalidate: true },
    h('div', { class: 'row' },
      field('channel', t('channel'), h('select', { name: 'channel' }, options(['hotline', 'patrol', 'walk-in', 'online'], (v) => t(`ch_${v}`)))),
      field('category', t('category'), h('select', { name: 'category' }, categories.map((c) => h('option', { value: c.code }, c.name)))),
      field('urgency', t('urgency'), h('select', { name: 'urgency' }, options(['normal', 'urgent'], (v) => t(`ur_${v}`))))),
    field('title', t('title'), h('input', { name: 'title', maxlength: 250, autocomplete: 'off' })),
    field('description', t('description'), h('textarea', { name: 'description', rows: 4 })),
    picker.element,
    h('fieldset', {}, h('legend', {}, t('resident')),
      h('div', { class: 'row' },
        field('resident-name', t('residentName'), h('input', { name: 'resident.name', autocomplete: 'off' })),
        field('resident-phone', t('residentPhone'), h('input', { name: 'resident.phone', type: 'tel', autocomplete: 'off' })),
        field('resident-address', t('residentAddress'), h('input', { name: 'resident.address', autocomplete: 'off' })))),
    h('div', { class: 'actions' }, submit), status);

  // One key per appeal: a retry after a lost answer sends the same key and body, so the service files it once.
  // A refusal (400) filed nothing, so the corrected appeal gets a fresh key.
  let idempotencyKey = null;
  form.addEventListener('input', (event) => {
    const wrapper = event.target.closest('.field');
    wrapper?.classList.remove('invalid');
    if (wrapper?.querySelector('.error')) wrapper.querySelector('.error').textContent = '';
    event.target.removeAttribute('aria-invalid');
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (name) => form.elements[name].value.trim();
    const body = {
      channel: value('channel'), category: value('category'), urgency: value('urgency'),
      title: value('title'), description: value('description'), microGridId: picker.value(),
      resident: { name: value('resident.name'), phone: value('resident.phone'), address: value('resident.address') || null },
    };
    idempotencyKey ??= newKey();
    submit.disabled = true;
    submit.textContent = t('filing');
    const answer = await api('/api/appeals', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } });
    submit.disabled = false;
    submit.textContent = t('file');
    if (answer.ok) {
      showErrors(form, null);
      form.querySelectorAll('input,select,textarea,button').forEach((e) => { e.disabled = true; });
      status.replaceChildren(h('p', { class: 'filed', role: 'status' }, `${t('filed')} `,
        h('strong', { id: 'case-number' }, answer.body.caseNumber)),
      h('button', { type: 'button', onclick: () => renderIntake(view) }, t('newAppeal')));
      return;
    }
    if (answer.status === 0 || answer.status >= 500) {
      status.replaceChildren(notice(t('retry'), 'error'));
      return;
    }
    idempotencyKey = null;
    const unplaced = showErrors(form, answer.body);
    status.replaceChildren(...(unplaced.length || !answer.body?.errors ? [notice(unplaced.join(' ') || answer.body?.detail || t('error'), 'error')] : []));
  });

  view.replaceChildren(h('h1', {}, t('intake')), form);
}
