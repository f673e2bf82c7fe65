import { log } from "./log.server";
import { redis } from "./redis.server";

/**
 * Sliding-window rate limits. In Redis (a sorted set of hit times per key) so every app
 * instance shares the count; in process memory when Redis is unset or unreachable, which is the
 * documented safe fallback: limits still hold per instance, never fail open.
 */
export type RateLimitRule = { name: string; limit: number; windowSeconds: number };

export const RATE_LIMITS = {
  signInFailuresPerIp: { name: "sign-in-fail-ip", limit: 10, windowSeconds: 60 },
  // generous: a library or a school shares one address among many voters
  signUpPerIp: { name: "sign-up-ip", limit: 30, windowSeconds: 3600 },
  emailPerAddress: { name: "email-address", limit: 5, windowSeconds: 3600 },
  emailPerIp: { name: "email-ip", limit: 20, windowSeconds: 3600 },
  codeAttemptsPerIp: { name: "code-ip", limit: 20, windowSeconds: 600 },
  mfaAttemptsPerUser: { name: "mfa-user", limit: 5, windowSeconds: 300 },
  questionsPerUser: { name: "question-user", limit: 10, windowSeconds: 3600 },
  votesPerUser: { name: "vote-user", limit: 120, windowSeconds: 60 },
  reportsPerUser: { name: "report-user", limit: 20, windowSeconds: 3600 },
  // a typo or two is fine; guessing someone's birth date against the roll is not
  constituentAttemptsPerUser: { name: "constituent-user", limit: 10, windowSeconds: 3600 },
  appealsPerUser: { name: "appeal-user", limit: 10, windowSeconds: 3600 },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitResult = { allowed: boolean; retryAfterSeconds: number };

const memory = new Map<string, number[]>();

/** A recorded hit may be the limit-th; a peek asks whether one more would still fit. */
function verdict(
  rule: RateLimitRule,
  count: number,
  oldest: number,
  now: number,
  recorded: boolean,
): RateLimitResult {
  const over = recorded ? count > rule.limit : count >= rule.limit;
  const retryAfterSeconds = over
    ? Math.max(1, Math.ceil((oldest + rule.windowSeconds * 1000 - now) / 1000))
    : 0;
  return { allowed: !over, retryAfterSeconds };
}

function memoryHit(
  key: string,
  rule: RateLimitRule,
  now: number,
  record: boolean,
): RateLimitResult {
  const windowStart = now - rule.windowSeconds * 1000;
  const hits = (memory.get(key) ?? []).filter((time) => time > windowStart);
  if (record) hits.push(now);
  memory.set(key, hits);
  return verdict(rule, hits.length, hits[0] ?? now, now, record);
}

async function redisHit(
  key: string,
  rule: RateLimitRule,
  now: number,
  record: boolean,
): Promise<RateLimitResult | null> {
  const client = redis();
  if (!client || client.status !== "ready") return null;
  try {
    const windowStart = now - rule.windowSeconds * 1000;
    const multi = client.multi().zremrangebyscore(key, 0, windowStart);
    if (record) multi.zadd(key, now, `${now}-${Math.random()}`);
    multi
      .zcard(key)
      .zrange(key, 0, 0, "WITHSCORES")
      .pexpire(key, rule.windowSeconds * 1000);
    const results = await multi.exec();
    const count = Number(results?.[record ? 2 : 1]?.[1] ?? 0);
    const oldest = Number((results?.[record ? 3 : 2]?.[1] as string[] | undefined)?.[1] ?? now);
    return verdict(rule, count, oldest, now, record);
  } catch (error) {
    log.warn(
      { err: (error as Error).message, rule: rule.name },
      "rate limit: Redis unavailable, counting in memory",
    );
    return null;
  }
}

/** Records a hit for `subject` under `rule` and says whether it is still within the limit. */
export async function hit(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
  const key = `rl:${rule.name}:${subject}`;
  const now = Date.now();
  return (await redisHit(key, rule, now, true)) ?? memoryHit(key, rule, now, true);
}

/** Says whether `subject` is already over the limit, without counting a hit. */
export async function peek(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
  const key = `rl:${rule.name}:${subject}`;
  const now = Date.now();
  return (await redisHit(key, rule, now, false)) ?? memoryHit(key, rule, now, false);
}
