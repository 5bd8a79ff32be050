/** /version: superkube answers as Kubernetes 1.33 (shared/DESIGN.md, "Which Kubernetes"). */

import type { ApiResponse } from '../http.ts';
import { objectResponse } from '../respond.ts';

/** The version document; gitVersion carries our own name so nobody mistakes us for kube-apiserver. */
export const VERSION_INFO = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-superkube',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** GET /version. */
export function versionResponse(): ApiResponse {
  return objectResponse(200, VERSION_INFO);
}
