/**
 * The import benchmark's baseline: the same feed streamed through saxes (the parser the importer
 * uses), counting the top-level records, with no validation, mapping or database. argv: file.
 */
import fs from "node:fs";
import { SaxesParser } from "saxes";

const parser = new SaxesParser();
let depth = 0;
let records = 0;
parser.on("opentag", () => {
  if (++depth === 2) records++;
});
parser.on("closetag", () => depth--);
for await (const chunk of fs.createReadStream(process.argv[2]!, { encoding: "utf8" }))
  parser.write(chunk as string);
parser.close();
console.log(`records: ${records}`);
