/**
 * The addresses of the voter's pages, built in one place: /elections/<jurisdiction>/<election>,
 * then /<contest>, then /candidates/<candidate>; questions live at /questions/<id>.
 */
export type ElectionSlugs = { jurisdiction: string; election: string };

export const electionPath = ({ jurisdiction, election }: ElectionSlugs) =>
  `/elections/${encodeURIComponent(jurisdiction)}/${encodeURIComponent(election)}`;

export const contestPath = (slugs: ElectionSlugs, contest: string) =>
  `${electionPath(slugs)}/${encodeURIComponent(contest)}`;

export const candidatePath = (slugs: ElectionSlugs, contest: string, candidate: string) =>
  `${contestPath(slugs, contest)}/candidates/${encodeURIComponent(candidate)}`;

/** The election's public moderation ledger (not under /elections: a contest slug could clash). */
export const ledgerPath = ({ jurisdiction, election }: ElectionSlugs) =>
  `/moderation-ledger/${encodeURIComponent(jurisdiction)}/${encodeURIComponent(election)}`;

export const questionPath = (id: string) => `/questions/${encodeURIComponent(id)}`;

/** The page's own path and query, for a form to come back to after posting. */
export function pathOf(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

/** The embeddable cards (app/routes/embed.*): the only pages other sites may frame. */
export const embedContestPath = ({ jurisdiction, election }: ElectionSlugs, contest: string) =>
  `/embed/${[jurisdiction, election, contest].map(encodeURIComponent).join("/")}`;

export const embedQuestionPath = (id: string) => `/embed/questions/${encodeURIComponent(id)}`;
