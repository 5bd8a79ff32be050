/**
 * The one error type the protobuf codec throws for bad input. Its message is safe to show to the client
 * (it never quotes secret values) and reads like upstream's decoder text, so the caller can wrap it into a
 * 400 BadRequest Status such as `Namespace in version "v1" cannot be handled as a Namespace: <message>`.
 */
export class ProtobufDecodeError extends Error {
  override name = 'ProtobufDecodeError';
}
