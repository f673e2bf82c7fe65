import { useNonce } from "~/components/nonce";

/**
 * The one script voter pages load, and only pages with questions or video answers on them:
 * /enhance.js (a small static module, no framework) keeps `[data-vote-count]` live from the
 * contest's event stream (when given a contest), makes vote buttons optimistic, counts
 * characters as a question is typed and reports video answers watched to 90 %. Everything it
 * does but the last, the plain forms do without it; the last is only a statistic.
 */
export function LiveUpdates({ contestId }: { contestId?: string }) {
  const nonce = useNonce();
  return <script type="module" src="/enhance.js" nonce={nonce} data-live-contest={contestId} />;
}
