/** The `report_reason` enum, in the order the report form offers it (shared by page and server). */
export const REPORT_REASONS = [
  "spam",
  "harassment",
  "personal_information",
  "off_topic",
  "misinformation",
  "other",
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_DETAILS_MAX = 2000;
