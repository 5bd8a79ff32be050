/** Validators for the core/v1 kinds superkube serves, one module per kind under core/. */

export { validateConfigMap, validateConfigMapUpdate } from './core/config-map.ts';
export { MAX_SECRET_SIZE } from './core/data-bag.ts';
export { validateEvent, validateEventUpdate } from './core/event.ts';
export { validateNamespace, validateNamespaceUpdate } from './core/namespace.ts';
export { POD_SPEC_IMMUTABLE_MSG, validatePod, validatePodUpdate } from './core/pod.ts';
export { validateSecret, validateSecretUpdate } from './core/secret.ts';
export { validateServiceAccount, validateServiceAccountUpdate } from './core/service-account.ts';
