/** Shared Preact hooks: a ticking clock, the hash route, and a list kept current by a watch. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, watch } from './api.ts';

/** The current time, updated every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** The route in the URL hash (`#/browse` -> `browse`). */
export function useRoute(): string {
  const read = () => location.hash.replace(/^#\/?/, '') || 'whoami';
  const [route, setRoute] = useState(read());
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** An object with metadata, as lists return them. */
export interface Obj {
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  [k: string]: unknown;
}

/** The state of a watched list. */
export interface ListState<T> {
  items: T[] | undefined;
  error: ApiError | undefined;
}

/**
 * Lists `path` and keeps the result current with a watch (re-listing after 410 Gone). `map` trims each object to what
 * the screen shows (secret values are dropped here, before anything keeps them).
 */
export function useWatchedList<T extends { name: string }>(path: string | undefined, map: (o: Obj) => T): ListState<T> {
  const [state, setState] = useState<ListState<T>>({ items: undefined, error: undefined });
  useEffect(() => {
    if (!path) return;
    setState({ items: undefined, error: undefined });
    const ctl = new AbortController();
    const run = async () => {
      for (;;) {
        let byName = new Map<string, T>();
        let rv: string;
        try {
          const list = await api<{ metadata: { resourceVersion: string }; items: Obj[] }>(
            'GET',
            path,
            undefined,
            ctl.signal,
          );
          byName = new Map(list.items.map((o) => [o.metadata.name, map(o)]));
          rv = list.metadata.resourceVersion;
          setState({ items: [...byName.values()], error: undefined });
        } catch (err) {
          if (ctl.signal.aborted) return;
          setState({
            items: undefined,
            error: err instanceof ApiError ? err : new ApiError(0, undefined, String(err)),
          });
          return;
        }
        try {
          for (;;) {
            rv = await watch<Obj>(
              path,
              rv,
              (ev) => {
                if (ev.type === 'BOOKMARK') return;
                if (ev.type === 'DELETED') byName.delete(ev.object.metadata.name);
                else byName.set(ev.object.metadata.name, map(ev.object));
                const items = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
                setState({ items, error: undefined });
              },
              ctl.signal,
            );
            if (ctl.signal.aborted) return;
          }
        } catch (err) {
          if (ctl.signal.aborted) return;
          // 410 Gone: the history moved on; list again. Anything else: wait a little and list again.
          if (!(err instanceof ApiError && err.status === 410)) await new Promise((r) => setTimeout(r, 2000));
          if (ctl.signal.aborted) return;
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return;
        }
      }
    };
    void run();
    return () => ctl.abort();
  }, [path]);
  return state;
}
