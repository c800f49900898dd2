// Node names by id, from the grid tree (reference data; read once per page).
import { api } from '../api.js';

export async function nodeNames() {
  const names = new Map();
  const walk = (node) => { names.set(node.id, node.name); (node.children ?? []).forEach(walk); };
  const tree = (await api('/api/grid')).body;
  if (tree) walk(tree);
  return names;
}
