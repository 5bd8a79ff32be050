/**
 * Closing idle HTTP/2 connections, as Go's HTTP/2 server does with kube-apiserver's IdleTimeout: a connection with
 * no open stream for that long gets a GOAWAY and is closed. Without it a client could open connections and send
 * nothing (or open one stream, finish it and go quiet), holding a socket and a session's memory forever. Open
 * streams keep a connection alive however quiet they are, so a watch without events is never cut.
 */
import type { ServerHttp2Session } from 'node:http2';
import { HTTP1_IDLE_TIMEOUT_MS } from './http1-deadlines.ts';

/** Closes `session` once it has had no open stream for `idleMs` (kube-apiserver's IdleTimeout by default). */
export function closeWhenIdle(session: ServerHttp2Session, idleMs = HTTP1_IDLE_TIMEOUT_MS): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    // close() sends GOAWAY and lets streams that raced the timer finish.
    timer = setTimeout(() => session.close(), idleMs).unref();
  };
  session.on('stream', (stream) => {
    open++;
    clearTimeout(timer);
    stream.once('close', () => {
      if (--open === 0 && !session.closed && !session.destroyed) arm();
    });
  });
  session.once('close', () => clearTimeout(timer));
  arm();
}
