// Sign in: a demo user in demo mode, else the configured OpenID Connect provider (authorization code + PKCE).
import { api, startSession, bytesToBase64Url } from './api.js';
import { h, notice } from './dom.js';
import { t } from './i18n.js';

/** The demo users: one of each kind of person in the Sucheng demo (see SuchengDemoData.Known). */
export const demoUsers = [
  { role: 'agent', name: '话务员 李敏' },
  { role: 'gridworker', nodeId: 'sc.xl.xl.yf.04', name: '网格员 王强（亚芳花园 4号楼）' },
  { role: 'coordinator', nodeId: 'sc.xl.xl.yf', name: '网格长 赵刚（亚芳花园小区）' },
  { role: 'coordinator', nodeId: 'sc.xl', name: '街道 周主任（项里街道）' },
  { role: 'department', departmentId: 'urban', name: '城管局 值班员' },
  { role: 'auditor', name: '审计员 孙洁' },
  { role: 'admin', name: '管理员 钱伟' },
];

export async function renderSignIn(view, settings, done) {
  view.replaceChildren(h('h1', {}, t('signIn')));
  if (settings.demo) {
    const list = h('ul', { class: 'users' }, demoUsers.map((user) => h('li', {},
      h('button', { type: 'button', class: 'user', 'data-role': user.role, 'data-scope': user.nodeId ?? user.departmentId, onclick: () => pick(user) },
        h('strong', {}, t(`role_${user.role}`)), h('span', {}, user.name)))));
    view.append(h('p', {}, t('demoNote')), h('h2', {}, t('pickUser')), list);
  } else if (settings.authority) {
    view.append(h('button', { type: 'button', class: 'primary', onclick: () => redirect(settings) }, t('oidc')));
  } else {
    view.append(notice(t('oidcMissing'), 'error'));
  }

  async function pick(user) {
    const answer = await api('/api/dev/tokens', { method: 'POST', body: { role: user.role, nodeId: user.nodeId, departmentId: user.departmentId, name: user.name } });
    if (answer.ok) done(startSession(answer.body.token));
    else view.append(notice(answer.body?.detail ?? t('error'), 'error'));
  }
}

const redirectUri = () => `${location.origin}/console/`;

async function discover(authority) {
  const response = await fetch(`${authority.replace(/\/$/, '')}/.well-known/openid-configuration`);
  return response.json();
}

async function redirect(settings) {
  const provider = await discover(settings.authority);
  const verifier = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = bytesToBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('cases.pkce', JSON.stringify({ verifier, state }));
  const url = new URL(provider.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: settings.clientId, redirect_uri: redirectUri(), scope: settings.scope,
    state, code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  location.assign(url);
}

/** On the way back from the provider: trade the code for a token. Answers the session, or null. */
export async function completeRedirect(settings) {
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem('cases.pkce') ?? 'null');
  if (!settings.authority || !params.has('code') || !saved || params.get('state') !== saved.state) return null;
  sessionStorage.removeItem('cases.pkce');
  history.replaceState(null, '', location.pathname);
  const provider = await discover(settings.authority);
  const response = await fetch(provider.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(), client_id: settings.clientId, code_verifier: saved.verifier,
    }),
  });
  const tokens = await response.json();
  return tokens.access_token ? startSession(tokens.access_token) : null;
}
