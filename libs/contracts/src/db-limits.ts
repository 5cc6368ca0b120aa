/**
 * The largest value of a Postgres `integer` (int4) column. Every integer a request may carry into
 * such a column (a page offset, a seq, a chapter or version number) is bounded by it, so a larger
 * one is a 400 naming the field, not a 500 from the database; the OpenAPI check of every
 * operation (`unboundedRequestIntegers` in the platform) keeps it so.
 */
export const INT4_MAX = 2_147_483_647;
export const INT4_MIN = -2_147_483_648;
