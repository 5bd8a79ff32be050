/**
 * The composition root: reads the data directory, opens storage, builds the stores, authentication, authorization,
 * controllers and the filter chain, and starts the HTTPS listener. `startApiServer` is what `superkube server` runs
 * and what end-to-end tests start in-process.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ServiceAccount } from '../api/core-v1.ts';
import { notFoundPath } from '../api/status.ts';
import { readGoCsv } from '../auth/authn/go-csv.ts';
import { authenticateRequest } from '../auth/authn/request-authenticator.ts';
import {
  newBoundServiceAccountAuthenticator,
  newLegacyServiceAccountAuthenticator,
} from '../auth/authn/serviceaccount/jwt-authenticator.ts';
import { CachedTokenAuthenticator } from '../auth/authn/token-cache.ts';
import { formatTokenFileLine } from '../auth/authn/token-file.ts';
import { type WatchedTokenFile, watchTokenFile } from '../auth/authn/token-file-watcher.ts';
import { unionTokenAuthenticators } from '../auth/authn/union.ts';
import type { Authorizer } from '../auth/authz/interfaces.ts';
import { PolicyIndex } from '../auth/authz/policy-index.ts';
import { RbacAuthorizer } from '../auth/authz/rbac-authorizer.ts';
import { RuleResolverOverIndex } from '../auth/authz/rule-resolver.ts';
import { privilegedGroupAuthorizer } from '../auth/authz/superuser.ts';
import { unionAuthorizer } from '../auth/authz/union.ts';
import { createTokenSigner } from '../auth/tokens/issuer.ts';
import { loadKeySet } from '../auth/tokens/keys.ts';
import {
  buildOpenIDMetadata,
  JWKS_CONTENT_TYPE,
  JWKS_PATH,
  OIDC_CACHE_CONTROL,
  OPENID_CONFIG_CONTENT_TYPE,
  OPENID_CONFIG_PATH,
  type OpenIDMetadata,
} from '../auth/tokens/oidc.ts';
import { createTokenRequest } from '../auth/tokens/token-request.ts';
import { aggregationController } from '../controllers/aggregation-controller.ts';
import { bootstrapPolicy } from '../controllers/bootstrap-policy.ts';
import type { Controller } from '../controllers/controller.ts';
import { EventRecorder } from '../controllers/events.ts';
import { runLeaderElection } from '../controllers/leader-election.ts';
import { namespaceController } from '../controllers/namespace-controller.ts';
import { nodeController } from '../controllers/node-controller.ts';
import { followPolicy } from '../controllers/policy-informer.ts';
import { flushOnDeletes } from '../controllers/revocation.ts';
import { cachedTokenGetter } from '../controllers/token-getter.ts';
import { tokensController } from '../controllers/tokens-controller.ts';
import { anyStore, createStores, type Stores } from '../registry/stores.ts';
import { openEtcdStorage } from '../storage/etcd/etcd-storage.ts';
import type { Storage } from '../storage/interface.ts';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { ApiResources } from './api-resources.ts';
import { type AuditSink, fileAuditSink, noAuditSink } from './audit.ts';
import { createDashboard } from './dashboard/dashboard.ts';
import { withDashboard } from './dashboard/with-dashboard.ts';
import {
  checkFormat,
  dataDirPaths,
  ensureKeyMaterial,
  kubeconfigYaml,
  lockDataDir,
  newStaticToken,
  servingNames,
  writeFileAtomic,
} from './data-dir.ts';
import { withAudit } from './filters/with-audit.ts';
import { withAuthentication } from './filters/with-authentication.ts';
import { withAuthorization } from './filters/with-authorization.ts';
import { withImpersonation } from './filters/with-impersonation.ts';
import { withMaxInflight } from './filters/with-max-inflight.ts';
import { withMetrics } from './filters/with-metrics.ts';
import { withRecovery } from './filters/with-recovery.ts';
import { withRequestInfo } from './filters/with-request-info.ts';
import { withTimeout } from './filters/with-timeout.ts';
import { selfSubjectReviewHandler, tokenReviewHandler } from './handlers/authentication-reviews.ts';
import { patchApplier } from './handlers/patch.ts';
import { restHandler } from './handlers/rest.ts';
import type { ApiRequest, ApiResponse, Handler } from './http.ts';
import { listen, type RunningServer } from './https.ts';
import type { Logger } from './logger.ts';
import { instrumentStorage, Metrics } from './metrics.ts';
import { createOpenApi } from './openapi/openapi.ts';
import { openApiHandler } from './openapi/route.ts';
import type { ServerOptions } from './options.ts';
import { rbacAdmission } from './rbac-admission.ts';
import { registerResources } from './resources.ts';
import { discoveryHandler } from './routes/discovery.ts';
import { healthResponse } from './routes/health.ts';
import { versionResponse } from './routes/version.ts';

/** A running API server. */
export interface ApiServer {
  /** https://host:port */
  url: string;
  port: number;
  kubeconfigPath: string;
  /** The admin's static token (from the token file). */
  adminToken: string;
  caPem: string;
  stores: Stores;
  /** The request handler without a socket, for in-process tests. */
  handler: Handler;
  close(): Promise<void>;
}

const ADMIN_USER = 'admin';

/** Reads the admin's token from the token file, creating the file with a fresh token when there is none. */
function ensureAdminToken(tokenFile: string, createIfMissing: boolean): string | undefined {
  if (!existsSync(tokenFile)) {
    if (!createIfMissing) return undefined;
    const token = newStaticToken();
    writeFileAtomic(tokenFile, `${formatTokenFileLine(token, ADMIN_USER, ADMIN_USER, ['system:masters'])}\n`, 0o600);
    return token;
  }
  // The same CSV reader the token authenticator uses (quotes, comments); a malformed file is reported by it.
  try {
    for (const { fields } of readGoCsv(readFileSync(tokenFile)))
      if (fields.length >= 3 && fields[1]!.trim() === ADMIN_USER) return fields[0]!.trim();
  } catch {
    // watchTokenFile refuses the file with the line that is wrong.
  }
  return undefined;
}

/** Starts superkube. */
export async function startApiServer(opts: ServerOptions, log: Logger, clock: Clock = systemClock): Promise<ApiServer> {
  const paths = dataDirPaths(opts.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err }, 'cleanup failed');
      }
    }
  };
  try {
    mkdirSync(paths.root, { recursive: true, mode: 0o700 });
    // An existing directory keeps its mode on mkdir: it holds keys and tokens, so it is made owner-only.
    chmodSync(paths.root, 0o700);
    // The lock comes first: a second server must not touch the directory at all.
    if (opts.storageBackend === 'sqlite') cleanups.push(lockDataDir(paths));
    const { ca } = await ensureKeyMaterial(paths, servingNames(opts.tlsSans));
    checkFormat(paths);
    // What clients are told to trust: with shared key material (several replicas), the CA that signed it.
    const rootCaPem = opts.rootCaFile ? readFileSync(opts.rootCaFile, 'utf8') : ca.certPem;

    // Storage and stores.
    let storage: Storage;
    if (opts.storageBackend === 'sqlite') {
      // The database holds secrets: created owner-only before SQLite opens it (its -wal and -shm files follow).
      closeSync(openSync(paths.database, 'a', 0o600));
      storage = openSqliteStorage({
        path: paths.database,
        onBackgroundError: (err) => log.error({ err }, 'storage background task failed'),
      });
      for (const suffix of ['', '-wal', '-shm'])
        if (existsSync(paths.database + suffix)) chmodSync(paths.database + suffix, 0o600);
    } else {
      if (opts.etcdServers.length === 0) throw new Error('--etcd-servers is required with --storage-backend etcd3');
      storage = await openEtcdStorage({
        endpoints: opts.etcdServers,
        prefix: opts.etcdPrefix,
        caFile: opts.etcdCaFile,
        certFile: opts.etcdCertFile,
        keyFile: opts.etcdKeyFile,
        onBackgroundError: (err) => log.error({ err }, 'etcd background task failed'),
      });
    }
    cleanups.push(() => storage.close());
    const metrics = new Metrics();
    storage = instrumentStorage(storage, metrics);
    const stores = createStores(storage, clock);

    // Service-account keys and token issuing.
    const keys = loadKeySet({
      signingKeyFile: opts.serviceAccountSigningKeyFile ?? paths.saKey,
      keyFiles: opts.serviceAccountKeyFiles,
    });
    const issuers = opts.serviceAccountIssuers;
    const apiAudiences = opts.apiAudiences.length ? opts.apiAudiences : issuers;
    const signer = createTokenSigner(issuers[0]!, keys.signingKey!);

    // Authentication: static token file + service-account JWTs (bound and legacy), behind the token cache.
    const tokenFile = opts.tokenAuthFile ?? paths.tokenFile;
    const adminToken = ensureAdminToken(tokenFile, opts.tokenAuthFile === undefined);
    let cache: CachedTokenAuthenticator | undefined;
    const watched: WatchedTokenFile = await watchTokenFile({
      path: tokenFile,
      apiAudiences,
      onReload: (count) => {
        cache?.flush();
        log.info({ tokens: count, file: tokenFile }, 'token file reloaded');
      },
      onError: (err) =>
        log.error(
          { file: tokenFile, error: err.message, line: (err as { line?: number }).line },
          'token file not reloaded; keeping the previous tokens',
        ),
      onWarning: (msg) => log.warn({ file: tokenFile }, msg),
    });
    cleanups.push(() => watched.close());
    const tokenGetter = cachedTokenGetter(
      stores,
      (err) => log.warn({ err }, 'service account cache error'),
      () => cache?.flush(),
    );
    cleanups.push(() => tokenGetter.stop());
    const getter = tokenGetter.getter;
    const tokenUnion = unionTokenAuthenticators([
      watched.authenticator,
      newLegacyServiceAccountAuthenticator({ keys, apiAudiences, getter, usageRecorder: tokenGetter.usageRecorder }),
      newBoundServiceAccountAuthenticator({ issuers, keys, apiAudiences, getter }),
    ]);
    cache = new CachedTokenAuthenticator(tokenUnion, { successTtlMs: opts.tokenCacheTtlMs });
    const tokenAuthenticator = opts.tokenCacheTtlMs > 0 ? cache : tokenUnion;
    const authenticate = (headers: { getAll(name: string): string[] }, audiences: readonly string[] = apiAudiences) =>
      authenticateRequest(headers, {
        tokenAuthenticator,
        apiAudiences: audiences,
        anonymousEnabled: opts.anonymousAuth,
      });

    // The dashboard: sessions in the storage (shared by replicas), tokens in them encrypted with a key derived from
    // the service-account signing key, which every replica already shares.
    const dashboard = createDashboard({
      storage,
      secretKey: readFileSync(opts.serviceAccountSigningKeyFile ?? paths.saKey),
      clock,
      idleTimeoutSeconds: opts.dashboardIdleTimeoutSeconds,
      log,
      authenticate: async (token) => {
        const r = await authenticate({
          getAll: (n) => (n.toLowerCase() === 'authorization' ? [`Bearer ${token}`] : []),
        });
        if (!r.ok) return { ok: false, reason: r.reason };
        if (r.anonymous) return { ok: false, reason: 'no credentials provided' };
        return { ok: true, user: r.user };
      },
    });
    cleanups.push(() => dashboard.close());

    // Revocation: deleting what a token depends on flushes the cache at once, so it stops working now, not in 10 s.
    // Service accounts are not listed: the token getter flushes when its cache drops one (after the drop, so a
    // validation meanwhile cannot re-cache against it); a second flush from here could come before that.
    const revocation = flushOnDeletes(
      [anyStore(stores.secrets), anyStore(stores.pods), anyStore(stores.nodes)],
      () => cache?.flush(),
      (err) => log.warn({ err }, 'revocation follower error'),
    );
    cleanups.push(() => revocation.stop());

    // Authorization: system:masters, then RBAC over an index that follows the store.
    const policy = new PolicyIndex();
    const rbac = new RbacAuthorizer(policy);
    const publicPaths = new Set<string>();
    const authorizer: Authorizer = unionAuthorizer([
      privilegedGroupAuthorizer(),
      publicPathAuthorizer(publicPaths),
      rbac,
    ]);

    let oidc: OpenIDMetadata | undefined;
    if (opts.serviceAccountIssuerDiscoveryPublic) {
      publicPaths.add(OPENID_CONFIG_PATH);
      publicPaths.add(JWKS_PATH);
    }

    // Served resources.
    const resources = new ApiResources();
    registerResources(resources, stores, {
      tokenRequest: async (req, body, ns, name) => {
        const sa = await getter.getServiceAccount(ns, name);
        const result = await createTokenRequest(
          { namespace: ns, name, body, serviceAccount: sa as ServiceAccount | undefined, objects: getter },
          {
            signer,
            apiAudiences,
            maxExpirationSeconds: opts.serviceAccountMaxTokenExpiration,
            extendExpiration: opts.serviceAccountExtendTokenExpiration,
            now: () => clock.now().getTime(),
          },
        );
        req.ctx.warnings.push(...result.warnings);
        return { status: 201, object: result.tokenRequest };
      },
      tokenReview: tokenReviewHandler(
        (token, auds) =>
          authenticate({ getAll: (n) => (n.toLowerCase() === 'authorization' ? [`Bearer ${token}`] : []) }, auds),
        apiAudiences,
        log,
      ),
      selfSubjectReview: (v) => selfSubjectReviewHandler(v, clock),
      authorizer,
      ruleResolver: rbac,
      rbacAdmission: rbacAdmission(authorizer, new RuleResolverOverIndex(policy, 'registry')),
      clock,
    });

    // OpenAPI documents, and the schemas ?fieldValidation checks bodies against.
    const openapiDocs = createOpenApi(resources);
    const openapi = openApiHandler(openapiDocs);
    for (const r of resources.all())
      r.schema = openapiDocs.fieldSchemaOf({ group: r.def.group, version: r.def.version, kind: r.def.kind });

    // Controllers.
    const onControllerError = (err: unknown) => log.warn({ err }, 'controller error');
    const policyFollower = followPolicy(stores, policy, onControllerError);
    cleanups.push(() => policyFollower.stop());
    await ensureNamespaces(stores);
    await bootstrapPolicy(stores, log);
    // Controllers run on one replica at a time: the holder of the controllers' lease.
    let controllers: Controller[] = [];
    const recorder = new EventRecorder(stores.events, clock, 'superkube', onControllerError);
    const stopControllers = () => {
      for (const c of controllers) c.stop();
      controllers = [];
    };
    const election = runLeaderElection(stores.leases, clock, {
      namespace: 'kube-system',
      name: 'superkube-controllers',
      identity: `${hostname()}_${randomUUID()}`,
      leaseDurationMs: opts.leaderElectLeaseDuration * 1000,
      renewDeadlineMs: opts.leaderElectRenewDeadline * 1000,
      retryPeriodMs: opts.leaderElectRetryPeriod * 1000,
      onStartedLeading: () => {
        log.info({}, 'became the controller leader');
        controllers = [
          namespaceController(stores, rootCaPem, onControllerError),
          nodeController(stores, clock, recorder, onControllerError),
          aggregationController(stores, onControllerError),
          tokensController(stores, keys.signingKey!, rootCaPem, onControllerError),
        ];
      },
      onStoppedLeading: () => {
        log.info({}, 'stopped leading the controllers');
        stopControllers();
      },
      onError: onControllerError,
    });
    cleanups.push(async () => {
      await election.stop();
      stopControllers();
    });
    await policyFollower.synced;

    // The chain.
    let serverAddress = '';
    const discovery = discoveryHandler(resources, () => serverAddress);
    const rest = restHandler({
      resources,
      clock,
      minRequestTimeoutSeconds: opts.minRequestTimeout,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
      patch: patchApplier(clock),
    });
    const healthChecks = {
      healthz: [{ name: 'etcd', check: async () => void (await storage.currentRevision()) }],
      livez: [],
      readyz: [{ name: 'etcd', check: async () => void (await storage.currentRevision()) }],
    };
    const router: Handler = async (req: ApiRequest): Promise<ApiResponse> => {
      const info = req.ctx.requestInfo!;
      if (info.isResourceRequest) return rest(req);
      const health = await healthResponse(req, healthChecks);
      if (health) return health;
      if (req.path === '/version' || req.path === '/version/') return versionResponse();
      const disc = await discovery(req);
      if (disc) return disc;
      if (oidc && req.path === OPENID_CONFIG_PATH)
        return {
          status: 200,
          headers: { 'content-type': OPENID_CONFIG_CONTENT_TYPE, 'cache-control': OIDC_CACHE_CONTROL },
          body: oidc.configJson,
        };
      if (oidc && req.path === JWKS_PATH)
        return {
          status: 200,
          headers: { 'content-type': JWKS_CONTENT_TYPE, 'cache-control': OIDC_CACHE_CONTROL },
          body: oidc.keysetJson,
        };
      if (req.path === '/metrics') {
        const m = await metrics.render();
        return { status: 200, headers: { 'content-type': m.contentType }, body: m.body };
      }
      const oa = openapi(req);
      if (oa) return oa;
      throw notFoundPath();
    };
    const auditPath = opts.auditLogPath ?? paths.auditLog;
    const audit: AuditSink =
      auditPath === ''
        ? noAuditSink()
        : fileAuditSink(auditPath, {
            maxSizeBytes: opts.auditLogMaxSizeMb * 1024 * 1024,
            maxBackups: opts.auditLogMaxBackup,
          });
    cleanups.push(() => audit.close());
    let h: Handler = router;
    h = withAuthorization(h, authorizer, metrics.countAuthorization);
    h = withTimeout(h, opts.requestTimeout * 1000);
    const inflight = { current: 0 };
    metrics.reportInflight(() => inflight.current);
    h = withMaxInflight(h, opts.maxRequestsInflight, inflight);
    h = withImpersonation(h, authorizer);
    h = withAuthentication(h, authenticate, log, metrics.countAuthentication);
    h = withDashboard(h, dashboard, log);
    h = withAudit(h, audit);
    h = withMetrics(h, metrics);
    h = withRequestInfo(h);
    const handler = withRecovery(h, log);

    // TLS and listen.
    const certFile = opts.tlsCertFile ?? paths.serverCert;
    const keyFile = opts.tlsPrivateKeyFile ?? paths.serverKey;
    const server: RunningServer = await listen(handler, {
      host: opts.bindAddress,
      port: opts.securePort,
      cert: readFileSync(certFile),
      key: readFileSync(keyFile),
      onTransportError: (err) => log.debug({ error: err.message }, 'transport error'),
    });
    cleanups.push(() => server.close());
    const host = opts.bindAddress === '0.0.0.0' || opts.bindAddress === '::' ? '127.0.0.1' : opts.bindAddress;
    const hostPort = host.includes(':') ? `[${host}]:${server.address.port}` : `${host}:${server.address.port}`;
    serverAddress = hostPort;
    const url = `https://${hostPort}`;
    // OIDC discovery, once the real port is known (the default jwks_uri names it).
    try {
      oidc = buildOpenIDMetadata({
        issuer: issuers[0]!,
        jwksUri: opts.serviceAccountJwksUri,
        externalAddress: opts.externalHostname ? `${opts.externalHostname}:${server.address.port}` : hostPort,
        keys: keys.keys,
      });
    } catch (err) {
      log.error({ error: (err as Error).message }, 'OIDC discovery endpoints not installed');
    }

    if (adminToken) writeFileAtomic(paths.kubeconfig, kubeconfigYaml(url, rootCaPem, adminToken), 0o600);

    return {
      url,
      port: server.address.port,
      kubeconfigPath: paths.kubeconfig,
      adminToken: adminToken ?? '',
      caPem: rootCaPem,
      stores,
      handler,
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Allows `get` of the given non-resource paths to anyone (dashboard static files, public OIDC discovery). */
function publicPathAuthorizer(paths: ReadonlySet<string>): Authorizer {
  return {
    authorize: (a) =>
      !a.resourceRequest && a.verb === 'get' && paths.has(a.path)
        ? { decision: 'Allow', reason: 'public path' }
        : { decision: 'NoOpinion', reason: '' },
  };
}

/** The namespaces every cluster starts with. */
async function ensureNamespaces(stores: Stores): Promise<void> {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (await stores.namespaces.find('', name)) continue;
    try {
      await stores.namespaces.create('', { metadata: { name } });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
    }
  }
}
