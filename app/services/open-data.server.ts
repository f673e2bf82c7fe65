import type { Knex } from "knex";
import { config } from "~/lib/config.server";
import type { DbOrTransaction } from "~/lib/db.server";
import { mediaUrl } from "~/lib/storage.server";

/**
 * The open data: what voters can already read on the site, as tables anyone may reuse — through
 * the JSON API (`/api/v1/<collection>`, documented by `/api/v1/openapi.json`) and the nightly
 * CSV bundle (open-data-bundle.server.ts). One definition per table serves both, so the API,
 * its documentation and the bundle cannot drift apart.
 *
 * Only published data: elections voters can see (not drafts), their contests,
 * candidates and measures, published questions (never their authors) and published answers.
 * No voter's personal data, no candidate's private contact address.
 */
type JsonSchema = Record<string, unknown>;

const uuid: JsonSchema = { type: "string", format: "uuid" };
const nullable = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  type: [schema.type as string, "null"],
});
const text: JsonSchema = { type: "string" };
const integer: JsonSchema = { type: "integer" };
const dateTime: JsonSchema = { type: "string", format: "date-time" };
/** Text in several languages, English always: {"en": "…", "es": "…"}. */
const i18n: JsonSchema = {
  type: "object",
  additionalProperties: { type: "string" },
};

type Column = {
  /** the SQL expression the column is selected as */
  sql: string;
  schema: JsonSchema;
  /** a storage key in the database, published as the absolute URL of the file */
  media?: true;
};

export type Collection = {
  name: string;
  summary: string;
  /** the public rows, from the aliases the columns' SQL uses */
  from: (db: DbOrTransaction) => Knex.QueryBuilder;
  /** query parameters that narrow the list: parameter → the uuid column it matches */
  filters: Record<string, string>;
  orderBy: string[];
  columns: Record<string, Column>;
};

/** Elections voters can see (as the public pages do: all but drafts), and the rows under them. */
const listedElections = (db: DbOrTransaction) =>
  db("elections as e")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .whereNot("e.status", "draft");

export const COLLECTIONS: Collection[] = [
  {
    name: "elections",
    summary:
      "Elections voters can see: open to questions or answers, closed or archived (not drafts).",
    from: listedElections,
    filters: {},
    orderBy: ["e.election_date", "e.id"],
    columns: {
      id: { sql: "e.id", schema: uuid },
      jurisdiction_slug: { sql: "j.slug", schema: text },
      jurisdiction_name: { sql: "j.name", schema: i18n },
      jurisdiction_ocd_id: { sql: "j.ocd_id", schema: nullable(text) },
      slug: { sql: "e.slug", schema: text },
      name: { sql: "e.name", schema: i18n },
      election_date: {
        sql: "to_char(e.election_date, 'YYYY-MM-DD')",
        schema: { type: "string", format: "date" },
      },
      status: {
        sql: "e.status::text",
        schema: { type: "string", enum: ["questions_open", "answers_open", "closed", "archived"] },
      },
    },
  },
  {
    name: "contests",
    summary: "The contests on those elections' ballots: offices and measures.",
    from: (db) =>
      listedElections(db)
        .join("contests as k", "k.election_id", "e.id")
        .leftJoin("electoral_districts as d", "d.id", "k.electoral_district_id"),
    filters: { election: "e.id" },
    orderBy: ["e.id", "k.ballot_order", "k.id"],
    columns: {
      id: { sql: "k.id", schema: uuid },
      election_id: { sql: "e.id", schema: uuid },
      kind: {
        sql: "k.kind::text",
        schema: { type: "string", enum: ["candidate", "measure", "retention", "party"] },
      },
      slug: { sql: "k.slug", schema: text },
      title: { sql: "k.title", schema: i18n },
      office: { sql: "k.office", schema: i18n },
      ballot_order: { sql: "k.ballot_order", schema: integer },
      votes_allowed: { sql: "k.votes_allowed", schema: integer },
      district_name: { sql: "d.name", schema: nullable(i18n) },
      district_ocd_id: { sql: "d.ocd_id", schema: nullable(text) },
    },
  },
  {
    name: "candidates",
    summary: "Candidates in those contests, in ballot order.",
    from: (db) =>
      listedElections(db)
        .join("contests as k", "k.election_id", "e.id")
        .join("candidates as c", "c.contest_id", "k.id")
        .leftJoin("parties as p", "p.id", "c.party_id"),
    filters: { contest: "k.id", election: "e.id" },
    orderBy: ["k.id", "c.ballot_order", "c.id"],
    columns: {
      id: { sql: "c.id", schema: uuid },
      contest_id: { sql: "k.id", schema: uuid },
      ballot_name: { sql: "c.ballot_name", schema: text },
      slug: { sql: "c.slug", schema: text },
      party_name: { sql: "p.name", schema: nullable(i18n) },
      status: { sql: "c.status::text", schema: { type: "string", enum: ["active", "withdrawn"] } },
      ballot_order: { sql: "c.ballot_order", schema: integer },
      website: { sql: "c.website", schema: nullable(text) },
      photo_url: { sql: "c.photo_key", schema: nullable(text), media: true },
    },
  },
  {
    name: "measures",
    summary: "Ballot measures: their summary, full text and the arguments for and against.",
    from: (db) =>
      listedElections(db)
        .join("contests as k", "k.election_id", "e.id")
        .join("ballot_measures as m", "m.contest_id", "k.id"),
    filters: { contest: "k.id", election: "e.id" },
    orderBy: ["k.id", "m.id"],
    columns: {
      id: { sql: "m.id", schema: uuid },
      contest_id: { sql: "k.id", schema: uuid },
      summary: { sql: "m.summary", schema: i18n },
      full_text: { sql: "m.full_text", schema: i18n },
      pro_statement: { sql: "m.pro_statement", schema: i18n },
      con_statement: { sql: "m.con_statement", schema: i18n },
      passage_threshold: { sql: "m.passage_threshold", schema: i18n },
    },
  },
  {
    name: "questions",
    summary:
      "Published questions with their vote and published-answer counts (never their authors).",
    from: (db) =>
      listedElections(db)
        .join("questions as q", "q.election_id", "e.id")
        .where("q.status", "published"),
    filters: { contest: "q.contest_id", election: "e.id" },
    orderBy: ["q.contest_id", "q.published_at", "q.id"],
    columns: {
      id: { sql: "q.id", schema: uuid },
      election_id: { sql: "e.id", schema: uuid },
      contest_id: { sql: "q.contest_id", schema: uuid },
      candidate_id: { sql: "q.candidate_id", schema: nullable(uuid) },
      body: { sql: "q.body", schema: text },
      language: { sql: "q.language", schema: text },
      vote_count: { sql: "q.vote_count", schema: integer },
      answer_count: {
        sql: "(select count(*)::int from answers a where a.question_id = q.id and a.status = 'published')",
        schema: integer,
      },
      published_at: { sql: "q.published_at", schema: nullable(dateTime) },
    },
  },
  {
    name: "answers",
    summary: "Published answers, in text or video (with the video's, poster's and captions' URLs).",
    from: (db) =>
      listedElections(db)
        .join("questions as q", "q.election_id", "e.id")
        .join("answers as a", "a.question_id", "q.id")
        .leftJoin("videos as v", function () {
          this.on("v.id", "a.video_id").andOnVal("v.status", "ready");
        })
        .where("q.status", "published")
        .where("a.status", "published"),
    filters: { question: "a.question_id", candidate: "a.candidate_id" },
    orderBy: ["a.question_id", "a.published_at", "a.id"],
    columns: {
      id: { sql: "a.id", schema: uuid },
      question_id: { sql: "a.question_id", schema: uuid },
      candidate_id: { sql: "a.candidate_id", schema: uuid },
      kind: { sql: "a.kind::text", schema: { type: "string", enum: ["text", "video"] } },
      body: { sql: "a.body", schema: nullable(text) },
      video_url: {
        sql: "(select r.storage_key from video_renditions r where r.video_id = v.id order by r.height desc limit 1)",
        schema: nullable(text),
        media: true,
      },
      poster_url: { sql: "v.poster_key", schema: nullable(text), media: true },
      captions_url: { sql: "v.captions_key", schema: nullable(text), media: true },
      duration_seconds: { sql: "v.duration_seconds::float8", schema: nullable({ type: "number" }) },
      published_at: { sql: "a.published_at", schema: nullable(dateTime) },
    },
  },
];

export function findCollection(name: string): Collection | undefined {
  return COLLECTIONS.find((collection) => collection.name === name);
}

export type OpenDataRow = Record<string, unknown>;

/** The collection's public rows (narrowed by `filters`), as the API and the bundle publish them. */
export function collectionQuery(
  db: DbOrTransaction,
  collection: Collection,
  filters: Record<string, string> = {},
): Knex.QueryBuilder {
  const query = collection.from(db);
  for (const [parameter, value] of Object.entries(filters))
    query.where(collection.filters[parameter]!, value);
  return query;
}

export function selectColumns(
  db: DbOrTransaction,
  collection: Collection,
  query: Knex.QueryBuilder,
) {
  return query
    .select(
      Object.entries(collection.columns).map(([name, column]) =>
        db.raw(`${column.sql} as ??`, [name]),
      ),
    )
    .orderBy(collection.orderBy);
}

/** A row as published: storage keys become the files' absolute URLs. */
export function publishRow(collection: Collection, row: OpenDataRow): OpenDataRow {
  const published: OpenDataRow = {};
  for (const [name, column] of Object.entries(collection.columns)) {
    const value = row[name];
    published[name] =
      column.media && typeof value === "string"
        ? new URL(mediaUrl(value), config().APP_URL).toString()
        : value instanceof Date
          ? value.toISOString()
          : (value ?? null);
  }
  return published;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export type ApiPage = {
  data: OpenDataRow[];
  meta: { page: number; per_page: number; total: number };
  links: { self: string; first: string; prev: string | null; next: string | null };
};

/** One page of a collection, with links to its neighbours (the same query, another page). */
export async function collectionPage(
  db: DbOrTransaction,
  collection: Collection,
  input: { filters: Record<string, string>; page: number; perPage: number; url: URL },
): Promise<ApiPage> {
  const base = collectionQuery(db, collection, input.filters);
  const counted = await base.clone().count<Array<{ total: string }>>("* as total");
  const rows = await selectColumns(db, collection, base)
    .limit(input.perPage)
    .offset((input.page - 1) * input.perPage);
  const pageLink = (page: number) => {
    const url = new URL(input.url);
    url.searchParams.set("page", String(page));
    url.searchParams.set("per_page", String(input.perPage));
    return url.pathname + url.search;
  };
  const count = Number(counted[0]?.total ?? 0);
  return {
    data: rows.map((row: OpenDataRow) => publishRow(collection, row)),
    meta: { page: input.page, per_page: input.perPage, total: count },
    links: {
      self: pageLink(input.page),
      first: pageLink(1),
      prev: input.page > 1 ? pageLink(input.page - 1) : null,
      next: input.page * input.perPage < count ? pageLink(input.page + 1) : null,
    },
  };
}

/** The JSON Schema of one published row. */
export function rowSchema(collection: Collection): JsonSchema {
  return {
    type: "object",
    additionalProperties: false,
    required: Object.keys(collection.columns),
    properties: Object.fromEntries(
      Object.entries(collection.columns).map(([name, column]) => [name, column.schema]),
    ),
  };
}

export const OPEN_DATA_LICENCE = {
  name: "CC0 1.0 Universal (public domain dedication)",
  url: "https://creativecommons.org/publicdomain/zero/1.0/",
};

/** The OpenAPI 3.1 description of the API, built from the same definitions as the API. */
export function openApiDocument(): Record<string, unknown> {
  const pageLinks = {
    type: "object",
    additionalProperties: false,
    required: ["self", "first", "prev", "next"],
    properties: {
      self: text,
      first: text,
      prev: nullable(text),
      next: nullable(text),
    },
  };
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Error: {
      type: "object",
      required: ["error"],
      properties: { error: text },
    },
    PageMeta: {
      type: "object",
      additionalProperties: false,
      required: ["page", "per_page", "total"],
      properties: {
        page: { type: "integer", minimum: 1 },
        per_page: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE },
        total: { type: "integer", minimum: 0 },
      },
    },
    PageLinks: pageLinks,
  };
  for (const collection of COLLECTIONS) {
    const rowName = collection.name[0]!.toUpperCase() + collection.name.slice(1);
    schemas[rowName] = rowSchema(collection);
    schemas[`${rowName}Page`] = {
      type: "object",
      additionalProperties: false,
      required: ["data", "meta", "links"],
      properties: {
        data: { type: "array", items: { $ref: `#/components/schemas/${rowName}` } },
        meta: { $ref: "#/components/schemas/PageMeta" },
        links: { $ref: "#/components/schemas/PageLinks" },
      },
    };
    paths[`/api/v1/${collection.name}`] = {
      get: {
        operationId: `list${rowName}`,
        summary: collection.summary,
        parameters: [
          ...Object.keys(collection.filters).map((name) => ({
            name,
            in: "query",
            required: false,
            description: `Only the rows of this ${name} (its id).`,
            schema: uuid,
          })),
          { $ref: "#/components/parameters/page" },
          { $ref: "#/components/parameters/per_page" },
        ],
        responses: {
          "200": {
            description: `A page of ${collection.name}.`,
            headers: {
              ETag: { $ref: "#/components/headers/ETag" },
              "Cache-Control": { $ref: "#/components/headers/CacheControl" },
            },
            content: {
              "application/json": { schema: { $ref: `#/components/schemas/${rowName}Page` } },
            },
          },
          "304": { description: "Not modified since the ETag sent in If-None-Match." },
          "400": {
            description: "A parameter is malformed.",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "CivicQ open data",
      version: "1.0.0",
      description:
        "Read-only public data of the elections on CivicQ: elections, contests, candidates, measures, published questions with their counts, and published answers with their video and caption URLs. No personal data of voters. Lists are paginated (page, per_page; links.next is null on the last page). Responses carry an ETag (send it back in If-None-Match for a 304) and Cache-Control. CORS is open for GET. The same tables, as CSV files, are in the nightly bundle at /open-data.",
      license: { name: OPEN_DATA_LICENCE.name, url: OPEN_DATA_LICENCE.url },
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: config().APP_URL }],
    paths,
    components: {
      schemas,
      parameters: {
        page: {
          name: "page",
          in: "query",
          required: false,
          schema: { type: "integer", minimum: 1, default: 1 },
        },
        per_page: {
          name: "per_page",
          in: "query",
          required: false,
          schema: {
            type: "integer",
            minimum: 1,
            maximum: MAX_PAGE_SIZE,
            default: DEFAULT_PAGE_SIZE,
          },
        },
      },
      headers: {
        ETag: { description: "A weak validator of the response body.", schema: text },
        CacheControl: { description: "How long caches may keep the response.", schema: text },
      },
    },
  };
}
