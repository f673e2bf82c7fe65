import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads the environment. Every variable is validated once, at start-up;
 * a missing or malformed one stops the process with one line naming it (see `loadConfig`).
 * `.env.example` documents each of them.
 */
const postgresUrl = z
  .string({ error: "is required: a PostgreSQL URL such as postgres://user@host:5432/civicq" })
  .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    error: "must be a PostgreSQL URL such as postgres://user@host:5432/civicq",
  });

const optionalUrl = (example: string) =>
  z
    .string()
    .trim()
    .transform((value) => value || undefined)
    .pipe(
      z
        .string()
        .refine((value) => URL.canParse(value), { error: `must be a URL such as ${example}` })
        .optional(),
    )
    .optional();

/** Loopback and the private ranges: a scraper inside the same host or network. */
const DEFAULT_METRICS_ALLOW = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";

const cidrList = z
  .string()
  .default(DEFAULT_METRICS_ALLOW)
  .transform((value) =>
    value
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.union([z.cidrv4(), z.cidrv6()], {
        error: "must be a comma-separated list of CIDR ranges such as 10.0.0.0/8,::1/128",
      }),
    ),
  );

/** A size in bytes, as a plain number (1073741824), with a default. */
const byteCount = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number of bytes, such as 1073741824" })
    .int({ error: "must be a whole number of bytes" })
    .min(1, { error: "must be a number of bytes, such as 1073741824" })
    .default(fallback);

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce
      .number({ error: "must be a port number from 1 to 65535" })
      .int()
      .min(1, { error: "must be a port number from 1 to 65535" })
      .max(65535, { error: "must be a port number from 1 to 65535" })
      .default(3000),
    APP_URL: z
      .url({ error: "must be the public URL, such as https://civicq.example.org" })
      .default("http://localhost:3000"),
    DATABASE_URL: postgresUrl,
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: optionalUrl("redis://127.0.0.1:6379"),
    SESSION_SECRET: z.string().optional(),
    // Keys the hashes of the voter roll and of one-time constituent codes (HMAC-SHA-256).
    CONSTITUENT_HASH_SECRET: z.string().optional(),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    TRUST_PROXY: z
      .string()
      .default("loopback")
      .describe("Express trust proxy setting: which hops may set X-Forwarded-For"),
    STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
    STORAGE_DIR: z.string().min(1).default("var/storage"),
    S3_BUCKET: z.string().optional(),
    S3_REGION: z.string().default("us-east-1"),
    S3_ENDPOINT: optionalUrl("http://127.0.0.1:4568"),
    // Bucket in the path (http://host/bucket/key), as MinIO and s3rver want; AWS uses the host.
    S3_FORCE_PATH_STYLE: z.stringbool().default(false),
    // Candidates' video uploads: the largest file, the longest video (refused by the worker once
    // probed) and what one candidate may keep stored in all (originals and renditions).
    VIDEO_MAX_BYTES: byteCount(1024 ** 3),
    VIDEO_MAX_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .int()
      .min(1, { error: "must be a number of seconds" })
      .default(600),
    VIDEO_QUOTA_BYTES: byteCount(5 * 1024 ** 3),
    // How long one video's processing may take before its ffmpeg is killed and the video failed.
    TRANSCODE_TIMEOUT_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .int()
      .min(1, { error: "must be a number of seconds" })
      .default(15 * 60),
    // How long an anonymous visitor's page may be served from Redis (0: not cached). Votes and
    // answers invalidate it at once (app/lib/page-cache.server.ts); this bounds everything else
    // (a clerk's edit). Unset: 30 in production, off in development and tests.
    PAGE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).optional(),
    SMTP_URL: optionalUrl("smtp://127.0.0.1:1025"),
    MAIL_OUTBOX_DIR: z.string().min(1).default("var/outbox"),
    MAIL_FROM: z.string().min(3).default("CivicQ <no-reply@civicq.localhost>"),
    GOOGLE_CLIENT_ID: z.string().trim().optional(),
    GOOGLE_CLIENT_SECRET: z.string().trim().optional(),
    // Google's endpoints; tests point them at a local OpenID Connect provider.
    GOOGLE_AUTHORIZATION_ENDPOINT: z.url().default("https://accounts.google.com/o/oauth2/v2/auth"),
    GOOGLE_TOKEN_ENDPOINT: z.url().default("https://oauth2.googleapis.com/token"),
    GOOGLE_USERINFO_ENDPOINT: z.url().default("https://openidconnect.googleapis.com/v1/userinfo"),
    EMBEDDINGS_PROVIDER: z.enum(["hashing"]).default("hashing"),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    // When set, the worker answers GET /healthz on this port (container health checks, tests).
    WORKER_HEALTH_PORT: z.coerce
      .number({ error: "must be a port number from 1 to 65535" })
      .int()
      .min(1, { error: "must be a port number from 1 to 65535" })
      .max(65535, { error: "must be a port number from 1 to 65535" })
      .optional(),
    // Loopback by default; 0.0.0.0 lets a Prometheus on another host or container scrape it.
    WORKER_HEALTH_HOST: z.union([z.ipv4(), z.ipv6()]).default("127.0.0.1"),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
    // Who may read GET /metrics: direct (unproxied) connections from these ranges, and/or anyone
    // presenting this bearer token.
    METRICS_ALLOW: cidrList,
    // Ballot feeds are fetched from addresses clerks give: loopback, private and link-local
    // addresses are refused (server-side request forgery) unless this allows them, for tests or
    // an election office's feed server on its own network.
    FEED_FETCH_ALLOW_PRIVATE: z.stringbool().default(false),
    METRICS_TOKEN: z
      .string()
      .trim()
      .transform((value) => value || undefined)
      .pipe(z.string().min(16, { error: "must be at least 16 characters" }).optional())
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && (env.SESSION_SECRET?.length ?? 0) < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_SECRET"],
        message: "is required in production: at least 32 random characters",
      });
    }
    if (env.NODE_ENV === "production" && (env.CONSTITUENT_HASH_SECRET?.length ?? 0) < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["CONSTITUENT_HASH_SECRET"],
        message: "is required in production: at least 32 random characters",
      });
    }
    if (Boolean(env.GOOGLE_CLIENT_ID) !== Boolean(env.GOOGLE_CLIENT_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [env.GOOGLE_CLIENT_ID ? "GOOGLE_CLIENT_SECRET" : "GOOGLE_CLIENT_ID"],
        message: "is required when the other Google sign-in variable is set (set both, or neither)",
      });
    }
    if (env.STORAGE_DRIVER === "s3" && !env.S3_BUCKET) {
      ctx.addIssue({
        code: "custom",
        path: ["S3_BUCKET"],
        message: "is required when STORAGE_DRIVER=s3",
      });
    }
  });

export type Config = z.infer<typeof envSchema> & {
  SESSION_SECRET: string;
  CONSTITUENT_HASH_SECRET: string;
  PAGE_CACHE_SECONDS: number;
};

/** Development-only secrets, so a fresh clone runs; production refuses to start without them. */
const DEVELOPMENT_SESSION_SECRET = "civicq-development-session-secret-not-for-production";
const DEVELOPMENT_CONSTITUENT_HASH_SECRET = "civicq-development-roll-hash-key-not-for-production";

export class ConfigError extends Error {}

/** Parses an environment; throws a ConfigError whose message is one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `${issue.path.join(".") || "environment"} ${issue.message}`,
    );
    throw new ConfigError(lines.join("; "));
  }
  return {
    ...result.data,
    SESSION_SECRET: result.data.SESSION_SECRET || DEVELOPMENT_SESSION_SECRET,
    CONSTITUENT_HASH_SECRET:
      result.data.CONSTITUENT_HASH_SECRET || DEVELOPMENT_CONSTITUENT_HASH_SECRET,
    PAGE_CACHE_SECONDS:
      result.data.PAGE_CACHE_SECONDS ?? (result.data.NODE_ENV === "production" ? 30 : 0),
    STORAGE_DIR: path.resolve(result.data.STORAGE_DIR),
    MAIL_OUTBOX_DIR: path.resolve(result.data.MAIL_OUTBOX_DIR),
  };
}

let cached: Config | undefined;

/**
 * The validated configuration. Reads `.env` from the working directory first when one exists
 * (variables already in the environment win). On a bad environment the process exits with
 * one clear line instead of a stack trace.
 */
export function config(): Config {
  if (cached) return cached;
  if (process.env.NODE_ENV !== "test" && fs.existsSync(".env")) process.loadEnvFile(".env");
  try {
    cached = parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`civicq: invalid configuration: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  return cached;
}
