/**
 * Read deadlines for HTTP/1.1 connections, as Go's net/http applies kube-apiserver's settings: a connection waiting
 * between requests may idle for IdleTimeout; once the next request's first bytes arrive (and for a new connection,
 * from the start), its headers must be complete within ReadHeaderTimeout. Node enforces neither on an HTTP/2
 * server's HTTP/1.1 connections, so without this a client sending headers slowly, or never, held its connection
 * (and its memory) forever.
 */
import type { Socket } from 'node:net';

/** kube-apiserver's ReadHeaderTimeout. */
export const HTTP1_HEADER_TIMEOUT_MS = 32_000;
/** kube-apiserver's IdleTimeout. */
export const HTTP1_IDLE_TIMEOUT_MS = 90_000;

interface ConnectionState {
  timer: NodeJS.Timeout | undefined;
  /** Requests whose headers arrived and whose responses have not ended (pipelining allows several). */
  active: number;
  /** Waiting between requests, no byte of the next one seen yet. */
  idle: boolean;
}

/** Tracks HTTP/1.1 connections and destroys those that miss a deadline. */
export class Http1Deadlines {
  readonly #headerMs: number;
  readonly #idleMs: number;
  readonly #state = new WeakMap<Socket, ConnectionState>();

  constructor(headerMs = HTTP1_HEADER_TIMEOUT_MS, idleMs = HTTP1_IDLE_TIMEOUT_MS) {
    this.#headerMs = headerMs;
    this.#idleMs = idleMs;
  }

  /** A new HTTP/1.1 connection: its first request's headers are due within the header timeout. */
  connected(sock: Socket): void {
    const st: ConnectionState = { timer: undefined, active: 0, idle: false };
    this.#state.set(sock, st);
    // Runs after the HTTP parser's own listener, so a chunk holding complete headers has already started a request.
    sock.on('data', () => {
      if (!st.idle) return;
      st.idle = false;
      this.#arm(sock, st, this.#headerMs);
    });
    sock.once('close', () => clearTimeout(st.timer));
    this.#arm(sock, st, this.#headerMs);
  }

  /** A request's headers arrived on `sock`. */
  requestStarted(sock: Socket): void {
    const st = this.#state.get(sock);
    if (!st) return;
    clearTimeout(st.timer);
    st.timer = undefined;
    st.idle = false;
    st.active++;
  }

  /** A response on `sock` ended; with none left in progress the connection starts idling. */
  responseEnded(sock: Socket): void {
    const st = this.#state.get(sock);
    if (!st || --st.active > 0) return;
    st.active = 0;
    st.idle = true;
    this.#arm(sock, st, this.#idleMs);
  }

  #arm(sock: Socket, st: ConnectionState, ms: number): void {
    clearTimeout(st.timer);
    st.timer = sock.destroyed ? undefined : setTimeout(() => sock.destroy(), ms).unref();
  }
}
