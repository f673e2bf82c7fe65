/**
 * The answer rules an election starts with (the database's column defaults), shared by the
 * console's form and its validation so an empty field and a new election agree.
 */
export const ANSWER_RULE_DEFAULTS = { maxWords: 400, maxVideoMinutes: 3 };
