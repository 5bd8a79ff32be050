/**
 * Browser helpers for the dashboard end-to-end tests: Debian's chromium driven by playwright-core, one fresh profile
 * per context, console errors and page errors collected, screenshots written to test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where screenshots go (gitignored). */
export const RESULTS_DIR = join(ROOT, 'test-results', 'dashboard');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser profile with its page and what the page complained about. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** console.error lines (the browser's own network lines included). */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Opens chromium with a fresh user-data-dir. */
export async function openBrowser(): Promise<BrowserSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'superkube-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    // The server's certificate is from the data directory's own CA.
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return {
    context,
    page,
    consoleErrors,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Writes a full-page screenshot to test-results/dashboard/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });
}

/**
 * Console errors that are not the browser's own "Failed to load resource: ... 401/403" lines: those are expected
 * answers the page handles (a forbidden list, the 401 that ends a session); anything else is the page's fault.
 */
export function unexpectedConsoleErrors(lines: readonly string[]): string[] {
  return lines.filter((l) => !/^Failed to load resource: the server responded with a status of (401|403)\b/.test(l));
}

/** Logs in through the login screen with `token`. */
export async function loginWith(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/dashboard/`);
  await page.locator('#token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
}
