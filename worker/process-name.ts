process.env.CIVICQ_PROCESS ??= "worker";
