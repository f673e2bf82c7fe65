import { createHash, randomBytes } from "node:crypto";
import { config } from "./config.server";
import { db } from "./db.server";
import { log } from "./log.server";
import { connectedRedis, redis } from "./redis.server";

/**
 * Server-side sessions. The cookie holds only a random token; the server keeps the session
 * under the token's SHA-256, in Redis when configured (shared by every instance, expiring by
 * itself) and in Postgres otherwise. Sessions rotate at sign-in and at every privilege change,
 * expire after an idle and an absolute timeout, and can be listed and ended by their owner.
 */
export const SESSION_COOKIE = "__session";

export type SessionRecord = {
  id: string;
  userId: string;
  /** false while a password was accepted but the second factor is still to come */
  mfaPassed: boolean;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
};

/** NIST SP 800-63B rev. 4: AAL2 (with MFA) re-authenticates after 24 h, or 1 h idle; AAL1 after 30 days. */
export const SESSION_LIMITS = {
  singleFactor: { idleMs: 7 * 24 * 3600_000, absoluteMs: 30 * 24 * 3600_000 },
  multiFactor: { idleMs: 3600_000, absoluteMs: 24 * 3600_000 },
  pendingMfa: { idleMs: 10 * 60_000, absoluteMs: 10 * 60_000 },
} as const;

function limitsFor(session: Pick<SessionRecord, "mfaPassed">, userHasMfa: boolean) {
  if (!userHasMfa) return SESSION_LIMITS.singleFactor;
  return session.mfaPassed ? SESSION_LIMITS.multiFactor : SESSION_LIMITS.pendingMfa;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

interface SessionStore {
  save(session: SessionRecord): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  destroy(id: string): Promise<void>;
  listForUser(userId: string): Promise<SessionRecord[]>;
  destroyForUser(userId: string, exceptId?: string): Promise<void>;
}

const postgresStore: SessionStore = {
  async save(session) {
    const row = {
      id: session.id,
      user_id: session.userId,
      mfa_passed: session.mfaPassed,
      ip: session.ip,
      user_agent: session.userAgent,
      created_at: new Date(session.createdAt),
      last_seen_at: new Date(session.lastSeenAt),
      expires_at: new Date(session.expiresAt),
    };
    await db()("sessions").insert(row).onConflict("id").merge();
  },
  async get(id) {
    const row = await db()("sessions")
      .where({ id })
      .where("expires_at", ">", db().fn.now())
      .first();
    return row ? fromRow(row) : null;
  },
  async destroy(id) {
    await db()("sessions").where({ id }).delete();
  },
  async listForUser(userId) {
    const rows = await db()("sessions")
      .where({ user_id: userId })
      .where("expires_at", ">", db().fn.now())
      .orderBy("last_seen_at", "desc");
    return rows.map(fromRow);
  },
  async destroyForUser(userId, exceptId) {
    await db()("sessions")
      .where({ user_id: userId })
      .whereNot({ id: exceptId ?? "" })
      .delete();
  },
};

function fromRow(row: Record<string, unknown>): SessionRecord {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    mfaPassed: row.mfa_passed as boolean,
    ip: row.ip as string | null,
    userAgent: row.user_agent as string | null,
    createdAt: (row.created_at as Date).getTime(),
    lastSeenAt: (row.last_seen_at as Date).getTime(),
    expiresAt: (row.expires_at as Date).getTime(),
  };
}

function redisStore(raw: NonNullable<ReturnType<typeof redis>>): SessionStore {
  // a session read or write right after start-up (or a reconnect) waits briefly for the connection
  const ready = () => connectedRedis(raw);
  const key = (id: string) => `session:${id}`;
  const userKey = (userId: string) => `user-sessions:${userId}`;
  const get = async (id: string) => {
    const value = await (await ready()).get(key(id));
    return value ? (JSON.parse(value) as SessionRecord) : null;
  };
  return {
    async save(session) {
      const ttl = Math.max(1, session.expiresAt - Date.now());
      await (
        await ready()
      )
        .multi()
        .set(key(session.id), JSON.stringify(session), "PX", ttl)
        .sadd(userKey(session.userId), session.id)
        .pexpire(userKey(session.userId), SESSION_LIMITS.singleFactor.absoluteMs)
        .exec();
    },
    get,
    async destroy(id) {
      const session = await get(id);
      const multi = (await ready()).multi().del(key(id));
      if (session) multi.srem(userKey(session.userId), id);
      await multi.exec();
    },
    async listForUser(userId) {
      const client = await ready();
      const ids = await client.smembers(userKey(userId));
      if (ids.length === 0) return [];
      const values = await client.mget(ids.map(key));
      const stale = ids.filter((_, i) => !values[i]);
      if (stale.length) await client.srem(userKey(userId), ...stale);
      return values
        .filter((value): value is string => Boolean(value))
        .map((value) => JSON.parse(value) as SessionRecord)
        .sort((a, b) => b.lastSeenAt - a.lastSeenAt);
    },
    async destroyForUser(userId, exceptId) {
      const client = await ready();
      const ids = (await client.smembers(userKey(userId))).filter((id) => id !== exceptId);
      if (ids.length)
        await client
          .multi()
          .del(...ids.map(key))
          .srem(userKey(userId), ...ids)
          .exec();
    },
  };
}

function store(): SessionStore {
  const client = redis();
  return client ? redisStore(client) : postgresStore;
}

/** Whether cookies are marked Secure: served over https, or in production. */
export function secureCookies(): boolean {
  return config().APP_URL.startsWith("https:") || config().NODE_ENV === "production";
}

export function sessionCookie(token: string, maxAgeMs: number): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
  ];
  if (secureCookies()) parts.push("Secure");
  return parts.join("; ");
}

export const clearSessionCookie = () => sessionCookie("", 0);

export function sessionToken(request: Request): string | null {
  const header = request.headers.get("Cookie") ?? "";
  const match = header.match(/(?:^|;\s*)__session=([A-Za-z0-9_-]{20,100})(?:;|$)/);
  return match?.[1] ?? null;
}

/**
 * Starts a new session (always a new token: fixation-proof) and returns its Set-Cookie value.
 * Ends `previous` when given, which is how rotation at sign-in and privilege changes happens.
 */
export async function startSession(input: {
  userId: string;
  mfaPassed: boolean;
  userHasMfa: boolean;
  ip: string | null;
  userAgent: string | null;
  previous?: SessionRecord | null;
}): Promise<{ session: SessionRecord; cookie: string }> {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  const limits = limitsFor(input, input.userHasMfa);
  const session: SessionRecord = {
    id: hashToken(token),
    userId: input.userId,
    mfaPassed: input.mfaPassed,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + limits.absoluteMs,
  };
  await store().save(session);
  if (input.previous) await store().destroy(input.previous.id);
  return { session, cookie: sessionCookie(token, limits.absoluteMs) };
}

/** The request's live session, or null. Enforces the idle timeout and refreshes `lastSeenAt`. */
export async function readSession(
  request: Request,
  userHasMfa: (userId: string) => Promise<boolean>,
): Promise<SessionRecord | null> {
  const token = sessionToken(request);
  if (!token) return null;
  const id = hashToken(token);
  let session: SessionRecord | null;
  try {
    session = await store().get(id);
  } catch (error) {
    log.warn(
      { err: (error as Error).message },
      "session store unavailable: treating the visitor as signed out",
    );
    return null;
  }
  if (!session) return null;
  const now = Date.now();
  const limits = limitsFor(session, await userHasMfa(session.userId));
  if (now > session.expiresAt || now - session.lastSeenAt > limits.idleMs) {
    await store().destroy(id);
    return null;
  }
  // Writing on every request would make each page view a write; once a minute is enough.
  if (now - session.lastSeenAt > 60_000) await store().save({ ...session, lastSeenAt: now });
  return session;
}

export const endSession = (id: string) => store().destroy(id);
export const listSessions = (userId: string) => store().listForUser(userId);
export const endOtherSessions = (userId: string, exceptId?: string) =>
  store().destroyForUser(userId, exceptId);
