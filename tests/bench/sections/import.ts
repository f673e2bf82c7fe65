import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeLargeFeed } from "../../support/large-feed";
import { importCommandArgs, runMeasured } from "../../support/measured-process";
import type { Dataset } from "../dataset";
import { measurement, type Measurement } from "../report";
import type { Scale } from "../scale";

const OCD_ID = "ocd-division/country:us/state:ca/county:bench-import";
const PARSE_ONLY = fileURLToPath(new URL("../parse-feed.ts", import.meta.url));

/**
 * Section 7. A generated VIP feed of the scale's size (200 MB at "large", by the generator of
 * tests/integration/import-large.test.ts) imported by `npm run import`'s command in a child
 * process: records per second and peak memory, against saxes alone streaming the same file.
 */
export async function benchImport(input: {
  scale: Scale;
  data: Dataset;
  workDir: string;
  log: (line: string) => void;
}) {
  const { scale, data, workDir, log } = input;
  await data.db("jurisdictions").insert({
    slug: "bench-import",
    kind: "county",
    ocd_id: OCD_ID,
    name: { en: "Bench Import County" },
  });
  const file = path.join(workDir, "feed.xml");
  const feed = await writeLargeFeed(file, { targetBytes: scale.feedBytes, countyOcdId: OCD_ID });
  const records = await runMeasured(
    [...importCommandArgs(), file, "--jurisdiction", "bench-import"],
    {
      DATABASE_URL: data.url,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
    },
  );
  if (records.code !== 0) throw new Error(`the import failed:\n${records.output}`);
  const parsed = await runMeasured(["--import", "tsx", PARSE_ONLY, file], {});
  if (parsed.code !== 0) throw new Error(`parsing the feed failed:\n${parsed.output}`);
  const count = Number(/records: (\d+)/.exec(parsed.output)?.[1]);
  const reported = Number(/peak memory: (\d+) MB/.exec(records.output)?.[1] ?? 0);
  const peakMb = Math.max(reported, records.highWaterMb);
  log(
    `  ${count} records, ${(feed.bytes / 1024 ** 2).toFixed(0)} MB: import ${records.seconds.toFixed(1)} s (peak ${peakMb} MB), parse only ${parsed.seconds.toFixed(1)} s (peak ${parsed.highWaterMb} MB)`,
  );
  const measurements: Measurement[] = [
    measurement({
      section: "import",
      name: `${(feed.bytes / 1024 ** 2).toFixed(0)} MB VIP feed imported (${count.toLocaleString("en")} records)`,
      unit: "records/s",
      value: count / records.seconds,
      baseline: { name: "saxes parse alone", value: count / parsed.seconds },
    }),
    measurement({
      section: "import",
      name: "import peak memory (child's RSS high-water mark)",
      unit: "MB",
      value: peakMb,
      baseline: { name: "saxes parse alone", value: parsed.highWaterMb },
      target: { text: "< 300 MB", test: ({ value }) => value < 300 },
    }),
  ];
  return { measurements };
}
