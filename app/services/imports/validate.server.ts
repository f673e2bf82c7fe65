import { normalizeStreetName } from "~/services/ballots.server";
import type { FeedRecord, Reason } from "./records.server";
import { requiredFields, SPEC, type SchemaVersion } from "./spec.server";

/**
 * Record by record, before anything is staged: required fields, dates, numbers, booleans and
 * enumerations as the spec types them. A malformed value rejects that record only (the rest of
 * the feed goes on); values come out normalised ("TRUE" → "true", "2026-11-03Z" → "2026-11-03").
 * Street segments are also reduced to what the address lookup stores.
 */
export type Validated = { ok: true; record: FeedRecord } | { ok: false; reason: Reason };

const XS_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$/;
const INTEGER = /^[+-]?\d{1,9}$/;
const BOOLEANS: Record<string, string> = {
  true: "true",
  false: "false",
  "1": "true",
  "0": "false",
  yes: "true",
  no: "false",
};

export function validate(record: FeedRecord, version: SchemaVersion): Validated {
  if (!record.id) return { ok: false, reason: { code: "missingId" } };
  const spec = SPEC[record.kind];
  const fields = { ...record.fields };
  for (const field of requiredFields(record.kind, version)) {
    const value = fields[field];
    const present =
      (typeof value === "string" && value !== "") ||
      (typeof value === "object" && Object.values(value).some(Boolean)) ||
      (record.refs[field]?.length ?? 0) > 0;
    if (!present) return { ok: false, reason: { code: "missingField", params: { field } } };
  }
  const scalar = (field: string) => {
    const value = fields[field];
    return typeof value === "string" ? value : undefined;
  };
  for (const field of spec.dates ?? []) {
    const value = scalar(field);
    if (value === undefined) continue;
    const date = isoDate(value);
    if (!date) return { ok: false, reason: { code: "badDate", params: { field, value } } };
    fields[field] = date;
  }
  for (const field of spec.integers ?? []) {
    const value = scalar(field);
    if (value === undefined) continue;
    if (!INTEGER.test(value))
      return { ok: false, reason: { code: "badNumber", params: { field, value } } };
    fields[field] = String(Number(value));
  }
  for (const field of spec.booleans ?? []) {
    const value = scalar(field);
    if (value === undefined) continue;
    const normalised = BOOLEANS[value.toLowerCase()];
    if (!normalised) return { ok: false, reason: { code: "badValue", params: { field, value } } };
    fields[field] = normalised;
  }
  for (const [field, allowed] of Object.entries(spec.enums ?? {})) {
    const value = scalar(field)?.toLowerCase();
    if (value === undefined) continue;
    if (!allowed.includes(value))
      return { ok: false, reason: { code: "badValue", params: { field, value: scalar(field)! } } };
    fields[field] = value;
  }
  const validated = { ...record, fields };
  return record.kind === "StreetSegment"
    ? streetSegment(validated)
    : { ok: true, record: validated };
}

/** YYYY-MM-DD of a real day (a time zone suffix is dropped), or null. */
function isoDate(value: string): string | null {
  const match = XS_DATE.exec(value);
  if (!match) return null;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? value.slice(0, 10) : null;
}

const ZIP = /^(\d{5})(?:-?\d{4})?$/;
/** IncludesAllAddresses: every house number the lookup can be asked for. */
const ALL_ADDRESSES = { start: 0, end: 2_147_483_647 };

/** The segment as street_segments stores it: a normalised street, a ZIP5, a house range, a side. */
function streetSegment(record: FeedRecord): Validated {
  const field = (name: string) => {
    const value = record.fields[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const reject = (code: string, params?: Record<string, string>): Validated => ({
    ok: false,
    reason: { code, params },
  });
  if (field("IncludesAllStreets") === "true") return reject("allStreets");
  const street = normalizeStreetName(
    ["StreetDirection", "StreetName", "StreetSuffix", "AddressDirection"]
      .map(field)
      .filter(Boolean)
      .join(" "),
  );
  if (!field("StreetName") || !street) return reject("missingField", { field: "StreetName" });
  const zip = field("Zip");
  if (!zip) return reject("missingField", { field: "Zip" });
  const zip5 = ZIP.exec(zip)?.[1];
  if (!zip5) return reject("badValue", { field: "Zip", value: zip });
  let range = ALL_ADDRESSES;
  let side = field("OddEvenBoth") ?? "both";
  if (field("IncludesAllAddresses") === "true") side = "both";
  else {
    const start = field("StartHouseNumber");
    const end = field("EndHouseNumber");
    if (start === undefined || end === undefined)
      return reject("missingField", {
        field: start === undefined ? "StartHouseNumber" : "EndHouseNumber",
      });
    range = { start: Number(start), end: Number(end) };
    if (range.start < 0 || range.start > range.end)
      return reject("badRange", { start: start, end: end });
  }
  return {
    ok: true,
    record: {
      ...record,
      fields: {
        street,
        zip: zip5,
        start: String(range.start),
        end: String(range.end),
        side,
        city: field("City")!.toUpperCase(),
        state: field("State")!.toUpperCase(),
      },
    },
  };
}
