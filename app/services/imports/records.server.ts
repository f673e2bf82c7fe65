import type { ElementKind, SchemaVersion } from "./spec.server";

/**
 * The intermediate form every reader produces and the one resolver/applier consumes: one record
 * per feed element, named as the XML form names it, whichever form (XML, CSV zip, our template)
 * it was read from.
 */

/** InternationalizedText: language code → text; every language a feed carries is kept. */
export type I18n = Record<string, string>;

export type ExternalId = { type: string; otherType?: string; value: string };

export type FeedRecord = {
  kind: ElementKind;
  /** the feed's own id: unique within the feed, and nothing more (never used to match) */
  id: string;
  /** where it was read, for the report: "line 12" or "candidate.txt line 4" */
  at: string;
  fields: Record<string, string | I18n>;
  /** references by singular name, each a list of feed ids in the order written */
  refs: Record<string, string[]>;
  externalIds: ExternalId[];
};

/**
 * Why something was refused, as a message key's suffix and its parameters: the report is stored
 * as data and shown in the reader's language (`import.reason.<code>`, `import.failure.<code>`).
 */
export type Reason = { code: string; params?: Record<string, string | number> };

/** A problem that stops the whole import: nothing is applied. */
export class FeedError extends Error {
  readonly reason: Reason;
  constructor(code: string, params: Record<string, string | number> = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.reason = { code, params };
  }
}

/** What a reader yields: the feed's schema version (before any record), records, and notes. */
export type ReadEvent =
  | { type: "version"; version: SchemaVersion }
  | { type: "record"; record: FeedRecord }
  | { type: "note"; reason: Reason }
  /** something read that is no record at all (a template row of no known kind) */
  | { type: "rejected"; rejection: Rejection };

export type Rejection = { element: string; id: string; at: string; reason: Reason };

export type Counts = {
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  /** candidates no longer in the feed: kept, with their questions, as withdrawn */
  withdrawn: number;
  /** precincts, street segments and precinct–district links no longer in the feed: deleted */
  removed: number;
  rejected: number;
};

export const emptyCounts = (): Counts => ({
  read: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  withdrawn: 0,
  removed: 0,
  rejected: 0,
});

export type ImportFormat = "vip_xml" | "vip_csv" | "civicq_csv";

/** What `ballot_imports.report` holds. */
export type ImportReport = {
  format?: ImportFormat;
  schemaVersion?: SchemaVersion;
  election?: { id: string; name: string };
  /** per element read (and "row" for template rows that were none) */
  counts: Record<string, Counts>;
  /** the first MAX_LISTED_REJECTIONS rejected records, in feed order */
  rejected: Rejection[];
  /** how many were rejected in all (the list may be cut short) */
  rejectedTotal: number;
  /** things we fixed and the clerk should know of: stripped control characters, … */
  notes: Reason[];
  failure?: Reason;
  bytes?: number;
  durationMs?: number;
};

export const MAX_LISTED_REJECTIONS = 2_000;

export const emptyReport = (): ImportReport => ({
  counts: {},
  rejected: [],
  rejectedTotal: 0,
  notes: [],
});

/** A record's text field as InternationalizedText (a plain string is English). */
export function textOf(record: FeedRecord, field: string): I18n | undefined {
  const value = record.fields[field];
  if (value === undefined) return undefined;
  return typeof value === "string" ? { en: value } : value;
}

/** A record's plain field (a text field gives its English, else its first language). */
export function valueOf(record: FeedRecord, field: string): string | undefined {
  const value = record.fields[field];
  if (value === undefined || typeof value === "string") return value;
  return value.en ?? Object.values(value)[0];
}
