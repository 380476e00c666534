// The storage engine interface: a small, transactional, revisioned key-value log that each engine implements.
import type { AnyResource } from '../model/index.js';

/** Identity of a stored object. `namespace` is '' for cluster-scoped kinds. */
export interface ObjectKey {
  /** Storage key of the kind: "<plural>.<group>". */
  resource: string;
  namespace: string;
  name: string;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change. `object` is the state after the change (for DELETED: the last state). */
export interface StoredEvent {
  revision: number;
  type: EventType;
  key: ObjectKey;
  object: AnyResource;
}

export interface StoredObject {
  revision: number;
  object: AnyResource;
}

/**
 * One atomic change. The engine assigns the next global revision, writes it into
 * `object.metadata.resourceVersion`, stores the object (or removes it) and appends the event, all in one
 * durable transaction.
 */
export type Mutation =
  | { op: 'create'; key: ObjectKey; object: AnyResource }
  | { op: 'update'; key: ObjectKey; expectedRevision: number; object: AnyResource }
  | { op: 'delete'; key: ObjectKey; expectedRevision: number; object: AnyResource };

/** Why a mutation was refused; the Store maps these to API errors. */
export class PreconditionFailed extends Error {
  constructor(
    readonly reason: 'exists' | 'missing' | 'revision',
    readonly key: ObjectKey,
    readonly actual?: number,
  ) {
    super(`precondition failed (${reason}) for ${key.resource} ${key.namespace}/${key.name}`);
  }
}

/** Watching from a revision older than what the engine still keeps. */
export class RevisionCompacted extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`revision ${requested} is compacted; oldest available is ${oldest}`);
  }
}

export interface Page {
  /** Revision at which the page was read. */
  revision: number;
  items: StoredObject[];
}

export interface Backend {
  readonly engine: 'sqlite' | 'postgres';
  /** Applies one mutation atomically and durably; resolves to the assigned revision. Throws PreconditionFailed. */
  commit(m: Mutation): Promise<number>;
  get(key: ObjectKey): Promise<StoredObject | undefined>;
  /**
   * Objects of `resource` (optionally one namespace) in (namespace, name) order, strictly after `after`,
   * at most `limit`, with the revision they were read at (consistent within the call).
   */
  scan(
    resource: string,
    namespace: string | undefined,
    after: { namespace: string; name: string } | undefined,
    limit: number,
  ): Promise<Page>;
  /** Highest committed revision. */
  revision(): Promise<number>;
  /**
   * Events with revision > `after`, ascending, at most `limit`. Throws RevisionCompacted when events after
   * `after` may already be gone. Never returns a revision before a lower one that commits later.
   */
  events(after: number, limit: number): Promise<StoredEvent[]>;
  /** Drops events with revision <= `upTo` (watchers older than that get RevisionCompacted). */
  compact(upTo: number): Promise<void>;
  /** Bytes of object data the retained events hold (the history behind watches). */
  historyBytes?(): Promise<number>;
  /**
   * The highest revision whose dropping (with every older event) leaves at most `maxBytes` of event data, never
   * the newest event; undefined when the history already fits. `compact()` it to bound the history by bytes.
   */
  compactionPointForBytes?(maxBytes: number): Promise<number | undefined>;
  /** Registers a wake-up callback invoked (possibly spuriously) after changes, including other replicas' changes. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}
