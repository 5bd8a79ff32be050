/** Go value printing for validation details: one implementation, in util. */
export { goQuote, goStringSlice } from '../util/go-format.ts';
