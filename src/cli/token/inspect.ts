/**
 * `superkube token inspect [TOKEN | -]`: decode a token, optionally verify its signature offline (--key-file,
 * --jwks), ask the server what it thinks of it (TokenReview) and what it may do (SelfSubjectRulesReview made with
 * the token itself), and print all of it for people or as one JSON document.
 *
 * Exit codes: 0 valid, 1 invalid, 2 usage error or malformed input.
 */
import { readFileSync } from 'node:fs';
import type { Clock } from '../../util/clock.ts';
import { decodeToken, MalformedTokenError, normaliseInput } from './decode.ts';
import {
  type ClusterAccess,
  httpsRequest,
  KubeconfigError,
  loadClusterAccess,
  locateKubeconfig,
  statusMessage,
} from './kube-client.ts';
import { renderText, useColor } from './render.ts';
import {
  buildOfflineReport,
  finishReport,
  type InspectReport,
  type ReviewResult,
  type ServerReport,
} from './report.ts';
import { formatRulesTable, type RulesReviewStatus } from './rules-table.ts';
import { checkSignature, type KeySource, keysFromJwks, keysFromPem } from './verify.ts';

/** Parsed flags of `token inspect`. */
export interface InspectOptions {
  /** The token argument; undefined or `-` reads stdin. */
  token?: string;
  keyFile: string[];
  jwks?: string;
  certificateAuthority?: string;
  kubeconfig?: string;
  context?: string;
  namespace: string;
  audience: string[];
  offline: boolean;
  output: 'text' | 'json';
}

/** The process around the command, injectable for tests. */
export interface InspectIO {
  readStdin(): Promise<string>;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  writeOut(text: string): void;
  writeErr(text: string): void;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Local UTC offset (minutes east) at an instant; defaults to this machine's. */
  offsetMinutes?: (unixSeconds: number) => number;
}

/** A usage problem: reported on stderr in one line, exit code 2. */
class UsageError extends Error {}

const PREFIX = 'superkube token inspect';

/** Runs the command and returns its exit code. Never throws for bad input. */
export async function runInspect(options: InspectOptions, io: InspectIO): Promise<number> {
  try {
    const report = await inspect(options, io);
    if (report.server && !report.server.review && report.server.reviewError) {
      // The verdict fell back to the offline checks: say so where scripts reading stdout (-o json) still see it.
      io.writeErr(`${PREFIX}: warning: ${report.server.reviewError}; the verdict is offline\n`);
    }
    if (options.output === 'json') io.writeOut(`${JSON.stringify(report, null, 2)}\n`);
    else io.writeOut(renderText(report, { color: useColor(io.stdoutIsTTY, io.env) }));
    return report.valid ? 0 : 1;
  } catch (err) {
    if (err instanceof MalformedTokenError || err instanceof UsageError || err instanceof KubeconfigError) {
      io.writeErr(`${PREFIX}: ${err.message}\n`);
      return 2;
    }
    io.writeErr(`${PREFIX}: unexpected error: ${(err as Error).message ?? String(err)}\n`);
    return 2;
  }
}

async function readToken(options: InspectOptions, io: InspectIO): Promise<string> {
  if (options.token !== undefined && options.token !== '-') return normaliseInput(options.token);
  if (options.token === undefined && io.stdinIsTTY) {
    throw new UsageError('no token given: pass TOKEN as an argument, or "-" and the token on stdin');
  }
  return normaliseInput(await io.readStdin());
}

async function inspect(options: InspectOptions, io: InspectIO): Promise<InspectReport> {
  if (options.output !== 'text' && options.output !== 'json') {
    throw new UsageError(`unsupported output format ${JSON.stringify(options.output)} (use text or json)`);
  }
  const token = await readToken(options, io);
  const decoded = decodeToken(token);
  const nowSeconds = Math.floor(io.clock.now().getTime() / 1000);

  // --offline skips the API server only: a --jwks URL is still fetched (with --certificate-authority).
  // Locate the kubeconfig before fetching anything: a broken explicit one is a usage error either way.
  const location = options.offline ? undefined : locateKubeconfig(options.kubeconfig, io.env);
  const access = location ? loadClusterAccess(location.path, options.context) : undefined;

  const keySources = await loadKeys(options, access);
  const report = buildOfflineReport(token, decoded, { nowSeconds, offsetMinutes: io.offsetMinutes });

  if (keySources.length > 0) {
    if (decoded.kind === 'jwt') {
      const results = keySources.map((s) => checkSignature(decoded, s));
      report.signature = results.find((r) => r.valid) ?? results[results.length - 1];
    } else {
      report.notes.push('a static token has no signature; --key-file/--jwks do not apply');
    }
  }

  if (options.offline) {
    report.notes.push('--offline: the server was not asked');
  } else if (!access) {
    report.notes.push(
      'no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.superkube/kubeconfig): the server was not asked',
    );
  } else {
    report.server = await askServer(token, access, options);
    if (!report.server.review) report.notes.push('the server gave no verdict; the verdict is offline');
  }
  return finishReport(report);
}

async function loadKeys(options: InspectOptions, access: ClusterAccess | undefined): Promise<KeySource[]> {
  const sources: KeySource[] = [];
  for (const file of options.keyFile) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      throw new UsageError(`--key-file ${file}: ${(err as Error).message}`);
    }
    try {
      sources.push(keysFromPem(data, file));
    } catch (err) {
      throw new UsageError(`--key-file ${file}: ${(err as Error).message}`);
    }
  }
  if (options.jwks) sources.push(await loadJwks(options.jwks, options, access));
  return sources;
}

async function loadJwks(jwks: string, options: InspectOptions, access: ClusterAccess | undefined): Promise<KeySource> {
  let text: string;
  if (/^https:\/\//i.test(jwks)) {
    let ca: Buffer | undefined;
    if (options.certificateAuthority) {
      try {
        ca = readFileSync(options.certificateAuthority);
      } catch (err) {
        throw new UsageError(`--certificate-authority ${options.certificateAuthority}: ${(err as Error).message}`);
      }
    } else {
      ca = access?.ca;
    }
    // The API server serves its JWKS to authenticated clients only (by default to service accounts and admins):
    // send the kubeconfig's credentials, but only to that same server.
    const sameServer = access !== undefined && new URL(jwks).origin === new URL(access.server).origin;
    let result: Awaited<ReturnType<typeof httpsRequest>>;
    try {
      result = await httpsRequest({
        method: 'GET',
        url: jwks,
        ca,
        token: sameServer ? access.token : undefined,
        clientCert: sameServer ? access.clientCert : undefined,
        clientKey: sameServer ? access.clientKey : undefined,
      });
    } catch (err) {
      throw new UsageError(`--jwks ${jwks}: ${(err as Error).message}`);
    }
    if (result.status !== 200) throw new UsageError(`--jwks ${jwks}: ${statusMessage(result)}`);
    text = result.body;
  } else if (/^http:\/\//i.test(jwks)) {
    throw new UsageError(`--jwks ${jwks}: only https URLs (or files) are supported`);
  } else {
    try {
      text = readFileSync(jwks, 'utf8');
    } catch (err) {
      throw new UsageError(`--jwks ${jwks}: ${(err as Error).message}`);
    }
  }
  try {
    return keysFromJwks(text, jwks);
  } catch (err) {
    throw new UsageError(`--jwks ${(err as Error).message}`);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function reviewFromTokenReview(body: Record<string, unknown>): ReviewResult {
  const status = (body.status ?? {}) as Record<string, unknown>;
  const review: ReviewResult = { via: 'TokenReview', authenticated: status.authenticated === true };
  const user = status.user as ReviewResult['user'];
  if (user && Object.keys(user).length > 0) review.user = user;
  if (Array.isArray(status.audiences)) review.audiences = status.audiences as string[];
  if (typeof status.error === 'string' && status.error !== '') review.error = status.error;
  return review;
}

/** TokenReview with the kubeconfig's credentials, falling back to a SelfSubjectReview made with the token. */
async function askServer(token: string, access: ClusterAccess, options: InspectOptions): Promise<ServerReport> {
  const server: ServerReport = { url: access.server, kubeconfig: access.kubeconfig, context: access.context };
  const spec: Record<string, unknown> = { token };
  if (options.audience.length > 0) spec.audiences = options.audience;
  const tls = { ca: access.ca };
  try {
    const result = await httpsRequest({
      ...tls,
      method: 'POST',
      url: `${access.server}/apis/authentication.k8s.io/v1/tokenreviews`,
      token: access.token,
      clientCert: access.clientCert,
      clientKey: access.clientKey,
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }),
    });
    const body = parseJson(result.body);
    if ((result.status === 200 || result.status === 201) && body) {
      server.review = reviewFromTokenReview(body);
    } else {
      server.reviewError = `TokenReview failed: ${statusMessage(result)}`;
    }
  } catch (err) {
    server.reviewError = `cannot reach ${access.server}: ${(err as Error).message}`;
    return server;
  }

  if (!server.review) {
    // Without the right to create TokenReviews, the token can still speak for itself.
    try {
      const result = await httpsRequest({
        ...tls,
        method: 'POST',
        url: `${access.server}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
        token,
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      });
      const body = parseJson(result.body);
      if ((result.status === 200 || result.status === 201) && body) {
        const status = (body.status ?? {}) as { userInfo?: ReviewResult['user'] };
        server.review = { via: 'SelfSubjectReview', authenticated: true, user: status.userInfo };
        if (status.userInfo?.username === 'system:anonymous') {
          server.review = {
            via: 'SelfSubjectReview',
            authenticated: false,
            error: 'the server treats the request as anonymous',
          };
        }
      } else if (result.status === 401) {
        server.review = {
          via: 'SelfSubjectReview',
          authenticated: false,
          error: 'Unauthorized (the server gives no reason to the token itself; a TokenReview would)',
        };
      } else {
        server.reviewError += `; SelfSubjectReview failed: ${statusMessage(result)}`;
      }
    } catch (err) {
      server.reviewError += `; SelfSubjectReview failed: ${(err as Error).message}`;
    }
  }

  if (server.review?.authenticated) {
    try {
      const result = await httpsRequest({
        ...tls,
        method: 'POST',
        url: `${access.server}/apis/authorization.k8s.io/v1/selfsubjectrulesreviews`,
        token,
        body: JSON.stringify({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectRulesReview',
          spec: { namespace: options.namespace },
        }),
      });
      const body = parseJson(result.body);
      if ((result.status === 200 || result.status === 201) && body) {
        const status = (body.status ?? {}) as RulesReviewStatus;
        server.rules = { namespace: options.namespace, status, table: formatRulesTable(status) };
      } else {
        server.rulesError = `SelfSubjectRulesReview failed: ${statusMessage(result)}`;
      }
    } catch (err) {
      server.rulesError = `SelfSubjectRulesReview failed: ${(err as Error).message}`;
    }
  }
  return server;
}
