// A tiny element builder: h('p', {class: 'x'}, 'text', child). Text is always text, never HTML.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function field(id, label, control, hint) {
  control.id = id;
  return h('div', { class: 'field', 'data-field': control.name || id },
    h('label', { for: id }, label), control, hint,
    h('p', { class: 'error', id: `${id}-error`, role: 'alert' }));
}

export function options(values, label, selected) {
  return values.map((v) => h('option', { value: v, selected: v === selected }, label(v)));
}

/** Puts an API validation problem's messages beside the fields they name (case-insensitive, dotted names). */
export function showErrors(form, problem) {
  form.querySelectorAll('.field').forEach((f) => f.classList.remove('invalid'));
  form.querySelectorAll('.error').forEach((e) => { e.textContent = ''; });
  const unplaced = [];
  for (const [name, messages] of Object.entries(problem?.errors ?? {})) {
    const wanted = name.toLowerCase();
    const target = [...form.querySelectorAll('.field')].find((f) => f.dataset.field.toLowerCase() === wanted);
    if (target) {
      target.classList.add('invalid');
      target.querySelector('.error').textContent = messages.join(' ');
      target.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true');
    } else unplaced.push(...messages);
  }
  return unplaced;
}

export function notice(text, kind = 'info') {
  return h('p', { class: `notice ${kind}`, role: kind === 'info' ? 'status' : 'alert' }, text);
}
