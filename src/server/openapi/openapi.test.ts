import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStores } from '../../registry/stores.ts';
import type { Storage } from '../../storage/interface.ts';
import { systemClock } from '../../util/clock.ts';
import { ApiResources } from '../api-resources.ts';
import { registerResources } from '../resources.ts';
import { computeEtag, createOpenApi, OPENAPI_V2_PROTOBUF } from './openapi.ts';
import type { Schema } from './schema.ts';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
};

/** The resources the server really registers, over stores that are never used (only their definitions matter). */
function servedResources(): ApiResources {
  const resources = new ApiResources();
  const handler = (async () => ({ status: 201, object: {} })) as never;
  registerResources(resources, createStores({} as Storage, systemClock), {
    tokenRequest: handler,
    tokenReview: handler,
    selfSubjectReview: () => handler,
    authorizer: { authorize: () => ({ decision: 'NoOpinion', reason: '' }) } as never,
    ruleResolver: {} as never,
    rbacAdmission: () => undefined,
    clock: systemClock,
  });
  return resources;
}

const api = createOpenApi(servedResources());
const core = api.v3Document('api/v1') as Doc;
const rbac = api.v3Document('apis/rbac.authorization.k8s.io/v1') as Doc;
const schema = (doc: Doc, name: string): Schema => {
  const s = doc.components.schemas[name];
  assert.ok(s, `component ${name} is in the document`);
  return s;
};
const prop = (doc: Doc, component: string, field: string): Schema =>
  (schema(doc, component)['properties'] as Record<string, Schema>)[field]!;

describe('the OpenAPI v3 index', () => {
  it('lists every served group-version with the hash of its document', () => {
    const index = api.v3Index() as { paths: Record<string, { serverRelativeURL: string }> };
    for (const gv of [
      'api/v1',
      'apis/authentication.k8s.io/v1',
      'apis/authentication.k8s.io/v1beta1',
      'apis/authorization.k8s.io/v1',
      'apis/rbac.authorization.k8s.io/v1',
    ])
      assert.ok(index.paths[gv], gv);
    for (const [gv, entry] of Object.entries(index.paths)) {
      const doc = api.v3Serialized(gv)!;
      assert.equal(entry.serverRelativeURL, `/openapi/v3/${gv}?hash=${doc.etag}`);
      assert.equal(doc.etag, computeEtag(doc.body));
      assert.match(doc.etag, /^[0-9A-F]{128}$/);
      assert.deepEqual(JSON.parse(doc.body.toString()), api.v3Document(gv));
    }
  });

  it('is stable: another server with the same resources publishes the same hashes', () => {
    assert.deepEqual(createOpenApi(servedResources()).v3Index(), api.v3Index());
    assert.equal(api.v3Document('apis/nosuch.k8s.io/v1'), undefined);
  });
});

describe('a group-version document', () => {
  it('is an OpenAPI 3.0 document whose references all resolve inside it', () => {
    for (const gv of Object.keys((api.v3Index() as { paths: object }).paths)) {
      const doc = api.v3Document(gv) as Doc;
      assert.equal(doc.openapi, '3.0.0');
      const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
      assert.ok(refs.length > 0);
      for (const r of refs) {
        const name = r.slice('"$ref":"#/components/schemas/'.length, -1);
        assert.ok(doc.components.schemas[name], `${gv}: ${name} resolves`);
      }
    }
  });

  it('declares PATCH with fieldValidation, the kind and the patch content types for every stored kind', () => {
    const patchOps = (doc: Doc) =>
      Object.entries(doc.paths).flatMap(([path, item]) =>
        item['patch'] ? [[path, item['patch'] as Schema] as const] : [],
      );
    const kinds = new Set<string>();
    for (const gv of Object.keys((api.v3Index() as { paths: object }).paths)) {
      for (const [path, op] of patchOps(api.v3Document(gv) as Doc)) {
        const gvk = op['x-kubernetes-group-version-kind'] as { kind: string };
        kinds.add(gvk.kind);
        assert.equal(op['x-kubernetes-action'], 'patch', path);
        const params = op['parameters'] as { name: string; in: string }[];
        assert.ok(
          params.some((p) => p.name === 'fieldValidation' && p.in === 'query'),
          `${path} declares fieldValidation`,
        );
        const content = (op['requestBody'] as { content: Record<string, unknown> }).content;
        assert.deepEqual(Object.keys(content), [
          'application/apply-patch+yaml',
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
        ]);
      }
    }
    const expected = servedResources()
      .all()
      .filter((r) => r.store && r.def.verbs.includes('patch'))
      .map((r) => r.def.kind);
    for (const kind of [
      'ConfigMap',
      'Secret',
      'ServiceAccount',
      'Pod',
      'Namespace',
      'Event',
      'Role',
      'ClusterRole',
      'RoleBinding',
      'ClusterRoleBinding',
    ])
      assert.ok(expected.includes(kind), kind);
    for (const kind of expected) assert.ok(kinds.has(kind), `PATCH for ${kind}`);
  });

  it('has item, collection and all-namespaces paths with the operations kubectl explain looks for', () => {
    const cm = core.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']!;
    assert.deepEqual(Object.keys(cm).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
    assert.equal((cm['get'] as Schema)['operationId'], 'readCoreV1NamespacedConfigMap');
    assert.deepEqual((cm['get'] as Schema)['x-kubernetes-group-version-kind'], {
      group: '',
      kind: 'ConfigMap',
      version: 'v1',
    });
    const coll = core.paths['/api/v1/namespaces/{namespace}/configmaps']!;
    assert.deepEqual(Object.keys(coll).sort(), ['delete', 'get', 'parameters', 'post']);
    assert.equal((coll['get'] as Schema)['x-kubernetes-action'], 'list');
    assert.equal((coll['delete'] as Schema)['x-kubernetes-action'], 'deletecollection');
    assert.equal(
      (core.paths['/api/v1/configmaps']!['get'] as Schema)['operationId'],
      'listCoreV1ConfigMapForAllNamespaces',
    );
    assert.ok(core.paths['/api/v1/namespaces/{name}'], 'cluster-scoped item path');
    // Nodes are read-only here: operations follow the verbs a resource serves.
    assert.deepEqual(Object.keys(core.paths['/api/v1/nodes/{name}']!).sort(), ['get', 'parameters']);
    assert.ok(rbac.paths['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}']);
    const token = core.paths['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token']!['post'] as Schema;
    assert.deepEqual(token['x-kubernetes-group-version-kind'], {
      group: 'authentication.k8s.io',
      kind: 'TokenRequest',
      version: 'v1',
    });
    const sar = api.v3Document('apis/authorization.k8s.io/v1') as Doc;
    assert.deepEqual(Object.keys(sar.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']!).sort(), [
      'parameters',
      'post',
    ]);
  });

  it('has a component with x-kubernetes-group-version-kind for every kind, lists included', () => {
    const gvk = (doc: Doc, name: string) => schema(doc, name)['x-kubernetes-group-version-kind'];
    assert.deepEqual(gvk(core, 'io.k8s.api.core.v1.Pod'), [{ group: '', kind: 'Pod', version: 'v1' }]);
    assert.deepEqual(gvk(core, 'io.k8s.api.core.v1.ConfigMapList'), [
      { group: '', kind: 'ConfigMapList', version: 'v1' },
    ]);
    assert.deepEqual(gvk(core, 'io.k8s.api.authentication.v1.TokenRequest'), [
      { group: 'authentication.k8s.io', kind: 'TokenRequest', version: 'v1' },
    ]);
    assert.deepEqual(gvk(rbac, 'io.k8s.api.rbac.v1.ClusterRoleBinding'), [
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', version: 'v1' },
    ]);
    const beta = api.v3Document('apis/authentication.k8s.io/v1beta1') as Doc;
    assert.deepEqual(gvk(beta, 'io.k8s.api.authentication.v1beta1.SelfSubjectReview'), [
      { group: 'authentication.k8s.io', kind: 'SelfSubjectReview', version: 'v1beta1' },
    ]);
    assert.equal(gvk(core, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), undefined);
    for (const [name, s] of Object.entries(core.components.schemas))
      assert.equal(typeof s['description'], 'string', `${name} has a description`);
  });

  it('describes objects in depth with the shapes kube-openapi writes', () => {
    assert.deepEqual(schema(core, 'io.k8s.apimachinery.pkg.apis.meta.v1.Time')['type'], 'string');
    assert.deepEqual(schema(core, 'io.k8s.apimachinery.pkg.apis.meta.v1.Time')['format'], 'date-time');
    assert.deepEqual(prop(core, 'io.k8s.api.core.v1.ConfigMap', 'metadata')['allOf'], [
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
    ]);
    assert.deepEqual(prop(core, 'io.k8s.api.core.v1.ConfigMap', 'data')['additionalProperties'], {
      type: 'string',
      default: '',
    });
    assert.deepEqual(schema(core, 'io.k8s.api.core.v1.Container')['required'], ['name']);
    assert.deepEqual(prop(core, 'io.k8s.api.core.v1.PodSpec', 'restartPolicy')['enum'], [
      'Always',
      'Never',
      'OnFailure',
    ]);
    for (const c of ['PodStatus', 'ContainerStatus', 'Volume', 'EnvVar', 'Probe', 'NodeStatus', 'EventSource'])
      assert.ok(schema(core, `io.k8s.api.core.v1.${c}`));
    assert.deepEqual(schema(rbac, 'io.k8s.api.rbac.v1.RoleRef')['required'], ['apiGroup', 'kind', 'name']);
    assert.ok(schema(rbac, 'io.k8s.api.rbac.v1.AggregationRule'));
    assert.ok(schema(rbac, 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'));
  });

  it('carries the patch facts the server itself uses for strategic merge patch and apply', () => {
    const containers = prop(core, 'io.k8s.api.core.v1.PodSpec', 'containers');
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(containers['x-kubernetes-list-type'], 'map');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
    const ports = prop(core, 'io.k8s.api.core.v1.Container', 'ports');
    assert.equal(ports['x-kubernetes-patch-merge-key'], 'containerPort');
    assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    assert.equal(
      prop(core, 'io.k8s.api.core.v1.Container', 'volumeMounts')['x-kubernetes-patch-merge-key'],
      'mountPath',
    );
    assert.equal(
      prop(core, 'io.k8s.api.core.v1.PodSpec', 'volumes')['x-kubernetes-patch-strategy'],
      'merge,retainKeys',
    );
    assert.equal(prop(core, 'io.k8s.api.core.v1.PodSpec', 'nodeSelector')['x-kubernetes-map-type'], 'atomic');
    assert.equal(prop(core, 'io.k8s.api.core.v1.ServiceAccount', 'secrets')['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(
      prop(core, 'io.k8s.api.core.v1.ServiceAccount', 'imagePullSecrets')['x-kubernetes-list-type'],
      'atomic',
    );
    assert.equal(
      prop(core, 'io.k8s.api.core.v1.ServiceAccount', 'imagePullSecrets')['x-kubernetes-patch-merge-key'],
      undefined,
    );
    const finalizers = prop(core, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers');
    assert.equal(finalizers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(finalizers['x-kubernetes-list-type'], 'set');
    assert.equal(prop(rbac, 'io.k8s.api.rbac.v1.ClusterRole', 'rules')['x-kubernetes-list-type'], 'atomic');
    assert.equal(prop(rbac, 'io.k8s.api.rbac.v1.ClusterRole', 'rules')['x-kubernetes-patch-strategy'], undefined);
  });
});

describe('the OpenAPI v2 document', () => {
  it('is an empty protobuf document with a content type Go can parse', () => {
    const v2 = api.v2();
    assert.equal(v2.body.length, 0);
    assert.equal(v2.contentType, OPENAPI_V2_PROTOBUF);
    // Go's mime.ParseMediaType: type/subtype made of RFC 2045 token characters only ('@' is not one).
    assert.match(v2.contentType, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
    assert.deepEqual(JSON.parse(api.v2Json().body.toString()), {
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.33.0-superkube' },
      paths: {},
    });
  });
});

describe('field schemas for ?fieldValidation', () => {
  it('resolve references, name every field of fully described kinds and leave partly described objects open', () => {
    const cm = api.fieldSchemaOf({ group: '', version: 'v1', kind: 'ConfigMap' })!;
    assert.deepEqual(Object.keys(cm.properties!).sort(), [
      'apiVersion',
      'binaryData',
      'data',
      'immutable',
      'kind',
      'metadata',
    ]);
    assert.deepEqual(cm.properties!['data'], { additionalProperties: {} });
    const meta = cm.properties!['metadata']!;
    assert.ok(meta.properties!['labels'] && meta.properties!['ownerReferences']!.items!.properties!['uid']);
    assert.deepEqual(meta.properties!['managedFields']!.items!.properties!['fieldsV1'], {}, 'FieldsV1 is free-form');
    const pod = api.fieldSchemaOf({ group: '', version: 'v1', kind: 'Pod' })!;
    assert.deepEqual(pod.properties!['spec'], {}, 'PodSpec names only some fields: anything goes below it');
    assert.ok(pod.properties!['metadata']!.properties!['name']);
    const crb = api.fieldSchemaOf({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding' })!;
    assert.deepEqual(Object.keys(crb.properties!['roleRef']!.properties!).sort(), ['apiGroup', 'kind', 'name']);
    assert.equal(api.fieldSchemaOf({ group: 'nosuch.k8s.io', version: 'v1', kind: 'Thing' }), undefined);
  });
});
