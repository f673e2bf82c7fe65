const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a URL segment can be a row id: anything else is "not found" before it reaches SQL (where it would be an error). */
export const isUuid = (value: string | undefined): value is string =>
  value !== undefined && UUID.test(value);
