/**
 * What we read of the Voting Information Project specification, versions 5.2 and 6.0: the
 * elements we map, their references and how each is validated. Both readers (XML and the CSV zip)
 * and our own CSV template produce records named after the XML elements and fields described here,
 * so the resolver and the applier never know which form a feed came in.
 *
 * The two versions differ, for what we read, in how a list of references is written — 5.2 has
 * `BallotSelectionIds` (one element, ids separated by spaces), 6.0 repeats `BallotSelectionId` —
 * and in what a contest must carry (6.0 made a contest's `Name` and `ElectoralDistrictId`
 * optional). The CSV form writes lists as `ballot_selection_ids` in both.
 */

export const ELEMENT_KINDS = [
  "Source",
  "Election",
  "State",
  "Locality",
  "ElectoralDistrict",
  "Office",
  "Party",
  "Person",
  "Candidate",
  "CandidateContest",
  "BallotMeasureContest",
  "RetentionContest",
  "PartyContest",
  "CandidateSelection",
  "BallotMeasureSelection",
  "PartySelection",
  "OrderedContest",
  "BallotStyle",
  "Precinct",
  "StreetSegment",
] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

export const SCHEMA_VERSIONS = ["5.2", "6.0"] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

/**
 * The spec version whose rules apply to a feed's declared version: 5.x reads as 5.2 (5.0 and 5.1
 * feeds are a subset of it for what we map), 6.x as 6.0; anything else is refused.
 */
export function schemaVersionOf(declared: string | undefined): SchemaVersion | null {
  const match = /^\s*(\d+)(?:\.\d+)*\s*$/.exec(declared ?? "");
  if (match?.[1] === "5") return "5.2";
  if (match?.[1] === "6") return "6.0";
  return null;
}

export const CONTEST_KINDS = [
  "CandidateContest",
  "BallotMeasureContest",
  "RetentionContest",
  "PartyContest",
] as const satisfies readonly ElementKind[];
export type ContestKind = (typeof CONTEST_KINDS)[number];

const SELECTION_KINDS = [
  "CandidateSelection",
  "BallotMeasureSelection",
  "PartySelection",
] as const satisfies readonly ElementKind[];

type Reference = {
  /** what the id may name */
  targets: readonly ElementKind[];
  /** a list: `…Ids` in 5.2 and CSV, a repeated `…Id` in 6.0 */
  many?: boolean;
  /**
   * The record means nothing without its target: when the target is rejected, so is the record
   * (a street segment without its precinct). A weak reference is dropped instead (a contest
   * keeps its other candidates when one candidate is rejected).
   */
  strong?: boolean;
};

type ElementSpec = {
  /** references by their singular name (`BallotSelectionId`, whether written as …Ids or not) */
  refs?: Record<string, Reference>;
  /** fields whose absence rejects the record, per version */
  required?: Partial<Record<SchemaVersion, readonly string[]>> & { all?: readonly string[] };
  /** InternationalizedText fields: `<Text language="…">` in XML, `<column>_<language>` in CSV */
  texts?: readonly string[];
  dates?: readonly string[];
  integers?: readonly string[];
  booleans?: readonly string[];
  enums?: Record<string, readonly string[]>;
};

const CONTEST_BASE = {
  refs: {
    BallotSelectionId: { targets: SELECTION_KINDS, many: true },
    ElectoralDistrictId: { targets: ["ElectoralDistrict"], strong: true },
  },
  required: { "5.2": ["Name", "ElectoralDistrictId"] },
  texts: ["BallotTitle", "BallotSubTitle", "ElectorateSpecification"],
  integers: ["SequenceOrder"],
  booleans: ["HasRotation"],
} satisfies ElementSpec;

const MEASURE = {
  ...CONTEST_BASE,
  texts: [
    ...CONTEST_BASE.texts,
    "ConStatement",
    "EffectOfAbstain",
    "FullText",
    "PassageThreshold",
    "ProStatement",
    "SummaryText",
  ],
  enums: { Type: ["ballot-measure", "initiative", "referendum", "other"] },
} satisfies ElementSpec;

export const SPEC: Record<ElementKind, ElementSpec> = {
  Source: { required: { all: ["Name"] }, texts: ["Description"] },
  Election: {
    refs: { StateId: { targets: ["State"], strong: true } },
    required: { all: ["Date", "StateId"] },
    texts: ["Name", "ElectionType", "RegistrationInfo", "AbsenteeBallotInfo", "PollingHours"],
    dates: ["Date", "RegistrationDeadline", "AbsenteeRequestDeadline"],
    booleans: ["IsStatewide", "HasElectionDayRegistration"],
  },
  State: { required: { all: ["Name"] } },
  Locality: {
    refs: { StateId: { targets: ["State"], strong: true } },
    required: { all: ["Name", "StateId"] },
  },
  ElectoralDistrict: {
    required: { all: ["Name", "Type"] },
    integers: ["Number"],
  },
  Office: {
    refs: {
      ElectoralDistrictId: { targets: ["ElectoralDistrict"], strong: true },
      OfficeHolderPersonId: { targets: ["Person"], many: true },
    },
    required: { all: ["Name"], "5.2": ["ElectoralDistrictId"] },
    texts: ["Name"],
    dates: ["FilingDeadline"],
    booleans: ["IsPartisan"],
  },
  Party: {
    required: { all: ["Name"] },
    texts: ["Name"],
    booleans: ["IsWriteIn"],
  },
  Person: {
    refs: { PartyId: { targets: ["Party"] } },
    texts: ["FullName", "Profession", "Title"],
    dates: ["DateOfBirth"],
  },
  Candidate: {
    refs: {
      PartyId: { targets: ["Party"] },
      PersonId: { targets: ["Person"] },
    },
    required: { all: ["BallotName"] },
    texts: ["BallotName"],
    dates: ["FileDate"],
    integers: ["SequenceOrder"],
    booleans: ["IsIncumbent", "IsTopTicket"],
    enums: {
      PreElectionStatus: ["filed", "qualified", "withdrawn", "write-in"],
      PostElectionStatus: ["advanced-to-runoff", "projected-winner", "winner", "withdrawn"],
    },
  },
  CandidateContest: {
    ...CONTEST_BASE,
    refs: {
      ...CONTEST_BASE.refs,
      OfficeId: { targets: ["Office"], many: true },
      PrimaryPartyId: { targets: ["Party"], many: true },
    },
    integers: [...CONTEST_BASE.integers, "NumberElected", "VotesAllowed"],
  },
  BallotMeasureContest: MEASURE,
  RetentionContest: {
    ...MEASURE,
    refs: {
      ...MEASURE.refs,
      CandidateId: { targets: ["Candidate"], strong: true },
      OfficeId: { targets: ["Office"] },
    },
    required: { ...MEASURE.required, all: ["CandidateId"] },
  },
  PartyContest: CONTEST_BASE,
  CandidateSelection: {
    refs: {
      CandidateId: { targets: ["Candidate"], many: true, strong: true },
      EndorsementPartyId: { targets: ["Party"], many: true },
    },
    required: { all: ["CandidateId"] },
    integers: ["SequenceOrder"],
    booleans: ["IsWriteIn"],
  },
  BallotMeasureSelection: {
    required: { all: ["Selection"] },
    texts: ["Selection"],
    integers: ["SequenceOrder"],
  },
  PartySelection: {
    refs: { PartyId: { targets: ["Party"], many: true, strong: true } },
    required: { all: ["PartyId"] },
    integers: ["SequenceOrder"],
  },
  OrderedContest: {
    refs: {
      ContestId: { targets: CONTEST_KINDS, strong: true },
      OrderedBallotSelectionId: { targets: SELECTION_KINDS, many: true },
    },
    required: { all: ["ContestId"] },
  },
  BallotStyle: {
    refs: {
      OrderedContestId: { targets: ["OrderedContest"], many: true },
      PartyId: { targets: ["Party"], many: true },
    },
  },
  Precinct: {
    refs: {
      BallotStyleId: { targets: ["BallotStyle"] },
      ElectoralDistrictId: { targets: ["ElectoralDistrict"], many: true },
      LocalityId: { targets: ["Locality"], strong: true },
    },
    required: { all: ["Name", "LocalityId"] },
    booleans: ["IsMailOnly"],
  },
  StreetSegment: {
    refs: { PrecinctId: { targets: ["Precinct"], strong: true } },
    required: { all: ["City", "State", "PrecinctId"] },
    integers: ["StartHouseNumber", "EndHouseNumber"],
    booleans: ["IncludesAllAddresses", "IncludesAllStreets"],
    enums: { OddEvenBoth: ["both", "even", "odd"] },
  },
};

/** Whether `name` is one of the element's references, by its singular name. */
export function referenceOf(kind: ElementKind, name: string): Reference | undefined {
  return SPEC[kind].refs?.[name];
}

export function isTextField(kind: ElementKind, field: string): boolean {
  return SPEC[kind].texts?.includes(field) ?? false;
}

export function requiredFields(kind: ElementKind, version: SchemaVersion): readonly string[] {
  const required = SPEC[kind].required;
  return [...(required?.all ?? []), ...(required?.[version] ?? [])];
}

/** Every reference rule, flat, for the resolver's SQL. */
export function referenceRules(): Array<{
  kind: ElementKind;
  name: string;
  targets: readonly ElementKind[];
  strong: boolean;
}> {
  return ELEMENT_KINDS.flatMap((kind) =>
    Object.entries(SPEC[kind].refs ?? {}).map(([name, reference]) => ({
      kind,
      name,
      targets: reference.targets,
      strong: Boolean(reference.strong),
    })),
  );
}

/** The CSV form's file for each element (VIP CSV: one `<snake_case>.txt` per element). */
export const CSV_FILES: Record<string, ElementKind> = Object.fromEntries(
  ELEMENT_KINDS.map((kind) => [`${snakeCase(kind)}.txt`, kind]),
);

export function snakeCase(name: string): string {
  return name.replace(/(?<=[a-z0-9])([A-Z])/g, "_$1").toLowerCase();
}

export function pascalCase(name: string): string {
  return name
    .split("_")
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}
