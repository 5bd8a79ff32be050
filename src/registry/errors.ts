/** The one place where storage failures become API Status errors. */
import {
  alreadyExists,
  conflict,
  type GroupResource,
  gone,
  internalError,
  notFound,
  OBJECT_MODIFIED,
  StatusError,
  serviceUnavailable,
} from '../api/status.ts';
import { StorageError } from '../storage/errors.ts';

/** Maps any error from storage to the StatusError a client should see; StatusErrors pass through unchanged. */
export function toStatusError(err: unknown, gr: GroupResource, name: string): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof StorageError) {
    switch (err.code) {
      case 'KeyNotFound':
        return notFound(gr, name);
      case 'KeyExists':
        return alreadyExists(gr, name);
      case 'Conflict':
        return conflict(gr, name, OBJECT_MODIFIED);
      case 'Compacted':
        return gone(err.message);
      case 'Unavailable':
        return serviceUnavailable(`storage is unavailable: ${err.message}`);
      case 'InvalidArgument':
        return internalError(err.message);
    }
  }
  return internalError(err instanceof Error ? err.message : String(err));
}
