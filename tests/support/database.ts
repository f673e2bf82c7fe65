import { createDb, type Db } from "~/lib/db.server";
import { migrateToLatest } from "../../db/schema";

/** The server's admin URL (no database named): from TEST_POSTGRES_URL, else the local default. */
export const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty database (dropping a leftover of the same name). */
export async function createDatabase(name: string): Promise<string> {
  const admin = createDb(POSTGRES_URL, 1);
  try {
    await admin.raw(`drop database if exists ?? with (force)`, [name]);
    await admin.raw(`create database ??`, [name]);
  } finally {
    await admin.destroy();
  }
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = createDb(POSTGRES_URL, 1);
  try {
    await admin.raw(`drop database if exists ?? with (force)`, [name]);
  } finally {
    await admin.destroy();
  }
}

/** A fresh, fully migrated database for this test run. */
export async function createMigratedDatabase(name: string): Promise<{ url: string; db: Db }> {
  const url = await createDatabase(name);
  const db = createDb(url, 4);
  await migrateToLatest(db, url);
  return { url, db };
}
