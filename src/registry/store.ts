/**
 * Store<T>: the generic registry for one resource. Create, read, update, delete, list and watch over the revisioned
 * storage, with the optimistic-concurrency update loop and storage-error mapping written once for every kind.
 */
import { formatTime, type KubernetesList, type KubernetesObject, type ListMeta } from '../api/meta.ts';
import {
  alreadyExists,
  badRequest,
  conflict,
  type GroupResource,
  gone,
  invalid,
  notFound,
  OBJECT_MODIFIED,
  StatusError,
  statusFailure,
  timeout,
} from '../api/status.ts';
import type { KeyValue, Storage, WatchEvent } from '../storage/interface.ts';
import type { Clock } from '../util/clock.ts';
import { generateNameFrom, newUid } from '../util/ids.ts';
import {
  type FieldTerm,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type Requirement,
  SelectorError,
} from '../validation/selectors.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { toStatusError } from './errors.ts';
import { jsonEqual } from './patch/json-value.ts';
import { apiVersionOf, keyPrefix, objectKey, type ResourceDef } from './resource.ts';
import type { Strategy } from './strategy.ts';

/** Options of a list or watch, as parsed from the query string. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** The result of a list: items plus ListMeta. */
export interface ListResult<T> {
  items: T[];
  metadata: ListMeta;
}

/** Options shared by writes. */
export interface WriteOptions<T = KubernetesObject> {
  dryRun?: boolean;
  /**
   * A controller's own write of fields clients may not change (a pod's node and status): skips the strategy's
   * update normalisation and validation. Never set from a client request.
   */
  trusted?: boolean;
  /**
   * A write through the status subresource: only status changed (the caller copies everything else from the stored
   * object), so the strategy's update normalisation, which keeps the stored status, is skipped; validation still runs.
   */
  statusOnly?: boolean;
  /**
   * Admission for this write, after defaulting and validation, with the stored object on updates (e.g. RBAC
   * escalation prevention, which needs the requesting user). Throws StatusError to refuse.
   */
  admit?: (obj: T, old: T | undefined) => void | Promise<void>;
  /**
   * Records managedFields of the object to store given the current one (undefined on create), after defaulting and
   * normalisation, so ownership is of the fields actually stored (a Secret's stringData becomes data first).
   */
  managedFields?: (next: T, current: T | undefined) => T;
}

/** Preconditions and dry-run of a delete. */
export interface DeleteOpts extends WriteOptions<never> {
  preconditions?: { uid?: string; resourceVersion?: string };
  /** 0 deletes at once even for graceful kinds (`kubectl delete --grace-period=0 --force`). */
  gracePeriodSeconds?: number;
}

/** One watch event as the API sends it. */
export interface ObjectEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

/** A running watch over a resource. */
export interface ObjectWatch<T> extends AsyncIterable<ObjectEvent<T>> {
  close(): void;
  /** The revision the watch started after. */
  readonly startRevision: number;
  /** Resolves with the error that ended the watch (e.g. Expired), or undefined when closed. */
  readonly done: Promise<Error | undefined>;
}

/** Checks made before objects are created in a namespace (NamespaceLifecycle admission). */
export type NamespaceGate = (namespace: string, name: string) => Promise<void>;

const DEFAULT_UNCONDITIONAL_RETRIES = 16;
/** Serialized objects remembered per store for getJson (oldest evicted first). */
const SERIALIZED_CACHE_SIZE = 1024;

/** The generic store of one resource. */
export class Store<T extends KubernetesObject = KubernetesObject> {
  readonly def: ResourceDef;
  readonly strategy: Strategy<T>;
  readonly gr: GroupResource;
  private readonly storage: Storage;
  private readonly clock: Clock;
  private readonly namespaceGate: NamespaceGate | undefined;
  private readonly apiVersion: string;

  constructor(def: ResourceDef, strategy: Strategy<T>, storage: Storage, clock: Clock, namespaceGate?: NamespaceGate) {
    this.def = def;
    this.strategy = strategy;
    this.storage = storage;
    this.clock = clock;
    this.namespaceGate = namespaceGate;
    this.gr = { group: def.group, resource: def.resource };
    this.apiVersion = apiVersionOf(def);
  }

  /** Decodes a stored value; resourceVersion is not stored, it is the row's revision. */
  decode(kv: KeyValue, revision = kv.modRevision): T {
    const obj = JSON.parse(kv.value.toString('utf8')) as T;
    obj.metadata.resourceVersion = String(revision);
    return obj;
  }

  private encode(obj: T): Buffer {
    const rv = obj.metadata.resourceVersion;
    delete obj.metadata.resourceVersion;
    const buf = Buffer.from(JSON.stringify(obj));
    if (rv !== undefined) obj.metadata.resourceVersion = rv;
    return buf;
  }

  private key(namespace: string, name: string): string {
    return objectKey(this.def, namespace, name);
  }

  private notFound(name: string): StatusError {
    return notFound(this.gr, name);
  }

  /** Reads one object; 404 if absent. */
  async get(namespace: string, name: string): Promise<T> {
    let kv: KeyValue | undefined;
    try {
      kv = await this.storage.get(this.key(namespace, name));
    } catch (err) {
      throw toStatusError(err, this.gr, name);
    }
    if (!kv) throw this.notFound(name);
    return this.decode(kv);
  }

  /**
   * Reads one object as the JSON the API returns. The serialization of each key's latest revision is remembered, so
   * repeated reads of an unchanged object (clients polling it) skip decoding and re-encoding.
   */
  async getJson(namespace: string, name: string): Promise<string> {
    const key = this.key(namespace, name);
    let kv: KeyValue | undefined;
    try {
      kv = await this.storage.get(key);
    } catch (err) {
      throw toStatusError(err, this.gr, name);
    }
    if (!kv) throw this.notFound(name);
    const hit = this.serialized.get(key);
    if (hit && hit.revision === kv.modRevision) return hit.json;
    const json = JSON.stringify(this.decode(kv));
    if (this.serialized.size >= SERIALIZED_CACHE_SIZE) this.serialized.delete(this.serialized.keys().next().value!);
    this.serialized.set(key, { revision: kv.modRevision, json });
    return json;
  }

  private readonly serialized = new Map<string, { revision: number; json: string }>();

  /** Reads one object or undefined. */
  async find(namespace: string, name: string): Promise<T | undefined> {
    let kv: KeyValue | undefined;
    try {
      kv = await this.storage.get(this.key(namespace, name));
    } catch (err) {
      throw toStatusError(err, this.gr, name);
    }
    return kv ? this.decode(kv) : undefined;
  }

  private selectors(opts: ListOptions): { labels: Requirement[]; fields: FieldTerm[] } {
    try {
      const labels = parseLabelSelector(opts.labelSelector ?? '');
      const fields = parseFieldSelector(opts.fieldSelector ?? '');
      for (const f of fields) {
        if (f.field === 'metadata.name' || f.field === 'metadata.namespace') continue;
        // Kinds with their own field conversion (pods, secrets, events, ...) say "not supported"; the others use the
        // default conversion's message, as upstream.
        if (!this.strategy.selectableFields)
          throw badRequest(`"${f.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
        if (!this.selectableFieldNames().has(f.field)) throw badRequest(`field label not supported: ${f.field}`);
      }
      return { labels, fields };
    } catch (err) {
      if (err instanceof SelectorError) throw badRequest(err.message);
      throw err;
    }
  }

  private selectableNames: Set<string> | undefined;
  private selectableFieldNames(): Set<string> {
    if (!this.selectableNames) {
      const sample = { metadata: {} } as T;
      this.selectableNames = new Set(Object.keys(this.strategy.selectableFields?.(sample) ?? {}));
    }
    return this.selectableNames;
  }

  /** The field set a field selector is evaluated against. */
  fieldsOf(obj: T): Record<string, string> {
    const base: Record<string, string> = {
      'metadata.name': obj.metadata.name ?? '',
      'metadata.namespace': obj.metadata.namespace ?? '',
    };
    return this.strategy.selectableFields ? { ...base, ...this.strategy.selectableFields(obj) } : base;
  }

  private matcher(opts: ListOptions): (obj: T) => boolean {
    const { labels, fields } = this.selectors(opts);
    if (labels.length === 0 && fields.length === 0) return () => true;
    return (obj) =>
      matchesLabels(labels, obj.metadata.labels) && (fields.length === 0 || matchesFields(fields, this.fieldsOf(obj)));
  }

  /** Lists objects in a namespace (all namespaces when empty), with selectors and limit/continue paging. */
  list(namespace: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    return this.listAs(namespace, opts, (obj) => obj);
  }

  /**
   * Lists as list() does, handing each matching object to `as` as soon as it is decoded; the result holds what `as`
   * returns (a serialized item, a table row). A large list then never has all its decoded objects alive at once,
   * which made serving it cost more than linearly (the collector kept copying them).
   */
  async listAs<U>(namespace: string, opts: ListOptions, as: (obj: T) => U): Promise<ListResult<U>> {
    const match = this.matcher(opts);
    const prefix = keyPrefix(this.def, namespace);
    let revision = 0;
    let startAfter: string | undefined;
    if (opts.continue) {
      const pos = decodeContinue(opts.continue);
      revision = Math.max(pos.revision, 0);
      startAfter = prefix + pos.startAfter;
    } else if (opts.resourceVersion && opts.resourceVersion !== '0') {
      const rv = parseResourceVersion(opts.resourceVersion);
      const current = await this.storage.currentRevision();
      if (rv > current) throw timeout(`Too large resource version: ${rv}, current: ${current}`);
      if (opts.resourceVersionMatch === 'Exact') revision = rv;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: U[] = [];
    let more = false;
    let lastKey = '';
    try {
      // Selectors filter after the read, so a page may need several storage reads to fill `limit` matches.
      for (;;) {
        const want = limit ? limit - items.length : 0;
        const page = await this.storage.list(prefix, { revision, limit: want, startAfter });
        revision = page.revision;
        for (const kv of page.items) {
          const obj = this.decode(kv);
          if (match(obj)) items.push(as(obj));
          lastKey = kv.key;
        }
        more = page.more;
        if (!limit || !more || items.length >= limit) break;
        startAfter = lastKey;
      }
    } catch (err) {
      if (err instanceof StatusError) throw err;
      const se = toStatusError(err, this.gr, '');
      if (se.code === 410 && opts.continue) {
        const err = gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
        // Upstream offers a token that continues at the latest revision (rv -1): an inconsistent but complete list.
        err.status.metadata = { continue: encodeContinue(-1, decodeContinue(opts.continue).startAfter) };
        throw err;
      }
      throw se;
    }
    const metadata: ListMeta = { resourceVersion: String(revision) };
    if (limit && more) metadata.continue = encodeContinue(revision, lastKey.slice(prefix.length));
    return { items, metadata };
  }

  /** The list object as the API returns it (PodList, ...). */
  toList(result: ListResult<T>): KubernetesList<T> {
    return { apiVersion: this.apiVersion, kind: this.def.listKind, metadata: result.metadata, items: result.items };
  }

  /** The JSON of toList() for items already serialized (listAs with JSON.stringify), byte for byte. */
  listJson(result: ListResult<string>): string {
    const head = `{"apiVersion":${JSON.stringify(this.apiVersion)},"kind":${JSON.stringify(this.def.listKind)}`;
    return `${head},"metadata":${JSON.stringify(result.metadata)},"items":[${result.items.join(',')}]}`;
  }

  private stampNew(namespace: string, obj: T): void {
    const meta = obj.metadata;
    if (this.def.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateNameFrom(meta.generateName);
    meta.uid = newUid();
    meta.creationTimestamp = formatTime(this.clock.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    delete meta.generation;
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
  }

  private checkNamespaceMatch(namespace: string, obj: T): void {
    const given = obj.metadata?.namespace;
    if (this.def.namespaced && given && namespace && given !== namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }

  /** Creates an object; 409 AlreadyExists, 422 Invalid, 404/403 for a missing or terminating namespace. */
  async create(namespace: string, obj: T, opts: WriteOptions<T> = {}): Promise<T> {
    if (!obj || typeof obj !== 'object' || typeof obj.metadata !== 'object' || obj.metadata === null)
      obj = { ...(obj ?? {}), metadata: {} } as T;
    this.checkNamespaceMatch(namespace, obj);
    this.stampNew(namespace, obj);
    const now = this.clock.now();
    this.strategy.normalize?.(obj);
    if (opts.managedFields) obj = opts.managedFields(obj, undefined);
    this.strategy.prepareForCreate(obj, now);
    const errs = this.strategy.validate(obj);
    if (errs.length) throw invalid(this.def.kind, this.def.group, obj.metadata.name ?? '', errs);
    dropEmptyMetadata(obj);
    if (opts.admit) await opts.admit(obj, undefined);
    if (this.def.namespaced && this.namespaceGate) {
      try {
        await this.namespaceGate(namespace, obj.metadata.name ?? '');
      } catch (err) {
        throw toStatusError(err, { group: '', resource: 'namespaces' }, namespace);
      }
    }
    const name = obj.metadata.name!;
    if (opts.dryRun) {
      if (await this.find(namespace, name)) throw alreadyExists(this.gr, name);
      return obj;
    }
    try {
      const kv = await this.storage.create(this.key(namespace, name), this.encode(obj));
      obj.metadata.resourceVersion = String(kv.modRevision);
      return obj;
    } catch (err) {
      throw toStatusError(err, this.gr, name);
    }
  }

  /**
   * Replaces an object (PUT). A resourceVersion in the body must match the stored one (409 otherwise); without
   * one the update is unconditional, as Kubernetes allows for these kinds.
   */
  async update(namespace: string, name: string, obj: T, opts: WriteOptions<T> = {}): Promise<T> {
    if (!obj?.metadata) throw badRequest('metadata is required');
    this.checkNamespaceMatch(namespace, obj);
    if (obj.metadata.name && obj.metadata.name !== name)
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    const wantRv = obj.metadata.resourceVersion;
    return this.guaranteedUpdate(
      namespace,
      name,
      (current) => {
        if (wantRv && wantRv !== current.metadata.resourceVersion) throw conflict(this.gr, name, OBJECT_MODIFIED);
        return structuredClone(obj);
      },
      opts,
    );
  }

  /**
   * The optimistic-concurrency loop: read, let `mutate` compute the new object from the current one, write with the
   * read revision as the guard, and retry from a fresh read on a storage conflict.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    mutate: (current: T) => T | Promise<T>,
    opts: WriteOptions<T> = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const revision = Number(current.metadata.resourceVersion);
      let next = await mutate(structuredClone(current));
      this.carryOverSystemFields(next, current, namespace, name);
      this.strategy.normalize?.(next);
      if (opts.managedFields) next = opts.managedFields(next, current);
      if (!opts.trusted) {
        if (!opts.statusOnly) this.strategy.prepareForUpdate(next, current, this.clock.now());
        const errs = this.strategy.validateUpdate(next, current);
        if (errs.length) throw invalid(this.def.kind, this.def.group, name, errs);
      }
      dropEmptyMetadata(next);
      if (opts.admit) await opts.admit(next, current);
      if (isUnchanged(next, current)) return current;
      if (opts.dryRun) return next;
      try {
        const kv = await this.storage.update(this.key(namespace, name), this.encode(next), revision);
        next.metadata.resourceVersion = String(kv.modRevision);
        return next;
      } catch (err) {
        const se = toStatusError(err, this.gr, name);
        if (se.code === 409 && attempt < DEFAULT_UNCONDITIONAL_RETRIES) continue;
        throw se;
      }
    }
  }

  private carryOverSystemFields(next: T, current: T, namespace: string, name: string): void {
    next.metadata ??= {};
    const meta = next.metadata;
    const cur = current.metadata;
    meta.name = name;
    if (this.def.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    meta.uid = cur.uid;
    meta.creationTimestamp = cur.creationTimestamp;
    meta.resourceVersion = cur.resourceVersion;
    if (cur.deletionTimestamp) meta.deletionTimestamp = cur.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (cur.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = cur.deletionGracePeriodSeconds;
    if (cur.generateName && meta.generateName === undefined) meta.generateName = cur.generateName;
    if (cur.generation !== undefined) meta.generation = cur.generation;
    else delete meta.generation;
    delete meta.selfLink;
    next.apiVersion = this.apiVersion;
    next.kind = this.def.kind;
  }

  /**
   * Deletes an object. Graceful kinds (namespaces, pods) are first marked with deletionTimestamp and finished by a
   * controller; an object already marked and holding no finalizers is removed. Returns the object as last seen and
   * whether it is gone.
   */
  async delete(namespace: string, name: string, opts: DeleteOpts = {}): Promise<{ object: T; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const pre = opts.preconditions;
      // rest.BeforeDelete's messages name the Kind, not the resource.
      const preconditionFailed = (why: string) =>
        statusFailure(409, 'Conflict', `Operation cannot be fulfilled on ${this.def.kind} "${name}": ${why}`, {
          name,
          ...(this.def.group ? { group: this.def.group } : {}),
          kind: this.def.kind,
        });
      if (pre?.uid && pre.uid !== current.metadata.uid)
        throw preconditionFailed(
          `the UID in the precondition (${pre.uid}) does not match the UID in record (${current.metadata.uid}). The object might have been deleted and then recreated`,
        );
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
        throw preconditionFailed(
          `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${current.metadata.resourceVersion}). The object might have been modified`,
        );
      const revision = Number(current.metadata.resourceVersion);
      let marked: T | undefined;
      const immediate = opts.gracePeriodSeconds === 0 && !current.metadata.finalizers?.length;
      if (immediate) marked = undefined;
      else if (!current.metadata.deletionTimestamp && this.strategy.beginDelete)
        marked = this.strategy.beginDelete(structuredClone(current), this.clock.now());
      // A graceful deletion already under way is not started again nor cut short.
      else if (current.metadata.deletionTimestamp && this.strategy.beginDelete) marked = current;
      else if (
        current.metadata.deletionTimestamp &&
        (current.metadata.finalizers?.length || this.strategy.holdsDeletion?.(current))
      )
        marked = current;
      try {
        if (marked) {
          if (marked === current || opts.dryRun) return { object: marked, deleted: false };
          const kv = await this.storage.update(this.key(namespace, name), this.encode(marked), revision);
          marked.metadata.resourceVersion = String(kv.modRevision);
          return { object: marked, deleted: false };
        }
        if (opts.dryRun) return { object: current, deleted: true };
        const kv = await this.storage.delete(this.key(namespace, name), revision);
        const gone = this.decode(kv, kv.modRevision);
        return { object: gone, deleted: true };
      } catch (err) {
        const se = toStatusError(err, this.gr, name);
        if (se.code === 409 && !pre?.resourceVersion && attempt < DEFAULT_UNCONDITIONAL_RETRIES) continue;
        throw se;
      }
    }
  }

  /**
   * Removes an object outright, bypassing graceful deletion: for controllers finishing a deletion they own
   * (the namespace controller after emptying a namespace, the node after "stopping" a pod).
   */
  async remove(namespace: string, name: string, expectedRevision?: number): Promise<T> {
    try {
      const kv = await this.storage.delete(this.key(namespace, name), expectedRevision);
      return this.decode(kv, kv.modRevision);
    } catch (err) {
      throw toStatusError(err, this.gr, name);
    }
  }

  /** Deletes every object a list with `opts` would return; returns what was deleted or marked. */
  async deleteCollection(namespace: string, opts: ListOptions, deleteOpts: DeleteOpts = {}): Promise<T[]> {
    const { items } = await this.list(namespace, {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    });
    const out: T[] = [];
    for (const item of items) {
      try {
        const { object } = await this.delete(item.metadata.namespace ?? '', item.metadata.name!, {
          dryRun: deleteOpts.dryRun,
        });
        out.push(object);
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) continue;
        throw err;
      }
    }
    return out;
  }

  /**
   * Watches objects. resourceVersion absent or "0": the current objects arrive first as ADDED events, then changes.
   * A resourceVersion N: every change after N (410 Expired when N was compacted away).
   */
  async watch(namespace: string, opts: ListOptions = {}): Promise<ObjectWatch<T>> {
    const match = this.matcher(opts);
    const prefix = keyPrefix(this.def, namespace);
    let initial: T[] = [];
    let after: number;
    if (!opts.resourceVersion || opts.resourceVersion === '0') {
      const listed = await this.list(namespace, {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      });
      initial = listed.items;
      after = Number(listed.metadata.resourceVersion);
    } else {
      after = parseResourceVersion(opts.resourceVersion);
      const compacted = await this.storage.compactedRevision();
      if (after < compacted) throw gone(`too old resource version: ${after} (${compacted})`);
    }
    const watcher = this.storage.watch(prefix, after);
    const store = this;
    async function* events(): AsyncGenerator<ObjectEvent<T>> {
      for (const obj of initial) yield { type: 'ADDED', object: obj };
      initial = [];
      for await (const batch of watcher) {
        for (const ev of batch) {
          const out = store.translate(ev, match);
          if (out) yield out;
        }
      }
    }
    const iterable = events();
    return {
      startRevision: after,
      done: watcher.done,
      close: () => watcher.close(),
      [Symbol.asyncIterator]: () => iterable,
    };
  }

  /** Turns a storage event into the API event a selector-filtered watch sees (objects entering/leaving the filter). */
  private translate(ev: WatchEvent, match: (obj: T) => boolean): ObjectEvent<T> | undefined {
    if (ev.type === 'DELETED') {
      const obj = this.decode(ev.prevKv ?? ev.kv, ev.kv.modRevision);
      return match(obj) ? { type: 'DELETED', object: obj } : undefined;
    }
    const obj = this.decode(ev.kv);
    const now = match(obj);
    if (ev.type === 'ADDED') return now ? { type: 'ADDED', object: obj } : undefined;
    const before = ev.prevKv ? match(this.decode(ev.prevKv)) : false;
    if (now && before) return { type: 'MODIFIED', object: obj };
    if (now) return { type: 'ADDED', object: obj };
    // Leaving the filter: the object as it last matched, at this event's revision.
    if (before) return { type: 'DELETED', object: this.decode(ev.prevKv!, ev.kv.modRevision) };
    return undefined;
  }
}

/** Go's omitempty: empty metadata maps and lists are not serialized, so they are not stored either. */
function dropEmptyMetadata(obj: KubernetesObject): void {
  const m = obj.metadata as Record<string, unknown>;
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) {
    const v = m[field];
    if (
      v === null ||
      (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== undefined && Object.keys(v).length === 0)
    )
      delete m[field];
  }
}

/** Parses a resourceVersion query value; anything but a non-negative integer is a 400 as upstream. */
export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

/**
 * Whether an update would store what is stored. Upstream compares encoded bytes, and Go encodes canonically (struct
 * field order, sorted maps), so the same object written with its keys in another order is unchanged there: a no-op
 * update must not become a new revision and a watch event. Hence equality of the JSON values, key order ignored.
 */
function isUnchanged(next: KubernetesObject, current: KubernetesObject): boolean {
  return jsonEqual(next, current);
}
