/**
 * `npm run db:migrate`, `npm run db:rollback [-- --all]`, `npm run db:seed`, and `create`
 * (used by quickstart).
 * Uses the same configuration as the app (DATABASE_URL, read from the environment or `.env`).
 */
import { config } from "~/lib/config.server";
import { closeDb, createDb, db } from "~/lib/db.server";
import { migrateToLatest, rollback } from "./schema";

async function main(command: string | undefined, flags: string[]): Promise<void> {
  switch (command) {
    case "create": {
      // Creates the database DATABASE_URL names when it is missing (quickstart on a new machine).
      const target = new URL(config().DATABASE_URL);
      const name = decodeURIComponent(target.pathname.slice(1));
      target.pathname = "/postgres";
      const server = createDb(target.toString(), 1);
      try {
        const { rowCount } = await server.raw("select 1 from pg_database where datname = ?", [
          name,
        ]);
        if (rowCount) console.log(`database ${name} exists`);
        else {
          await server.raw("create database ??", [name]);
          console.log(`created database ${name}`);
        }
      } finally {
        await server.destroy();
      }
      return;
    }
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
      throw new Error("usage: tsx db/cli.ts create | migrate | rollback [--all] | seed");
  }
}

main(process.argv[2], process.argv.slice(3))
  .catch((error: unknown) => {
    console.error(`civicq db: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
