/**
 * From a validated service-account token to the request's user (apiserver pkg/authentication/serviceaccount
 * util.go; spec tokens.md section 6).
 */
import {
  serviceAccountGroups,
  serviceAccountUsername,
  splitServiceAccountUsername,
} from '../../service-account-name.ts';
import type { UserInfo } from '../../user.ts';

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
    username: serviceAccountUsername(info.namespace, info.name),
    uid: info.uid,
    groups: serviceAccountGroups(info.namespace),
    extra,
  };
}

/** Upstream's SplitUsername error text. */
export const INVALID_USERNAME = 'Username must be in the form system:serviceaccount:namespace:name';

/** Splits `system:serviceaccount:<ns>:<name>`; throws INVALID_USERNAME unless ns and name are valid names. */
export function splitUsername(username: string): { namespace: string; name: string } {
  const parts = splitServiceAccountUsername(username);
  if (!parts) throw new Error(INVALID_USERNAME);
  return parts;
}
