#!/usr/bin/env node
// The tests need a few things outside npm: the kubectl binaries (shipped with the machine image), Debian's etcd (for
// the etcd backend and multi-replica tests) and Debian's chromium (for the dashboard's browser tests). As root this
// installs what is missing; otherwise it says exactly what to install and fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DEBIAN_PACKAGES = [
  { pkg: 'etcd-server', bin: 'etcd' },
  { pkg: 'etcd-client', bin: 'etcdctl' },
  { pkg: 'chromium', bin: 'chromium' },
];

const which = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();

const missing = DEBIAN_PACKAGES.filter((p) => !which(p.bin));
if (missing.length > 0) {
  const names = missing.map((p) => p.pkg);
  if (process.getuid?.() === 0) {
    console.error(`installing Debian packages the tests need: ${names.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], { stdio: 'inherit', env });
    execFileSync(
      'apt-get',
      ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', '--no-install-recommends', ...names],
      { stdio: 'inherit', env },
    );
  } else {
    console.error(`the tests need these Debian packages: sudo apt-get install -y ${names.join(' ')}`);
    process.exit(1);
  }
}

const kubectl = which('kubectl');
if (!kubectl) {
  console.error('the end-to-end tests need kubectl (with kubectl.1.27 ... kubectl.1.33 beside it) on PATH');
  process.exit(1);
}
const dir = dirname(realpathSync(kubectl));
const versions = ['1.27', '1.29', '1.32', '1.33'].filter((v) => !existsSync(join(dir, `kubectl.${v}`)));
if (versions.length > 0) {
  console.error(`the end-to-end tests need kubectl.${versions.join(', kubectl.')} in ${dir}`);
  process.exit(1);
}
