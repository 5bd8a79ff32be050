/**
 * The kubectl matrix: kubectl 1.27, 1.29, 1.32 and 1.33 each against a fresh server, running get / create / delete /
 * api-resources / version and asserting stdout and stderr as a real cluster prints them (spec/kubectl.md §3-§10, §15).
 * 1.32 and 1.33 send protobuf bodies for the typed `create` commands, 1.27 and 1.29 send JSON. The cases after
 * `version` are the foundation matrix of foundation-matrix.ts, which etcd-kubectl.test.ts runs against etcd.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerFoundationMatrix } from './foundation-matrix.ts';
import { Kubectl, startServer, type TestServer } from './harness.ts';
import { lines } from './kubectl-output.ts';

const VERSIONS = ['1.27', '1.29', '1.32', '1.33'] as const;

for (const version of VERSIONS) {
  describe(`kubectl ${version} against a fresh server`, () => {
    let server: TestServer;
    let k: Kubectl;
    let work: string;
    const minor = Number(version.split('.')[1]);

    before(async () => {
      server = await startServer();
      k = new Kubectl(version, server);
      work = mkdtempSync(join(tmpdir(), `kubectl-matrix-${version}-`));
    });
    after(async () => {
      k?.cleanup();
      if (work) rmSync(work, { recursive: true, force: true });
      if (server && server.process.exitCode !== null) console.error(`server had exited: ${server.logs()}`);
      await server?.stop();
    });

    it('version prints the client and the 1.33 server', async () => {
      const r = await k.run(['version']);
      assert.equal(r.code, 0, r.stderr);
      const out = lines(r.stdout);
      const err = lines(r.stderr);
      if (version === '1.27') {
        assert.match(out[0]!, /^Client Version: version\.Info\{Major:"1", Minor:"27", GitVersion:"v1\.27\.\d+", /);
        assert.match(out[1]!, /^Kustomize Version: v5\./);
        assert.match(out[2]!, /^Server Version: version\.Info\{Major:"1", Minor:"33", GitVersion:"v1\.33\.\d+[^"]*", /);
        assert.deepEqual(err, [
          'WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.  Use --output=yaml|json to get the full version.',
          'WARNING: version difference between client (1.27) and server (1.33) exceeds the supported minor version skew of +/-1',
        ]);
      } else {
        assert.match(out[0]!, new RegExp(`^Client Version: v${version.replace('.', '\\.')}\\.\\d+$`));
        assert.match(out[1]!, /^Kustomize Version: v5\./);
        assert.match(out[2]!, /^Server Version: v1\.33\.\d+/);
        assert.equal(out.length, 3);
        assert.deepEqual(
          err,
          minor < 32
            ? [
                `WARNING: version difference between client (${version}) and server (1.33) exceeds the supported minor version skew of +/-1`,
              ]
            : [],
        );
      }
    });

    registerFoundationMatrix(() => ({ k, server, work }));
  });
}
