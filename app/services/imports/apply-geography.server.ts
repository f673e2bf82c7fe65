import type { AppliedContest, AppliedDistrict, BallotOrder } from "./apply-ballot.server";
import { count, Holdings, save, type ApplyContext } from "./apply-context.server";
import { externalKey, nameKey, ocdIdOf } from "./identity.server";
import { valueOf } from "./records.server";
import type { StagedRecord } from "./staging.server";

/**
 * The address lookup's data: localities to our jurisdictions, precincts and the districts they
 * vote in, and street segments. The feed is authoritative for the geography of each jurisdiction
 * it has precincts for: precincts and segments it no longer has are removed (nothing hangs on
 * them but the lookup).
 */

/**
 * Each Locality's jurisdiction: ours or one inside it, found by OCD id or FIPS code. A locality
 * without either is ours; one naming a jurisdiction outside ours is rejected, with its precincts.
 */
export async function localityJurisdictions(context: ApplyContext): Promise<Map<string, string>> {
  const { trx, jurisdiction } = context;
  const localities = await context.staging.load(["Locality"]);
  const { rows: within } = await trx.raw(
    `with recursive inside as (
       select id, ocd_id, fips from jurisdictions where id = ?
       union all
       select j.id, j.ocd_id, j.fips from jurisdictions j join inside on j.parent_id = inside.id)
     select * from inside`,
    [jurisdiction.id],
  );
  const found = new Map<string, string>();
  for (const locality of localities) {
    const ocdId = ocdIdOf(locality.externalIds);
    const fips = locality.externalIds.find((id) => id.type === "fips")?.value;
    const match = (
      within as Array<{ id: string; ocd_id: string | null; fips: string | null }>
    ).find((row) => (ocdId ? row.ocd_id === ocdId : row.fips === fips));
    if (match) found.set(locality.id, match.id);
    else if (!ocdId && !fips) found.set(locality.id, jurisdiction.id);
    else if (!jurisdiction.ocdId) {
      // we cannot tell: our jurisdiction has no OCD id recorded to compare with
      found.set(locality.id, jurisdiction.id);
      context.notes.push({ code: "localityAssumed", params: { locality: ocdId ?? fips ?? "" } });
    } else {
      await context.staging.reject(locality.seq, {
        code: "notInJurisdiction",
        params: { id: ocdId ?? fips ?? "" },
      });
    }
  }
  await context.staging.cascade();
  return found;
}

type HeldPrecinct = {
  id: string;
  jurisdiction_id: string;
  import_key: string | null;
  name: string;
  ocd_id: string | null;
};

export async function applyPrecincts(
  context: ApplyContext,
  localities: Map<string, string>,
  districts: Map<string, AppliedDistrict>,
  contests: Map<string, AppliedContest>,
  order: BallotOrder,
): Promise<void> {
  const { trx } = context;
  await trx.raw(
    "create temp table feed_map (feed_id text primary key, precinct_id uuid not null) on commit drop",
  );
  const records = await context.staging.load(["Precinct"]);
  if (records.length === 0) return;
  const nameOf = (record: StagedRecord) => {
    const split = valueOf(record, "PrecinctSplitName");
    return split ? `${valueOf(record, "Name")} (${split})` : valueOf(record, "Name")!;
  };
  const keyOf = (record: StagedRecord) =>
    externalKey(record.externalIds) ??
    nameKey(
      valueOf(record, "Name"),
      valueOf(record, "Ward"),
      valueOf(record, "Number"),
      valueOf(record, "PrecinctSplitName"),
    );
  const jurisdictionOf = (record: StagedRecord) => localities.get(record.refs.LocalityId![0]!)!;
  const scope = [...new Set(records.map(jurisdictionOf))];
  const heldRows = await trx("precincts")
    .whereIn("jurisdiction_id", scope)
    .select<HeldPrecinct[]>("id", "jurisdiction_id", "import_key", "name", "ocd_id");
  const heldLinks = await trx("precinct_districts")
    .whereIn(
      "precinct_id",
      heldRows.map((row) => row.id),
    )
    .select<Array<{ precinct_id: string; electoral_district_id: string }>>(
      "precinct_id",
      "electoral_district_id",
    );
  const linksOf = new Map<string, Set<string>>();
  for (const link of heldLinks)
    (
      linksOf.get(link.precinct_id) ??
      linksOf.set(link.precinct_id, new Set()).get(link.precinct_id)!
    ).add(link.electoral_district_id);

  const feedKeys = new Set(records.map(keyOf));
  const holdings = new Map(
    scope.map((id) => [
      id,
      new Holdings(
        heldRows.filter((row) => row.jurisdiction_id === id),
        feedKeys,
      ),
    ]),
  );
  const names = new Map<string, StagedRecord>();
  const keys = new Map<string, StagedRecord>();
  const mapped: Array<{ feed_id: string; precinct_id: string }> = [];
  for (const record of records) {
    const jurisdictionId = jurisdictionOf(record);
    const name = nameOf(record);
    const key = keyOf(record);
    const earlier = keys.get(`${jurisdictionId}|${key}`) ?? names.get(`${jurisdictionId}|${name}`);
    if (earlier) {
      await context.staging.reject(record.seq, {
        code: "sameAs",
        params: { key, first: earlier.id, at: earlier.at },
      });
      continue;
    }
    keys.set(`${jurisdictionId}|${key}`, record);
    names.set(`${jurisdictionId}|${name}`, record);
    const row = holdings.get(jurisdictionId)!.find(key, (candidate) => candidate.name === name);
    const ocdId = ocdIdOf(record.externalIds);
    const saved = await save(
      trx,
      "precincts",
      row,
      { name, ocd_id: ocdId ?? row?.ocd_id ?? null },
      { import_key: key, vip_id: record.id },
      { jurisdiction_id: jurisdictionId },
    );
    // the districts it votes in: those it names, and those of the contests on its ballot style
    const wanted = new Set<string>();
    for (const ref of record.refs.ElectoralDistrictId ?? []) {
      const district = districts.get(ref);
      if (district) wanted.add(district.id);
    }
    const style = record.refs.BallotStyleId?.[0];
    for (const contestRef of (style && order.styles.get(style)) || []) {
      const districtId = contests.get(contestRef)?.districtId;
      if (districtId) wanted.add(districtId);
    }
    const { id } = saved;
    let { outcome } = saved;
    const linked = linksOf.get(id) ?? new Set<string>();
    const adding = [...wanted].filter((district) => !linked.has(district));
    const dropping = [...linked].filter((district) => !wanted.has(district));
    if (adding.length > 0)
      await trx("precinct_districts").insert(
        adding.map((district) => ({ precinct_id: id, electoral_district_id: district })),
      );
    if (dropping.length > 0)
      await trx("precinct_districts")
        .where({ precinct_id: id })
        .whereIn("electoral_district_id", dropping)
        .delete();
    if (outcome === "unchanged" && (adding.length > 0 || dropping.length > 0)) outcome = "updated";
    count(context, "Precinct", outcome);
    mapped.push({ feed_id: record.id, precinct_id: id });
  }
  for (let i = 0; i < mapped.length; i += 5_000)
    await trx("feed_map").insert(mapped.slice(i, i + 5_000));

  // Precincts of these jurisdictions the feed no longer has go, and their segments with them.
  const gone = [...holdings.values()].flatMap((held) => held.unmatched().map((row) => row.id));
  if (gone.length > 0) {
    const segments = await trx("street_segments").whereIn("precinct_id", gone).count({ n: "*" });
    await trx("precincts").whereIn("id", gone).delete();
    count(context, "Precinct", "removed", gone.length);
    count(context, "StreetSegment", "removed", Number(segments[0]?.n ?? 0));
  }
  await context.staging.cascade();
}

/**
 * The segments of the feed's precincts, as one set operation in SQL (there may be millions):
 * segments we hold that the feed lacks are deleted, the feed's new ones inserted, the rest left
 * alone — a segment is its values (precinct, street, range, side, city, state, ZIP), not its id.
 */
export async function applyStreetSegments(context: ApplyContext): Promise<void> {
  const { trx } = context;
  await trx.raw(`
    create temp table feed_segments on commit drop as
      select m.precinct_id, f.fields->>'street' as street_name,
             (f.fields->>'start')::int as start_house_number,
             (f.fields->>'end')::int as end_house_number,
             (f.fields->>'side')::odd_even as odd_even,
             f.fields->>'city' as city, f.fields->>'state' as state, f.fields->>'zip' as zip,
             min(f.feed_id) as vip_id, count(*)::int as copies
        from feed_records f
        join feed_refs r on r.seq = f.seq and r.name = 'PrecinctId'
        join feed_map m on m.feed_id = r.target
       where f.kind = 'StreetSegment' and f.rejected is null
       group by 1, 2, 3, 4, 5, 6, 7, 8;
    analyze feed_segments;
  `);
  const same = `s.precinct_id = w.precinct_id and s.street_name = w.street_name
    and s.start_house_number = w.start_house_number and s.end_house_number = w.end_house_number
    and s.odd_even = w.odd_even and s.city = w.city and s.state = w.state and s.zip = w.zip`;
  const removed = await trx.raw(`
    delete from street_segments s using feed_map m
     where s.precinct_id = m.precinct_id
       and not exists (select 1 from feed_segments w where ${same})`);
  const added = await trx.raw(`
    insert into street_segments
      (precinct_id, street_name, start_house_number, end_house_number, odd_even, city, state, zip, vip_id)
    select precinct_id, street_name, start_house_number, end_house_number, odd_even, city, state, zip, vip_id
      from feed_segments w
     where not exists (select 1 from street_segments s where ${same})`);
  const {
    rows: [{ accepted }],
  } = await trx.raw("select coalesce(sum(copies), 0)::int as accepted from feed_segments");
  count(context, "StreetSegment", "removed", removed.rowCount ?? 0);
  count(context, "StreetSegment", "added", added.rowCount ?? 0);
  count(context, "StreetSegment", "unchanged", accepted - (added.rowCount ?? 0));
}
