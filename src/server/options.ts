/** Everything `superkube server` can be told, with kube-apiserver's flag names and defaults where they exist. */

/** Server configuration (one field per flag). */
export interface ServerOptions {
  dataDir: string;
  bindAddress: string;
  securePort: number;
  tlsSans: string[];
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  storageBackend: 'sqlite' | 'etcd3';
  etcdServers: string[];
  etcdPrefix: string;
  etcdCaFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  maxRequestsInflight: number;
  /** Seconds a non-watch request may take. */
  requestTimeout: number;
  /** Seconds a watch without timeoutSeconds lasts at least (randomised up to twice that). */
  minRequestTimeout: number;
  logLevel: string;
  tokenAuthFile?: string;
  anonymousAuth: boolean;
  serviceAccountIssuers: string[];
  serviceAccountKeyFiles: string[];
  serviceAccountSigningKeyFile?: string;
  apiAudiences: string[];
  /** Seconds; 0 = no cap. */
  serviceAccountMaxTokenExpiration: number;
  serviceAccountExtendTokenExpiration: boolean;
  serviceAccountJwksUri?: string;
  externalHostname?: string;
  serviceAccountIssuerDiscoveryPublic: boolean;
  /** Token cache TTL in ms (0 disables the cache). */
  tokenCacheTtlMs: number;
  bookmarkIntervalMs: number;
  dashboardIdleTimeoutSeconds: number;
  /** Controller leader election (kube-controller-manager's --leader-elect-* flags), in seconds. */
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  /** The CA bundle clients are given (kubeconfig, kube-root-ca.crt, token secrets); default the data dir's CA. */
  rootCaFile?: string;
  /** Audit log file; default `<data-dir>/audit.log`; '' turns auditing off (kube-apiserver's --audit-log-path). */
  auditLogPath?: string;
  /** Megabytes the audit log may reach before it is rotated; 0 never rotates. */
  auditLogMaxSizeMb: number;
  /** Rotated audit logs kept. */
  auditLogMaxBackup: number;
}

/** Defaults for every option but the data directory. */
export function defaultOptions(dataDir: string): ServerOptions {
  return {
    dataDir,
    bindAddress: '127.0.0.1',
    securePort: 6443,
    tlsSans: [],
    storageBackend: 'sqlite',
    etcdServers: [],
    etcdPrefix: '/registry',
    maxRequestsInflight: 400,
    requestTimeout: 60,
    minRequestTimeout: 1800,
    logLevel: 'info',
    anonymousAuth: true,
    serviceAccountIssuers: ['https://kubernetes.default.svc'],
    serviceAccountKeyFiles: [],
    apiAudiences: [],
    serviceAccountMaxTokenExpiration: 0,
    serviceAccountExtendTokenExpiration: true,
    serviceAccountIssuerDiscoveryPublic: false,
    tokenCacheTtlMs: 10_000,
    bookmarkIntervalMs: 60_000,
    dashboardIdleTimeoutSeconds: 1800,
    leaderElectLeaseDuration: 15,
    leaderElectRenewDeadline: 10,
    leaderElectRetryPeriod: 2,
    auditLogMaxSizeMb: 100,
    auditLogMaxBackup: 5,
  };
}
