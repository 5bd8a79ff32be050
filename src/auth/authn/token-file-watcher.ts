/**
 * Hot reload for the static token file. Upstream reads `--token-auth-file` once at startup; superkube also picks
 * up edits so tokens can be added or revoked without a restart. Startup keeps upstream's rule (a file that does
 * not load stops the server); after that a file that no longer loads is reported and the last good tokens stay.
 *
 * Change detection: fs.watch on the containing directory (so a save that renames a new file over the old one is
 * seen), plus a cheap stat poll as a backstop because fs.watch can miss events (network file systems, some
 * editors, containers). A change is applied only when the bytes differ from the last attempt, so spurious events
 * cost one read and never a reload.
 */
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  goFileErrorMessage,
  type ParsedTokenFile,
  parseTokenFile,
  StaticTokenAuthenticator,
  TokenFileError,
} from './token-file.ts';

/** Default interval of the stat poll. */
export const DEFAULT_POLL_INTERVAL_MS = 500;
// Editors write in several steps; let a burst of events settle before reading.
const EVENT_SETTLE_MS = 25;

/** Options for watchTokenFile. */
export interface TokenFileWatcherOptions {
  /** The token file (`--token-auth-file`). */
  path: string;
  /** The API audiences, for the static authenticator's audience-agnostic behaviour. */
  apiAudiences: readonly string[];
  /** After a successful reload swapped the tokens (flush the token cache here). */
  onReload?: (tokenCount: number) => void;
  /** A changed file that does not load (its TokenFileError carries the line); the previous tokens stay in use. */
  onError?: (err: Error) => void;
  /** Upstream's warnings (empty or duplicate tokens), at startup and on every reload. */
  onWarning?: (message: string) => void;
  /** Stat poll interval; default 500 ms. */
  pollIntervalMs?: number;
  /** Use fs.watch as well as polling; default true. */
  useFsWatch?: boolean;
}

/** A token file being watched. `authenticator` always answers from the last good version of the file. */
export interface WatchedTokenFile {
  readonly authenticator: StaticTokenAuthenticator;
  /** Checks the file now (as if a change event arrived); resolves when that check is done. */
  reload(): Promise<void>;
  /** Stops watching; the authenticator keeps its current tokens. */
  close(): void;
}

/**
 * Loads `opts.path` and keeps the returned authenticator in step with it. Rejects (TokenFileError, upstream's
 * message) when the file cannot be loaded at startup.
 */
export async function watchTokenFile(opts: TokenFileWatcherOptions): Promise<WatchedTokenFile> {
  const { path } = opts;
  // Stat before reading: if the file changes in between, the next poll sees a newer signature and rereads.
  let initialSignature: string;
  let initialData: Buffer;
  try {
    initialSignature = signature(await stat(path));
    initialData = await readFile(path);
  } catch (err) {
    throw new TokenFileError(goFileErrorMessage(path, err), path, undefined, { cause: err });
  }
  const initial = parseTokenFile(initialData, path);
  for (const w of initial.warnings) opts.onWarning?.(w);
  const authenticator = new StaticTokenAuthenticator(initial.tokens, { apiAudiences: opts.apiAudiences });

  let lastSignature = initialSignature;
  let lastDigest = digest(initialData);
  let lastErrorMessage: string | undefined;
  let closed = false;

  const report = (err: Error): void => {
    if (err.message === lastErrorMessage) return;
    lastErrorMessage = err.message;
    opts.onError?.(err);
  };

  const checkOnce = async (readEvenIfUnchanged: boolean): Promise<void> => {
    let sig: string;
    try {
      sig = signature(await stat(path));
    } catch (err) {
      lastSignature = '';
      report(new TokenFileError(goFileErrorMessage(path, err), path, undefined, { cause: err }));
      return;
    }
    if (sig === lastSignature && !readEvenIfUnchanged) return;
    lastSignature = sig;
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (err) {
      report(new TokenFileError(goFileErrorMessage(path, err), path, undefined, { cause: err }));
      return;
    }
    const d = digest(data);
    if (d === lastDigest || closed) return;
    lastDigest = d;
    let parsed: ParsedTokenFile;
    try {
      parsed = parseTokenFile(data, path);
    } catch (err) {
      report(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    authenticator.replace(parsed.tokens);
    lastErrorMessage = undefined;
    for (const w of parsed.warnings) opts.onWarning?.(w);
    opts.onReload?.(parsed.tokens.size);
  };

  // One check at a time; a request that arrives meanwhile runs once more afterwards.
  let running: Promise<void> | undefined;
  let again = false;
  let againForced = false;
  const check = (force: boolean): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      againForced ||= force;
      return running;
    }
    running = (async () => {
      let f = force;
      for (;;) {
        await checkOnce(f);
        if (!again || closed) break;
        f = againForced;
        again = false;
        againForced = false;
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const poll = setInterval(() => void check(false), opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  poll.unref();

  let settle: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  if (opts.useFsWatch ?? true) {
    const base = basename(path);
    try {
      watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
        if (filename !== null && filename.toString() !== base) return;
        clearTimeout(settle);
        settle = setTimeout(() => void check(true), EVENT_SETTLE_MS);
        settle.unref();
      });
      // Losing the watch (directory removed, too many watches) leaves the poll in charge.
      watcher.on('error', () => watcher?.close());
    } catch {
      watcher = undefined;
    }
  }

  return {
    authenticator,
    reload: () => check(true),
    close: () => {
      closed = true;
      clearInterval(poll);
      clearTimeout(settle);
      watcher?.close();
    },
  };
}

function signature(s: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}
