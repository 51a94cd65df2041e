/**
 * A view of the dashboard: an id (its URL is `/v/<id>`, Overview is `/`),
 * a title for the navigation, and `render`, which fills the page's main
 * element from the API. Adding a view is one module exporting a `View`
 * plus one line in views/index.ts.
 */
import type { ApiRequest } from '../api.ts';

export interface View {
  id: string;
  title: string;
  /** One line under the title. */
  summary: string;
  /** Filters that do not apply to this view (hidden in its filter bar). */
  hiddenFilters?: readonly string[];
  /**
   * The requests `render` makes first, before any answer, for the page's
   * filters: the server starts them when it sends the page (dashboard/page/
   * routes.ts), so their answers are on the way while the script loads.
   */
  firstRequests?(filters: Readonly<Record<string, string>>): ApiRequest[];
  render(root: HTMLElement): Promise<void>;
}
