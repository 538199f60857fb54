/**
 * Largest request body the app reads: next.config.js sets Next's proxy to
 * buffer exactly this much (tests/dashboard/http-edge.test.ts holds the
 * two equal). Next cuts a longer body silently, so a body that reaches this
 * size is taken as cut and refused as too large, never parsed.
 */
export const REQUEST_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
