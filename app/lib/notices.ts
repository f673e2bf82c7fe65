import type { MessageKey } from "./i18n";

/**
 * One-line outcomes of the voter's plain-form actions (vote, follow, report), carried back to
 * the page they came from as `?notice=<name>` and shown by <ActionNotice />: no session state,
 * and nothing but a known name is ever rendered.
 */
export const NOTICES = {
  reported: "report.notice.thanks",
  alreadyReported: "report.notice.already",
  followed: "follow.notice.followed",
  unfollowed: "follow.notice.unfollowed",
  voteRefused: "vote.notice.refused",
  verifyToVote: "vote.notice.unverified",
  edited: "civic.notice.edited",
  editPending: "civic.notice.editPending",
  itemFollowed: "civic.notice.followed",
  itemUnfollowed: "civic.notice.unfollowed",
} as const satisfies Record<string, MessageKey>;
export type Notice = keyof typeof NOTICES;

export function noticeMessage(name: string | null): MessageKey | undefined {
  return name && Object.hasOwn(NOTICES, name) ? NOTICES[name as Notice] : undefined;
}

/** `path` (a same-site path, perhaps with a #fragment) with `notice` set in its query. */
export function withNotice(path: string, notice: Notice): string {
  const url = new URL(path, "http://local");
  url.searchParams.set("notice", notice);
  return url.pathname + url.search + url.hash;
}
