/**
 * Server-rendered HTML of the dashboard: the shell of a view (navigation,
 * the filter form holding the URL's filters, an empty main the script
 * fills) and the sign-in page. Every value is HTML-escaped; no inline
 * script or style (the CSP forbids them); no token in any page or URL.
 *
 * @example
 * c.html(viewPage({ view, views, filters, scope }));
 */
import type { Scope } from '../access/index.ts';

export interface NavItem {
  id: string;
  title: string;
  summary: string;
  hiddenFilters?: readonly string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** The URL path of a view. */
export function viewPath(id: string): string {
  return id === 'overview' ? '/' : `/v/${id}`;
}

function page(title: string, bodyAttrs: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · livelens</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body ${bodyAttrs}>
<a class="skip" href="#view">Skip to content</a>
${content}
</body>
</html>
`;
}

const FILTER_FIELDS: Array<{ name: string; label: string; placeholder: string }> = [
  { name: 'from', label: 'From', placeholder: 'YYYY-MM-DD' },
  { name: 'to', label: 'To', placeholder: 'YYYY-MM-DD' },
  { name: 'retailer', label: 'Retailer', placeholder: 'all' },
  { name: 'creator', label: 'Creator', placeholder: 'all' },
  { name: 'show', label: 'Show', placeholder: 'all' },
  { name: 'region', label: 'Region', placeholder: 'all' },
];

export interface ViewPageOptions {
  view: NavItem;
  views: readonly NavItem[];
  /** The URL's filters, as given. */
  filters: Record<string, string>;
  scope: Scope;
}

export function viewPage(o: ViewPageOptions): string {
  const nav = o.views
    .map((v) => `<a href="${viewPath(v.id)}"${v.id === o.view.id ? ' aria-current="page" class="active"' : ''}>${escapeHtml(v.title)}</a>`)
    .join('');
  const hidden = new Set([...(o.view.hiddenFilters ?? []), ...(o.scope.role === 'retailer' ? ['retailer'] : [])]);
  const fields = FILTER_FIELDS.filter((f) => !hidden.has(f.name))
    .map((f) => `<label>${escapeHtml(f.label)}<input name="${f.name}" value="${escapeHtml(o.filters[f.name] ?? '')}" placeholder="${escapeHtml(f.placeholder)}" autocomplete="off"></label>`)
    .join('');
  const who = o.scope.role === 'retailer' ? `retailer ${o.scope.retailer}` : o.scope.role;
  return page(o.view.title, `data-view="${escapeHtml(o.view.id)}"`, `<header class="top">
<div class="brand"><span class="logo" aria-hidden="true">●</span> livelens</div>
<nav class="views" aria-label="Views">${nav}</nav>
<div class="who">Signed in as ${escapeHtml(who)} <button type="button" id="sign-out">Sign out</button></div>
</header>
<form id="filters" class="filters" role="search" aria-label="Filters">${fields}<button type="submit">Apply</button><a class="clear" href="${viewPath(o.view.id)}">Clear</a></form>
<div class="intro"><h1>${escapeHtml(o.view.title)}</h1><p>${escapeHtml(o.view.summary)}</p></div>
<main id="view" tabindex="-1"><noscript><p class="state error">This dashboard draws its tables and charts with JavaScript; the same numbers are in the API under /api/v1/.</p></noscript></main>
<footer class="foot">Numbers from the same queries as <code>livelens report</code>; times in UTC; conversion intervals are 95% Wilson intervals.</footer>`);
}

export function signInPage(): string {
  return page('Sign in', 'data-view="sign-in"', `<main id="view" class="sign-in-main">
<form id="sign-in" class="sign-in card">
<h1><span class="logo" aria-hidden="true">●</span> livelens</h1>
<p>Sign in with your dashboard token (printed by <code>livelens serve</code> or <code>npm start</code>, or given to you by your admin).</p>
<label>Token<input name="token" type="password" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
<p id="sign-in-error" class="state error" role="alert"></p>
</form>
</main>`);
}
