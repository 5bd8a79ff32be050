/** Component schemas of the RBAC kinds and the authentication/authorization review kinds (src/api/*-v1.ts). */
import type {
  BoundObjectReference,
  ReviewUserInfo,
  SelfSubjectReview,
  TokenRequest,
  TokenReview,
} from '../../api/authentication-v1.ts';
import type {
  AccessReview,
  NonResourceAttributes,
  NonResourceRule,
  ResourceAttributes,
  ResourceRule,
  SelfSubjectRulesReview,
  SubjectAccessReviewStatus,
} from '../../api/authorization-v1.ts';
import type {
  AggregationRule,
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from '../../api/rbac-v1.ts';
import { typeMeta } from './definitions-meta.ts';
import {
  AUTHN,
  AUTHN_BETA,
  AUTHZ,
  bool,
  int64,
  listOf,
  META,
  object,
  RBAC,
  ref,
  type Schema,
  str,
  strings,
  time,
} from './schema.ts';

type Fields = Record<string, unknown>;

const RULES = 'The rules granting permissions. Rules only add permissions; there are no deny rules.';

const extra = {
  description: 'Extra attributes of the user, as the authenticator provided them.',
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string', default: '' } },
};

const userInfo = object<ReviewUserInfo>('Who a user is, as the authenticators saw it.', {
  username: str('The name that identifies the user among all active users.'),
  uid: str('A unique value that identifies the user across time.'),
  groups: strings('The groups the user belongs to.'),
  extra,
});

const selfSubjectReview = (pkg: string, status: string): Schema =>
  object<SelfSubjectReview>(
    'Asks the server who the caller is. The status is filled in with the user information of the request, after impersonation.',
    {
      ...typeMeta(),
      status: ref(`${pkg}${status}`, 'The user information of the caller, filled in by the server.', {
        required: true,
      }),
    },
  );

const accessSpec = (who: string, withUser: boolean): Schema =>
  object<AccessReview['spec']>(
    `The request to check for ${who}. Exactly one of resourceAttributes and nonResourceAttributes is set.`,
    {
      resourceAttributes: ref(`${AUTHZ}ResourceAttributes`, 'The API request to check.'),
      nonResourceAttributes: ref(`${AUTHZ}NonResourceAttributes`, 'The non-resource request to check.'),
      ...(withUser
        ? {
            user: str('The user to check. Either user or groups must be set.'),
            groups: strings('The groups to check.'),
            extra,
            uid: str('The UID of the user to check.'),
          }
        : {}),
    },
  );

const accessReview = (description: string, spec: string): Schema =>
  object<AccessReview>(
    description,
    {
      ...typeMeta(),
      spec: ref(`${AUTHZ}${spec}`, 'The request being checked.', { required: true }),
      status: ref(`${AUTHZ}SubjectAccessReviewStatus`, 'Whether the request is allowed, filled in by the server.', {
        required: true,
      }),
    },
    ['spec'],
  );

/** The RBAC, authentication and authorization components. */
export const AUTH_COMPONENTS: Record<string, Schema> = {
  [`${RBAC}PolicyRule`]: object<PolicyRule>(
    'Grants verbs on resources or on non-resource URLs.',
    {
      verbs: strings('The verbs allowed, such as get, list, create; * means all.'),
      apiGroups: strings('The API groups of the resources; "" is the core group and * means all.'),
      resources: strings('The resources the rule applies to, such as pods or pods/log; * means all.'),
      resourceNames: strings('Restricts the rule to objects with these names; empty means all.'),
      nonResourceURLs: strings('Non-resource paths the rule applies to, such as /healthz; only valid in ClusterRoles.'),
    },
    ['verbs'],
  ),
  [`${RBAC}Role`]: object<Role>('A namespaced set of permissions, granted through RoleBindings.', {
    ...typeMeta(),
    rules: listOf(`${RBAC}PolicyRule`, RULES),
  }),
  [`${RBAC}ClusterRole`]: object<ClusterRole>(
    'A cluster-wide set of permissions, granted through RoleBindings or ClusterRoleBindings.',
    {
      ...typeMeta(),
      rules: listOf(`${RBAC}PolicyRule`, `${RULES} For an aggregated role the controller writes them.`),
      aggregationRule: ref(
        `${RBAC}AggregationRule`,
        'When set, the rules are the union of the rules of the ClusterRoles it selects.',
      ),
    },
  ),
  [`${RBAC}AggregationRule`]: object<AggregationRule>(
    'How an aggregated ClusterRole finds the roles whose rules it collects.',
    {
      clusterRoleSelectors: listOf(
        `${META}LabelSelector`,
        'ClusterRoles matching any of these selectors contribute their rules.',
      ),
    },
  ),
  [`${RBAC}RoleBinding`]: object<RoleBinding>(
    'Grants the permissions of a Role or ClusterRole to subjects, within one namespace.',
    {
      ...typeMeta(),
      subjects: listOf(`${RBAC}Subject`, 'The users, groups and service accounts receiving the role.'),
      roleRef: ref(
        `${RBAC}RoleRef`,
        'The Role in this namespace or the ClusterRole being granted. It cannot be changed.',
        { required: true },
      ),
    },
    ['roleRef'],
  ),
  [`${RBAC}ClusterRoleBinding`]: object<ClusterRoleBinding>(
    'Grants the permissions of a ClusterRole to subjects, across the whole cluster.',
    {
      ...typeMeta(),
      subjects: listOf(`${RBAC}Subject`, 'The users, groups and service accounts receiving the role.'),
      roleRef: ref(`${RBAC}RoleRef`, 'The ClusterRole being granted. It cannot be changed.', { required: true }),
    },
    ['roleRef'],
  ),
  [`${RBAC}Subject`]: object<Subject>(
    'A user, group or service account that a binding grants a role to.',
    {
      kind: str('User, Group or ServiceAccount.'),
      apiGroup: str('rbac.authorization.k8s.io for users and groups, "" for service accounts.'),
      name: str('The name of the subject.'),
      namespace: str('The namespace of a service account; empty for users and groups.'),
    },
    ['kind', 'name'],
  ),
  [`${RBAC}RoleRef`]: object<RoleRef>(
    'The role a binding grants.',
    {
      apiGroup: str('The API group of the role: rbac.authorization.k8s.io.'),
      kind: str('Role or ClusterRole.'),
      name: str('The name of the role.'),
    },
    ['apiGroup', 'kind', 'name'],
  ),

  [`${AUTHN}TokenRequest`]: object<TokenRequest>(
    'Requests a short-lived token for a service account. The token is signed by the server and may be bound to a pod, secret or node.',
    {
      ...typeMeta(),
      spec: ref(`${AUTHN}TokenRequestSpec`, 'What the token should look like.', { required: true }),
      status: ref(`${AUTHN}TokenRequestStatus`, 'The issued token, filled in by the server.', { required: true }),
    },
    ['spec'],
  ),
  [`${AUTHN}TokenRequestSpec`]: object<TokenRequest['spec']>(
    'The properties of a requested token.',
    {
      audiences: strings("The audiences the token is valid for. Defaults to the server's API audiences."),
      expirationSeconds: int64(
        'The requested lifetime in seconds; at least 600, 3600 by default. The server may shorten it.',
      ),
      boundObjectRef: ref(
        `${AUTHN}BoundObjectReference`,
        'An object the token is bound to: the token stops working when it is deleted.',
      ),
    },
    ['audiences'],
  ),
  [`${AUTHN}BoundObjectReference`]: object<BoundObjectReference>('An object a token is bound to.', {
    kind: str('Pod, Secret or Node.'),
    apiVersion: str('The API version of the object.'),
    name: str('The name of the object.'),
    uid: str('The UID of the object.'),
  }),
  [`${AUTHN}TokenRequestStatus`]: object<TokenRequest['status']>(
    'The result of a token request.',
    {
      token: str('The signed token.'),
      expirationTimestamp: time('When the token expires.'),
    },
    ['token', 'expirationTimestamp'],
  ),
  [`${AUTHN}TokenReview`]: object<TokenReview>(
    'Asks the server to authenticate a token and report the user it belongs to.',
    {
      ...typeMeta(),
      spec: ref(`${AUTHN}TokenReviewSpec`, 'The token to check.', { required: true }),
      status: ref(`${AUTHN}TokenReviewStatus`, 'The result, filled in by the server.', { required: true }),
    },
    ['spec'],
  ),
  [`${AUTHN}TokenReviewSpec`]: object<TokenReview['spec']>('The token to authenticate.', {
    token: str('The bearer token.'),
    audiences: strings("Audiences the token must be valid for; the server's API audiences when empty."),
  }),
  [`${AUTHN}TokenReviewStatus`]: object<NonNullable<TokenReview['status']>>('The result of a token review.', {
    authenticated: bool('Whether the token is valid.'),
    user: ref(`${AUTHN}UserInfo`, 'The user the token belongs to.', { required: true }),
    audiences: strings('The requested audiences the token is valid for.'),
    error: str('Why the token could not be checked.'),
  }),
  [`${AUTHN}UserInfo`]: userInfo,
  [`${AUTHN}SelfSubjectReview`]: selfSubjectReview(AUTHN, 'SelfSubjectReviewStatus'),
  [`${AUTHN}SelfSubjectReviewStatus`]: object<SelfSubjectReview['status']>('The user information of the caller.', {
    userInfo: ref(`${AUTHN}UserInfo`, 'Who the caller is.', { required: true }),
  }),
  [`${AUTHN_BETA}SelfSubjectReview`]: selfSubjectReview(AUTHN_BETA, 'SelfSubjectReviewStatus'),
  [`${AUTHN_BETA}SelfSubjectReviewStatus`]: object<SelfSubjectReview['status']>('The user information of the caller.', {
    userInfo: ref(`${AUTHN}UserInfo`, 'Who the caller is.', { required: true }),
  }),

  [`${AUTHZ}SubjectAccessReview`]: accessReview(
    'Asks whether a given user may perform an action.',
    'SubjectAccessReviewSpec',
  ),
  [`${AUTHZ}LocalSubjectAccessReview`]: accessReview(
    'Asks whether a given user may perform an action in one namespace.',
    'SubjectAccessReviewSpec',
  ),
  [`${AUTHZ}SelfSubjectAccessReview`]: accessReview(
    'Asks whether the caller may perform an action.',
    'SelfSubjectAccessReviewSpec',
  ),
  [`${AUTHZ}SubjectAccessReviewSpec`]: accessSpec('a user', true),
  [`${AUTHZ}SelfSubjectAccessReviewSpec`]: accessSpec('the caller', false),
  [`${AUTHZ}ResourceAttributes`]: object<ResourceAttributes>('An API request, for an access check.', {
    namespace: str('The namespace of the request; empty for cluster-scoped resources or all namespaces.'),
    verb: str('The verb, such as get, list, create or *.'),
    group: str('The API group of the resource; * means all.'),
    version: str('The API version of the resource; * means all.'),
    resource: str('The resource, such as pods; * means all.'),
    subresource: str('The subresource, such as log; empty for none.'),
    name: str('The name of the object; empty means all.'),
    fieldSelector: ref(`${AUTHZ}FieldSelectorAttributes`, 'A field selector the request is limited to.'),
    labelSelector: ref(`${AUTHZ}LabelSelectorAttributes`, 'A label selector the request is limited to.'),
  }),
  [`${AUTHZ}FieldSelectorAttributes`]: object<Fields>('A field selector of an access check.', {
    rawSelector: str('The selector as it appears in a query string.'),
    requirements: { description: 'The parsed selector.', type: 'array', items: { type: 'object' } },
  }),
  [`${AUTHZ}LabelSelectorAttributes`]: object<Fields>('A label selector of an access check.', {
    rawSelector: str('The selector as it appears in a query string.'),
    requirements: listOf(`${META}LabelSelectorRequirement`, 'The parsed selector.'),
  }),
  [`${AUTHZ}NonResourceAttributes`]: object<NonResourceAttributes>(
    'A request for a non-resource path, for an access check.',
    {
      path: str('The URL path, such as /healthz.'),
      verb: str('The HTTP verb in lower case, such as get.'),
    },
  ),
  [`${AUTHZ}SubjectAccessReviewStatus`]: object<SubjectAccessReviewStatus>(
    'The answer to an access check.',
    {
      allowed: bool('Whether the action is allowed.'),
      denied: bool('Whether the action is explicitly denied (RBAC never denies; it only has no opinion).'),
      reason: str('Why the action is allowed or not.'),
      evaluationError: str('An error met while checking; the answer may still be valid.'),
    },
    ['allowed'],
  ),
  [`${AUTHZ}SelfSubjectRulesReview`]: object<SelfSubjectRulesReview>(
    'Lists the actions the caller may perform in a namespace. Meant for user interfaces, not for authorization decisions.',
    {
      ...typeMeta(),
      spec: ref(`${AUTHZ}SelfSubjectRulesReviewSpec`, 'The namespace to list the rules of.', { required: true }),
      status: ref(`${AUTHZ}SubjectRulesReviewStatus`, 'The rules, filled in by the server.', { required: true }),
    },
    ['spec'],
  ),
  [`${AUTHZ}SelfSubjectRulesReviewSpec`]: object<SelfSubjectRulesReview['spec']>('The scope of a rules review.', {
    namespace: str('The namespace to evaluate the rules in.'),
  }),
  [`${AUTHZ}SubjectRulesReviewStatus`]: object<NonNullable<SelfSubjectRulesReview['status']>>(
    'The rules that apply to the caller.',
    {
      resourceRules: listOf(`${AUTHZ}ResourceRule`, 'Actions allowed on resources.'),
      nonResourceRules: listOf(`${AUTHZ}NonResourceRule`, 'Actions allowed on non-resource paths.'),
      incomplete: bool('True when some rules could not be evaluated, so the list may be missing permissions.'),
      evaluationError: str('Why the list is incomplete.'),
    },
    ['resourceRules', 'nonResourceRules', 'incomplete'],
  ),
  [`${AUTHZ}ResourceRule`]: object<ResourceRule>(
    'Actions allowed on resources.',
    {
      verbs: strings('The allowed verbs; * means all.'),
      apiGroups: strings('The API groups; * means all.'),
      resources: strings('The resources; * means all.'),
      resourceNames: strings('The object names; empty means all.'),
    },
    ['verbs'],
  ),
  [`${AUTHZ}NonResourceRule`]: object<NonResourceRule>(
    'Actions allowed on non-resource paths.',
    {
      verbs: strings('The allowed verbs; * means all.'),
      nonResourceURLs: strings('The paths; a trailing * matches a prefix.'),
    },
    ['verbs'],
  ),
};
