import { once } from "node:events";
import fs from "node:fs";

/**
 * A generated VIP 5.2 feed of about `targetBytes`, mostly street segments (as real feeds are),
 * written as a stream so the test itself stays small: one election, one contest, `precincts`
 * precincts, and distinct segments spread over them until the file is large enough.
 */
export async function writeLargeFeed(
  file: string,
  options: { targetBytes: number; countyOcdId: string; precincts?: number },
): Promise<{ bytes: number; segments: number; precincts: number }> {
  const precincts = options.precincts ?? 2_000;
  const out = fs.createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };

  await write(`<?xml version="1.0" encoding="UTF-8"?>
<VipObject schemaVersion="5.2">
<Source id="src"><DateTime>2027-08-01T09:00:00</DateTime><Name>Generated</Name><VipId>06998</VipId></Source>
<State id="st"><Name>California</Name></State>
<Locality id="loc"><ExternalIdentifiers><ExternalIdentifier><Type>ocd-id</Type><Value>${options.countyOcdId}</Value></ExternalIdentifier></ExternalIdentifiers><Name>Large County</Name><StateId>st</StateId><Type>county</Type></Locality>
<Election id="e"><Date>2027-11-02</Date><Name><Text language="en">Large County General Election</Text><Text language="es">Elección General del Condado Grande</Text></Name><StateId>st</StateId></Election>
<ElectoralDistrict id="ed"><ExternalIdentifiers><ExternalIdentifier><Type>ocd-id</Type><Value>${options.countyOcdId}</Value></ExternalIdentifier></ExternalIdentifiers><Name>Large County</Name><Type>county</Type></ElectoralDistrict>
<CandidateContest id="cc"><BallotSelectionIds>cs1 cs2</BallotSelectionIds><BallotTitle><Text language="en">County Assessor</Text><Text language="es">Tasador del Condado</Text></BallotTitle><ElectoralDistrictId>ed</ElectoralDistrictId><Name>County Assessor</Name></CandidateContest>
<CandidateSelection id="cs1"><CandidateIds>c1</CandidateIds></CandidateSelection>
<CandidateSelection id="cs2"><CandidateIds>c2</CandidateIds></CandidateSelection>
<Candidate id="c1"><BallotName><Text language="en">Rosa Delgado</Text></BallotName></Candidate>
<Candidate id="c2"><BallotName><Text language="en">Tom Whitaker</Text></BallotName></Candidate>
<OrderedContest id="oc"><ContestId>cc</ContestId></OrderedContest>
<BallotStyle id="bs"><OrderedContestIds>oc</OrderedContestIds></BallotStyle>
`);
  for (let p = 0; p < precincts; p++) {
    await write(
      `<Precinct id="p${p}"><BallotStyleId>bs</BallotStyleId><ElectoralDistrictIds>ed</ElectoralDistrictIds><LocalityId>loc</LocalityId><Name>Precinct ${p + 1}</Name></Precinct>\n`,
    );
  }
  const SUFFIXES = ["Street", "Avenue", "Road", "Lane", "Court", "Drive"];
  let segments = 0;
  let batch = "";
  while (bytes + batch.length < options.targetBytes) {
    const n = segments++;
    // distinct by street (n / 50) and block (n % 50): a hundred house numbers a block
    const street = `${Math.floor(n / 50)} ${SUFFIXES[n % SUFFIXES.length]}`;
    const start = (n % 50) * 100;
    batch += `<StreetSegment id="s${n}"><City>Large City</City><OddEvenBoth>${n % 2 ? "odd" : "even"}</OddEvenBoth><PrecinctId>p${n % precincts}</PrecinctId><StartHouseNumber>${start}</StartHouseNumber><EndHouseNumber>${start + 98}</EndHouseNumber><State>CA</State><StreetName>Street ${street}</StreetName><Zip>9${String(n % 10_000).padStart(4, "0")}</Zip></StreetSegment>\n`;
    if (batch.length > 64 * 1024) {
      await write(batch);
      batch = "";
    }
  }
  await write(`${batch}</VipObject>\n`);
  out.end();
  await once(out, "finish");
  return { bytes, segments, precincts };
}
