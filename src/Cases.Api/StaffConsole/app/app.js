// The console's shell: sign-in, the pages a role may see, the language switch, and hash routing.
import { session, endSession } from './api.js';
import { h } from './dom.js';
import { t, setLanguage, language } from './i18n.js';
import { renderSignIn, completeRedirect } from './signin.js';
import { renderIntake } from './views/intake.js';
import { renderInbox } from './views/inbox.js';
import { renderCase } from './views/case.js';
import { renderDashboard } from './views/dashboard.js';

/** Which pages each role reaches; the API enforces the same, this only keeps dead ends out of sight. */
const pages = {
  agent: ['intake', 'inbox'],
  gridworker: ['inbox', 'intake', 'dashboard'],
  coordinator: ['inbox', 'intake', 'dashboard'],
  department: ['inbox', 'dashboard'],
  auditor: ['inbox', 'dashboard'],
  admin: ['dashboard'],
};

const view = document.getElementById('view');
let settings = { demo: false };

function header(user) {
  const nav = document.getElementById('nav');
  const current = location.hash.split('/')[1] ?? '';
  nav.replaceChildren(...(user ? pages[user.role] ?? [] : []).map((page) =>
    h('a', { href: `#/${page}`, 'aria-current': current === page ? 'page' : null }, t(page))));
  document.getElementById('who').textContent = user ? `${t(`role_${user.role}`)} · ${user.name}` : '';
  document.getElementById('signout').hidden = !user;
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  const lang = document.getElementById('lang');
  lang.textContent = language() === 'en' ? '中文' : 'English';
  lang.lang = language() === 'en' ? 'zh-CN' : 'en';
  document.title = t('brand');
}

async function route() {
  const user = session();
  header(user);
  // Each navigation renders into a stage of its own. A slower render of an earlier page (its data still loading) then
  // fills a stage that is no longer on screen, instead of replacing the page the user has gone to since.
  const stage = document.createElement('div');
  view.replaceChildren(stage);
  if (!user) {
    await renderSignIn(stage, settings, () => {
      const target = `#/${pages[session().role][0]}`;
      if (location.hash === target) route();
      else location.hash = target;
    });
    return;
  }
  const [, page, id] = location.hash.split('/');
  const allowed = pages[user.role] ?? [];
  if (page === 'case' && id && allowed.includes('inbox')) return renderCase(stage, user, decodeURIComponent(id));
  if (!allowed.includes(page)) {
    location.replace(`#/${allowed[0]}`);
    return undefined;
  }
  const render = { intake: renderIntake, inbox: renderInbox, dashboard: renderDashboard }[page];
  return render(stage, user);
}

document.getElementById('lang').addEventListener('click', () => {
  setLanguage(language() === 'en' ? 'zh-CN' : 'en');
  route();
});
document.getElementById('signout').addEventListener('click', () => {
  endSession();
  location.hash = '#/signin';
});
window.addEventListener('hashchange', route);

setLanguage(language());
settings = await (await fetch('/console/settings.json')).json();
await completeRedirect(settings);
await route();
