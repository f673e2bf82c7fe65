// `npm run bench`: the benchmark suite arrives with the benchmarks issue (pages, votes, duplicate
// search, queue, transcoding, upload, import — each against a baseline measured in the same run).
// Until then this says so plainly instead of printing numbers that mean nothing.
console.log(
  "civicq bench: not implemented yet — the benchmark suite is planned (see docs/decisions/001-foundation.md); no measurements were taken.",
);
