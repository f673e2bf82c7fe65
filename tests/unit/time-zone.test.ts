import { describe, expect, it } from "vitest";
import { formatDateTime, fromLocalInput, isTimeZone, toLocalInput } from "~/lib/time-zone";

/** Window times typed in the jurisdiction's zone are stored as the right instants. */
describe("time zones", () => {
  it("reads a local time as the instant it names, across daylight saving", () => {
    // Pacific Standard Time (UTC-8) in winter, Daylight Time (UTC-7) in summer
    expect(fromLocalInput("2027-01-15T09:30", "America/Los_Angeles")?.toISOString()).toBe(
      "2027-01-15T17:30:00.000Z",
    );
    expect(fromLocalInput("2027-07-15T09:30", "America/Los_Angeles")?.toISOString()).toBe(
      "2027-07-15T16:30:00.000Z",
    );
    expect(fromLocalInput("2027-07-15T09:30", "UTC")?.toISOString()).toBe(
      "2027-07-15T09:30:00.000Z",
    );
    // 02:30 does not exist on the spring-forward day: the instant after the jump
    expect(fromLocalInput("2027-03-14T02:30", "America/Los_Angeles")?.toISOString()).toBe(
      "2027-03-14T10:30:00.000Z",
    );
  });

  it("shows an instant back as the same local time", () => {
    const instant = new Date("2027-11-07T17:45:00Z");
    for (const zone of ["America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "UTC"]) {
      expect(fromLocalInput(toLocalInput(instant, zone), zone)?.toISOString()).toBe(
        instant.toISOString(),
      );
    }
    expect(toLocalInput(null, "UTC")).toBe("");
  });

  it("refuses what is not a time or not a zone", () => {
    expect(fromLocalInput("2027-13-45T99:00", "UTC")).toBeNull();
    expect(fromLocalInput("2027-02-30T10:00", "UTC")).toBeNull();
    expect(fromLocalInput("2027-02-10T10:75", "UTC")).toBeNull();
    expect(fromLocalInput("tomorrow", "UTC")).toBeNull();
    expect(isTimeZone("America/Chicago")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(formatDateTime("2027-01-15T17:30:00Z", "en", "America/Los_Angeles")).toMatch(
      /9:30.*PST/,
    );
  });
});
