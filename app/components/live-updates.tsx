import { useNonce } from "~/components/nonce";

/**
 * The one script voter pages load, and only pages with questions on them: /enhance.js (a small
 * static module, no framework) keeps `[data-vote-count]` live from the contest's event stream,
 * makes vote buttons optimistic and counts characters as a question is typed. Everything it
 * does, the plain forms do without it.
 */
export function LiveUpdates({ contestId }: { contestId: string }) {
  const nonce = useNonce();
  return <script type="module" src="/enhance.js" nonce={nonce} data-live-contest={contestId} />;
}
