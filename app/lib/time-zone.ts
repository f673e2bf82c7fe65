/**
 * Wall-clock times in a jurisdiction's time zone. Clerks type the question and answer windows as
 * local times (`<input type="datetime-local">`); the database holds instants. Conversion uses
 * the runtime's time-zone data (Intl), so daylight-saving changes are handled without a library.
 */

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The zones a jurisdiction may choose, UTC included (not every runtime lists it). */
export function timeZoneNames(): string[] {
  const names = Intl.supportedValuesOf("timeZone");
  return names.includes("UTC") ? names : ["UTC", ...names];
}

function wallClock(instant: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? "00";
  return {
    year: part("year"),
    month: part("month"),
    day: part("day"),
    hour: part("hour"),
    minute: part("minute"),
    second: part("second"),
  };
}

/** The zone's wall clock at an instant, read as if it were UTC (milliseconds). */
function wallTime(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  return Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second);
}

/** How far the zone's wall clock is ahead of UTC at this instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  return wallTime(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local "YYYY-MM-DDTHH:mm" names in `timeZone`, or null when it is not one.
 * A time repeated when clocks go back is the first of the two; a time skipped when they go
 * forward is read with the offset from before the jump (02:30 becomes 03:30 daylight time).
 */
export function fromLocalInput(value: string, timeZone: string): Date | null {
  const match = LOCAL_INPUT.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(wall);
  // Date.UTC rolls 2027-02-30 over to March: such a date does not exist
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day!) return null;
  if (hour! > 23 || minute! > 59 || second! > 59) return null;
  // the offset depends on the instant we are looking for: guess with the wall time, then refine
  const guess = wall - offsetAt(wall, timeZone);
  const refined = wall - offsetAt(guess, timeZone);
  if (wallTime(refined, timeZone) === wall) return new Date(refined);
  // in a gap the two readings straddle the jump: the later one lands just after it
  return new Date(Math.max(guess, refined));
}

/** The value a datetime-local input shows for an instant in `timeZone` ("" for none). */
export function toLocalInput(value: Date | string | null | undefined, timeZone: string): string {
  if (!value) return "";
  const w = wallClock(new Date(value).getTime(), timeZone);
  return `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}`;
}

/** An instant for people: date and time in the jurisdiction's zone, with the zone's abbreviation. */
export function formatDateTime(value: Date | string, locale: string, timeZone: string): string {
  // Spelled out: Intl refuses timeZoneName together with dateStyle/timeStyle.
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(new Date(value));
}
