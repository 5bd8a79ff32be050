/** The filter that lets the dashboard answer its own paths before authentication (files are public; login carries its own credential). */
import type { Handler } from '../http.ts';
import type { Dashboard } from './dashboard.ts';

/** Serves /dashboard/... through `dashboard`, everything else through `next`. */
export function withDashboard(next: Handler, dashboard: Pick<Dashboard, 'handle'>): Handler {
  return async (req) => (await dashboard.handle(req)) ?? next(req);
}
