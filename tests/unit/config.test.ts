import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "~/lib/config.server";
import { exited, startTs } from "../support/processes";

const valid = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/civicq" };

describe("configuration", () => {
  it("applies local defaults when only DATABASE_URL is set", () => {
    const config = parseConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.STORAGE_DRIVER).toBe("local");
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
  });

  it.each([
    [{}, /^DATABASE_URL is required/],
    [{ DATABASE_URL: "nonsense" }, /^DATABASE_URL must be a PostgreSQL URL/],
    [{ ...valid, PORT: "eighty" }, /^PORT must be a port number from 1 to 65535$/],
    [{ ...valid, REDIS_URL: "not a url" }, /^REDIS_URL must be a URL/],
    [{ ...valid, NODE_ENV: "production" }, /^SESSION_SECRET is required in production/],
    [
      { ...valid, NODE_ENV: "production", SESSION_SECRET: "s".repeat(32) },
      /^CONSTITUENT_HASH_SECRET is required in production/,
    ],
    [{ ...valid, STORAGE_DRIVER: "s3" }, /^S3_BUCKET is required when STORAGE_DRIVER=s3/],
  ])("names the variable that is wrong: %j", (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });

  it.each(["server.ts", "worker/index.ts"])(
    "%s exits non-zero with one clear line when DATABASE_URL=nonsense",
    async (entry) => {
      const child = startTs(entry, { DATABASE_URL: "nonsense" });
      const { code } = await exited(child);
      expect(code).toBe(78);
      const lines = child.output().trim().split("\n");
      expect(lines).toEqual([
        "civicq: invalid configuration: DATABASE_URL must be a PostgreSQL URL such as postgres://user@host:5432/civicq",
      ]);
    },
  );
});
