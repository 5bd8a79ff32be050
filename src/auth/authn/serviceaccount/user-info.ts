/**
 * From a validated service-account token to the request's user (apiserver pkg/authentication/serviceaccount
 * util.go; spec tokens.md section 6).
 */
import {
  ALL_SERVICE_ACCOUNTS_GROUP,
  SERVICE_ACCOUNT_GROUP_PREFIX,
  SERVICE_ACCOUNT_USERNAME_PREFIX,
  type UserInfo,
} from '../../user.ts';

/** user.extra key of the pod a token is bound to. */
export const POD_NAME_KEY = 'authentication.kubernetes.io/pod-name';
/** user.extra key of the bound pod's uid. */
export const POD_UID_KEY = 'authentication.kubernetes.io/pod-uid';
/** user.extra key of the node (bound, or where the bound pod runs). */
export const NODE_NAME_KEY = 'authentication.kubernetes.io/node-name';
/** user.extra key of that node's uid. */
export const NODE_UID_KEY = 'authentication.kubernetes.io/node-uid';
/** user.extra key identifying the credential (`JTI=<jti>`). */
export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';

/** ServiceAccountInfo: who a token speaks for. Empty strings mean absent. */
export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUID?: string;
  nodeName?: string;
  nodeUID?: string;
  credentialId?: string;
}

/** `system:serviceaccount:<ns>:<name>`. */
export function makeUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

/** `["system:serviceaccounts", "system:serviceaccounts:<ns>"]`. */
export function makeGroupNames(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNT_GROUP_PREFIX}${namespace}`];
}

/** `JTI=<jti>`, or '' for an empty jti. */
export function credentialIdForJti(jti: string): string {
  return jti ? `JTI=${jti}` : '';
}

/**
 * The user of a service-account token. Extras are inserted in sorted key order (what Go's map marshalling
 * prints); pod extras need both name and uid, node uid needs the node name. `system:authenticated` is added by the
 * request chain, not here.
 */
export function serviceAccountUserInfo(info: ServiceAccountInfo): UserInfo {
  const extra: Record<string, string[]> = {};
  if (info.credentialId) extra[CREDENTIAL_ID_KEY] = [info.credentialId];
  if (info.nodeName) {
    extra[NODE_NAME_KEY] = [info.nodeName];
    if (info.nodeUID) extra[NODE_UID_KEY] = [info.nodeUID];
  }
  if (info.podName && info.podUID) {
    extra[POD_NAME_KEY] = [info.podName];
    extra[POD_UID_KEY] = [info.podUID];
  }
  return {
    username: makeUsername(info.namespace, info.name),
    uid: info.uid,
    groups: makeGroupNames(info.namespace),
    extra,
  };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((l) => l.length <= 63 && DNS1123_LABEL.test(l));
}

/** Upstream's SplitUsername error text. */
export const INVALID_USERNAME = 'Username must be in the form system:serviceaccount:namespace:name';

/** Splits `system:serviceaccount:<ns>:<name>`; throws INVALID_USERNAME unless ns and name are valid names. */
export function splitUsername(username: string): { namespace: string; name: string } {
  if (!username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) throw new Error(INVALID_USERNAME);
  const parts = username.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2) throw new Error(INVALID_USERNAME);
  const [namespace, name] = parts;
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace) || !isDns1123Subdomain(name)) {
    throw new Error(INVALID_USERNAME);
  }
  return { namespace, name };
}
