import type { TestProject } from "vitest/node";
import { createMigratedDatabase, dropDatabase } from "./database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One fresh database per test run, migrated once; dropped afterwards unless KEEP_TEST_DB=1. */
export default async function setup(project: TestProject) {
  const name = `civicq_test_${process.pid}`;
  const { url, db } = await createMigratedDatabase(name);
  await db.destroy();
  project.provide("databaseUrl", url);
  return async () => {
    if (process.env.KEEP_TEST_DB !== "1") await dropDatabase(name);
  };
}
