import { pino, type Logger } from "pino";
import { config } from "./config.server";

/** JSON logs on stdout; every request and job logs through a child carrying its ids. */
export const log: Logger = pino({
  level: config().LOG_LEVEL,
  base: { service: process.env.CIVICQ_PROCESS ?? "web" },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: ["req.headers.cookie", "req.headers.authorization", "password", "token"],
});
export type { Logger };
