/**
 * The web dashboard end to end: a real server, real kubectl for setup, and Debian's chromium driving the SPA.
 * Needs web/dist (built by `npm install`'s prepare step, or `npx vite build --config web/vite.config.ts`).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { createTokenSigner, issueServiceAccountToken } from '../../src/auth/tokens/issuer.ts';
import { loadKeySet } from '../../src/auth/tokens/keys.ts';
import {
  type BrowserSession,
  loginWith,
  openBrowser,
  screenshot,
  unexpectedConsoleErrors,
} from './dashboard-browser.ts';
import { eventually, Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';

const WEB_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist', 'index.html');
const H = { 'x-superkube-dashboard': '1' };

/** The text of `loc` once it matches `re` (polls; generous deadline). */
async function textMatching(loc: Locator, re: RegExp, timeoutMs = 20_000): Promise<string> {
  return eventually(
    async () => {
      const t = (await loc.first().textContent({ timeout: 1000 })) ?? '';
      return re.test(t) ? t : undefined;
    },
    timeoutMs,
    `text matching ${re}`,
  );
}

/** The session cookie the browser holds for the server. */
async function sessionCookie(b: BrowserSession) {
  const c = (await b.context.cookies()).find((x) => x.name === 'sk_session');
  assert.ok(c, 'the browser has an sk_session cookie');
  return c;
}

/** Seconds left in the header countdown ("expires in 9m 58s"). */
function secondsLeft(text: string): number {
  const m = /expires in (?:(\d+)h )?(?:(\d+)m )?(\d+)s/.exec(text);
  assert.ok(m, `countdown text: ${text}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3]);
}

/** A GET with the session cookie `session` and the dashboard's header, as the dashboard makes its requests. */
function getWithSession(server: TestServer, session: string, path: string) {
  return rawRequest(server, 'GET', path, { headers: { cookie: `sk_session=${session}`, ...H } });
}

/** The page threw nothing and logged no console error but the expected ones. */
function assertNoPageErrors(b: BrowserSession): void {
  assert.deepEqual(b.pageErrors, []);
  assert.deepEqual(unexpectedConsoleErrors(b.consoleErrors), []);
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }).click();
}

describe('dashboard', () => {
  let server: TestServer;
  let kubectl: Kubectl;

  before(async () => {
    assert.ok(
      existsSync(WEB_DIST),
      `the dashboard is not built (${WEB_DIST}); run npx vite build --config web/vite.config.ts`,
    );
    server = await startServer();
    kubectl = new Kubectl('1.33', server);
    await kubectl.ok(['create', 'namespace', 'team']);
    await kubectl.ok(['create', 'serviceaccount', 'viewer', '-n', 'team']);
    await kubectl.ok(['create', 'serviceaccount', 'temp', '-n', 'team']);
    await kubectl.ok([
      'create',
      'rolebinding',
      'viewers',
      '-n',
      'team',
      '--clusterrole=view',
      '--serviceaccount=team:viewer',
      '--serviceaccount=team:temp',
    ]);
    await kubectl.ok(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'web-1', namespace: 'team' },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'evil', namespace: 'team', annotations: { note: '<script>window.__xss=3</script>' } },
            data: { html: '<img src=x onerror="window.__xss=1">', js: '<script>window.__xss=2</script>' },
          },
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'db', namespace: 'team' },
            stringData: { password: 's3cr3t-value' },
          },
        ],
      }),
    });
  });

  after(async () => {
    // A server that died mid-run explains the failures that follow: show how it ended.
    if (server && server.process.exitCode !== null)
      process.stderr.write(`server exited early:\n${server.logs().slice(-4000)}\n`);
    kubectl?.cleanup();
    await server?.stop();
  });

  it('serves the SPA with strict security headers and refuses the session API without the custom header', async () => {
    const page = await rawRequest(server, 'GET', '/dashboard/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(page.body, /<script>(?!<\/script>)|<script type="module">[^<]/, 'no inline script');
    const redirect = await rawRequest(server, 'GET', '/dashboard');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers['location'], '/dashboard/');
    const noHeader = await rawRequest(server, 'POST', '/dashboard/api/session', {
      body: JSON.stringify({ token: server.adminToken }),
    });
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.headers['set-cookie'], undefined);
    const bad = await rawRequest(server, 'POST', '/dashboard/api/session', {
      body: JSON.stringify({ token: 'not-a-token' }),
      headers: H,
    });
    assert.equal(bad.status, 401);
    assert.equal(JSON.parse(bad.body).message, 'The server did not accept this token.');
    const blank = await rawRequest(server, 'POST', '/dashboard/api/session', {
      body: JSON.stringify({ token: '   ' }),
      headers: H,
    });
    assert.equal(blank.status, 400);
  });

  it('admin login shows system:masters; the cookie is HttpOnly and works only with the header; logout ends it', async () => {
    const b = await openBrowser();
    try {
      await loginWith(b.page, server.url, server.adminToken);
      const groups = await textMatching(b.page.getByTestId('groups'), /system:masters/);
      assert.match(groups, /system:authenticated/);
      assert.equal(await b.page.getByTestId('username').textContent(), 'admin');
      await screenshot(b.page, 'whoami-admin');
      await nav(b.page, 'My token');
      await textMatching(b.page.getByTestId('countdown'), /^static token, does not expire$/);
      await screenshot(b.page, 'my-token-static');

      const docCookie = (await b.page.evaluate('document.cookie')) as string;
      assert.doesNotMatch(docCookie, /sk_session/);
      assert.ok(!docCookie.includes(server.adminToken));
      const storage = (await b.page.evaluate(
        'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
      )) as string;
      assert.ok(!storage.includes(server.adminToken), 'the token is not in web storage');
      const c = await sessionCookie(b);
      assert.equal(c.httpOnly, true);
      assert.equal(c.secure, true);
      assert.equal(c.sameSite, 'Strict');
      assert.equal(c.path, '/');
      assert.match(c.value, /^[A-Za-z0-9_-]{43}$/);

      const cookie = { cookie: `sk_session=${c.value}` };
      const withHeader = await rawRequest(server, 'GET', '/api/v1/namespaces', { headers: { ...cookie, ...H } });
      assert.equal(withHeader.status, 200);
      const withoutHeader = await rawRequest(server, 'GET', '/api/v1/namespaces', { headers: cookie });
      assert.equal(withoutHeader.status, 401);
      assert.equal(JSON.parse(withoutHeader.body).message, 'Unauthorized');

      await b.page.getByRole('button', { name: 'Log out' }).click();
      await textMatching(b.page.getByTestId('login-message'), /^You have logged out\.$/);
      const afterLogout = await rawRequest(server, 'GET', '/api/v1/namespaces', { headers: { ...cookie, ...H } });
      assert.equal(afterLogout.status, 401);
      assertNoPageErrors(b);
    } finally {
      await b.close();
    }
  });

  it('a view-only service account sees its pods, a plain 403 for secrets, live updates, and data as text', async () => {
    const token = (await kubectl.ok(['create', 'token', 'viewer', '-n', 'team', '--duration=1h'])).trim();
    const b = await openBrowser();
    try {
      await loginWith(b.page, server.url, token);
      await textMatching(b.page.getByTestId('username'), /^system:serviceaccount:team:viewer$/);
      const first = secondsLeft(await textMatching(b.page.getByTestId('countdown'), /expires in/));
      await new Promise((r) => setTimeout(r, 2500));
      const second = secondsLeft((await b.page.getByTestId('countdown').textContent()) ?? '');
      assert.ok(second < first, `countdown decreases: ${first} -> ${second}`);
      assert.ok(first > 3500 && first <= 3600, `about an hour left: ${first}`);

      await nav(b.page, 'My token');
      assert.match((await b.page.getByTestId('jwt-header').textContent()) ?? '', /"alg": "RS256"/);
      assert.match(
        (await b.page.getByTestId('jwt-claims').textContent()) ?? '',
        /"sub": "system:serviceaccount:team:viewer"/,
      );
      assert.equal(await b.page.getByTestId('expiry-warning').count(), 0);
      await screenshot(b.page, 'my-token-jwt');

      await nav(b.page, 'Browse');
      await textMatching(b.page.getByTestId('table-pods'), /web-1/);
      await screenshot(b.page, 'browse-pods');

      await b.page.getByRole('tab', { name: 'Secrets' }).click();
      const denied = await textMatching(b.page.getByRole('alert'), /not allowed/);
      assert.match(denied, /^You are not allowed to list secrets in the namespace "team"\./);
      assert.match(
        denied,
        /Kubernetes says: secrets is forbidden: User "system:serviceaccount:team:viewer" cannot list resource "secrets" in API group "" in the namespace "team"/,
      );
      await screenshot(b.page, 'browse-secrets-forbidden');

      await b.page.getByRole('tab', { name: 'Config maps' }).click();
      const cms = await textMatching(b.page.getByTestId('table-configmaps'), /evil/);
      assert.ok(cms.includes('html: <img src=x onerror="window.__xss=1">'), cms);
      assert.ok(cms.includes('js: <script>window.__xss=2</script>'), cms);
      assert.equal(await b.page.locator('[data-testid="table-configmaps"] img').count(), 0);
      assert.equal(await b.page.locator('main script').count(), 0);
      assert.equal(await b.page.evaluate('window.__xss'), undefined);

      // Live: a config map created with kubectl shows up without reloading.
      await kubectl.ok(['create', 'configmap', 'live-one', '-n', 'team', '--from-literal=k=v']);
      await textMatching(b.page.getByTestId('table-configmaps'), /live-one/);
      await kubectl.ok(['delete', 'configmap', 'live-one', '-n', 'team']);
      await eventually(
        async () => !/live-one/.test((await b.page.getByTestId('table-configmaps').textContent()) ?? ''),
        20_000,
        'live-one gone',
      );
      await screenshot(b.page, 'browse-configmaps');

      await nav(b.page, 'What may I do');
      const rules = await textMatching(b.page.getByTestId('rules'), /pods/);
      assert.match(rules, /get, list, watch/);
      await screenshot(b.page, 'rules');
      assertNoPageErrors(b);
    } finally {
      await b.close();
    }
  });

  it('admin reveals a secret value only on request and creates a token for a service account', async () => {
    const b = await openBrowser();
    try {
      await loginWith(b.page, server.url, server.adminToken);
      await textMatching(b.page.getByTestId('username'), /^admin$/);
      await nav(b.page, 'Browse');
      await b.page.locator('#ns').fill('team');
      await b.page.getByRole('button', { name: 'Show' }).click();
      await b.page.getByRole('tab', { name: 'Secrets' }).click();
      const row = await textMatching(b.page.getByTestId('table-secrets'), /db/);
      assert.match(row, /Opaque/);
      assert.match(row, /password/);
      assert.doesNotMatch(await b.page.content(), /s3cr3t-value/);
      await b.page.getByRole('button', { name: 'Reveal password of db' }).click();
      await textMatching(b.page.getByTestId('table-secrets'), /s3cr3t-value/);
      await screenshot(b.page, 'browse-secret-revealed');

      await nav(b.page, 'Create token');
      await b.page.locator('#ct-ns').fill('team');
      await b.page.locator('#ct-sa').fill('viewer');
      await b.page.locator('#ct-duration').selectOption('600');
      await b.page.getByRole('button', { name: 'Create token' }).click();
      const minted = await eventually(
        async () => (await b.page.getByTestId('new-token').inputValue({ timeout: 1000 })) || undefined,
        20_000,
      );
      assert.match(minted, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.match(
        (await b.page.getByTestId('new-token-expiry').textContent()) ?? '',
        /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ UTC/,
      );
      await screenshot(b.page, 'create-token');
      const review = await rawRequest(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        token: minted,
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      });
      assert.equal(JSON.parse(review.body).status.userInfo.username, 'system:serviceaccount:team:viewer');
      assertNoPageErrors(b);
    } finally {
      await b.close();
    }
  });

  it('deleting the service account mid-session ends the session', async () => {
    const token = (await kubectl.ok(['create', 'token', 'temp', '-n', 'team'])).trim();
    const b = await openBrowser();
    try {
      await loginWith(b.page, server.url, token);
      await textMatching(b.page.getByTestId('username'), /^system:serviceaccount:team:temp$/);
      const c = await sessionCookie(b);
      await kubectl.ok(['delete', 'serviceaccount', 'temp', '-n', 'team']);
      await nav(b.page, 'What may I do');
      const msg = await textMatching(b.page.getByTestId('login-message'), /no longer accepts/);
      assert.equal(
        msg,
        'The server no longer accepts the token of this session (it was revoked, or its service account or bound object was deleted). Log in with a new token.',
      );
      await screenshot(b.page, 'login-after-revocation');
      const old = await getWithSession(server, c.value, '/api/v1/namespaces/team/pods');
      assert.equal(old.status, 401);
      assertNoPageErrors(b);
    } finally {
      await b.close();
    }
  });

  it('a token that expires during the session sends the user back to login saying when it expired', async () => {
    const uid = await kubectl.ok(['get', 'serviceaccount', 'viewer', '-n', 'team', '-o', 'jsonpath={.metadata.uid}']);
    const keys = loadKeySet({ signingKeyFile: join(server.dataDir, 'sa.key') });
    const signer = createTokenSigner('https://kubernetes.default.svc', keys.signingKey!);
    const issued = issueServiceAccountToken(signer, {
      serviceAccount: { namespace: 'team', name: 'viewer', uid },
      expirationSeconds: 20,
      audiences: ['https://kubernetes.default.svc'],
    });
    const b = await openBrowser();
    try {
      await loginWith(b.page, server.url, issued.token);
      await textMatching(b.page.getByTestId('username'), /^system:serviceaccount:team:viewer$/);
      await nav(b.page, 'My token');
      await textMatching(b.page.getByTestId('expiry-warning'), /expires in less than 10 minutes/);
      await screenshot(b.page, 'my-token-expiring');
      const c = await sessionCookie(b);
      const msg = await textMatching(b.page.getByTestId('login-message'), /expired/, 45_000);
      const utc = new Date(issued.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
      assert.ok(msg.startsWith('Your token expired at '), msg);
      assert.ok(msg.includes(`(${utc} UTC)`), `${msg} names ${utc}`);
      await screenshot(b.page, 'login-after-expiry');
      const old = await getWithSession(server, c.value, '/api/v1/namespaces/team/pods');
      assert.equal(old.status, 401);
      assertNoPageErrors(b);
    } finally {
      await b.close();
    }
  });
});
