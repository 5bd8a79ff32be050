/**
 * Our own protobuf message definitions for the request bodies kubectl >= 1.32 sends, written from the field
 * numbers of upstream's generated.proto files (k8s.io/api core, rbac, authentication, authorization v1 and
 * k8s.io/apimachinery meta/v1 + runtime). Only the wire numbers must match upstream; field names are the
 * JSON API names, so the decoded message already carries the names clients use in JSON.
 *
 * Three custom field options carry the JSON rules the wire cannot express:
 * - `(omitzero)`: a non-pointer Go field tagged `omitempty` (gogo writes it anyway, JSON would drop 0/false);
 * - `(inline)`: an embedded Go struct (`json:",inline"`) whose fields JSON flattens into the parent;
 * - `(keepempty)`: a Go *string where an explicit "" means something, so it survives the drop of "" fields.
 * Unknown fields on the wire are skipped, so messages list only what superkube reads.
 */
import protobuf from 'protobufjs';

const PROTO_SCHEMA = `
syntax = "proto2";
package sk;

// ---- k8s.io/apimachinery/pkg/runtime ----
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
message TypeMeta {
  optional string apiVersion = 1;
  optional string kind = 2;
}

// ---- k8s.io/apimachinery/pkg/apis/meta/v1 ----
message Time {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message FieldsV1 {
  optional bytes raw = 1;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7 [(omitzero) = true];
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string apiVersion = 5;
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional bool controller = 6;
  optional bool blockOwnerDeletion = 7;
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated LabelSelectorRequirement matchExpressions = 2;
}
message LabelSelectorRequirement {
  optional string key = 1;
  optional string operator = 2;
  repeated string values = 3;
}
message Preconditions {
  optional string uid = 1 [(keepempty) = true];
  optional string resourceVersion = 2 [(keepempty) = true];
}
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1;
  optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3;
  optional string propagationPolicy = 4 [(keepempty) = true];
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6;
}

// ---- k8s.io/apimachinery/pkg/api/resource ----
message Quantity {
  optional string string = 1;
}

// ---- k8s.io/api/core/v1 ----
message ObjectReference {
  optional string kind = 1;
  optional string namespace = 2;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional string resourceVersion = 6;
  optional string fieldPath = 7;
}
message LocalObjectReference {
  optional string name = 1;
}
message Namespace {
  optional ObjectMeta metadata = 1;
  optional NamespaceSpec spec = 2;
  optional NamespaceStatus status = 3;
}
message NamespaceSpec {
  repeated string finalizers = 1;
}
message NamespaceStatus {
  optional string phase = 1;
  repeated NamespaceCondition conditions = 2;
}
message NamespaceCondition {
  optional string type = 1;
  optional string status = 2;
  optional Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message ServiceAccount {
  optional ObjectMeta metadata = 1;
  repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4;
}
message Secret {
  optional ObjectMeta metadata = 1;
  map<string, bytes> data = 2;
  optional string type = 3;
  map<string, string> stringData = 4;
  optional bool immutable = 5;
}
message ConfigMap {
  optional ObjectMeta metadata = 1;
  map<string, string> data = 2;
  map<string, bytes> binaryData = 3;
  optional bool immutable = 4;
}
message Pod {
  optional ObjectMeta metadata = 1;
  optional PodSpec spec = 2;
  optional PodStatus status = 3;
}
message PodSpec {
  repeated Volume volumes = 1;
  repeated Container initContainers = 20;
  repeated Container containers = 2;
  optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4;
  optional int64 activeDeadlineSeconds = 5;
  optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8;
  optional string serviceAccount = 9;
  optional bool automountServiceAccountToken = 21;
  optional string nodeName = 10;
  optional bool hostNetwork = 11 [(omitzero) = true];
  optional bool hostPID = 12 [(omitzero) = true];
  optional bool hostIPC = 13 [(omitzero) = true];
  optional bool shareProcessNamespace = 27;
  repeated LocalObjectReference imagePullSecrets = 15;
  optional string hostname = 16;
  optional string subdomain = 17;
  optional string schedulerName = 19;
  repeated Toleration tolerations = 22;
  optional string priorityClassName = 24;
  optional int32 priority = 25;
  optional bool enableServiceLinks = 30;
}
message Toleration {
  optional string key = 1;
  optional string operator = 2;
  optional string value = 3;
  optional string effect = 4;
  optional int64 tolerationSeconds = 5;
}
message Container {
  optional string name = 1;
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated ContainerPort ports = 6;
  repeated EnvFromSource envFrom = 19;
  repeated EnvVar env = 7;
  optional ResourceRequirements resources = 8;
  repeated VolumeMount volumeMounts = 9;
  optional string terminationMessagePath = 13;
  optional string terminationMessagePolicy = 20;
  optional string imagePullPolicy = 14;
  optional bool stdin = 16 [(omitzero) = true];
  optional bool stdinOnce = 17 [(omitzero) = true];
  optional bool tty = 18 [(omitzero) = true];
}
message ContainerPort {
  optional string name = 1;
  optional int32 hostPort = 2 [(omitzero) = true];
  optional int32 containerPort = 3;
  optional string protocol = 4;
  optional string hostIP = 5;
}
message EnvVar {
  optional string name = 1;
  optional string value = 2;
  optional EnvVarSource valueFrom = 3;
}
message EnvVarSource {
  optional ObjectFieldSelector fieldRef = 1;
  optional ResourceFieldSelector resourceFieldRef = 2;
  optional ConfigMapKeySelector configMapKeyRef = 3;
  optional SecretKeySelector secretKeyRef = 4;
}
message ObjectFieldSelector {
  optional string apiVersion = 1;
  optional string fieldPath = 2;
}
message ResourceFieldSelector {
  optional string containerName = 1;
  optional string resource = 2;
  optional Quantity divisor = 3;
}
message ConfigMapKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2;
  optional bool optional = 3;
}
message SecretKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2;
  optional bool optional = 3;
}
message EnvFromSource {
  optional string prefix = 1;
  optional ConfigMapEnvSource configMapRef = 2;
  optional SecretEnvSource secretRef = 3;
}
message ConfigMapEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2;
}
message SecretEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2;
}
message ResourceRequirements {
  map<string, Quantity> limits = 1;
  map<string, Quantity> requests = 2;
}
message VolumeMount {
  optional string name = 1;
  optional bool readOnly = 2 [(omitzero) = true];
  optional string mountPath = 3;
  optional string subPath = 4;
  optional string mountPropagation = 5;
  optional string subPathExpr = 6;
}
message Volume {
  optional string name = 1;
  optional VolumeSource volumeSource = 2 [(inline) = true];
}
message VolumeSource {
  optional HostPathVolumeSource hostPath = 1;
  optional EmptyDirVolumeSource emptyDir = 2;
  optional SecretVolumeSource secret = 6;
  optional PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10;
  optional ConfigMapVolumeSource configMap = 19;
}
message HostPathVolumeSource {
  optional string path = 1;
  optional string type = 2 [(keepempty) = true];
}
message EmptyDirVolumeSource {
  optional string medium = 1;
  optional Quantity sizeLimit = 2;
}
message SecretVolumeSource {
  optional string secretName = 1;
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3;
  optional bool optional = 4;
}
message ConfigMapVolumeSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3;
  optional bool optional = 4;
}
message PersistentVolumeClaimVolumeSource {
  optional string claimName = 1;
  optional bool readOnly = 2 [(omitzero) = true];
}
message KeyToPath {
  optional string key = 1;
  optional string path = 2;
  optional int32 mode = 3;
}
message PodStatus {
  optional string phase = 1;
  optional string message = 3;
  optional string reason = 4;
}

// ---- k8s.io/api/rbac/v1 ----
message PolicyRule {
  repeated string verbs = 1;
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
  repeated string nonResourceURLs = 5;
}
message Role {
  optional ObjectMeta metadata = 1;
  repeated PolicyRule rules = 2;
}
message ClusterRole {
  optional ObjectMeta metadata = 1;
  repeated PolicyRule rules = 2;
  optional AggregationRule aggregationRule = 3;
}
message AggregationRule {
  repeated LabelSelector clusterRoleSelectors = 1;
}
message Subject {
  optional string kind = 1;
  optional string apiGroup = 2;
  optional string name = 3;
  optional string namespace = 4;
}
message RoleRef {
  optional string apiGroup = 1;
  optional string kind = 2;
  optional string name = 3;
}
message RoleBinding {
  optional ObjectMeta metadata = 1;
  repeated Subject subjects = 2;
  optional RoleRef roleRef = 3;
}
message ClusterRoleBinding {
  optional ObjectMeta metadata = 1;
  repeated Subject subjects = 2;
  optional RoleRef roleRef = 3;
}

// ---- k8s.io/api/authentication/v1 (SelfSubjectReview is identical in v1beta1 and v1alpha1) ----
message ExtraValue {
  repeated string items = 1;
}
message BoundObjectReference {
  optional string kind = 1;
  optional string apiVersion = 2;
  optional string name = 3;
  optional string uid = 4;
}
message TokenRequest {
  optional ObjectMeta metadata = 1;
  optional TokenRequestSpec spec = 2;
  optional TokenRequestStatus status = 3;
}
message TokenRequestSpec {
  repeated string audiences = 1;
  optional int64 expirationSeconds = 4;
  optional BoundObjectReference boundObjectRef = 3;
}
message TokenRequestStatus {
  optional string token = 1;
  optional Time expirationTimestamp = 2;
}
message TokenReview {
  optional ObjectMeta metadata = 1;
  optional TokenReviewSpec spec = 2;
  optional TokenReviewStatus status = 3;
}
message TokenReviewSpec {
  optional string token = 1;
  repeated string audiences = 2;
}
message TokenReviewStatus {
  optional bool authenticated = 1 [(omitzero) = true];
  optional UserInfo user = 2;
  repeated string audiences = 4;
  optional string error = 3;
}
message UserInfo {
  optional string username = 1;
  optional string uid = 2;
  repeated string groups = 3;
  map<string, ExtraValue> extra = 4;
}
message SelfSubjectReview {
  optional ObjectMeta metadata = 1;
  optional SelfSubjectReviewStatus status = 2;
}
message SelfSubjectReviewStatus {
  optional UserInfo userInfo = 1;
}

// ---- k8s.io/api/authorization/v1 ----
message ResourceAttributes {
  optional string namespace = 1;
  optional string verb = 2;
  optional string group = 3;
  optional string version = 4;
  optional string resource = 5;
  optional string subresource = 6;
  optional string name = 7;
  optional FieldSelectorAttributes fieldSelector = 8;
  optional LabelSelectorAttributes labelSelector = 9;
}
message FieldSelectorAttributes {
  optional string rawSelector = 1;
  repeated FieldSelectorRequirement requirements = 2;
}
message FieldSelectorRequirement {
  optional string key = 1;
  optional string operator = 2;
  repeated string values = 3;
}
message LabelSelectorAttributes {
  optional string rawSelector = 1;
  repeated LabelSelectorRequirement requirements = 2;
}
message NonResourceAttributes {
  optional string path = 1;
  optional string verb = 2;
}
message SubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1;
  optional NonResourceAttributes nonResourceAttributes = 2;
  optional string user = 3;
  repeated string groups = 4;
  map<string, ExtraValue> extra = 5;
  optional string uid = 6;
}
message SelfSubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1;
  optional NonResourceAttributes nonResourceAttributes = 2;
}
message SubjectAccessReviewStatus {
  optional bool allowed = 1;
  optional bool denied = 4 [(omitzero) = true];
  optional string reason = 2;
  optional string evaluationError = 3;
}
message SubjectAccessReview {
  optional ObjectMeta metadata = 1;
  optional SubjectAccessReviewSpec spec = 2;
  optional SubjectAccessReviewStatus status = 3;
}
message LocalSubjectAccessReview {
  optional ObjectMeta metadata = 1;
  optional SubjectAccessReviewSpec spec = 2;
  optional SubjectAccessReviewStatus status = 3;
}
message SelfSubjectAccessReview {
  optional ObjectMeta metadata = 1;
  optional SelfSubjectAccessReviewSpec spec = 2;
  optional SubjectAccessReviewStatus status = 3;
}
message SelfSubjectRulesReview {
  optional ObjectMeta metadata = 1;
  optional SelfSubjectRulesReviewSpec spec = 2;
  optional SubjectRulesReviewStatus status = 3;
}
message SelfSubjectRulesReviewSpec {
  optional string namespace = 1;
}
message SubjectRulesReviewStatus {
  repeated ResourceRule resourceRules = 1;
  repeated NonResourceRule nonResourceRules = 2;
  optional bool incomplete = 3;
  optional string evaluationError = 4;
}
message ResourceRule {
  repeated string verbs = 1;
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
}
message NonResourceRule {
  repeated string verbs = 1;
  repeated string nonResourceURLs = 2;
}
`;

/** The package every message above lives in; `lookupMessage('Pod')` resolves `sk.Pod`. */
const PACKAGE = 'sk';

/** Parsed once at module load: protobufjs generates and caches each type's decoder on first use. */
const root: protobuf.Root = protobuf.parse(PROTO_SCHEMA, { keepCase: true }).root;
// Resolving eagerly turns a typo in a type name into a load-time failure instead of a per-request one.
root.resolveAll();

/**
 * Returns the message type with the given short name (e.g. `Namespace`, `Time`).
 * Throws TypeError for a name the schema does not define (caller bug, not bad input).
 */
export function lookupMessage(name: string): protobuf.Type {
  const found = root.lookup(`${PACKAGE}.${name}`);
  if (!(found instanceof protobuf.Type)) throw new TypeError(`no protobuf message ${name} in the schema`);
  return found;
}

/**
 * Where a wire kind lives: its message type and the API group it must be sent with
 * (`''` is the core group; `'*'` accepts every group, as DeleteOptions is registered in each one).
 */
export interface KindMessage {
  readonly message: protobuf.Type;
  readonly group: string;
}

const kindGroups: ReadonlyArray<readonly [kind: string, group: string]> = [
  ['Namespace', ''],
  ['ServiceAccount', ''],
  ['Secret', ''],
  ['ConfigMap', ''],
  ['Pod', ''],
  ['Role', 'rbac.authorization.k8s.io'],
  ['ClusterRole', 'rbac.authorization.k8s.io'],
  ['RoleBinding', 'rbac.authorization.k8s.io'],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io'],
  ['TokenRequest', 'authentication.k8s.io'],
  ['TokenReview', 'authentication.k8s.io'],
  ['SelfSubjectReview', 'authentication.k8s.io'],
  ['SelfSubjectAccessReview', 'authorization.k8s.io'],
  ['LocalSubjectAccessReview', 'authorization.k8s.io'],
  ['SubjectAccessReview', 'authorization.k8s.io'],
  ['SelfSubjectRulesReview', 'authorization.k8s.io'],
  ['DeleteOptions', '*'],
];

const kindMessages: ReadonlyMap<string, KindMessage> = new Map(
  kindGroups.map(([kind, group]) => [kind, { message: lookupMessage(kind), group }]),
);

/** The message and group for a wire kind, or undefined when superkube does not decode that kind. */
export function messageForKind(kind: string): KindMessage | undefined {
  return kindMessages.get(kind);
}

/** Every kind `messageForKind` knows, for tests and diagnostics. */
export function decodableKinds(): string[] {
  return [...kindMessages.keys()];
}
