/**
 * The page script: finds the view named by `<body data-view>`, renders it
 * into `<main>` (loading, then data or a readable error), and wires the
 * filter form (kept in the URL) and sign-out.
 */
import { VIEWS } from './views/index.ts';
import { failed, loading } from './ui.ts';

async function start(): Promise<void> {
  const main = document.getElementById('view');
  const id = document.body.dataset.view;
  const view = VIEWS.find((v) => v.id === id);
  if (!main || !view) return;
  const wait = loading(view.title.toLowerCase());
  main.append(wait);
  main.setAttribute('aria-busy', 'true');
  try {
    await view.render(main);
  } catch (err) {
    main.append(failed(`Could not load ${view.title}: ${(err as Error).message}`));
  } finally {
    wait.remove();
    main.setAttribute('aria-busy', 'false');
    document.body.dataset.ready = 'true';
  }
}

function wireForms(): void {
  const filters = document.getElementById('filters') as HTMLFormElement | null;
  filters?.addEventListener('submit', (e) => {
    // Empty fields stay out of the URL, so a shared link names only what was chosen.
    e.preventDefault();
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(filters)) if (typeof v === 'string' && v.trim() !== '') params.set(k, v.trim());
    const keep = new URLSearchParams(location.search).get('experiment');
    if (keep) params.set('experiment', keep);
    location.assign(`${location.pathname}${params.size ? `?${params}` : ''}`);
  });
  document.getElementById('sign-out')?.addEventListener('click', async () => {
    await fetch('/api/v1/session', { method: 'DELETE', credentials: 'same-origin' });
    location.assign('/sign-in');
  });
  const signIn = document.getElementById('sign-in') as HTMLFormElement | null;
  signIn?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = (signIn.elements.namedItem('token') as HTMLInputElement).value.trim();
    const res = await fetch('/api/v1/session', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    if (res.ok) {
      const next = new URLSearchParams(location.search).get('next');
      location.assign(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
      return;
    }
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    const out = document.getElementById('sign-in-error');
    if (out) out.textContent = body.error ?? `sign-in failed (${res.status})`;
  });
}

wireForms();
void start();
