const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a caller's value can be one of our row ids. Checked before it reaches a query: PostgreSQL refuses a
 * malformed uuid with an error, which would otherwise surface as a 500 instead of a 400 or a 404.
 */
export const isUuid = (value: string) => UUID.test(value);
