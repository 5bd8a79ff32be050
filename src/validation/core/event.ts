/**
 * core/v1 Event validation. Upstream applies only legacyValidateEvent to Events written through the core/v1 API
 * (strict metadata checks are reserved for events.k8s.io/v1), so that is all this does.
 */
import type { Event } from '../../api/core-v1.ts';
import type { FieldError } from '../../api/status.ts';
import { invalidValue, requiredValue } from '../field.ts';
import { byteLength, isDNS1123Subdomain, isQualifiedName } from '../names.ts';

const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function limit(value: string, max: number, path: string): FieldError[] {
  return byteLength(value) > max ? [invalidValue(path, '', `can have at most ${max} characters`)] : [];
}

/**
 * legacyValidateEvent: the event's namespace must agree with its involved object's, new-style events (with
 * `eventTime`) need reportingController/reportingInstance/action/reason within their length limits, and the
 * namespace must be an RFC 1123 subdomain. Field paths use the internal names (`reportingController`), as upstream.
 */
export function validateEvent(event: Event): FieldError[] {
  const errs: FieldError[] = [];
  const e = event as Event & Record<string, unknown>;
  const ns = str(event.metadata?.namespace);
  const involvedNs = str(event.involvedObject?.namespace);
  const mismatch = () => invalidValue('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!event.eventTime) {
    if (involvedNs === '') {
      // Old clients wrote cluster-scoped objects' events into "default".
      if (ns !== '' && ns !== 'default') errs.push(mismatch());
    } else if (ns !== involvedNs) {
      errs.push(mismatch());
    }
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    const controller = str(event.reportingComponent);
    if (controller === '') errs.push(requiredValue('reportingController'));
    for (const msg of isQualifiedName(controller)) errs.push(invalidValue('reportingController', controller, msg));
    const instance = str(event.reportingInstance);
    if (instance === '') errs.push(requiredValue('reportingInstance'));
    errs.push(...limit(instance, REPORTING_INSTANCE_LENGTH_LIMIT, 'reportingInstance'));
    const action = str(e.action);
    if (action === '') errs.push(requiredValue('action'));
    errs.push(...limit(action, ACTION_LENGTH_LIMIT, 'action'));
    const reason = str(event.reason);
    if (reason === '') errs.push(requiredValue('reason'));
    errs.push(...limit(reason, REASON_LENGTH_LIMIT, 'reason'));
    errs.push(...limit(str(event.message), NOTE_LENGTH_LIMIT, 'message'));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(invalidValue('namespace', ns, msg));
  return errs;
}

/** An event update through core/v1: upstream checks only the new event, with the create rules. */
export function validateEventUpdate(newEvent: Event, _oldEvent: Event): FieldError[] {
  return validateEvent(newEvent);
}
