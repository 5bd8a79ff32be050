import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { type CertKeyPair, certCovers, createCA, createServingCert } from './pki.ts';

const SANS = ['127.0.0.1', '::1', 'localhost', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
const NOW = new Date(Date.UTC(2026, 0, 1));

describe('pki', () => {
  let ca: CertKeyPair;
  let other: CertKeyPair;
  let serving: CertKeyPair;
  before(async () => {
    ca = await createCA('superkube-ca@1', NOW);
    other = await createCA('someone-else', NOW);
    serving = await createServingCert(ca, 'kube-apiserver', SANS, NOW);
  });

  it('the CA is a self-signed CA certificate valid for 10 years', () => {
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.subject, 'CN=superkube-ca@1');
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.ok(cert.checkPrivateKey(createPrivateKey(ca.keyPem)));
    const years = (Date.parse(cert.validTo) - NOW.getTime()) / (365 * 24 * 3600_000);
    assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);
    assert.ok(Date.parse(cert.validFrom) <= NOW.getTime());
  });

  it('the serving certificate is signed by the CA and by no other', () => {
    const cert = new X509Certificate(serving.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.ok(cert.verify(caCert.publicKey));
    assert.ok(cert.checkIssued(caCert));
    assert.equal(cert.verify(new X509Certificate(other.certPem).publicKey), false);
    assert.equal(cert.ca, false);
    assert.equal(cert.subject, 'CN=kube-apiserver');
    assert.equal(cert.issuer, 'CN=superkube-ca@1');
    assert.ok(cert.checkPrivateKey(createPrivateKey(serving.keyPem)));
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extended key usage: serverAuth only');
  });

  it('the serving certificate covers every SAN: DNS names as DNS, addresses as IP', () => {
    const cert = new X509Certificate(serving.certPem);
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    for (const host of ['localhost', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'])
      assert.equal(cert.checkHost(host, { wildcards: false }), host);
    assert.equal(cert.checkHost('evil.example.com'), undefined);
    assert.equal(cert.checkIP('10.0.0.1'), undefined);
    const san = cert.subjectAltName ?? '';
    assert.match(san, /DNS:localhost/);
    assert.match(san, /IP Address:127\.0\.0\.1/);
    assert.doesNotMatch(san, /DNS:127\.0\.0\.1/);
  });

  it('certCovers: all names, within validity with a day to spare', () => {
    assert.equal(certCovers(serving.certPem, SANS, NOW), true);
    assert.equal(certCovers(serving.certPem, ['localhost'], NOW), true);
    assert.equal(certCovers(serving.certPem, [...SANS, 'new.example.com'], NOW), false);
    assert.equal(certCovers(serving.certPem, ['10.1.2.3'], NOW), false);
    const notAfter = Date.parse(new X509Certificate(serving.certPem).validTo);
    assert.equal(certCovers(serving.certPem, SANS, new Date(notAfter - 2 * 24 * 3600_000)), true);
    assert.equal(certCovers(serving.certPem, SANS, new Date(notAfter - 12 * 3600_000)), false, 'expires within a day');
  });

  it('duplicate SANs are listed once', async () => {
    const dup = await createServingCert(ca, 'x', ['localhost', 'localhost', '127.0.0.1'], NOW);
    const san = new X509Certificate(dup.certPem).subjectAltName ?? '';
    assert.equal(san.match(/DNS:localhost/g)?.length, 1);
  });
});
