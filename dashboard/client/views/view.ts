/**
 * A view of the dashboard: an id (its URL is `/v/<id>`, Overview is `/`),
 * a title for the navigation, and `render`, which fills the page's main
 * element from the API. Adding a view is one module exporting a `View`
 * plus one line in views/index.ts.
 */
export interface View {
  id: string;
  title: string;
  /** One line under the title. */
  summary: string;
  /** Filters that do not apply to this view (hidden in its filter bar). */
  hiddenFilters?: readonly string[];
  render(root: HTMLElement): Promise<void>;
}
