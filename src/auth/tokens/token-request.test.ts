import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node, Pod, Secret, ServiceAccount } from '../../api/core-v1.ts';
import { StatusError } from '../../api/status.ts';
import { createTokenSigner } from './issuer.ts';
import { parsePrivateKeyPem, toSigningKey } from './keys.ts';
import * as F from './testing/fixtures.ts';
import { type BoundObjectGetter, createTokenRequest, type TokenRequestOptions } from './token-request.ts';

const API = 'https://kubernetes.default.svc.cluster.local';
const NOW = Date.parse('2024-01-01T00:00:00Z');
const signer = createTokenSigner(API, toSigningKey(parsePrivateKeyPem(F.RSA_PRIVATE_KEY)));
const sa: ServiceAccount = { metadata: { name: 'default', namespace: 'default', uid: 'sa-uid' } };
const pod: Pod = {
  metadata: { name: 'mypod', namespace: 'default', uid: 'pod-uid' },
  spec: { serviceAccountName: 'default', nodeName: 'node1' },
};
const node: Node = { metadata: { name: 'node1', uid: 'node-uid' } };
const secret: Secret = { metadata: { name: 's1', namespace: 'default', uid: 'secret-uid' } };

function objects(overrides: Partial<Record<'pod' | 'node' | 'secret', unknown>> = {}): BoundObjectGetter {
  const pick = <T>(key: 'pod' | 'node' | 'secret', dflt: T) => (key in overrides ? (overrides[key] as T) : dflt);
  return {
    getPod: async (_ns, name) => (name === 'mypod' ? pick('pod', pod) : undefined),
    getNode: async (name) => (name === 'node1' ? pick('node', node) : undefined),
    getSecret: async (_ns, name) => (name === 's1' ? pick('secret', secret) : undefined),
  };
}

const options: TokenRequestOptions = { signer, apiAudiences: [API], now: () => NOW, newJti: () => 'jti-1' };

function run(
  body: unknown,
  opts: Partial<TokenRequestOptions> = {},
  more: { sa?: ServiceAccount | null; objs?: BoundObjectGetter } = {},
) {
  return createTokenRequest(
    {
      namespace: 'default',
      name: 'default',
      body,
      serviceAccount: more.sa === null ? undefined : (more.sa ?? sa),
      objects: more.objs ?? objects(),
    },
    { ...options, ...opts },
  );
}

interface TokenClaims {
  exp: number;
  iat: number;
  jti: string;
  'kubernetes.io': { node?: unknown; secret?: unknown; warnafter?: number };
}

function claimsOf(token: string): TokenClaims {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

async function rejects(p: Promise<unknown>, code: number, message: string): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    assert.equal(err.status.message, message);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail('expected a StatusError');
}

describe('createTokenRequest', () => {
  it('defaults audiences and expiration and serializes nulls like upstream', async () => {
    const { tokenRequest, warnings, auditAnnotations, issued } = await run({ spec: {} });
    const { token, ...status } = tokenRequest.status;
    assert.equal(
      JSON.stringify({ ...tokenRequest, status }),
      '{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"name":"default","namespace":"default",' +
        '"creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"audiences":["https://kubernetes.default.svc.cluster.local"],' +
        '"expirationSeconds":3600,"boundObjectRef":null},"status":{"expirationTimestamp":"2024-01-01T01:00:00Z"}}',
    );
    assert.equal(token, issued.token);
    assert.deepEqual(warnings, []);
    assert.deepEqual(auditAnnotations, { 'authentication.kubernetes.io/issued-credential-id': 'JTI=jti-1' });
    const c = claimsOf(token);
    assert.equal(c.exp - c.iat, 3600);
    assert.equal(c.jti, 'jti-1');
  });

  it('rejects short expirations with a 422 naming ""', async () => {
    const err = await rejects(
      run({ spec: { expirationSeconds: 300 } }),
      422,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    );
    assert.deepEqual(err.status.details, {
      group: 'authentication.k8s.io',
      kind: 'TokenRequest',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 300: may not specify a duration less than 10 minutes',
          field: 'spec.expirationSeconds',
        },
      ],
    });
    await rejects(
      run({ spec: { expirationSeconds: 2 ** 32 + 1 } }),
      422,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
    );
  });

  it('caps at the max expiration with upstream warning text', async () => {
    const { tokenRequest, warnings } = await run(
      { spec: { expirationSeconds: 10000 } },
      { maxExpirationSeconds: 7200 },
    );
    assert.deepEqual(warnings, ['requested expiration of 10000 seconds shortened to 7200 seconds']);
    assert.equal(tokenRequest.spec.expirationSeconds, 7200);
    assert.equal(tokenRequest.status.expirationTimestamp, '2024-01-01T02:00:00Z');
  });

  it('binds to a pod with node info and extends 3607 s tokens for kube audiences', async () => {
    const ref = { kind: 'Pod', apiVersion: 'v1', name: 'mypod', uid: 'pod-uid' };
    const { tokenRequest } = await run({ spec: { expirationSeconds: 3607, boundObjectRef: ref } });
    assert.deepEqual(tokenRequest.spec.boundObjectRef, ref);
    assert.equal(tokenRequest.status.expirationTimestamp, '2024-01-01T01:00:07Z');
    const c = claimsOf(tokenRequest.status.token);
    assert.equal(c.exp - c.iat, 365 * 24 * 3600);
    assert.deepEqual(c['kubernetes.io'], {
      namespace: 'default',
      node: { name: 'node1', uid: 'node-uid' },
      pod: { name: 'mypod', uid: 'pod-uid' },
      serviceaccount: { name: 'default', uid: 'sa-uid' },
      warnafter: c.iat + 3607,
    });
  });

  it('does not extend for foreign audiences, unbound tokens or when disabled', async () => {
    const ref = { kind: 'Pod', name: 'mypod' };
    for (const [body, opts] of [
      [{ spec: { expirationSeconds: 3607, audiences: ['other'], boundObjectRef: ref } }, {}],
      [{ spec: { expirationSeconds: 3607 } }, {}],
      [{ spec: { expirationSeconds: 3607, boundObjectRef: ref } }, { extendExpiration: false }],
    ] as const) {
      const c = claimsOf((await run(body, opts)).tokenRequest.status.token);
      assert.equal(c.exp - c.iat, 3607);
      assert.equal(c['kubernetes.io'].warnafter, undefined);
    }
  });

  it('embeds only the node name when the pod node is missing', async () => {
    const { tokenRequest } = await run(
      { spec: { boundObjectRef: { kind: 'Pod', name: 'mypod' } } },
      {},
      { objs: objects({ node: undefined }) },
    );
    assert.deepEqual(claimsOf(tokenRequest.status.token)['kubernetes.io'].node, { name: 'node1' });
  });

  it('binds to secrets and nodes, ignoring the version', async () => {
    const s = await run({ spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v2', name: 's1' } } });
    assert.deepEqual(claimsOf(s.tokenRequest.status.token)['kubernetes.io'].secret, { name: 's1', uid: 'secret-uid' });
    const n = await run({ spec: { boundObjectRef: { kind: 'Node', name: 'node1' } } });
    assert.deepEqual(claimsOf(n.tokenRequest.status.token)['kubernetes.io'].node, { name: 'node1', uid: 'node-uid' });
  });

  it('reports bound object errors exactly', async () => {
    await rejects(run({ spec: { boundObjectRef: { kind: 'Pod', name: 'nope' } } }), 404, 'pods "nope" not found');
    await rejects(
      run(
        { spec: { boundObjectRef: { kind: 'Pod', name: 'mypod' } } },
        {},
        {
          objs: objects({ pod: { ...pod, spec: { serviceAccountName: 'other' } } }),
        },
      ),
      400,
      'cannot bind token for serviceaccount "default" to pod running with different serviceaccount name.',
    );
    await rejects(
      run({ spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } }),
      400,
      'cannot bind token to object of type /v1, Kind=ConfigMap',
    );
    await rejects(
      run({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'apps/v1', name: 'x' } } }),
      400,
      'cannot bind token to object of type apps/v1, Kind=Pod',
    );
    await rejects(
      run({ spec: { boundObjectRef: { kind: 'Pod', name: 'mypod', uid: 'old' } } }),
      409,
      'Operation cannot be fulfilled on Pod "mypod": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
    );
  });

  it('checks metadata and the service account in upstream order', async () => {
    await rejects(
      run({ metadata: { name: 'x' }, spec: { expirationSeconds: 1 } }),
      422,
      'TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid value: "x": must match the service account name if specified',
    );
    await rejects(
      run({ metadata: { namespace: 'x' } }),
      422,
      'TokenRequest.authentication.k8s.io "default" is invalid: metadata.namespace: Invalid value: "x": must match the service account namespace if specified',
    );
    await rejects(
      run({ spec: { expirationSeconds: 1 } }, {}, { sa: null }),
      404,
      'serviceaccounts "default" not found',
    );
    await rejects(
      createTokenRequest(
        { namespace: undefined, name: 'default', body: {}, serviceAccount: sa, objects: objects() },
        options,
      ),
      400,
      'namespace is required',
    );
  });

  it('validates the request UID when the 1.34 gate is on', async () => {
    await rejects(
      run({ metadata: { uid: 'stale' } }, { serviceAccountUIDValidation: true }),
      409,
      'Operation cannot be fulfilled on TokenRequest.authentication.k8s.io "default": the UID in the token request (stale) does not match the UID of the service account (sa-uid)',
    );
    const { tokenRequest } = await run({}, { serviceAccountUIDValidation: true });
    assert.equal(tokenRequest.metadata.uid, 'sa-uid');
  });
});
