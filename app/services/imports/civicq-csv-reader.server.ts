import { csvRows, type CsvRow } from "./csv-rows.server";
import type { ExternalId, FeedRecord, I18n, ReadEvent } from "./records.server";
import type { ContestKind, ElementKind } from "./spec.server";
import { ControlCharacters } from "./text.server";

/**
 * Our own CSV template, for offices without a VIP feed (columns in docs/imports.md): one row per
 * line of the ballot — the election, each candidate, each measure. It is read into the same
 * records a VIP feed gives (an Election, ElectoralDistricts, contests, selections, candidates),
 * with ids made from the rows' own names, so the one resolver and applier handle it with the
 * same guarantees.
 */

const ROW_KINDS: Record<string, ContestKind | "Election"> = {
  election: "Election",
  candidate: "CandidateContest",
  measure: "BallotMeasureContest",
  retention: "RetentionContest",
};

const MEASURE_TEXTS = {
  summary: "SummaryText",
  full_text: "FullText",
  pro_statement: "ProStatement",
  con_statement: "ConStatement",
  passage_threshold: "PassageThreshold",
} as const;

/** "title" and "title_es", "title_fr", … → { en, es, fr }. */
function texts(row: CsvRow, column: string): I18n | undefined {
  const text: I18n = {};
  for (const [header, value] of row.values) {
    if (header === column) text.en = value;
    else if (header.startsWith(`${column}_`)) {
      const language = header.slice(column.length + 1);
      if (/^[a-z]{2,3}$/.test(language)) text[language] = value;
    }
  }
  return Object.keys(text).length > 0 ? text : undefined;
}

function record(
  kind: ElementKind,
  id: string,
  at: string,
  fields: Record<string, string | I18n | undefined>,
  refs: Record<string, string[]> = {},
  externalIds: ExternalId[] = [],
): FeedRecord {
  const defined = Object.entries(fields).filter(
    (entry): entry is [string, string | I18n] => entry[1] !== undefined,
  );
  return { kind, id, at, fields: Object.fromEntries(defined), refs, externalIds };
}

export async function* readCivicqCsv(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadEvent> {
  const controls = new ControlCharacters();
  // Contests gather their candidates over several rows: they are written out at the end. The
  // template is for small offices (see the size limit in docs/imports.md), so this stays small.
  const contests = new Map<string, FeedRecord>();
  const written = new Set<string>();
  const once = (item: FeedRecord): ReadEvent[] => {
    if (written.has(item.id)) return [];
    written.add(item.id);
    return [{ type: "record", record: item }];
  };

  yield { type: "version", version: "5.2" };
  for await (const row of csvRows(chunks, "csv", controls)) {
    const at = `line ${row.line}`;
    const get = (column: string) => row.values.get(column);
    const kindName = (get("kind") ?? "").toLowerCase();
    const kind = ROW_KINDS[kindName];
    if (!kind) {
      yield rejected(at, "unknownRowKind", { kind: kindName });
      continue;
    }
    if (kind === "Election") {
      yield* once(record("State", "state", at, { Name: "state" }));
      yield {
        type: "record",
        record: record(
          "Election",
          "election",
          at,
          { Name: texts(row, "name"), Date: get("date") },
          {
            StateId: ["state"],
          },
        ),
      };
      continue;
    }
    const contestName = get("contest");
    const districtName = get("district");
    if (!contestName || !districtName) {
      yield rejected(at, "missingColumn", { column: contestName ? "district" : "contest" });
      continue;
    }

    const ocdId = get("district_ocd_id");
    const districtId = `district:${ocdId ?? districtName}`;
    yield* once(
      record(
        "ElectoralDistrict",
        districtId,
        at,
        { Name: districtName, Type: get("district_type") ?? "other" },
        {},
        ocdId ? [{ type: "ocd-id", value: ocdId }] : [],
      ),
    );

    const contestId = `contest:${districtId}|${contestName}`;
    let contest = contests.get(contestId);
    if (!contest) {
      const office = texts(row, "office");
      if (office) {
        yield* once(
          record(
            "Office",
            `office:${contestId}`,
            at,
            { Name: office },
            {
              ElectoralDistrictId: [districtId],
            },
          ),
        );
      }
      contest = record(
        kind,
        contestId,
        at,
        {
          Name: contestName,
          BallotTitle: texts(row, "title") ?? { en: contestName },
          BallotSubTitle: texts(row, "subtitle"),
          VotesAllowed: get("votes_allowed"),
          SequenceOrder: get("contest_order"),
          ...Object.fromEntries(
            Object.entries(MEASURE_TEXTS).map(([column, field]) => [field, texts(row, column)]),
          ),
        },
        {
          ElectoralDistrictId: [districtId],
          ...(office ? { OfficeId: [`office:${contestId}`] } : {}),
        },
      );
      contests.set(contestId, contest);
    }

    if (kind === "BallotMeasureContest") continue;
    const ballotName = get("candidate") ?? "";
    const candidateId = `candidate:${contestId}|${ballotName}`;
    const partyName = texts(row, "party");
    const partyId = partyName ? `party:${get("party_abbreviation") ?? partyName.en}` : null;
    if (partyName && partyId) {
      yield* once(
        record("Party", partyId, at, { Name: partyName, Abbreviation: get("party_abbreviation") }),
      );
    }
    const stableId = get("candidate_id");
    yield {
      type: "record",
      record: record(
        "Candidate",
        candidateId,
        at,
        { BallotName: ballotName || undefined, SequenceOrder: get("candidate_order") },
        partyId ? { PartyId: [partyId] } : {},
        stableId ? [{ type: "local-level", value: stableId }] : [],
      ),
    };
    if (kind === "RetentionContest") {
      contest.refs.CandidateId = [candidateId];
      continue;
    }
    const selectionId = `selection:${candidateId}`;
    yield {
      type: "record",
      record: record("CandidateSelection", selectionId, at, {}, { CandidateId: [candidateId] }),
    };
    (contest.refs.BallotSelectionId ??= []).push(selectionId);
  }
  for (const contest of contests.values()) yield { type: "record", record: contest };
  if (controls.removed > 0)
    yield {
      type: "note",
      reason: { code: "controlCharacters", params: { count: controls.removed } },
    };
}

function rejected(at: string, code: string, params: Record<string, string>): ReadEvent {
  return { type: "rejected", rejection: { element: "row", id: "", at, reason: { code, params } } };
}
