import { count, Holdings, save, type ApplyContext } from "./apply-context.server";
import {
  externalKey,
  freeSlug,
  mergeText,
  nameKey,
  normalizeName,
  ocdIdOf,
} from "./identity.server";
import { FeedError, textOf, valueOf, type I18n } from "./records.server";
import { CONTEST_KINDS, type ContestKind } from "./spec.server";
import type { StagedRecord } from "./staging.server";

/**
 * The ballot itself: the election, its districts, parties, contests (with measure texts) and
 * candidates, each matched to what we hold by identity (identity.server.ts), in ballot order.
 */

const CONTEST_KIND: Record<ContestKind, "candidate" | "measure" | "retention" | "party"> = {
  CandidateContest: "candidate",
  BallotMeasureContest: "measure",
  RetentionContest: "retention",
  PartyContest: "party",
};

export type AppliedDistrict = { id: string; key: string };
export type AppliedContest = { id: string; record: StagedRecord; districtId: string | null };
type I18nRow = I18n | null;

const integer = (record: StagedRecord, field: string) => {
  const value = valueOf(record, field);
  return value === undefined ? undefined : Number(value);
};

/** Sorts by each number in turn (missing last), then by key: the feed's ids never decide. */
function byRank<T>(
  items: T[],
  rank: (item: T) => Array<number | undefined>,
  key: (item: T) => string,
) {
  const tuple = (item: T) => rank(item).map((value) => value ?? Number.MAX_SAFE_INTEGER);
  return items
    .map((item) => ({ item, tuple: tuple(item), key: key(item) }))
    .sort((a, b) => {
      for (let i = 0; i < a.tuple.length; i++) {
        const difference = a.tuple[i]! - b.tuple[i]!;
        if (difference !== 0) return difference;
      }
      return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    })
    .map(({ item }) => item);
}

/** The feed's one Election: the election the import was started for, or one of ours that day. */
export async function applyElection(context: ApplyContext): Promise<{ id: string; name: I18n }> {
  const { trx, jurisdiction, targetElectionId } = context;
  const records = await context.staging.load(["Election"]);
  if (records.length > 1) throw new FeedError("multipleElections", { count: records.length });
  const record = records[0];
  const held = await trx("elections")
    .where({ jurisdiction_id: jurisdiction.id })
    .select<Array<{ id: string; slug: string; name: I18n; election_date: string }>>(
      "id",
      "slug",
      "name",
      trx.raw("to_char(election_date, 'YYYY-MM-DD') as election_date"),
    );
  const target = targetElectionId ? held.find((row) => row.id === targetElectionId) : undefined;
  if (targetElectionId && !target) throw new FeedError("electionGone");
  if (!record) {
    // our template may leave the election out when the import is for a chosen election
    if (target) return { id: target.id, name: target.name };
    const rejected = await context.staging.firstRejected("Election");
    if (rejected)
      throw new FeedError("electionRejected", { at: rejected.at, reason: rejected.reason.code });
    throw new FeedError("noElection");
  }

  const date = valueOf(record, "Date")!;
  const feedName = textOf(record, "Name");
  let match = target;
  if (!match) {
    const sameDay = held.filter((row) => row.election_date === date);
    match =
      sameDay.length === 1
        ? sameDay[0]
        : sameDay.find(
            (row) => normalizeName(row.name.en ?? "") === normalizeName(feedName?.en ?? ""),
          );
    if (!match && sameDay.length > 1) throw new FeedError("ambiguousElection", { date });
  }
  const name = mergeText(match?.name ?? { en: `Election ${date}` }, feedName);
  const { id, outcome } = await save(
    trx,
    "elections",
    match,
    { election_date: date, name },
    { vip_id: record.id },
    {
      jurisdiction_id: jurisdiction.id,
      slug: freeSlug(name.en ?? "", new Set(held.map((row) => row.slug)), `election-${date}`),
    },
  );
  count(context, "Election", outcome);
  return { id, name };
}

export async function applyDistricts(context: ApplyContext): Promise<Map<string, AppliedDistrict>> {
  const { trx, jurisdiction } = context;
  const records = await context.staging.load(["ElectoralDistrict"]);
  const keyOf = (record: StagedRecord) =>
    externalKey(record.externalIds) ?? nameKey(valueOf(record, "Type"), valueOf(record, "Name"));
  const held = new Holdings(
    await trx("electoral_districts").where({ jurisdiction_id: jurisdiction.id }).select<
      Array<{
        id: string;
        import_key: string | null;
        name: I18n;
        kind: string;
        ocd_id: string | null;
      }>
    >("id", "import_key", "name", "kind", "ocd_id"),
    new Set(records.map(keyOf)),
  );
  const applied = new Map<string, AppliedDistrict>();
  const first = new Map<string, StagedRecord>();
  for (const record of records) {
    const key = keyOf(record);
    if (await rejectSecond(context, first, key, record)) continue;
    const name = valueOf(record, "Name")!;
    const ocdId = ocdIdOf(record.externalIds);
    const row = held.find(
      key,
      (candidate) =>
        (ocdId !== null && candidate.ocd_id === ocdId) ||
        (!candidate.ocd_id && normalizeName(candidate.name.en ?? "") === normalizeName(name)),
    );
    const { id, outcome } = await save(
      trx,
      "electoral_districts",
      row,
      {
        name: mergeText(row?.name, { en: name }),
        kind: valueOf(record, "Type"),
        ocd_id: ocdId ?? row?.ocd_id ?? null,
      },
      { import_key: key, vip_id: record.id },
      { jurisdiction_id: jurisdiction.id },
    );
    count(context, "ElectoralDistrict", outcome);
    applied.set(record.id, { id, key });
  }
  return applied;
}

export async function applyParties(context: ApplyContext): Promise<Map<string, string>> {
  const { trx, jurisdiction } = context;
  const records = await context.staging.load(["Party"]);
  const abbreviationOf = (record: StagedRecord) => valueOf(record, "Abbreviation")?.toUpperCase();
  const keyOf = (record: StagedRecord) => {
    const abbreviation = abbreviationOf(record);
    return (
      externalKey(record.externalIds) ??
      (abbreviation ? `abbreviation:${abbreviation}` : nameKey(textOf(record, "Name")?.en))
    );
  };
  const held = new Holdings(
    await trx("parties").where({ jurisdiction_id: jurisdiction.id }).select<
      Array<{
        id: string;
        import_key: string | null;
        name: I18n;
        abbreviation: string | null;
        color: string | null;
      }>
    >("id", "import_key", "name", "abbreviation", "color"),
    new Set(records.map(keyOf)),
  );
  const applied = new Map<string, string>();
  const first = new Map<string, StagedRecord>();
  for (const record of records) {
    const name = textOf(record, "Name")!;
    if (!name.en) {
      await context.staging.reject(record.seq, { code: "noEnglish", params: { field: "Name" } });
      continue;
    }
    const key = keyOf(record);
    if (await rejectSecond(context, first, key, record)) continue;
    const abbreviation = abbreviationOf(record);
    const color = valueOf(record, "Color")?.replace(/^#/, "").toLowerCase();
    const row = held.find(
      key,
      (candidate) =>
        (abbreviation !== undefined && candidate.abbreviation?.toUpperCase() === abbreviation) ||
        normalizeName(candidate.name.en ?? "") === normalizeName(name.en!),
    );
    const { id, outcome } = await save(
      trx,
      "parties",
      row,
      {
        name: mergeText(row?.name, name),
        abbreviation: abbreviation ?? row?.abbreviation ?? null,
        // the spec's HtmlColorString is six hex digits; anything else is ignored, as it says
        color: color && /^[0-9a-f]{6}$/.test(color) ? `#${color}` : (row?.color ?? null),
      },
      { import_key: key, vip_id: record.id },
      { jurisdiction_id: jurisdiction.id },
    );
    count(context, "Party", outcome);
    applied.set(record.id, id);
  }
  return applied;
}

/** The ballot's order, as its styles give it: contests, and each contest's selections. */
export type BallotOrder = {
  contestPosition: Map<string, number>;
  selections: Map<string, string[]>;
  /** ordered contest → contest, for precincts' ballot styles */
  orderedContests: Map<string, string>;
  styles: Map<string, string[]>;
};

export async function ballotOrder(context: ApplyContext): Promise<BallotOrder> {
  // one after another: the transaction is one connection
  const ordered = await context.staging.load(["OrderedContest"]);
  const styles = await context.staging.load(["BallotStyle"]);
  const orderedContests = new Map(ordered.map((record) => [record.id, record.refs.ContestId![0]!]));
  const selections = new Map<string, string[]>();
  for (const record of ordered) {
    const contest = record.refs.ContestId![0]!;
    const list = record.refs.OrderedBallotSelectionId;
    if (list && !selections.has(contest)) selections.set(contest, list);
  }
  // a contest's place: where it first appears, reading the ballot styles in order
  const contestPosition = new Map<string, number>();
  const styleContests = new Map<string, string[]>();
  for (const style of styles) {
    const contests = (style.refs.OrderedContestId ?? []).flatMap((id) => {
      const contest = orderedContests.get(id);
      return contest ? [contest] : [];
    });
    styleContests.set(style.id, contests);
    for (const contest of contests)
      if (!contestPosition.has(contest)) contestPosition.set(contest, contestPosition.size);
  }
  return { contestPosition, selections, orderedContests, styles: styleContests };
}

type HeldContest = {
  id: string;
  import_key: string | null;
  kind: string;
  slug: string;
  title: I18n;
  office: I18nRow;
  description: I18nRow;
  ballot_order: number;
  votes_allowed: number;
  electoral_district_id: string | null;
};

export async function applyContests(
  context: ApplyContext,
  electionId: string,
  districts: Map<string, AppliedDistrict>,
  order: BallotOrder,
): Promise<Map<string, AppliedContest>> {
  const { trx } = context;
  const records = await context.staging.load(CONTEST_KINDS);
  const offices = await context.staging.load(["Office"]);
  const officeById = new Map(offices.map((office) => [office.id, office]));
  const prepared = records.map((record) => {
    const officeRef = record.refs.OfficeId?.[0];
    const office = officeRef ? officeById.get(officeRef) : undefined;
    const districtRef =
      record.refs.ElectoralDistrictId?.[0] ?? office?.refs.ElectoralDistrictId?.[0];
    const district = districtRef ? districts.get(districtRef) : undefined;
    const name = valueOf(record, "Name") ?? textOf(record, "BallotTitle")?.en ?? "";
    const key =
      externalKey(record.externalIds) ??
      `${district?.key ?? "jurisdiction"}|${CONTEST_KIND[record.kind as ContestKind]}|${nameKey(name)}`;
    return { record, office, district, name, key };
  });
  const held = new Holdings(
    await trx("contests")
      .where({ election_id: electionId })
      .select<HeldContest[]>(
        "id",
        "import_key",
        "kind",
        "slug",
        "title",
        "office",
        "description",
        "ballot_order",
        "votes_allowed",
        "electoral_district_id",
      ),
    new Set(prepared.map((item) => item.key)),
  );
  const slugs = new Set(held.unmatched().map((row) => row.slug));
  const ranked = byRank(
    prepared,
    ({ record }) => [order.contestPosition.get(record.id), integer(record, "SequenceOrder")],
    (item) => item.key,
  );

  const applied = new Map<string, AppliedContest>();
  const first = new Map<string, StagedRecord>();
  let ballotOrder = 0;
  for (const { record, office, district, name, key } of ranked) {
    const kind = CONTEST_KIND[record.kind as ContestKind];
    const title = { ...(name ? { en: name } : {}), ...textOf(record, "BallotTitle") };
    if (!title.en) {
      await context.staging.reject(record.seq, {
        code: "noEnglish",
        params: { field: "BallotTitle" },
      });
      continue;
    }
    if (await rejectSecond(context, first, key, record)) continue;
    const officeName = office ? textOf(office, "Name") : undefined;
    const districtId = district?.id ?? null;
    const row = held.find(key, (candidate) => {
      const titles = [name, title.en!].map(normalizeName);
      return (
        candidate.kind === kind &&
        candidate.electoral_district_id === districtId &&
        (titles.includes(normalizeName(candidate.title.en ?? "")) ||
          (officeName?.en !== undefined &&
            normalizeName(candidate.office?.en ?? "") === normalizeName(officeName.en)))
      );
    });
    const votesAllowed = integer(record, "VotesAllowed");
    const saved = await save(
      trx,
      "contests",
      row,
      {
        kind,
        electoral_district_id: districtId,
        title: mergeText(row?.title, title),
        office: mergeText(row?.office, officeName),
        description: mergeText(row?.description, textOf(record, "BallotSubTitle")),
        ballot_order: ++ballotOrder,
        votes_allowed: votesAllowed && votesAllowed >= 1 ? votesAllowed : (row?.votes_allowed ?? 1),
      },
      { import_key: key, vip_id: record.id },
      { election_id: electionId, slug: freeSlug(title.en, slugs, "contest") },
    );
    let outcome = saved.outcome;
    if (
      (kind === "measure" || kind === "retention") &&
      (await saveMeasure(context, saved.id, record))
    )
      outcome = outcome === "unchanged" ? "updated" : outcome;
    count(context, record.kind, outcome);
    applied.set(record.id, { id: saved.id, record, districtId });
  }
  return applied;
}

const MEASURE_TEXTS = {
  summary: "SummaryText",
  full_text: "FullText",
  pro_statement: "ProStatement",
  con_statement: "ConStatement",
  passage_threshold: "PassageThreshold",
} as const;

/** A measure's texts (every language kept); true when anything was written. */
async function saveMeasure(
  context: ApplyContext,
  contestId: string,
  record: StagedRecord,
): Promise<boolean> {
  const { trx } = context;
  const held = await trx("ballot_measures").where({ contest_id: contestId }).first();
  const desired = Object.fromEntries(
    Object.entries(MEASURE_TEXTS).map(([column, field]) => [
      column,
      mergeText(held?.[column], textOf(record, field)),
    ]),
  );
  if (!held) {
    await trx("ballot_measures").insert({ contest_id: contestId, ...desired });
    return true;
  }
  const { outcome } = await save(trx, "ballot_measures", held, desired);
  return outcome !== "unchanged";
}

type HeldCandidate = {
  id: string;
  contest_id: string;
  import_key: string | null;
  ballot_name: string;
  slug: string;
  party_id: string | null;
  status: "active" | "withdrawn";
  ballot_order: number;
};

type Placement = {
  contest: AppliedContest;
  candidate: StagedRecord;
  rank: Array<number | undefined>;
};

export async function applyCandidates(
  context: ApplyContext,
  contests: Map<string, AppliedContest>,
  parties: Map<string, string>,
  order: BallotOrder,
): Promise<void> {
  const { trx } = context;
  const candidates = await context.staging.load(["Candidate"]);
  const selections = await context.staging.load(["CandidateSelection"]);
  const persons = await context.staging.load(["Person"]);
  const candidateById = new Map(candidates.map((record) => [record.id, record]));
  const selectionById = new Map(selections.map((record) => [record.id, record]));
  const personById = new Map(persons.map((record) => [record.id, record]));

  // Where each candidate stands: the contests whose selections name them, in ballot order.
  const placements: Placement[] = [];
  for (const contest of contests.values()) {
    if (contest.record.kind === "RetentionContest") {
      const candidate = candidateById.get(contest.record.refs.CandidateId![0]!);
      if (candidate) placements.push({ contest, candidate, rank: [] });
      continue;
    }
    if (contest.record.kind !== "CandidateContest") continue;
    const listed = contest.record.refs.BallotSelectionId ?? [];
    const ordered = order.selections.get(contest.record.id) ?? [];
    const seen = new Set<string>();
    [...ordered, ...listed].forEach((selectionId, position) => {
      const selection = selectionById.get(selectionId);
      if (!selection) return;
      for (const candidateId of selection.refs.CandidateId ?? []) {
        const candidate = candidateById.get(candidateId);
        if (!candidate || seen.has(candidateId)) continue;
        seen.add(candidateId);
        placements.push({
          contest,
          candidate,
          rank: [
            position,
            integer(selection, "SequenceOrder"),
            integer(candidate, "SequenceOrder"),
          ],
        });
      }
    });
  }
  const placed = new Set(placements.map((placement) => placement.candidate.id));
  for (const candidate of candidates) {
    if (!placed.has(candidate.id))
      await context.staging.reject(candidate.seq, { code: "noContest" });
  }

  const ballotNameOf = (record: StagedRecord) => valueOf(record, "BallotName")!.slice(0, 200);
  const keyOf = (record: StagedRecord) =>
    externalKey(record.externalIds) ?? nameKey(ballotNameOf(record));
  const heldRows = await trx("candidates")
    .whereIn(
      "contest_id",
      [...contests.values()]
        .filter(
          ({ record }) => record.kind === "CandidateContest" || record.kind === "RetentionContest",
        )
        .map(({ id }) => id),
    )
    .select<HeldCandidate[]>(
      "id",
      "contest_id",
      "import_key",
      "ballot_name",
      "slug",
      "party_id",
      "status",
      "ballot_order",
    );
  const heldByContest = new Map<string, HeldCandidate[]>();
  for (const row of heldRows)
    heldByContest.set(row.contest_id, [...(heldByContest.get(row.contest_id) ?? []), row]);

  for (const contest of contests.values()) {
    if (contest.record.kind !== "CandidateContest" && contest.record.kind !== "RetentionContest")
      continue;
    const standing = byRank(
      placements.filter((placement) => placement.contest === contest),
      (placement) => placement.rank,
      (placement) => keyOf(placement.candidate),
    );
    const rows = heldByContest.get(contest.id) ?? [];
    const held = new Holdings(
      rows,
      new Set(standing.map((placement) => keyOf(placement.candidate))),
    );
    const slugs = new Set(rows.map((row) => row.slug));
    const first = new Map<string, StagedRecord>();
    let ballotOrder = 0;
    for (const { candidate } of standing) {
      const key = keyOf(candidate);
      if (await rejectSecond(context, first, key, candidate)) continue;
      const ballotName = ballotNameOf(candidate);
      const partyRef =
        candidate.refs.PartyId?.[0] ??
        (candidate.refs.PersonId && personById.get(candidate.refs.PersonId[0]!)?.refs.PartyId?.[0]);
      const withdrawn = ["PreElectionStatus", "PostElectionStatus"].some(
        (field) => valueOf(candidate, field) === "withdrawn",
      );
      const row = held.find(
        key,
        (existing) => normalizeName(existing.ballot_name) === normalizeName(ballotName),
      );
      const { outcome } = await save(
        trx,
        "candidates",
        row,
        {
          ballot_name: ballotName,
          party_id: (partyRef && parties.get(partyRef)) ?? null,
          status: withdrawn ? "withdrawn" : "active",
          ballot_order: ++ballotOrder,
        },
        { import_key: key, vip_id: candidate.id },
        { contest_id: contest.id, slug: freeSlug(ballotName, slugs, "candidate") },
      );
      count(context, "Candidate", outcome);
    }
    // Gone from the feed: withdrawn, never deleted — their questions and answers stay.
    const gone = held
      .unmatched()
      .filter((row) => row.status === "active")
      .map((row) => row.id);
    if (gone.length > 0) {
      await trx("candidates")
        .whereIn("id", gone)
        .update({ status: "withdrawn", updated_at: trx.fn.now() });
      count(context, "Candidate", "withdrawn", gone.length);
    }
  }
}

/** Two records of one feed that are the same thing by identity: the second is rejected. */
async function rejectSecond(
  context: ApplyContext,
  first: Map<string, StagedRecord>,
  key: string,
  record: StagedRecord,
): Promise<boolean> {
  const earlier = first.get(key);
  if (!earlier) {
    first.set(key, record);
    return false;
  }
  await context.staging.reject(record.seq, {
    code: "sameAs",
    params: { key, first: earlier.id, at: earlier.at },
  });
  return true;
}
