/** Go value printing for validation details: one implementation, in util. */
export { goQuote, goStringSlice, goTimeString } from '../util/go-format.ts';
