/**
 * The sizes the benchmark runs at. "large" is the election-night scale; "small" is for
 * development (under 10 minutes on a 2-core machine); "tiny" is the harness's own smoke test
 * (seconds), where the figures mean nothing but every measurement still runs end to end.
 */
export type ScaleName = "tiny" | "small" | "large";

export type Scale = {
  name: ScaleName;
  contests: number;
  candidates: number;
  questions: number;
  votes: number;
  /** accounts the bulk votes come from (each votes at most once per question) */
  bulkVoters: number;
  /** seconds of each wrk run */
  loadSeconds: number;
  connections: number[];
  /** voters of the HTTP vote run; each votes once on each of the 10 hot questions */
  httpVoters: number;
  /** the HTTP vote run stops starting votes after this long (the count check stays exact) */
  voteSeconds: number;
  duplicateQueries: number;
  queueJobs: number;
  emailJobs: number;
  clip: { seconds: number; width: number; height: number };
  uploadBytes: number;
  feedBytes: number;
};

const MB = 1024 ** 2;

export const SCALES: Record<ScaleName, Scale> = {
  tiny: {
    name: "tiny",
    contests: 3,
    candidates: 6,
    questions: 300,
    votes: 2_000,
    bulkVoters: 20,
    loadSeconds: 1,
    connections: [10],
    httpVoters: 20,
    voteSeconds: 10,
    duplicateQueries: 10,
    queueJobs: 100,
    emailJobs: 10,
    clip: { seconds: 1, width: 320, height: 240 },
    uploadBytes: 8 * MB,
    feedBytes: 1 * MB,
  },
  small: {
    name: "small",
    contests: 20,
    candidates: 100,
    questions: 50_000,
    votes: 500_000,
    bulkVoters: 2_000,
    loadSeconds: 3,
    connections: [10, 100],
    httpVoters: 1_000,
    voteSeconds: 30,
    duplicateQueries: 100,
    queueJobs: 2_000,
    emailJobs: 200,
    clip: { seconds: 10, width: 1920, height: 1080 },
    uploadBytes: 256 * MB,
    feedBytes: 20 * MB,
  },
  large: {
    name: "large",
    contests: 200,
    candidates: 1_000,
    questions: 1_000_000,
    votes: 10_000_000,
    bulkVoters: 20_000,
    loadSeconds: 10,
    connections: [10, 100],
    httpVoters: 1_000,
    voteSeconds: 60,
    duplicateQueries: 200,
    queueJobs: 10_000,
    emailJobs: 500,
    clip: { seconds: 60, width: 1920, height: 1080 },
    uploadBytes: 1024 * MB,
    feedBytes: 200 * MB,
  },
};
