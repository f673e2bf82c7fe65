import { inject } from "vitest";

// Modules that read the configuration at import time see this run's fresh database.
process.env.DATABASE_URL = inject("databaseUrl");
