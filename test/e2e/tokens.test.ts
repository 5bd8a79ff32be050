/**
 * Acceptance tests of issue 4 (token authentication) driven by the real kubectl 1.27 and 1.32: TokenRequest through
 * `kubectl create token`, the JWT layout upstream produces, `auth whoami`, revocation when what a token depends on is
 * deleted, secret-based tokens, verification by an outside party (jose over our OIDC discovery), and the audit log.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, customFetch, type FetchImplementation, jwtVerify } from 'jose';
import { eventually, Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';
import { whoamiRows } from './kubectl-output.ts';

const ISSUER = 'https://kubernetes.default.svc';
const VERSIONS = ['1.27', '1.32'] as const;
const SSR_BODY = '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// The issue asks for revocation within 1 s; 5 s is generous for a loaded machine yet well inside the 10 s token
// cache window, so passing proves the cache is flushed rather than merely expiring.
const REVOCATION_DEADLINE_MS = 5_000;

/** A decoded compact JWS: the raw JSON texts and their parsed values. */
interface DecodedJwt {
  headerText: string;
  payloadText: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function decodeJwt(token: string): DecodedJwt {
  const [h, p] = token.split('.') as [string, string];
  const headerText = Buffer.from(h, 'base64url').toString('utf8');
  const payloadText = Buffer.from(p, 'base64url').toString('utf8');
  return { headerText, payloadText, header: JSON.parse(headerText), payload: JSON.parse(payloadText) };
}

/** JSON with keys sorted at every level, compact: what go-jose's map round trip produces. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Upstream's kid: base64url(SHA-256(DER SubjectPublicKeyInfo)). */
function kidOf(pub: KeyObject): string {
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}

function signatureValid(token: string, pub: KeyObject): boolean {
  const [h, p, s] = token.split('.') as [string, string, string];
  return createVerify('RSA-SHA256').update(`${h}.${p}`).verify(pub, Buffer.from(s, 'base64url'));
}

/** The arguments of `kubectl create token default --bound-object-kind Pod --bound-object-name <pod>`. */
function createTokenBoundToPod(pod: string): string[] {
  return ['create', 'token', 'default', '--bound-object-kind', 'Pod', '--bound-object-name', pod];
}

/** Status of a SelfSubjectReview made with `token` (201 while the token is good, 401 once it is not). */
async function reviewStatus(server: TestServer, token: string): Promise<number> {
  return (
    await rawRequest(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token, body: SSR_BODY })
  ).status;
}

async function waitUnauthorized(server: TestServer, token: string, what: string): Promise<void> {
  await eventually(
    async () => (await reviewStatus(server, token)) === 401,
    REVOCATION_DEADLINE_MS,
    `${what} to make the token fail`,
  );
}

/** A fetch for jose that trusts the test server's CA (global fetch has no per-call CA option). */
function fetchTrusting(caPem: string): FetchImplementation {
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      options.headers.forEach((v, k) => {
        headers[k] = v;
      });
      const req = httpsRequest(url, { method: options.method, ca: caPem, headers, signal: options.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: h }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
}

describe('issue 4: service-account tokens with kubectl 1.27 and 1.32', () => {
  let server: TestServer;
  const k: Record<string, Kubectl> = {};
  let pub: KeyObject;
  let defaultSaUid = '';
  /** Every token value a test handled, so the last test can check none leaked into the logs. */
  const usedTokens: string[] = [];

  before(async () => {
    // Public discovery lets the outside verifier fetch the JWKS like an anonymous relying party would.
    server = await startServer(['--service-account-issuer-discovery-public']);
    for (const v of VERSIONS) k[v] = new Kubectl(v, server);
    pub = createPublicKey(readFileSync(join(server.dataDir, 'sa.pub')));
    usedTokens.push(server.adminToken);
    defaultSaUid = await eventually(
      async () =>
        (
          await k['1.32']!.ok(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'jsonpath={.metadata.uid}'])
        ).trim(),
      30_000,
      'the default service account',
    );
    // A pod running as the default service account, for bound tokens.
    await k['1.32']!.ok(['run', 'p', '--image=nginx', '--restart=Never']);
  });
  after(async () => {
    for (const c of Object.values(k)) c.cleanup();
    await server?.stop();
  });

  for (const v of VERSIONS) {
    describe(`kubectl ${v}`, () => {
      /**
       * Decodes a token kubectl printed (and records it as used), asserting the layout every issued token shares: the
       * JWT shape, the RS256 header naming sa.pub's key id, compact sorted claims, and the claim names.
       */
      const decodeIssuedToken = (token: string): DecodedJwt => {
        assert.match(token, JWT_SHAPE);
        usedTokens.push(token);
        const jwt = decodeJwt(token);
        assert.equal(jwt.headerText, `{"alg":"RS256","kid":"${kidOf(pub)}"}`);
        assert.equal(jwt.payloadText, canonicalJson(jwt.payload));
        assert.deepEqual(Object.keys(jwt.payload), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
        return jwt;
      };

      it('create token default: a bare JWT on stdout in upstream layout, signed by sa.key', async () => {
        const r = await k[v]!.run(['create', 'token', 'default']);
        assert.equal(r.stderr, '');
        assert.equal(r.code, 0);
        // Piped stdout carries the token without a trailing newline.
        assert.match(r.stdout, JWT_SHAPE);
        const token = r.stdout;
        usedTokens.push(token);
        const jwt = decodeJwt(token);
        assert.equal(jwt.headerText, `{"alg":"RS256","kid":"${kidOf(pub)}"}`);
        assert.equal(
          jwt.payloadText,
          canonicalJson(jwt.payload),
          'claims are compact JSON with keys sorted at every level',
        );
        assert.deepEqual(Object.keys(jwt.payload), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
        const c = jwt.payload as {
          aud: unknown;
          exp: number;
          iat: number;
          nbf: number;
          iss: string;
          jti: string;
          sub: string;
          'kubernetes.io': unknown;
        };
        assert.deepEqual(c.aud, [ISSUER]);
        assert.equal(c.iss, ISSUER);
        assert.equal(c.sub, 'system:serviceaccount:default:default');
        assert.ok(Number.isInteger(c.iat) && Number.isInteger(c.exp) && Number.isInteger(c.nbf));
        assert.equal(c.nbf, c.iat);
        assert.equal(c.exp - c.iat, 3600);
        assert.ok(Math.abs(c.iat - Date.now() / 1000) < 300, 'iat is now');
        assert.match(c.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.deepEqual(c['kubernetes.io'], {
          namespace: 'default',
          serviceaccount: { name: 'default', uid: defaultSaUid },
        });
        assert.ok(signatureValid(token, pub), 'RS256 signature verifies with sa.pub');
      });

      it('create token default --duration 10m --audience a', async () => {
        const token = await k[v]!.ok(['create', 'token', 'default', '--duration', '10m', '--audience', 'a']);
        const jwt = decodeIssuedToken(token);
        assert.deepEqual(jwt.payload['aud'], ['a']);
        assert.equal((jwt.payload['exp'] as number) - (jwt.payload['iat'] as number), 600);
        assert.ok(signatureValid(token, pub));
      });

      it('create token default --bound-object-kind Pod --bound-object-name p carries the pod', async () => {
        const pod = JSON.parse(await k[v]!.ok(['get', 'pod', 'p', '-o', 'json'])) as {
          metadata: { uid: string };
          spec: { nodeName?: string };
        };
        const token = await k[v]!.ok(createTokenBoundToPod('p'));
        const jwt = decodeIssuedToken(token);
        const kio = jwt.payload['kubernetes.io'] as Record<string, unknown>;
        assert.equal(kio['namespace'], 'default');
        assert.deepEqual(kio['serviceaccount'], { name: 'default', uid: defaultSaUid });
        assert.deepEqual(kio['pod'], { name: 'p', uid: pod.metadata.uid });
        // Upstream adds the node of a scheduled pod (PodNodeInfo, 1.30+); without a nodeName there is none.
        if (pod.spec.nodeName) {
          assert.deepEqual(Object.keys(kio), ['namespace', 'node', 'pod', 'serviceaccount']);
          assert.equal((kio['node'] as { name: string }).name, pod.spec.nodeName);
        } else {
          assert.deepEqual(Object.keys(kio), ['namespace', 'pod', 'serviceaccount']);
        }
        const who = whoamiRows(await k[v]!.ok([`--token=${token}`, 'auth', 'whoami']));
        assert.equal(who.get('Extra: authentication.kubernetes.io/pod-name'), '[p]');
        assert.equal(who.get('Extra: authentication.kubernetes.io/pod-uid'), `[${pod.metadata.uid}]`);
      });

      it('create token --duration 5m is refused with the upstream message', async () => {
        const r = await k[v]!.run(['create', 'token', 'default', '--duration', '5m']);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.equal(
          r.stderr,
          'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes\n',
        );
      });

      it('--token=<service-account token> auth whoami prints the service account', async () => {
        const token = await k[v]!.ok(['create', 'token', 'default']);
        usedTokens.push(token);
        const jti = decodeJwt(token).payload['jti'] as string;
        const r = await k[v]!.run([`--token=${token}`, 'auth', 'whoami']);
        assert.equal(r.stderr, '');
        assert.equal(r.code, 0);
        const rows = whoamiRows(r.stdout);
        assert.deepEqual(
          [...rows],
          [
            ['Username', 'system:serviceaccount:default:default'],
            ['UID', defaultSaUid],
            ['Groups', '[system:serviceaccounts system:serviceaccounts:default system:authenticated]'],
            ['Extra: authentication.kubernetes.io/credential-id', `[JTI=${jti}]`],
          ],
        );
      });

      it('auth whoami with the admin kubeconfig prints admin in system:masters', async () => {
        const rows = whoamiRows(await k[v]!.ok(['auth', 'whoami']));
        assert.equal(rows.get('Username'), 'admin');
        assert.equal(rows.get('Groups'), '[system:masters system:authenticated]');
      });

      it('a bad token is Unauthorized', async () => {
        const r = await k[v]!.run(['--token=not-a-real-token', 'auth', 'whoami']);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
        const g = await k[v]!.run(['--token=not-a-real-token', 'get', 'namespace', 'default']);
        assert.equal(g.code, 1);
        assert.ok(
          g.stderr.trimEnd().split('\n').includes('error: You must be logged in to the server (Unauthorized)'),
          `stderr: ${g.stderr}`,
        );
      });

      it('deleting the service account revokes its tokens; recreating it does not revive them', async () => {
        const sa = `gone-${v.replace('.', '')}`;
        await k[v]!.ok(['create', 'serviceaccount', sa]);
        const token = await k[v]!.ok(['create', 'token', sa]);
        usedTokens.push(token);
        // Use the token first so the authenticator's cache holds it.
        assert.equal(
          whoamiRows(await k[v]!.ok([`--token=${token}`, 'auth', 'whoami'])).get('Username'),
          `system:serviceaccount:default:${sa}`,
        );
        await k[v]!.ok(['delete', 'serviceaccount', sa]);
        await waitUnauthorized(server, token, 'deleting the service account');
        await k[v]!.ok(['create', 'serviceaccount', sa]);
        const r = await k[v]!.run([`--token=${token}`, 'auth', 'whoami']);
        assert.equal(r.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
        assert.equal(r.code, 1);
        // A fresh token for the new account works.
        const fresh = await k[v]!.ok(['create', 'token', sa]);
        usedTokens.push(fresh);
        assert.equal(await reviewStatus(server, fresh), 201);
      });

      it('deleting the bound pod (gone from the store) revokes the token', async () => {
        const pod = `bound-${v.replace('.', '')}`;
        await k[v]!.ok(['run', pod, '--image=nginx', '--restart=Never']);
        const token = await k[v]!.ok(createTokenBoundToPod(pod));
        usedTokens.push(token);
        assert.equal(await reviewStatus(server, token), 201);
        await k[v]!.ok(['delete', 'pod', pod, '--wait=true']);
        const g = await k[v]!.run(['get', 'pod', pod]);
        assert.equal(g.stderr, `Error from server (NotFound): pods "${pod}" not found\n`);
        await waitUnauthorized(server, token, 'deleting the bound pod');
      });

      it('a secret-based token is filled in by the tokens controller, works, and dies with its secret', async () => {
        const sa = `legacy-${v.replace('.', '')}`;
        const secret = `${sa}-token`;
        await k[v]!.ok(['create', 'serviceaccount', sa]);
        const saUid = (await k[v]!.ok(['get', 'serviceaccount', sa, '-o', 'jsonpath={.metadata.uid}'])).trim();
        const manifest = JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: secret, namespace: 'default', annotations: { 'kubernetes.io/service-account.name': sa } },
          type: 'kubernetes.io/service-account-token',
        });
        await k[v]!.ok(['create', '-f', '-'], { input: manifest });
        const filled = await eventually(
          async () => {
            const s = JSON.parse(await k[v]!.ok(['get', 'secret', secret, '-o', 'json'])) as {
              data?: Record<string, string>;
              metadata: { annotations?: Record<string, string> };
            };
            return s.data?.['token'] ? s : undefined;
          },
          20_000,
          'the tokens controller to fill data.token (nothing filling it is a bug)',
        );
        assert.equal(Buffer.from(filled.data!['namespace']!, 'base64').toString(), 'default');
        assert.equal(Buffer.from(filled.data!['ca.crt']!, 'base64').toString(), server.caPem);
        assert.equal(filled.metadata.annotations?.['kubernetes.io/service-account.uid'], saUid);
        const token = Buffer.from(filled.data!['token']!, 'base64').toString();
        usedTokens.push(token);
        const jwt = decodeJwt(token);
        assert.equal(jwt.headerText, `{"alg":"RS256","kid":"${kidOf(pub)}"}`);
        assert.equal(
          jwt.payloadText,
          `{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"default","kubernetes.io/serviceaccount/secret.name":"${secret}","kubernetes.io/serviceaccount/service-account.name":"${sa}","kubernetes.io/serviceaccount/service-account.uid":"${saUid}","sub":"system:serviceaccount:default:${sa}"}`,
        );
        assert.ok(signatureValid(token, pub));
        const rows = whoamiRows(await k[v]!.ok([`--token=${token}`, 'auth', 'whoami']));
        assert.deepEqual(
          [...rows],
          [
            ['Username', `system:serviceaccount:default:${sa}`],
            ['UID', saUid],
            ['Groups', '[system:serviceaccounts system:serviceaccounts:default system:authenticated]'],
          ],
        );
        // A manually created token Secret is named in the audit event of every request made with its token.
        await eventually(
          async () =>
            readFileSync(join(server.dataDir, 'audit.log'), 'utf8').includes(
              `"authentication.k8s.io/legacy-token-manual-secret":"${secret}"`,
            ),
          10_000,
          'the legacy-token-manual-secret audit annotation',
        );
        // Once the service account lists the Secret, the token counts as auto-generated: every use is warned about
        // (after the 10 s token cache has let go of the earlier answer).
        await k[v]!.ok(['patch', 'serviceaccount', sa, '-p', JSON.stringify({ secrets: [{ name: secret }] })]);
        await eventually(
          async () =>
            (await k[v]!.run([`--token=${token}`, 'auth', 'whoami'])).stderr.includes(
              'Warning: Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.',
            ),
          30_000,
          'the Warning for a token from an auto-generated secret',
        );
        // Using a secret-based token records the day on its Secret, as upstream's legacy token tracking does.
        const today = new Date().toISOString().slice(0, 10);
        await eventually(
          async () =>
            (await k[v]!.ok([
              'get',
              'secret',
              secret,
              '-o',
              "jsonpath={.metadata.labels['kubernetes\\.io/legacy-token-last-used']}",
            ])) === today,
          20_000,
          'the legacy-token-last-used label',
        );
        await k[v]!.ok(['delete', 'secret', secret]);
        await waitUnauthorized(server, token, 'deleting the token secret');
      });
    });
  }

  describe('an outside verifier (jose) over our OIDC discovery', () => {
    const fetchImpl = () => fetchTrusting(server.caPem);
    let token = '';
    before(async () => {
      token = await k['1.32']!.ok(['create', 'token', 'default', '--audience', 'https://relying-party.example']);
      usedTokens.push(token);
    });

    it('serves the discovery document and JWKS to anonymous clients with --service-account-issuer-discovery-public', async () => {
      const doc = await rawRequest(server, 'GET', '/.well-known/openid-configuration');
      assert.equal(doc.status, 200);
      assert.equal(doc.headers['content-type'], 'application/json');
      assert.equal(doc.headers['cache-control'], 'public, max-age=3600');
      const d = JSON.parse(doc.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(d), [
        'issuer',
        'jwks_uri',
        'response_types_supported',
        'subject_types_supported',
        'id_token_signing_alg_values_supported',
      ]);
      assert.equal(d['issuer'], ISSUER);
      assert.deepEqual(d['id_token_signing_alg_values_supported'], ['RS256']);
      const jwks = await rawRequest(server, 'GET', '/openid/v1/jwks');
      assert.equal(jwks.status, 200);
      assert.equal(jwks.headers['content-type'], 'application/jwk-set+json');
      const keys = (JSON.parse(jwks.body) as { keys: Record<string, unknown>[] }).keys;
      assert.equal(keys.length, 1);
      assert.deepEqual(Object.keys(keys[0]!), ['use', 'kty', 'kid', 'alg', 'n', 'e']);
      assert.equal(keys[0]!['kid'], kidOf(pub));
    });

    it("the discovery document's jwks_uri points at this server (the real port, not the --secure-port flag)", async () => {
      const d = JSON.parse((await rawRequest(server, 'GET', '/.well-known/openid-configuration')).body) as {
        jwks_uri: string;
      };
      assert.equal(d.jwks_uri, `${server.url}/openid/v1/jwks`);
    });

    it('createRemoteJWKSet following jwks_uri verifies our token', async () => {
      const d = JSON.parse((await rawRequest(server, 'GET', '/.well-known/openid-configuration')).body) as {
        issuer: string;
        jwks_uri: string;
      };
      const jwks = createRemoteJWKSet(new URL(d.jwks_uri), { [customFetch]: fetchImpl(), timeoutDuration: 10_000 });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: d.issuer,
        audience: 'https://relying-party.example',
      });
      assert.equal(payload.sub, 'system:serviceaccount:default:default');
      assert.equal(protectedHeader.kid, kidOf(pub));
    });

    it('createRemoteJWKSet over our JWKS path verifies our token and rejects a tampered one', async () => {
      const d = JSON.parse((await rawRequest(server, 'GET', '/.well-known/openid-configuration')).body) as {
        issuer: string;
        jwks_uri: string;
      };
      // Resolve the path against the address we reach the server at, so this holds even while jwks_uri's port is off.
      const jwks = createRemoteJWKSet(new URL(new URL(d.jwks_uri).pathname, server.url), {
        [customFetch]: fetchImpl(),
        timeoutDuration: 10_000,
      });
      const { payload } = await jwtVerify(token, jwks, { issuer: ISSUER, audience: 'https://relying-party.example' });
      assert.equal(payload.sub, 'system:serviceaccount:default:default');
      assert.deepEqual(payload['kubernetes.io'], {
        namespace: 'default',
        serviceaccount: { name: 'default', uid: defaultSaUid },
      });

      const [h, p, s] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      claims['sub'] = 'system:serviceaccount:kube-system:default';
      const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      await assert.rejects(jwtVerify(tampered, jwks, { issuer: ISSUER, audience: 'https://relying-party.example' }), {
        code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      });
      // And the server itself refuses it too.
      assert.equal(await reviewStatus(server, tampered), 401);
    });
  });

  describe('audit log and secrecy', () => {
    it('audit.log has one event per request, with user and verb', async () => {
      const probes = [
        {
          path: '/api/v1/namespaces/default/configmaps?labelSelector=audit-probe%3Da',
          token: server.adminToken,
          user: 'admin',
          verb: 'list',
        },
        { path: '/api/v1/namespaces/default/pods/audit-probe', token: server.adminToken, user: 'admin', verb: 'get' },
        {
          path: '/api/v1/namespaces/default/configmaps?labelSelector=audit-probe%3Db',
          token: '',
          user: 'system:serviceaccount:default:default',
          verb: 'list',
        },
      ];
      const saToken = await k['1.32']!.ok(['create', 'token', 'default']);
      usedTokens.push(saToken);
      probes[2]!.token = saToken;
      for (const pr of probes) await rawRequest(server, 'GET', pr.path, { token: pr.token });
      type Ev = { requestURI: string; verb: string; user: { username: string }; responseStatus: { code: number } };
      const events = await eventually(
        async () => {
          const evs = readFileSync(join(server.dataDir, 'audit.log'), 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as Ev);
          return probes.every((pr) => evs.some((e) => e.requestURI === pr.path)) ? evs : undefined;
        },
        10_000,
        'the probe requests in audit.log',
      );
      for (const e of events) {
        assert.equal(typeof e.verb, 'string', `event without verb: ${JSON.stringify(e)}`);
        assert.equal(typeof e.user?.username, 'string', `event without user: ${JSON.stringify(e)}`);
      }
      for (const pr of probes) {
        const mine = events.filter((e) => e.requestURI === pr.path);
        assert.equal(mine.length, 1, `events for ${pr.path}: ${JSON.stringify(mine)}`);
        assert.equal(mine[0]!.user.username, pr.user);
        assert.equal(mine[0]!.verb, pr.verb);
      }
      assert.equal(events.filter((e) => e.requestURI === probes[2]!.path)[0]!.responseStatus.code, 403);
    });

    it('no token value appears in audit.log or the server log', async () => {
      const audit = readFileSync(join(server.dataDir, 'audit.log'), 'utf8');
      const logs = server.logs();
      assert.ok(usedTokens.length > 10);
      for (const t of usedTokens) {
        // The signature segment is unique to each token; the whole token is what a leak would show.
        const sig = t.split('.').at(-1)!;
        assert.ok(!audit.includes(t) && !audit.includes(sig), `a token leaked into audit.log: ${t.slice(0, 20)}…`);
        assert.ok(!logs.includes(t) && !logs.includes(sig), `a token leaked into the server log: ${t.slice(0, 20)}…`);
      }
    });
  });
});
