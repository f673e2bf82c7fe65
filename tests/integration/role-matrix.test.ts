import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createContest, createUser } from "../support/fixtures";

/**
 * The acceptance test for authorisation: every route of the build, every kind of visitor,
 * over HTTP against the built app. Each route has an entry — `public`, or the answer each
 * persona must get to a GET and to a POST — and a route without one fails the test.
 */
const PERSONAS = [
  "anonymous",
  "pendingMfa", // password passed, second factor still owed: not signed in yet
  "voter",
  "candidate",
  "moderatorA",
  "moderatorB",
  "clerkA",
  "clerkB",
  "clerkNoMfa", // a clerk of A who has not turned MFA on
  "admin",
] as const;
type Persona = (typeof PERSONAS)[number];

/**
 * What a response amounts to: its status, or for a 303 "→" and the path it sends to (another
 * redirect status is written before the arrow).
 */
type Outcome = string;
const OK = "200";
const SIGN_IN = "→/sign-in";
const FORBIDDEN = "403";
const NOT_FOUND = "404";
const NO_ACTION = "405";
const MFA_SETUP = "→/account/mfa";

type Expected = Record<Persona, Outcome>;
type Probe = {
  path: string;
  get: Expected;
  /** "none": the route has no action, so every POST is refused with 405 */
  post: "none" | { form: Record<string, string>; expect: Expected };
};
type Entry = { public: string } | Probe[];

const everyone = (outcome: Outcome) =>
  Object.fromEntries(PERSONAS.map((persona) => [persona, outcome])) as Expected;
/** Needs only a signed-in user, whatever their roles. */
const signedInOnly = (outcome: Outcome = OK): Expected => ({
  ...everyone(outcome),
  anonymous: SIGN_IN,
  pendingMfa: SIGN_IN,
});
/** Needs a role: `allowed` pass, the MFA-less clerk is sent to enrol when the role is theirs. */
const roleGate = (allowed: Persona[], clerkNoMfa: Outcome): Expected => ({
  ...signedInOnly(FORBIDDEN),
  ...Object.fromEntries(allowed.map((persona) => [persona, OK])),
  clerkNoMfa,
});

/** Filled in by the set-up: a session id belonging to an account none of the personas own. */
const strangerSession = { id: "" };
const SLUG_A = "matrix-county-a";
const SLUG_B = "matrix-county-b";

/**
 * The election office's console: a jurisdiction where the user has no console role answers 404
 * (as if it did not exist); a moderator on a clerk-only page gets 403.
 */
const consoleGate = (allowed: Persona[], clerkNoMfa: Outcome = MFA_SETUP): Expected => ({
  ...signedInOnly(NOT_FOUND),
  ...(allowed.includes("moderatorA") ? {} : { moderatorA: FORBIDDEN }),
  ...Object.fromEntries(allowed.map((persona) => [persona, OK])),
  clerkNoMfa,
});
const CLERKS: Persona[] = ["clerkA", "admin"];
/** A clerk page of B's console naming a row of A: not B's, so not found (B's moderator: 403). */
const FOREIGN: Expected = { ...signedInOnly(NOT_FOUND), moderatorB: FORBIDDEN };
const MODERATORS: Persona[] = ["moderatorA", "clerkA", "admin"];
/** Rows of jurisdiction A the console probes address, filled in by the set-up. */
const inA = {
  contestId: "",
  candidateId: "",
  districtId: "",
  partyId: "",
  questionId: "",
  importId: "",
};
/** A console page of A's, with ids known only once the set-up has run. */
const consoleProbe = (path: () => string, get: Expected, post: Probe["post"] = "none"): Probe => ({
  get path() {
    return path();
  },
  get,
  post,
});

const MATRIX: Record<string, Entry> = {
  "routes/_index": { public: "/" },
  // The voter's read-only pages: the same page for everyone (own votes aside), no action.
  "routes/ballot": { public: "/ballot?address=95401" },
  "routes/elections.$jurisdiction._index": [
    { path: `/elections/${SLUG_A}`, get: everyone(OK), post: "none" },
  ],
  "routes/elections.$jurisdiction.$election._index": [
    { path: `/elections/${SLUG_A}/general`, get: everyone(OK), post: "none" },
  ],
  "routes/elections.$jurisdiction.$election.$contest._index": [
    { path: `/elections/${SLUG_A}/general/mayor`, get: everyone(OK), post: "none" },
  ],
  "routes/follows": [
    {
      path: "/follows",
      get: everyone(NOT_FOUND),
      post: {
        form: {
          intent: "follow",
          kind: "contest",
          id: "00000000-0000-4000-8000-000000000000",
          returnTo: "/",
        },
        expect: signedInOnly(NOT_FOUND),
      },
    },
  ],
  "routes/elections.$jurisdiction.$election.$contest.candidates.$candidate": [
    {
      path: `/elections/${SLUG_A}/general/mayor/candidates/matrix`,
      get: everyone(OK),
      post: "none",
    },
  ],
  // Embeddable cards and the open data: the same for everyone, nothing to post.
  "routes/embed.$jurisdiction.$election.$contest": { public: `/embed/${SLUG_A}/general/mayor` },
  "routes/embed.questions.$id": {
    public: "/embed/questions/00000000-0000-4000-8000-000000000000",
  },
  "routes/api.v1.$collection": { public: "/api/v1/elections" },
  "routes/api.v1.openapi[.]json": { public: "/api/v1/openapi.json" },
  "routes/open-data": { public: "/open-data" },
  "routes/theme[.]css": { public: "/theme.css?theme=dark&accent=ffffff" },
  // An office asks for a space (anyone), confirms by its link; staff join by theirs.
  "routes/offices.request": { public: "/offices/request" },
  "routes/offices.confirm.$token": { public: "/offices/confirm/not-a-token" },
  "routes/staff-invitations.$token": { public: "/staff-invitations/not-a-token" },
  "routes/questions.$id._index": { public: "/questions/00000000-0000-4000-8000-000000000000" },
  // A voter's actions on a question nobody asked: signed in, "not found"; signed out, sign in.
  "routes/questions.$id_.vote": [
    {
      path: "/questions/00000000-0000-4000-8000-000000000000/vote",
      get: everyone(NOT_FOUND),
      post: { form: { intent: "vote", returnTo: "/" }, expect: signedInOnly(NOT_FOUND) },
    },
  ],
  "routes/questions.$id_.follow": [
    {
      path: "/questions/00000000-0000-4000-8000-000000000000/follow",
      get: everyone(NOT_FOUND),
      post: { form: { intent: "follow", returnTo: "/" }, expect: signedInOnly(NOT_FOUND) },
    },
  ],
  "routes/questions.$id_.edit": [
    {
      path: "/questions/00000000-0000-4000-8000-000000000000/edit",
      get: signedInOnly(NOT_FOUND),
      post: {
        form: { body: "Will you publish the budget every month?" },
        expect: signedInOnly(NOT_FOUND),
      },
    },
  ],
  "routes/questions.$id_.report": [
    {
      path: "/questions/00000000-0000-4000-8000-000000000000/report",
      get: everyone(NOT_FOUND),
      post: { form: { reason: "spam", returnTo: "/" }, expect: signedInOnly(NOT_FOUND) },
    },
  ],
  // an empty question: the form comes back with its error, nothing is stored
  "routes/elections.$jurisdiction.$election.$contest.ask": [
    {
      path: `/elections/${SLUG_A}/general/mayor/ask`,
      get: signedInOnly(),
      post: { form: { body: "" }, expect: signedInOnly() },
    },
  ],
  "routes/account.activity": [{ path: "/account/activity", get: signedInOnly(), post: "none" }],
  // a form naming no action: 400, nothing changed
  "routes/account.constituent": [
    {
      path: "/account/constituent",
      get: signedInOnly(),
      post: { form: {}, expect: signedInOnly("400") },
    },
  ],
  // an appeal of a decision nobody made: not found to everyone signed in
  "routes/appeals.$decision": [
    {
      path: "/appeals/00000000-0000-4000-8000-000000000000",
      get: signedInOnly(NOT_FOUND),
      post: {
        form: { body: "Please look at this decision again." },
        expect: signedInOnly(NOT_FOUND),
      },
    },
  ],
  "routes/unsubscribe.$token": { public: "/unsubscribe/not-a-token" },
  "routes/events.contests.$contest": {
    public: "/events/contests/00000000-0000-4000-8000-000000000000",
  },
  "routes/$": { public: "/no-such-page" },
  "routes/healthz": { public: "/healthz" },
  "routes/readyz": { public: "/readyz" },
  "routes/language.$locale": { public: "/language/es?returnTo=/" },
  "routes/sign-in": { public: "/sign-in" },
  "routes/sign-in_.code": { public: "/sign-in/code" },
  "routes/sign-up": { public: "/sign-up" },
  "routes/sign-out": { public: "/sign-out" },
  "routes/check-email": { public: "/check-email" },
  "routes/forgot-password": { public: "/forgot-password" },
  "routes/reset-password": { public: "/reset-password" },
  "routes/verify-email": { public: "/verify-email" },
  // Google sign-in is not configured in tests: both answer 404 (its own test covers the flow).
  "routes/auth.google": { public: "/auth/google" },
  "routes/auth.google_.callback": { public: "/auth/google/callback" },
  // Only mid-sign-in: a session whose second factor is owed gets the form, anyone else is
  // sent back to the sign-in page.
  "routes/sign-in_.mfa": [
    {
      path: "/sign-in/mfa",
      get: { ...everyone(SIGN_IN), pendingMfa: OK },
      post: { form: { code: "" }, expect: { ...everyone(SIGN_IN), pendingMfa: OK } },
    },
  ],
  "routes/account._index": [{ path: "/account", get: signedInOnly(), post: "none" }],
  "routes/account.mfa": [
    {
      path: "/account/mfa",
      get: signedInOnly(),
      // a malformed code: a form error while enrolling; already enrolled, back to the page
      post: {
        form: { code: "" },
        expect: {
          ...signedInOnly("→/account/mfa"),
          voter: OK,
          clerkNoMfa: OK,
        },
      },
    },
  ],
  "routes/account.sessions": [
    {
      path: "/account/sessions",
      get: everyone("→/account"),
      // someone else's session: as if it did not exist
      post: {
        form: {
          get sessionId() {
            return strangerSession.id;
          },
        },
        expect: signedInOnly(NOT_FOUND),
      },
    },
  ],
  "routes/account.export": [{ path: "/account/export", get: signedInOnly(), post: "none" }],
  // an empty confirmation: the form comes back with its error, nothing is deleted
  "routes/account.delete": [
    { path: "/account/delete", get: signedInOnly(), post: { form: {}, expect: signedInOnly() } },
  ],
  "routes/admin.roles": [
    {
      path: "/admin/roles",
      get: roleGate(["admin"], FORBIDDEN),
      post: { form: { intent: "grant" }, expect: roleGate(["admin"], FORBIDDEN) },
    },
  ],
  "routes/console.$jurisdiction._index": [
    {
      path: `/console/${SLUG_A}`,
      get: consoleGate(MODERATORS),
      post: "none",
    },
    {
      path: "/console/no-such-county",
      get: signedInOnly(NOT_FOUND),
      post: "none",
    },
  ],
  // Empty forms: allowed personas get the form back with its errors (200) or, for a form
  // naming no action, 400; nothing is changed.
  "routes/console.$jurisdiction.elections.new": [
    {
      path: `/console/${SLUG_A}/elections/new`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: consoleGate(CLERKS) },
    },
  ],
  "routes/console.$jurisdiction.elections.$election._index": [
    { path: `/console/${SLUG_A}/elections/general`, get: consoleGate(CLERKS), post: "none" },
    {
      path: `/console/${SLUG_A}/elections/no-such-election`,
      get: { ...consoleGate(CLERKS), clerkA: NOT_FOUND, admin: NOT_FOUND },
      post: "none",
    },
  ],
  "routes/console.$jurisdiction.elections.$election.edit": [
    {
      path: `/console/${SLUG_A}/elections/general/edit`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: consoleGate(CLERKS) },
    },
  ],
  "routes/console.$jurisdiction.elections.$election.status": [
    {
      path: `/console/${SLUG_A}/elections/general/status?to=answers_open`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: { ...consoleGate(CLERKS), clerkA: "400", admin: "400" } },
    },
  ],
  "routes/console.$jurisdiction.elections.$election.contests.new": [
    {
      path: `/console/${SLUG_A}/elections/general/contests/new?kind=measure`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: consoleGate(CLERKS) },
    },
  ],
  "routes/console.$jurisdiction.contests.$contest._index": [
    consoleProbe(() => `/console/${SLUG_A}/contests/${inA.contestId}`, consoleGate(CLERKS), {
      form: {},
      expect: consoleGate(CLERKS),
    }),
    // A's contest through B's console: not B's, so not found, for B's clerk too
    consoleProbe(() => `/console/${SLUG_B}/contests/${inA.contestId}`, FOREIGN, {
      form: {},
      expect: FOREIGN,
    }),
  ],
  "routes/console.$jurisdiction.contests.$contest.edit": [
    consoleProbe(() => `/console/${SLUG_A}/contests/${inA.contestId}/edit`, consoleGate(CLERKS), {
      form: {},
      expect: consoleGate(CLERKS),
    }),
  ],
  "routes/console.$jurisdiction.candidates.$candidate": [
    consoleProbe(() => `/console/${SLUG_A}/candidates/${inA.candidateId}`, consoleGate(CLERKS), {
      form: {},
      expect: { ...consoleGate(CLERKS), clerkA: "400", admin: "400" },
    }),
    consoleProbe(() => `/console/${SLUG_B}/candidates/${inA.candidateId}`, FOREIGN, {
      form: {},
      expect: FOREIGN,
    }),
  ],
  // an empty address: the form comes back with its error, nothing is queued
  "routes/console.$jurisdiction.imports._index": [
    {
      path: `/console/${SLUG_A}/imports`,
      get: consoleGate(CLERKS),
      post: { form: { intent: "url", url: "" }, expect: consoleGate(CLERKS) },
    },
  ],
  "routes/console.$jurisdiction.imports.$import": [
    consoleProbe(() => `/console/${SLUG_A}/imports/${inA.importId}`, consoleGate(CLERKS)),
    consoleProbe(() => `/console/${SLUG_B}/imports/${inA.importId}`, FOREIGN),
  ],
  // a form naming no action: 400, nothing changed
  "routes/console.$jurisdiction.constituents._index": [
    {
      path: `/console/${SLUG_A}/constituents`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: { ...consoleGate(CLERKS), clerkA: "400", admin: "400" } },
    },
  ],
  // an empty batch form: back to the page with its problem, no codes made
  "routes/console.$jurisdiction.constituents.codes[.]csv": [
    {
      path: `/console/${SLUG_A}/constituents/codes.csv`,
      get: {
        ...consoleGate(CLERKS),
        clerkA: `→/console/${SLUG_A}/constituents`,
        admin: `→/console/${SLUG_A}/constituents`,
      },
      post: {
        form: {},
        expect: {
          ...consoleGate(CLERKS),
          clerkA: `→/console/${SLUG_A}/constituents`,
          admin: `→/console/${SLUG_A}/constituents`,
        },
      },
    },
  ],
  // not a multipart upload: 400, nothing changed
  "routes/console.$jurisdiction.constituents.upload": [
    {
      path: `/console/${SLUG_A}/constituents/upload`,
      get: {
        ...consoleGate(CLERKS),
        clerkA: `→/console/${SLUG_A}/constituents`,
        admin: `→/console/${SLUG_A}/constituents`,
      },
      post: { form: {}, expect: { ...consoleGate(CLERKS), clerkA: "400", admin: "400" } },
    },
  ],
  "routes/console.$jurisdiction.districts._index": [
    {
      path: `/console/${SLUG_A}/districts`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: consoleGate(CLERKS) },
    },
  ],
  "routes/console.$jurisdiction.districts.$district": [
    consoleProbe(() => `/console/${SLUG_A}/districts/${inA.districtId}`, consoleGate(CLERKS), {
      form: {},
      expect: consoleGate(CLERKS),
    }),
    consoleProbe(() => `/console/${SLUG_B}/districts/${inA.districtId}`, FOREIGN, {
      form: {},
      expect: FOREIGN,
    }),
  ],
  "routes/console.$jurisdiction.parties._index": [
    {
      path: `/console/${SLUG_A}/parties`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: consoleGate(CLERKS) },
    },
  ],
  // an empty topic: the form comes back with its errors
  "routes/console.$jurisdiction.topics": [
    consoleProbe(() => `/console/${SLUG_A}/topics`, consoleGate(CLERKS), {
      form: {},
      expect: consoleGate(CLERKS),
    }),
  ],
  "routes/console.$jurisdiction.parties.$party": [
    consoleProbe(() => `/console/${SLUG_A}/parties/${inA.partyId}`, consoleGate(CLERKS), {
      form: {},
      expect: consoleGate(CLERKS),
    }),
  ],
  "routes/console.$jurisdiction.moderation._index": [
    {
      path: `/console/${SLUG_A}/moderation`,
      get: consoleGate(MODERATORS),
      post: {
        form: {},
        expect: {
          ...consoleGate(MODERATORS),
          ...Object.fromEntries(MODERATORS.map((p) => [p, "400"])),
        },
      },
    },
  ],
  // an empty moderator's edit: the form comes back with its errors, nothing is changed
  "routes/console.$jurisdiction.moderation.questions.$question": [
    consoleProbe(
      () => `/console/${SLUG_A}/moderation/questions/${inA.questionId}`,
      consoleGate(MODERATORS),
      { form: {}, expect: consoleGate(MODERATORS) },
    ),
    consoleProbe(
      () => `/console/${SLUG_B}/moderation/questions/${inA.questionId}`,
      signedInOnly(NOT_FOUND),
      { form: {}, expect: signedInOnly(NOT_FOUND) },
    ),
  ],
  "routes/console.$jurisdiction.reports.$election": [
    {
      path: `/console/${SLUG_A}/reports/general`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: { ...consoleGate(CLERKS), clerkA: "400", admin: "400" } },
    },
  ],
  "routes/console.$jurisdiction.reports.$election_.export": [
    {
      path: `/console/${SLUG_A}/reports/general/export?table=questions`,
      get: consoleGate(CLERKS),
      post: "none",
    },
  ],
  // Staff, branding and settings: owners and admins (clerks) only; empty forms answer 400.
  "routes/console.$jurisdiction.settings": [
    {
      path: `/console/${SLUG_A}/settings`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: { ...consoleGate(CLERKS), clerkA: "400", admin: "400" } },
    },
  ],
  "routes/console.$jurisdiction.staff": [
    {
      path: `/console/${SLUG_A}/staff`,
      get: consoleGate(CLERKS),
      post: { form: {}, expect: { ...consoleGate(CLERKS), clerkA: "400", admin: "400" } },
    },
  ],
  "routes/console.$jurisdiction.audit": [
    { path: `/console/${SLUG_A}/audit`, get: consoleGate(CLERKS), post: "none" },
  ],
  "routes/console.$jurisdiction.audit[.]csv": [
    { path: `/console/${SLUG_A}/audit.csv`, get: consoleGate(CLERKS), post: "none" },
  ],
  // a form naming no action: 400 for the admin, nothing changed
  "routes/admin.offices": [
    {
      path: "/admin/offices",
      get: roleGate(["admin"], FORBIDDEN),
      post: { form: {}, expect: { ...roleGate(["admin"], FORBIDDEN), admin: "400" } },
    },
  ],
  "routes/admin.jurisdictions._index": [
    { path: "/admin/jurisdictions", get: roleGate(["admin"], FORBIDDEN), post: "none" },
  ],
  "routes/admin.jurisdictions.new": [
    {
      path: "/admin/jurisdictions/new",
      get: roleGate(["admin"], FORBIDDEN),
      post: { form: {}, expect: roleGate(["admin"], FORBIDDEN) },
    },
  ],
  "routes/admin.jurisdictions.$jurisdiction.edit": [
    {
      path: `/admin/jurisdictions/${SLUG_A}/edit`,
      get: roleGate(["admin"], FORBIDDEN),
      post: { form: {}, expect: roleGate(["admin"], FORBIDDEN) },
    },
  ],
  "routes/admin.audit": [
    { path: "/admin/audit", get: roleGate(["admin"], FORBIDDEN), post: "none" },
  ],
  "routes/admin.audit[.]csv": [
    { path: "/admin/audit.csv", get: roleGate(["admin"], FORBIDDEN), post: "none" },
  ],
  "routes/moderation-ledger.$jurisdiction.$election._index": {
    public: `/moderation-ledger/${SLUG_A}/general`,
  },
  "routes/moderation-ledger.$jurisdiction.$election.export[.]csv": {
    public: `/moderation-ledger/${SLUG_A}/general/export.csv`,
  },
  "routes/moderation-policy": { public: "/moderation-policy" },
  "routes/candidate._index": [
    { path: "/candidate", get: roleGate(["candidate", "admin"], FORBIDDEN), post: "none" },
  ],
  // A rebuttal of an answer nobody gave: not found for the candidate, forbidden to everyone else
  "routes/candidate.answers.$answer.rebuttal": [
    {
      path: "/candidate/answers/00000000-0000-4000-8000-000000000000/rebuttal",
      get: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      post: {
        form: { body: "A rebuttal." },
        expect: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      },
    },
  ],
  // Anyone may read what an invitation link is for; an unknown one is "not found" to all.
  "routes/claim.$token": { public: "/claim/not-a-token" },
  // The candidate's own pages: only an account linked to a candidacy (an admin holds none).
  "routes/candidate.profile": [
    {
      path: "/candidate/profile",
      get: roleGate(["candidate"], FORBIDDEN),
      // a form naming no action: 400, nothing changed
      post: { form: {}, expect: { ...roleGate(["candidate"], FORBIDDEN), candidate: "400" } },
    },
  ],
  "routes/candidate.questions._index": [
    { path: "/candidate/questions", get: roleGate(["candidate"], FORBIDDEN), post: "none" },
  ],
  // a question nobody asked: not found for the candidate, forbidden to everyone else
  "routes/candidate.questions.$question": [
    {
      path: "/candidate/questions/00000000-0000-4000-8000-000000000000",
      get: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      post: {
        form: { intent: "draft", body: "An answer." },
        expect: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      },
    },
  ],
  // Public media; an original is private to everyone, whatever their role.
  "routes/media.$": [
    {
      path: "/media/videos/originals/00000000-0000-4000-8000-000000000000/0123456789abcdef/original",
      get: everyone(NOT_FOUND),
      post: "none",
    },
  ],
  // The video player's anonymous beacon: anyone may post it; an unknown answer counts nothing.
  "routes/media-stats.$answer": [
    {
      path: "/media-stats/00000000-0000-4000-8000-000000000000",
      get: everyone(NOT_FOUND),
      post: { form: { event: "complete" }, expect: everyone("204") },
    },
  ],
  // An original by signed link only: unsigned, not found to anyone, whatever their role.
  "routes/media-original.$video": [
    {
      path: "/media-original/00000000-0000-4000-8000-000000000000?expires=1&signature=x",
      get: everyone(NOT_FOUND),
      post: "none",
    },
  ],
  // Answering by video: a question nobody asked, a video or upload nobody started, is not found
  // for the candidate and forbidden to everyone else (an admin holds no candidacy).
  "routes/candidate.questions.$question_.video": [
    {
      path: "/candidate/questions/00000000-0000-4000-8000-000000000000/video",
      get: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      post: "none",
    },
  ],
  "routes/candidate.questions.$question_.video_.upload": [
    {
      path: "/candidate/questions/00000000-0000-4000-8000-000000000000/video/upload",
      get: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      post: { form: {}, expect: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND } },
    },
  ],
  "routes/candidate.videos.$video": [
    {
      path: "/candidate/videos/00000000-0000-4000-8000-000000000000",
      get: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      post: {
        form: { intent: "publish" },
        expect: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      },
    },
  ],
  "routes/uploads.videos": [
    {
      path: "/uploads/videos",
      get: everyone(NO_ACTION),
      post: {
        form: { question: "00000000-0000-4000-8000-000000000000", size: "1000" },
        expect: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      },
    },
  ],
  // Parts are sent with PATCH; a POST is refused before anything else.
  "routes/uploads.videos.$upload": [
    {
      path: "/uploads/videos/00000000-0000-4000-8000-000000000000",
      get: { ...roleGate(["candidate"], FORBIDDEN), candidate: NOT_FOUND },
      post: "none",
    },
  ],
};

function outcomeOf(response: Response): Outcome {
  const location = response.headers.get("Location");
  if (response.status >= 300 && response.status < 400 && location) {
    const target = new URL(location, "http://app.invalid").pathname;
    return response.status === 303 ? `→${target}` : `${response.status}→${target}`;
  }
  return String(response.status);
}

describe("role matrix", () => {
  let db: Db;
  let app: App;
  let routeIds: string[];
  const cookies = {} as Record<Persona, string | undefined>;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    const build = await import(pathToFileURL(path.resolve("build/index.js")).href);
    routeIds = Object.keys(build.routes).filter((id) => id !== "root");

    const a = await createContest(db);
    const b = await createContest(db);
    await db("jurisdictions").where({ id: a.jurisdictionId }).update({ slug: SLUG_A });
    await db("jurisdictions").where({ id: b.jurisdictionId }).update({ slug: SLUG_B });
    const [candidacy] = await db("candidates")
      .insert({ contest_id: a.contestId, ballot_name: "Matrix Candidate", slug: "matrix" })
      .returning("id");

    const grants: Record<Exclude<Persona, "anonymous">, [string, string | null]> = {
      pendingMfa: ["clerk", a.jurisdictionId],
      voter: ["voter", a.jurisdictionId],
      candidate: ["candidate", a.jurisdictionId],
      moderatorA: ["moderator", a.jurisdictionId],
      moderatorB: ["moderator", b.jurisdictionId],
      clerkA: ["clerk", a.jurisdictionId],
      clerkB: ["clerk", b.jurisdictionId],
      clerkNoMfa: ["clerk", a.jurisdictionId],
      admin: ["admin", null],
    };
    for (const [persona, [role, jurisdictionId]] of Object.entries(grants)) {
      const hasMfa = role !== "voter" && persona !== "clerkNoMfa";
      const userId = await createUser(db, `matrix-${persona.toLowerCase()}@example.test`);
      await db("users")
        .where({ id: userId })
        .update({ email_verified_at: db.fn.now(), mfa_enabled_at: hasMfa ? db.fn.now() : null });
      await db("role_grants").insert({ user_id: userId, role, jurisdiction_id: jurisdictionId });
      if (persona === "candidate")
        await db("candidates").where({ id: candidacy.id }).update({ user_id: userId });
      const session = await signedIn(userId, { hasMfa, mfaPassed: persona !== "pendingMfa" });
      cookies[persona as Persona] = session.cookie;
    }
    strangerSession.id = (await signedIn(await createUser(db), { hasMfa: false })).sessionId;
    inA.contestId = a.contestId;
    inA.candidateId = candidacy.id;
    const [district] = await db("electoral_districts")
      .insert({ jurisdiction_id: a.jurisdictionId, name: { en: "Matrix District" } })
      .returning("id");
    const [party] = await db("parties")
      .insert({ jurisdiction_id: a.jurisdictionId, name: { en: "Matrix Party" } })
      .returning("id");
    const [question] = await db("questions")
      .insert({
        election_id: a.electionId,
        contest_id: a.contestId,
        body: "A question the moderators of A may see.",
      })
      .returning("id");
    Object.assign(inA, { districtId: district.id, partyId: party.id, questionId: question.id });
    const [ballotImport] = await db("ballot_imports")
      .insert({ jurisdiction_id: a.jurisdictionId, source_kind: "cli", source: "matrix.xml" })
      .returning("id");
    inA.importId = ballotImport.id;

    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  it("has an entry for every route of the build, and none for a route that is gone", () => {
    const missing = routeIds.filter((id) => !(id in MATRIX));
    expect(missing, `routes without a role-matrix entry: ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(MATRIX).filter((id) => !routeIds.includes(id));
    expect(stale, `role-matrix entries for routes that do not exist: ${stale.join(", ")}`).toEqual(
      [],
    );
  });

  it("lets anyone GET a public route", async () => {
    for (const [id, entry] of Object.entries(MATRIX)) {
      if (!("public" in entry)) continue;
      const outcome = outcomeOf(await app.request(entry.public));
      expect(outcome, `${id} (GET ${entry.public})`).not.toMatch(/^(→\/sign-in|403|5\d\d)/);
    }
  });

  // Every route × every persona × GET and POST: hundreds of requests, so more than the default
  // time on our shared two cores.
  it(
    "gives every persona exactly its answer on every guarded route",
    { timeout: 180_000 },
    async () => {
      const rows: string[][] = [];
      const mismatches: string[] = [];
      for (const [id, entry] of Object.entries(MATRIX)) {
        if ("public" in entry) continue;
        for (const probe of entry) {
          const post =
            probe.post === "none" ? { form: {}, expect: everyone(NO_ACTION) } : probe.post;
          for (const [method, expected, form] of [
            ["GET", probe.get, undefined],
            ["POST", post.expect, post.form],
          ] as const) {
            const row = [`${method} ${probe.path}`];
            for (const persona of PERSONAS) {
              const response = await app.request(probe.path, {
                cookie: cookies[persona],
                form: form && { ...form },
              });
              await response.body?.cancel();
              const actual = outcomeOf(response);
              row.push(actual === expected[persona] ? actual : `${actual}≠${expected[persona]}`);
              if (actual !== expected[persona])
                mismatches.push(
                  `${id}: ${method} ${probe.path} as ${persona} gave ${actual}, expected ${expected[persona]}`,
                );
            }
            rows.push(row);
          }
        }
      }
      const header = ["", ...PERSONAS];
      const widths = header.map((_, i) =>
        Math.max(...[header, ...rows].map((row) => row[i]!.length)),
      );
      const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
      console.log(["role matrix:", line(header), ...rows.map(line)].join("\n"));
      expect(mismatches, `the app's log:\n${app.output().slice(-3000)}`).toEqual([]);
    },
  );
});
