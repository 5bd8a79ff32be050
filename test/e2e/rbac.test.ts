/**
 * Acceptance tests of issue 5 (RBAC) driven by the real kubectl 1.27 and 1.32, one server per version: forbidden
 * messages, role bindings, `auth can-i`, impersonation, privilege-escalation prevention, what anonymous and
 * binding-less users may do, and the default ClusterRoles compared with upstream's bootstrap policy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { eventually, Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';
import { whoamiRows } from './kubectl-output.ts';

const VERSIONS = ['1.27', '1.32'] as const;
const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const SA_GROUPS = (ns: string) => `["system:serviceaccounts" "system:serviceaccounts:${ns}" "system:authenticated"]`;

interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface ClusterRole {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  rules?: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors: { matchLabels?: Record<string, string> }[] };
}

/** A rule without empty list fields, so `[]` and absent compare equal. */
function normRule(r: PolicyRule): PolicyRule {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(r)) if (Array.isArray(v) && v.length) out[k] = v;
  return out as unknown as PolicyRule;
}

/** A comparable text of a rule list (order of rules kept, order of a rule's fields ignored). */
function rulesKey(rules: PolicyRule[]): string {
  return JSON.stringify(rules.map((r) => JSON.stringify(r, Object.keys(r).sort())));
}

/**
 * What the aggregation controller makes of the bootstrap roles: each aggregated role's rules are the rules of the
 * roles its selectors match (sorted by name, itself skipped), exact duplicates dropped; repeated to a fixed point
 * because admin aggregates edit, which aggregates view.
 */
function aggregate(roles: ClusterRole[]): Map<string, PolicyRule[]> {
  const rules = new Map(roles.map((r) => [r.metadata.name, (r.rules ?? []).map(normRule)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const role of roles) {
      if (!role.aggregationRule) continue;
      const next: PolicyRule[] = [];
      for (const sel of role.aggregationRule.clusterRoleSelectors) {
        const matching = roles
          .filter((r) => r.metadata.name !== role.metadata.name)
          .filter((r) => Object.entries(sel.matchLabels ?? {}).every(([k, v]) => r.metadata.labels?.[k] === v))
          .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
        for (const m of matching)
          for (const rule of rules.get(m.metadata.name)!)
            if (!next.some((x) => JSON.stringify(x) === JSON.stringify(rule))) next.push(rule);
      }
      if (JSON.stringify(next) !== JSON.stringify(rules.get(role.metadata.name))) {
        rules.set(role.metadata.name, next);
        changed = true;
      }
    }
  }
  return rules;
}

/** `auth can-i --list` rows split into their four columns. */
function canIListRows(stdout: string): string[][] {
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
  return lines.slice(1).map((l) => {
    const cols = l.trim().split(/\s{2,}/);
    // Non-resource rows have an empty first column.
    return /^\s/.test(l) ? ['', ...cols] : cols;
  });
}

for (const v of VERSIONS) {
  describe(`issue 5: RBAC with kubectl ${v}`, () => {
    let server: TestServer;
    let k: Kubectl;
    let readerToken = '';
    const tokenOf = async (ns: string, sa: string) => k.ok(['create', 'token', sa, '-n', ns]);
    const as = (token: string, args: string[]) => k.run([`--token=${token}`, ...args]);

    before(async () => {
      server = await startServer();
      k = new Kubectl(v, server);
      await eventually(
        async () => (await k.run(['get', 'serviceaccount', 'default', '-n', 'default'])).code === 0,
        30_000,
        'the default service account',
      );
      await k.ok(['create', 'namespace', 'dev']);
      await k.ok(['create', 'serviceaccount', 'reader', '-n', 'dev']);
      await k.ok(['run', 'web', '--image=nginx', '--restart=Never', '-n', 'dev']);
      await k.ok(['create', 'secret', 'generic', 'db', '--from-literal=password=hunter2', '-n', 'dev']);
      readerToken = await tokenOf('dev', 'reader');
    });
    after(async () => {
      k?.cleanup();
      await server?.stop();
    });

    it('a service-account token with no bindings cannot list pods in all namespaces', async () => {
      const token = await tokenOf('default', 'default');
      const r = await as(token, ['get', 'pods', '-A']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" at the cluster scope\n',
      );
    });

    it('before any binding the reader cannot list pods in dev', async () => {
      const r = await as(readerToken, ['get', 'pods', '-n', 'dev']);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:dev:reader" cannot list resource "pods" in API group "" in the namespace "dev"\n',
      );
    });

    it('create rolebinding --clusterrole=view --serviceaccount=dev:reader -n dev grants exactly view in dev', async () => {
      assert.equal(
        await k.ok([
          'create',
          'rolebinding',
          'reader-view',
          '--clusterrole=view',
          '--serviceaccount=dev:reader',
          '-n',
          'dev',
        ]),
        'rolebinding.rbac.authorization.k8s.io/reader-view created\n',
      );
      const pods = await eventually(
        async () => {
          const r = await as(readerToken, ['get', 'pods', '-n', 'dev', '-o', 'name']);
          return r.code === 0 ? r : undefined;
        },
        10_000,
        'the binding to take effect',
      );
      assert.equal(pods.stdout, 'pod/web\n');
      assert.equal(pods.stderr, '');

      const secrets = await as(readerToken, ['get', 'secrets', '-n', 'dev']);
      assert.equal(secrets.code, 1);
      assert.equal(
        secrets.stderr,
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:dev:reader" cannot list resource "secrets" in API group "" in the namespace "dev"\n',
      );
      const secret = await as(readerToken, ['get', 'secret', 'db', '-n', 'dev']);
      assert.equal(
        secret.stderr,
        'Error from server (Forbidden): secrets "db" is forbidden: User "system:serviceaccount:dev:reader" cannot get resource "secrets" in API group "" in the namespace "dev"\n',
      );
      const other = await as(readerToken, ['get', 'pods', '-n', 'default']);
      assert.equal(other.code, 1);
      assert.equal(
        other.stderr,
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:dev:reader" cannot list resource "pods" in API group "" in the namespace "default"\n',
      );
    });

    it('auth can-i answers yes (exit 0) and no (exit 1) accordingly', async () => {
      const cases: [string[], string, number][] = [
        [['list', 'pods', '-n', 'dev'], 'yes', 0],
        [['get', 'pods/log', '-n', 'dev'], 'yes', 0],
        [['watch', 'configmaps', '-n', 'dev'], 'yes', 0],
        [['create', 'pods', '-n', 'dev'], 'no', 1],
        [['get', 'secrets', '-n', 'dev'], 'no', 1],
        [['list', 'pods', '-n', 'default'], 'no', 1],
        [['list', 'pods', '-A'], 'no', 1],
        [['get', '/api'], 'yes', 0],
        [['get', '/metrics'], 'no', 1],
      ];
      for (const [args, answer, code] of cases) {
        const r = await as(readerToken, ['auth', 'can-i', ...args]);
        assert.equal(r.stdout, `${answer}\n`, `can-i ${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.code, code, `can-i ${args.join(' ')}`);
        assert.equal(r.stderr, '', `can-i ${args.join(' ')}`);
      }
      const q = await as(readerToken, ['auth', 'can-i', 'get', 'secrets', '-n', 'dev', '--quiet']);
      assert.equal(q.stdout, '');
      assert.equal(q.code, 1);
    });

    it('auth can-i --list -n dev prints the rules the reader holds there', async () => {
      const r = await as(readerToken, ['auth', 'can-i', '--list', '-n', 'dev']);
      assert.equal(r.code, 0, r.stderr);
      const rows = canIListRows(r.stdout);
      const has = (row: string[]) => rows.some((x) => JSON.stringify(x) === JSON.stringify(row));
      for (const row of [
        ['selfsubjectaccessreviews.authorization.k8s.io', '[]', '[]', '[create]'],
        ['selfsubjectrulesreviews.authorization.k8s.io', '[]', '[]', '[create]'],
        ['selfsubjectreviews.authentication.k8s.io', '[]', '[]', '[create]'],
        ['pods', '[]', '[]', '[get list watch]'],
        ['pods/log', '[]', '[]', '[get list watch]'],
        ['configmaps', '[]', '[]', '[get list watch]'],
        ['deployments.apps', '[]', '[]', '[get list watch]'],
        ['', '[/api]', '[]', '[get]'],
        ['', '[/apis/*]', '[]', '[get]'],
        ['', '[/version]', '[]', '[get]'],
      ])
        assert.ok(has(row), `missing row ${JSON.stringify(row)} in:\n${r.stdout}`);
      assert.ok(!rows.some((x) => x[0] === 'secrets'), 'view grants no secrets');
      const def = canIListRows(await k.ok([`--token=${readerToken}`, 'auth', 'can-i', '--list', '-n', 'default']));
      assert.ok(!def.some((x) => x[0] === 'pods'), 'nothing about pods in default');
    });

    it('--as=jane --as-group=g1 auth whoami: allowed for the admin, the upstream 403 for the reader', async () => {
      const rows = whoamiRows(await k.ok(['--as=jane', '--as-group=g1', 'auth', 'whoami']));
      assert.deepEqual(
        [...rows],
        [
          ['Username', 'jane'],
          ['Groups', '[g1 system:authenticated]'],
        ],
      );
      const r = await as(readerToken, ['--as=jane', '--as-group=g1', 'auth', 'whoami']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      // kubectl turns a 403 on selfsubjectreviews into this line; the server's message is checked below.
      assert.equal(
        r.stderr,
        'error: the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it\n',
      );
      const raw = await rawRequest(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        token: readerToken,
        headers: { 'Impersonate-User': 'jane', 'Impersonate-Group': 'g1' },
        body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
      });
      assert.equal(raw.status, 403);
      const st = JSON.parse(raw.body) as { message: string; reason: string; details: unknown };
      assert.equal(st.reason, 'Forbidden');
      assert.equal(
        st.message,
        'users "jane" is forbidden: User "system:serviceaccount:dev:reader" cannot impersonate resource "users" in API group "" at the cluster scope',
      );
      assert.deepEqual(st.details, { name: 'jane', kind: 'users' });
    });

    describe('privilege escalation', () => {
      /** The arguments of `kubectl create rolebinding <name> -n esc <roleRef> --serviceaccount=esc:<sa>`. */
      function rolebinding(name: string, roleRef: string, sa: string): string[] {
        return ['create', 'rolebinding', name, '-n', 'esc', roleRef, `--serviceaccount=esc:${sa}`];
      }
      /** The arguments of `kubectl create role <name> -n esc --verb=<verbs> --resource=<resource>`. */
      function role(name: string, verbs: string, resource: string): string[] {
        return ['create', 'role', name, '-n', 'esc', `--verb=${verbs}`, `--resource=${resource}`];
      }
      let binderToken = '';
      let rolerToken = '';
      before(async () => {
        await k.ok(['create', 'namespace', 'esc']);
        await k.ok(['create', 'serviceaccount', 'binder', '-n', 'esc']);
        await k.ok(['create', 'serviceaccount', 'roler', '-n', 'esc']);
        await k.ok(role('rb-creator', 'create', 'rolebindings.rbac.authorization.k8s.io'));
        await k.ok(rolebinding('binder-can', '--role=rb-creator', 'binder'));
        await k.ok(role('role-creator', 'create', 'roles.rbac.authorization.k8s.io'));
        await k.ok(rolebinding('roler-can', '--role=role-creator', 'roler'));
        binderToken = await tokenOf('esc', 'binder');
        rolerToken = await tokenOf('esc', 'roler');
        await eventually(
          async () => (await as(binderToken, ['auth', 'can-i', 'create', 'rolebindings', '-n', 'esc'])).code === 0,
          10_000,
          'the binder binding',
        );
      });

      it('a rolebinding creator cannot bind cluster-admin to itself', async () => {
        const r = await as(binderToken, rolebinding('self-admin', '--clusterrole=cluster-admin', 'binder'));
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.equal(
          r.stderr,
          `error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "self-admin" is forbidden: user "system:serviceaccount:esc:binder" (groups=${SA_GROUPS('esc')}) is attempting to grant RBAC permissions not currently held:\n` +
            '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}\n',
        );
      });

      it('a rolebinding creator cannot bind admin to itself; the refusal lists the missing rules, sorted', async () => {
        const r = await as(binderToken, rolebinding('self-ns-admin', '--clusterrole=admin', 'binder'));
        assert.equal(r.code, 1);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(
          lines[0],
          `error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "self-ns-admin" is forbidden: user "system:serviceaccount:esc:binder" (groups=${SA_GROUPS('esc')}) is attempting to grant RBAC permissions not currently held:`,
        );
        const missing = lines.slice(1);
        assert.deepEqual(missing, [...missing].sort(), 'missing rules are sorted');
        assert.ok(missing.includes('{APIGroups:[""], Resources:["pods/eviction"], Verbs:["create"]}'), r.stderr);
        assert.ok(
          missing.includes(
            '{APIGroups:["authorization.k8s.io"], Resources:["localsubjectaccessreviews"], Verbs:["create"]}',
          ),
          r.stderr,
        );
        // It holds `create rolebindings`, so only the other verbs are missing.
        const rb = missing.find((l) =>
          l.startsWith('{APIGroups:["rbac.authorization.k8s.io"], Resources:["rolebindings"]'),
        );
        assert.ok(rb && !rb.includes('"create"'), `rolebindings line: ${rb}`);
      });

      it('a rolebinding creator may bind a role whose rules it holds', async () => {
        await k.ok(['create', 'serviceaccount', 'helper', '-n', 'esc']);
        const r = await as(binderToken, rolebinding('helper-rb', '--role=rb-creator', 'helper'));
        assert.equal(r.stderr, '');
        assert.equal(r.stdout, 'rolebinding.rbac.authorization.k8s.io/helper-rb created\n');
      });

      it('a role creator cannot create a role with rules it does not hold', async () => {
        const r = await as(rolerToken, role('sneaky', 'get,list', 'secrets'));
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.equal(
          r.stderr,
          `Error from server (Forbidden): roles.rbac.authorization.k8s.io "sneaky" is forbidden: user "system:serviceaccount:esc:roler" (groups=${SA_GROUPS('esc')}) is attempting to grant RBAC permissions not currently held:\n` +
            '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}\n',
        );
        const ok = await as(rolerToken, role('same-as-mine', 'create', 'roles.rbac.authorization.k8s.io'));
        assert.equal(ok.stderr, '');
        assert.equal(ok.stdout, 'role.rbac.authorization.k8s.io/same-as-mine created\n');
      });

      it('system:masters can do both', async () => {
        assert.equal(
          await k.ok(role('sneaky', 'get,list', 'secrets')),
          'role.rbac.authorization.k8s.io/sneaky created\n',
        );
        assert.equal(
          await k.ok(rolebinding('self-admin', '--clusterrole=cluster-admin', 'binder')),
          'rolebinding.rbac.authorization.k8s.io/self-admin created\n',
        );
        // Holding cluster-admin in esc now, the binder may hand out admin there.
        await eventually(
          async () => (await as(binderToken, ['auth', 'can-i', '*', '*', '-n', 'esc'])).code === 0,
          10_000,
          'cluster-admin in esc',
        );
        const r = await as(binderToken, rolebinding('self-ns-admin', '--clusterrole=admin', 'binder'));
        assert.equal(r.stderr, '');
        assert.equal(r.stdout, 'rolebinding.rbac.authorization.k8s.io/self-ns-admin created\n');
      });
    });

    it('anonymous requests may read /version, /healthz, /livez, /readyz and nothing else', async () => {
      for (const path of ['/version', '/healthz', '/livez', '/readyz']) {
        const r = await rawRequest(server, 'GET', path);
        assert.equal(r.status, 200, `${path}: ${r.body}`);
      }
      assert.equal(JSON.parse((await rawRequest(server, 'GET', '/version')).body).minor, '33');
      const denied: [string, string, string][] = [
        ['GET', '/api', 'forbidden: User "system:anonymous" cannot get path "/api"'],
        ['GET', '/api/v1', 'forbidden: User "system:anonymous" cannot get path "/api/v1"'],
        ['GET', '/apis', 'forbidden: User "system:anonymous" cannot get path "/apis"'],
        ['GET', '/openapi/v2', 'forbidden: User "system:anonymous" cannot get path "/openapi/v2"'],
        ['GET', '/metrics', 'forbidden: User "system:anonymous" cannot get path "/metrics"'],
        ['GET', '/healthz/etcd', 'forbidden: User "system:anonymous" cannot get path "/healthz/etcd"'],
        [
          'GET',
          '/.well-known/openid-configuration',
          'forbidden: User "system:anonymous" cannot get path "/.well-known/openid-configuration"',
        ],
        [
          'GET',
          '/api/v1/namespaces',
          'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
        ],
        [
          'GET',
          '/api/v1/namespaces/default',
          'namespaces "default" is forbidden: User "system:anonymous" cannot get resource "namespaces" in API group "" in the namespace "default"',
        ],
        [
          'POST',
          '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          'selfsubjectreviews.authentication.k8s.io is forbidden: User "system:anonymous" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope',
        ],
      ];
      for (const [method, path, message] of denied) {
        const r = await rawRequest(
          server,
          method,
          path,
          method === 'POST' ? { body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' } : {},
        );
        assert.equal(r.status, 403, `${method} ${path}: ${r.body}`);
        assert.equal((JSON.parse(r.body) as { message: string }).message, message);
      }
    });

    it("the anonymous 403 on /api is upstream's Status byte for byte", async () => {
      const r = await rawRequest(server, 'GET', '/api');
      assert.equal(r.status, 403);
      assert.equal(r.headers['content-type'], 'application/json');
      // metav1.Status field order: ..., reason, details, code.
      assert.equal(
        r.body.trimEnd(),
        '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"system:anonymous\\" cannot get path \\"/api\\"","reason":"Forbidden","details":{},"code":403}',
      );
      const ns = await rawRequest(server, 'GET', '/api/v1/namespaces');
      assert.equal(
        ns.body.trimEnd(),
        '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces is forbidden: User \\"system:anonymous\\" cannot list resource \\"namespaces\\" in API group \\"\\" at the cluster scope","reason":"Forbidden","details":{"kind":"namespaces"},"code":403}',
      );
      // responsewriters sets nosniff on every error it writes (rbac.md section 4).
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    });

    it('an authenticated user with no bindings gets discovery and the self-reviews only', async () => {
      // The admin impersonating a user nobody bound: groups are just system:authenticated.
      const nobody = { 'Impersonate-User': 'nobody' };
      for (const path of [
        '/api',
        '/api/v1',
        '/apis',
        '/apis/rbac.authorization.k8s.io/v1',
        '/version',
        '/healthz',
        '/livez',
        '/readyz',
      ]) {
        const r = await rawRequest(server, 'GET', path, { token: server.adminToken, headers: nobody });
        assert.equal(r.status, 200, `${path}: ${r.body}`);
      }
      const reviews: [string, string][] = [
        [
          '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
        ],
        [
          '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          '{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"default","verb":"list","resource":"pods"}}}',
        ],
        [
          '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
          '{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"default"}}',
        ],
      ];
      for (const [path, body] of reviews) {
        const r = await rawRequest(server, 'POST', path, { token: server.adminToken, headers: nobody, body });
        assert.equal(r.status, 201, `${path}: ${r.body}`);
      }
      const denied: [string, string, string?][] = [
        ['GET', '/api/v1/namespaces'],
        ['GET', '/api/v1/namespaces/default'],
        ['GET', '/api/v1/namespaces/default/pods'],
        ['GET', '/api/v1/namespaces/default/configmaps'],
        ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles'],
        ['GET', '/metrics'],
        ['GET', '/.well-known/openid-configuration'],
        [
          'POST',
          '/apis/authentication.k8s.io/v1/tokenreviews',
          '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"x"}}',
        ],
        [
          'POST',
          '/apis/authorization.k8s.io/v1/subjectaccessreviews',
          '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"x","resourceAttributes":{"verb":"get","resource":"pods"}}}',
        ],
        [
          'POST',
          '/api/v1/namespaces/default/serviceaccounts/default/token',
          '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}',
        ],
      ];
      for (const [method, path, body] of denied) {
        const r = await rawRequest(server, method, path, {
          token: server.adminToken,
          headers: nobody,
          ...(body ? { body } : {}),
        });
        assert.equal(r.status, 403, `${method} ${path}: ${r.body}`);
        assert.match((JSON.parse(r.body) as { message: string }).message, /User "nobody" cannot /);
      }
      // The same through kubectl.
      const who = whoamiRows(await k.ok(['--as=nobody', 'auth', 'whoami']));
      assert.equal(who.get('Groups'), '[system:authenticated]');
      const g = await k.run(['--as=nobody', 'get', 'configmaps', '-n', 'default']);
      assert.equal(g.code, 1);
      assert.equal(
        g.stderr,
        'Error from server (Forbidden): configmaps is forbidden: User "nobody" cannot list resource "configmaps" in API group "" in the namespace "default"\n',
      );
    });

    it('the default ClusterRoles carry the upstream bootstrap rules (admin/edit/view after aggregation)', async () => {
      const expected = (
        parseYaml(readFileSync(join(TESTDATA, 'bootstrap-cluster-roles.yaml'), 'utf8')) as { items: ClusterRole[] }
      ).items;
      assert.ok(expected.length > 25);
      const want = aggregate(expected);
      assert.ok(
        want.get('admin')!.length > want.get('edit')!.length && want.get('edit')!.length > want.get('view')!.length,
      );
      const mismatches = await eventually(
        async () => {
          const served = (parseYaml(await k.ok(['get', 'clusterroles', '-o', 'yaml'])) as { items: ClusterRole[] })
            .items;
          const byName = new Map(served.map((r) => [r.metadata.name, r]));
          const bad: string[] = [];
          for (const role of expected) {
            const name = role.metadata.name;
            const got = byName.get(name);
            if (!got) {
              bad.push(`${name}: missing`);
              continue;
            }
            const gotRules = (got.rules ?? []).map(normRule);
            if (rulesKey(gotRules) !== rulesKey(want.get(name)!))
              bad.push(
                `${name}: rules differ\n  got  ${JSON.stringify(gotRules)}\n  want ${JSON.stringify(want.get(name))}`,
              );
            try {
              assert.deepEqual(got.aggregationRule, role.aggregationRule);
              assert.equal(got.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
              assert.equal(got.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
              for (const [lk, lv] of Object.entries(role.metadata.labels ?? {}))
                assert.equal(got.metadata.labels?.[lk], lv, `label ${lk}`);
            } catch (err) {
              bad.push(`${name}: ${(err as Error).message}`);
            }
          }
          // Aggregation converges over a few syncs; only a settled mismatch is a failure. (An empty array is truthy.)
          return bad.length === 0 ? bad : undefined;
        },
        20_000,
        'the default ClusterRoles to match',
      ).catch(async (err: Error) => {
        // Report every difference, not just "timed out".
        const served = (parseYaml(await k.ok(['get', 'clusterroles', '-o', 'yaml'])) as { items: ClusterRole[] }).items;
        const byName = new Map(served.map((r) => [r.metadata.name, r]));
        const diffs = expected
          .filter((role) => {
            const got = byName.get(role.metadata.name);
            return !got || rulesKey((got.rules ?? []).map(normRule)) !== rulesKey(want.get(role.metadata.name)!);
          })
          .map((r) => r.metadata.name);
        throw new Error(`${err.message}; roles whose rules differ: ${diffs.join(', ')}`);
      });
      assert.deepEqual(mismatches, []);
    });
  });
}
