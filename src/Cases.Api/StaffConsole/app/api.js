// The console's one door to the service: the public HTTP API with the signed-in user's bearer token.
const key = 'cases.session';

export const session = () => JSON.parse(sessionStorage.getItem(key) ?? 'null');

/** Keeps the token and the claims the console needs to decide what to show (role, node, department). */
export function startSession(token) {
  const claims = JSON.parse(new TextDecoder().decode(base64UrlBytes(token.split('.')[1])));
  const user = { token, role: claims.role, name: claims.name ?? claims.sub, nodeId: claims.node ?? null, departmentId: claims.department ?? null };
  sessionStorage.setItem(key, JSON.stringify(user));
  return user;
}

export const endSession = () => sessionStorage.removeItem(key);

function base64UrlBytes(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/**
 * One request. Answers {ok, status, body}; a problem+json body keeps its `errors` for the form that sent it.
 * A network failure answers status 0, so that callers can offer a retry.
 */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const user = session();
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (user) init.headers.Authorization = `Bearer ${user.token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, body: null };
  }
  const type = response.headers.get('Content-Type') ?? '';
  const parsed = type.includes('json') ? await response.json() : null;
  if (response.status === 401 && user) {
    endSession();
    location.hash = '#/signin';
  }
  return { ok: response.ok, status: response.status, body: parsed };
}

/** The query string of the defined values only. */
export const query = (values) => new URLSearchParams(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();

/** A random id for Idempotency-Key; crypto.randomUUID exists only in secure contexts. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

export const bytesToBase64Url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
