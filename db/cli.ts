/**
 * `npm run db:migrate`, `npm run db:rollback [-- --all]`, `npm run db:seed`.
 * Uses the same configuration as the app (DATABASE_URL, read from the environment or `.env`).
 */
import { config } from "~/lib/config.server";
import { closeDb, db } from "~/lib/db.server";
import { migrateToLatest, rollback } from "./schema";

async function main(command: string | undefined, flags: string[]): Promise<void> {
  switch (command) {
    case "migrate": {
      const applied = await migrateToLatest(db(), config().DATABASE_URL);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "already up to date");
      return;
    }
    case "rollback": {
      const reverted = await rollback(db(), flags.includes("--all"));
      console.log(reverted.length ? `reverted: ${reverted.join(", ")}` : "nothing to roll back");
      return;
    }
    case "seed": {
      if (config().NODE_ENV === "production") {
        throw new Error("the demo seed creates demo accounts and never runs in production");
      }
      // Loaded only here: migrating never needs the demo data or its password hashing.
      const { seedDemo } = await import("./seeds/demo");
      console.log(await seedDemo(db()));
      return;
    }
    default:
      throw new Error("usage: tsx db/cli.ts migrate | rollback [--all] | seed");
  }
}

main(process.argv[2], process.argv.slice(3))
  .catch((error: unknown) => {
    console.error(`civicq db: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
