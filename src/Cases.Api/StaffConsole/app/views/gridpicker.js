// Finds a micro-grid by any part of its name or of its ancestors' names (亚芳, 4号楼), from the grid tree.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

const limit = 20;

/** Every micro-grid with its path, flattened once per page: the tree is reference data, a few hundred KB at most. */
function microGrids(node, path = [], into = []) {
  const here = [...path, node.name];
  if (node.level === 'microgrid') into.push({ id: node.id, name: node.name, path: here.join(' / '), haystack: here.join(' ').toLowerCase() });
  for (const child of node.children ?? []) microGrids(child, here, into);
  return into;
}

export async function gridPicker() {
  const tree = (await api('/api/grid')).body;
  const all = tree ? microGrids(tree) : [];
  let chosen = null;
  const search = h('input', { id: 'microGrid-search', type: 'search', autocomplete: 'off', 'aria-describedby': 'microGrid-chosen', 'aria-controls': 'microGrid-results' });
  const results = h('ul', { id: 'microGrid-results', class: 'results' });
  const shown = h('p', { id: 'microGrid-chosen', class: 'chosen' });
  const element = h('div', { class: 'field', 'data-field': 'microGridId' },
    h('label', { for: 'microGrid-search' }, t('gridSearch')), search, results, shown,
    h('p', { class: 'error', id: 'microGrid-error', role: 'alert' }));

  function choose(grid) {
    chosen = grid;
    shown.textContent = `${t('selected')}: ${grid.path}`;
    results.replaceChildren();
  }

  search.addEventListener('input', () => {
    const terms = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) { results.replaceChildren(); return; }
    const found = all.filter((g) => terms.every((term) => g.haystack.includes(term))).slice(0, limit);
    results.replaceChildren(...(found.length
      ? found.map((g) => h('li', {}, h('button', { type: 'button', class: 'pick', 'data-id': g.id, onclick: () => choose(g) }, g.path)))
      : [h('li', { class: 'muted' }, t('noMatch'))]));
  });

  return { element, value: () => chosen?.id ?? '' };
}
