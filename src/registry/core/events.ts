/** core/v1 Events: what `kubectl describe` shows under "Events:". */
import type { Event } from '../../api/core-v1.ts';
import { humanDuration } from '../../util/human-duration.ts';
import { validateEvent, validateEventUpdate } from '../../validation/index.ts';
import { CRUD_VERBS, type ResourceDef } from '../resource.ts';
import { NAME_COLUMN, type Strategy } from '../strategy.ts';
import { column } from './columns.ts';

export const eventsResource: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  listKind: 'EventList',
  singular: 'event',
  namespaced: true,
  verbs: CRUD_VERBS,
  shortNames: ['ev'],
};

function since(ts: string | null | undefined, now: Date): string {
  return ts ? humanDuration(now.getTime() - Date.parse(ts)) : '<unknown>';
}

export const eventStrategy: Strategy<Event> = {
  prepareForCreate() {},
  validate: validateEvent,
  prepareForUpdate() {},
  validateUpdate: validateEventUpdate,
  columns: [
    column('Last Seen', 'Time of the most recent occurrence'),
    column('Type', 'Type of this event (Normal, Warning)'),
    column(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column('Object', 'The object this Event is about.'),
    column('Subobject', 'The sub-object this Event is about.', { priority: 1 }),
    column('Source', 'The component reporting this event.', { priority: 1 }),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'The time at which the event was first recorded.', { priority: 1 }),
    column('Count', 'The number of times this event has occurred.', { priority: 1 }),
    { ...NAME_COLUMN, priority: 1 },
  ],
  row(ev, now) {
    const io = ev.involvedObject ?? {};
    return [
      since(ev.lastTimestamp ?? ev.eventTime, now),
      ev.type ?? '',
      ev.reason ?? '',
      `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
      io.fieldPath ?? '',
      ev.source?.component ?? ev.reportingComponent ?? '',
      ev.message ?? '',
      since(ev.firstTimestamp ?? ev.eventTime, now),
      ev.count ?? 1,
      ev.metadata.name,
    ];
  },
  selectableFields: (ev) => ({
    'involvedObject.kind': ev.involvedObject?.kind ?? '',
    'involvedObject.namespace': ev.involvedObject?.namespace ?? '',
    'involvedObject.name': ev.involvedObject?.name ?? '',
    'involvedObject.uid': ev.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': ev.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': ev.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': ev.involvedObject?.fieldPath ?? '',
    reason: ev.reason ?? '',
    reportingComponent: ev.reportingComponent ?? '',
    source: ev.source?.component ?? '',
    type: ev.type ?? '',
  }),
};
