import type { Db, DbOrTransaction } from "~/lib/db.server";

/**
 * The representative ranking, the default "top" order of a contest's questions. The formula
 * and its reasons are in docs/ranking.md; in short: near-duplicates count as one question with
 * their combined supporters, support decays with the age of each supporter's vote, no voter
 * group and no topic tag takes more than a few of each ten places, and some of each ten places
 * go to the questions supported across the most voter groups.
 *
 * The worker computes it (rankContest, every few minutes) and stores each question's place on
 * its row; the contest page only reads `rank_position` from an index.
 */
export const RANKING = {
  /** cosine similarity from which a question joins the cluster of its nearest neighbour */
  clusterMinSimilarity: 0.75,
  /** a vote loses half its weight every this many days */
  halfLifeDays: 7,
  /** places are filled in blocks of this many (one page shows two blocks) */
  block: 10,
  /** places of each block (1-based) kept for broadly supported questions */
  reservedSlots: [3, 6, 9],
  /** at most this many places of a block for one dominant voter group, or for one tag */
  capPerBlock: 3,
  /** a question counts as broadly supported with supporters in at least this many groups */
  minGroupsForBroad: 3,
  /** voters whose voted clusters overlap this much (Jaccard) vote alike: one group */
  voterGroupMinOverlap: 0.5,
} as const;

const DAY_MS = 86_400_000;

/** One vote to count: who supported which question, when. */
export type CountedVote = { questionId: string; voterId: string; castAt: Date };

/** Per cluster: each distinct supporter's weight (1 for a vote cast now, halving per half-life). */
export type ClusterSupport = Map<string, Map<string, number>>;

/**
 * THE support count: every ranking number comes from the votes passed here, so choosing which
 * votes count (all, or only some voters') is a filter on this function's input. A voter counts
 * once per cluster, however many of its near-duplicates they upvoted, at the weight of their
 * most recent vote in it.
 */
export function countSupport(
  votes: Iterable<CountedVote>,
  clusterOf: ReadonlyMap<string, string>,
  now: Date,
): ClusterSupport {
  const support: ClusterSupport = new Map();
  for (const vote of votes) {
    const cluster = clusterOf.get(vote.questionId);
    if (!cluster) continue;
    const ageDays = Math.max(0, now.getTime() - vote.castAt.getTime()) / DAY_MS;
    const weight = 0.5 ** (ageDays / RANKING.halfLifeDays);
    let voters = support.get(cluster);
    if (!voters) support.set(cluster, (voters = new Map()));
    voters.set(vote.voterId, Math.max(voters.get(vote.voterId) ?? 0, weight));
  }
  return support;
}

/**
 * Voters who vote alike, grouped: each voter (most votes first) joins the first group whose
 * first member's set of supported clusters overlaps theirs by at least voterGroupMinOverlap
 * (Jaccard), or starts a group. Only groups sharing a cluster with the voter are compared.
 */
export function groupVoters(support: ClusterSupport): Map<string, number> {
  const clustersOf = new Map<string, Set<string>>();
  for (const [cluster, voters] of support)
    for (const voter of voters.keys()) {
      let set = clustersOf.get(voter);
      if (!set) clustersOf.set(voter, (set = new Set()));
      set.add(cluster);
    }
  const voters = [...clustersOf.keys()].sort(
    (a, b) => clustersOf.get(b)!.size - clustersOf.get(a)!.size || (a < b ? -1 : 1),
  );
  const leaders: Array<Set<string>> = [];
  const leadersByCluster = new Map<string, number[]>();
  const groupOf = new Map<string, number>();
  for (const voter of voters) {
    const mine = clustersOf.get(voter)!;
    const candidates = new Set<number>();
    for (const cluster of mine)
      for (const g of leadersByCluster.get(cluster) ?? []) candidates.add(g);
    let group = [...candidates]
      .sort((a, b) => a - b)
      .find((g) => {
        const leader = leaders[g]!;
        let shared = 0;
        for (const cluster of mine) if (leader.has(cluster)) shared++;
        return shared / (mine.size + leader.size - shared) >= RANKING.voterGroupMinOverlap;
      });
    if (group === undefined) {
      group = leaders.push(mine) - 1;
      for (const cluster of mine) {
        const list = leadersByCluster.get(cluster) ?? [];
        list.push(group);
        leadersByCluster.set(cluster, list);
      }
    }
    groupOf.set(voter, group);
  }
  return groupOf;
}

/** A cluster as the ranking sees it, through its representative question. */
export type RankCandidate = {
  clusterId: string;
  representativeId: string;
  publishedAt: number;
  tags: readonly string[];
};

export type RankedCluster = RankCandidate & {
  /** decayed support: Σ supporters' weights */
  support: number;
  /** distinct supporters, undecayed (what the page shows) */
  supporters: number;
  groups: number;
  /** group-dampened support: Σ over voter groups of log2(1 + the group's weight) */
  breadth: number;
  /** the group holding more than half the support, if one does */
  dominantGroup: number | null;
};

/** The clusters' numbers from the counted support and the voter groups. */
export function scoreClusters(
  candidates: readonly RankCandidate[],
  support: ClusterSupport,
  groupOf: ReadonlyMap<string, number>,
): RankedCluster[] {
  return candidates.map((candidate) => {
    const voters = support.get(candidate.clusterId) ?? new Map<string, number>();
    const byGroup = new Map<number, number>();
    let total = 0;
    for (const [voter, weight] of voters) {
      total += weight;
      const group = groupOf.get(voter)!;
      byGroup.set(group, (byGroup.get(group) ?? 0) + weight);
    }
    let dominantGroup: number | null = null;
    let breadth = 0;
    for (const [group, weight] of byGroup) {
      breadth += Math.log2(1 + weight);
      if (weight > total / 2) dominantGroup = group;
    }
    return {
      ...candidate,
      support: total,
      supporters: voters.size,
      groups: byGroup.size,
      breadth,
      dominantGroup,
    };
  });
}

const byNewestThenId = (a: RankCandidate, b: RankCandidate) =>
  b.publishedAt - a.publishedAt || (a.representativeId < b.representativeId ? -1 : 1);

/**
 * The order: places filled one by one in blocks of `block`. A reserved place takes the
 * broadest question (most breadth, with supporters in ≥ minGroupsForBroad groups); any other
 * place the most supported. Either way a question whose dominant group or one of whose tags
 * already has capPerBlock places in this block waits for the next block — unless every
 * remaining question is capped, so the list always holds every question.
 */
export function orderClusters(clusters: readonly RankedCluster[]): RankedCluster[] {
  const bySupport = [...clusters].sort((a, b) => b.support - a.support || byNewestThenId(a, b));
  const byBreadth = clusters
    .filter((cluster) => cluster.groups >= RANKING.minGroupsForBroad)
    .sort((a, b) => b.breadth - a.breadth || b.support - a.support || byNewestThenId(a, b));
  const placed = new Set<string>();
  const ordered: RankedCluster[] = [];
  let groupPlaces = new Map<number, number>();
  let tagPlaces = new Map<string, number>();
  const fits = (cluster: RankedCluster) =>
    !placed.has(cluster.clusterId) &&
    (cluster.dominantGroup === null ||
      (groupPlaces.get(cluster.dominantGroup) ?? 0) < RANKING.capPerBlock) &&
    cluster.tags.every((tag) => (tagPlaces.get(tag) ?? 0) < RANKING.capPerBlock);
  while (ordered.length < clusters.length) {
    const slot = (ordered.length % RANKING.block) + 1;
    if (slot === 1) {
      groupPlaces = new Map();
      tagPlaces = new Map();
    }
    const reserved = (RANKING.reservedSlots as readonly number[]).includes(slot);
    const next =
      (reserved ? byBreadth.find(fits) : undefined) ??
      bySupport.find(fits) ??
      bySupport.find((cluster) => !placed.has(cluster.clusterId))!;
    placed.add(next.clusterId);
    ordered.push(next);
    if (next.dominantGroup !== null)
      groupPlaces.set(next.dominantGroup, (groupPlaces.get(next.dominantGroup) ?? 0) + 1);
    for (const tag of next.tags) tagPlaces.set(tag, (tagPlaces.get(tag) ?? 0) + 1);
  }
  return ordered;
}

type QuestionRow = {
  id: string;
  cluster_id: string | null;
  vote_count: number;
  published_at: Date | null;
  created_at: Date;
  tags: string[];
};

/**
 * Puts each published question of the contest that has an embedding but no cluster into the
 * cluster of its nearest clustered neighbour when that one is similar enough, else into a new
 * cluster of its own; oldest first, so a cluster is named after its first question. A question
 * keeps its cluster until its text is edited.
 */
export async function assignClusters(db: DbOrTransaction, contestId: string): Promise<number> {
  const pending = await db("questions")
    .where({ contest_id: contestId, status: "published" })
    .whereNull("cluster_id")
    .whereNotNull("embedding")
    .orderBy([{ column: "created_at" }, { column: "id" }])
    .select<Array<{ id: string }>>("id");
  for (const { id } of pending) {
    const nearest = await db("questions as q")
      .where({ "q.contest_id": contestId, "q.status": "published" })
      .whereNotNull("q.cluster_id")
      .whereNot("q.id", id)
      .orderByRaw("q.embedding <=> (select embedding from questions where id = ?)", [id])
      .first<{ cluster_id: string; similarity: number } | undefined>(
        "q.cluster_id",
        db.raw(
          "1 - (q.embedding <=> (select embedding from questions where id = ?)) as similarity",
          [id],
        ),
      );
    const cluster =
      nearest && nearest.similarity >= RANKING.clusterMinSimilarity ? nearest.cluster_id : id;
    await db("questions").where({ id }).update({ cluster_id: cluster });
  }
  return pending.length;
}

/**
 * The votes the ranking counts for a contest: every vote on its published questions, or only
 * verified constituents' when the clerk chose that electorate for the election. (A vote whose
 * voter deleted their account still counts, as a voter of its own, under "all".)
 */
export async function contestVotes(db: DbOrTransaction, contestId: string): Promise<CountedVote[]> {
  const rows = await db("question_votes as v")
    .join("questions as q", "q.id", "v.question_id")
    .join("contests as c", "c.id", "q.contest_id")
    .join("elections as e", "e.id", "c.election_id")
    .where({ "q.contest_id": contestId, "q.status": "published" })
    // The clerk's electorate (vote-counting.server.ts): with "verified", only votes of the
    // jurisdiction's verified constituents count towards the ranking too.
    .where((counted) =>
      counted
        .where("e.ranking_electorate", "all")
        .orWhereExists((verified) =>
          verified
            .select(db.raw("1"))
            .from("constituent_verifications as cv")
            .whereRaw("cv.user_id = v.user_id and cv.jurisdiction_id = e.jurisdiction_id"),
        ),
    )
    .select<Array<{ question_id: string; voter: string; created_at: Date }>>(
      "v.question_id",
      db.raw("coalesce(v.user_id::text, 'vote:' || v.id) as voter"),
      "v.created_at",
    );
  return rows.map((row) => ({
    questionId: row.question_id,
    voterId: row.voter,
    castAt: row.created_at,
  }));
}

/**
 * Ranks one contest and stores the result on its published questions: representatives get
 * their place and their cluster's supporters and size; other members point to their
 * representative (the member with the most votes, then the earliest published). Rows whose
 * values did not change are not written. Returns the clusters in order.
 */
export async function rankContest(
  db: DbOrTransaction,
  contestId: string,
  now: Date = new Date(),
): Promise<RankedCluster[]> {
  await assignClusters(db, contestId);
  const questions = await db("questions as q")
    .where({ "q.contest_id": contestId, "q.status": "published" })
    .select<QuestionRow[]>(
      "q.id",
      "q.cluster_id",
      "q.vote_count",
      "q.published_at",
      "q.created_at",
      db.raw(`array(select t.slug from question_tags qt join topic_tags t on t.id = qt.tag_id
        where qt.question_id = q.id order by t.slug) as tags`),
    );
  const clusterOf = new Map(questions.map((q) => [q.id, q.cluster_id ?? q.id]));
  const members = new Map<string, QuestionRow[]>();
  for (const question of questions) {
    const cluster = clusterOf.get(question.id)!;
    members.set(cluster, [...(members.get(cluster) ?? []), question]);
  }
  const publishedAt = (q: QuestionRow) => (q.published_at ?? q.created_at).getTime();
  const candidates: RankCandidate[] = [...members].map(([clusterId, rows]) => {
    const representative = [...rows].sort(
      (a, b) =>
        b.vote_count - a.vote_count || publishedAt(a) - publishedAt(b) || (a.id < b.id ? -1 : 1),
    )[0]!;
    return {
      clusterId,
      representativeId: representative.id,
      publishedAt: publishedAt(representative),
      tags: representative.tags,
    };
  });
  const support = countSupport(await contestVotes(db, contestId), clusterOf, now);
  const ordered = orderClusters(scoreClusters(candidates, support, groupVoters(support)));

  const place = new Map(ordered.map((cluster, index) => [cluster.clusterId, { cluster, index }]));
  const updates = questions.map((question) => {
    const { cluster, index } = place.get(clusterOf.get(question.id)!)!;
    const representative = cluster.representativeId === question.id;
    return {
      id: question.id,
      representedBy: representative ? null : cluster.representativeId,
      position: representative ? index + 1 : null,
      support: representative ? cluster.supporters : null,
      size: representative ? members.get(cluster.clusterId)!.length : null,
    };
  });
  if (updates.length > 0)
    await db.raw(
      `update questions q set represented_by = r.represented_by, rank_position = r.rank_position,
         cluster_support = r.cluster_support, cluster_size = r.cluster_size
       from unnest(?::uuid[], ?::uuid[], ?::int[], ?::int[], ?::int[])
         as r(id, represented_by, rank_position, cluster_support, cluster_size)
       where q.id = r.id and (q.represented_by, q.rank_position, q.cluster_support, q.cluster_size)
         is distinct from (r.represented_by, r.rank_position, r.cluster_support, r.cluster_size)`,
      [
        updates.map((u) => u.id),
        // nulls inside the arrays are what unnest should return: knex's types do not say so
        updates.map((u) => u.representedBy) as string[],
        updates.map((u) => u.position) as number[],
        updates.map((u) => u.support) as number[],
        updates.map((u) => u.size) as number[],
      ],
    );
  return ordered;
}

/**
 * The worker's refresh: every contest of an election voters can see (not a draft, not archived)
 * is ranked again, so the decay moves questions along even when nobody votes. Each contest in
 * its own transaction that gives up on a row lock after 2 s: ranking waits for nobody (a vote,
 * an edit, a moderator); the next run, two minutes later, catches up. Returns the contests
 * ranked and those skipped.
 */
export async function refreshRankings(
  db: Db,
  now: Date = new Date(),
): Promise<{ ranked: number; skipped: number }> {
  const contests = await db("contests as c")
    .join("elections as e", "e.id", "c.election_id")
    .whereNotIn("e.status", ["draft", "archived"])
    .select<Array<{ id: string }>>("c.id");
  let skipped = 0;
  for (const contest of contests) {
    try {
      await db.transaction(async (trx) => {
        await trx.raw("set local lock_timeout = '2s'");
        await rankContest(trx, contest.id, now);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
      skipped++;
    }
  }
  return { ranked: contests.length - skipped, skipped };
}

/** PostgreSQL's error code when lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = "55P03";
