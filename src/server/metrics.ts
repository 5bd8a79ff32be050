/**
 * Prometheus metrics (prom-client, one registry per server): requests by verb, resource and code, latencies,
 * in-flight requests, authentication and authorization outcomes, storage latency. Served at /metrics, which the
 * default policy lets system:monitoring read.
 */
import client from 'prom-client';
import type { Storage } from '../storage/interface.ts';

/** The server's metrics. */
export class Metrics {
  #inflightNow: () => number = () => 0;
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({
    name: 'apiserver_request_total',
    help: 'Requests served, by verb, API group, resource and HTTP code.',
    labelNames: ['verb', 'group', 'resource', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new client.Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Time to serve a request (watches: until the stream started), by verb and resource.',
    labelNames: ['verb', 'group', 'resource'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  // Read when scraped: setting a gauge twice per request costs more than the request's other metrics together.
  readonly inflight: client.Gauge = new client.Gauge({
    name: 'apiserver_current_inflight_requests',
    help: 'Non-watch requests being served now.',
    registers: [this.registry],
    collect: () => this.inflight.set(this.#inflightNow()),
  });
  readonly authentications = new client.Counter({
    name: 'authentication_attempts',
    help: 'Authentication outcomes: success, anonymous, error.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly authorizations = new client.Counter({
    name: 'apiserver_authorization_decisions_total',
    help: 'Authorization decisions: allowed, denied, error.',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });
  readonly storageLatency = new client.Histogram({
    name: 'superkube_storage_operation_duration_seconds',
    help: 'Storage operation latency by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'superkube_process_' });
  }

  /** Where apiserver_current_inflight_requests is read from. */
  reportInflight(now: () => number): void {
    this.#inflightNow = now;
  }

  /** Counts an authentication outcome. */
  readonly countAuthentication = boundCounter(this.authentications, 'result');
  /** Counts an authorization decision. */
  readonly countAuthorization = boundCounter(this.authorizations, 'decision');

  /** The text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * `inc` for a counter with one label, with each value's child made once: prom-client validates and hashes a label
 * object on every call otherwise.
 */
function boundCounter<L extends string>(counter: client.Counter<L>, label: L): (value: string) => void {
  const children = new Map<string, client.Counter.Internal>();
  return (value) => {
    let child = children.get(value);
    if (!child) {
      child = counter.labels({ [label]: value } as Record<L, string>);
      children.set(value, child);
    }
    child.inc();
  };
}

/** Wraps a storage backend so every operation's latency is observed. Watches are not timed (they are long). */
export function instrumentStorage(storage: Storage, metrics: Metrics): Storage {
  const timed = <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) => {
    // The labelled child once per operation: prom-client hashes a label object on every call otherwise.
    const histogram = metrics.storageLatency.labels({ operation: op });
    return async (...args: A): Promise<R> => {
      const start = performance.now();
      try {
        return await fn(...args);
      } finally {
        histogram.observe((performance.now() - start) / 1000);
      }
    };
  };
  return {
    get: timed('get', (k) => storage.get(k)),
    list: timed('list', (p, o) => storage.list(p, o)),
    count: timed('count', (p) => storage.count(p)),
    create: timed('create', (k, v) => storage.create(k, v)),
    update: timed('update', (k, v, r) => storage.update(k, v, r)),
    delete: timed('delete', (k, r) => storage.delete(k, r)),
    watch: (p, r) => storage.watch(p, r),
    currentRevision: () => storage.currentRevision(),
    compactedRevision: () => storage.compactedRevision(),
    compact: (r) => storage.compact(r),
    close: () => storage.close(),
  };
}
