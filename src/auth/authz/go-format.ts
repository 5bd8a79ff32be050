/** Go value printing for authorization messages: one implementation, in util. */
export { aggregateError, aggregateMessage, goQuote, goQuoteList } from '../../util/go-format.ts';
