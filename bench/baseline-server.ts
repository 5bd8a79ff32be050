/**
 * The baseline of figure 2, run as its own process: a bare node:https server (HTTP/1.1, keep-alive) answering every
 * request with the same status, headers and body superkube answered, with the same certificate and key.
 *
 * argv: <cert file> <key file> <response JSON file: {status, headers, bodyBase64}>. Prints `listening <port>`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile, responseFile] = process.argv.slice(2);
if (!certFile || !keyFile || !responseFile) {
  process.stderr.write('usage: baseline-server <cert> <key> <response.json>\n');
  process.exit(2);
}
const response = JSON.parse(readFileSync(responseFile, 'utf8')) as {
  status: number;
  headers: Record<string, string>;
  bodyBase64: string;
};
const body = Buffer.from(response.bodyBase64, 'base64');
const headers = { ...response.headers, 'content-length': String(body.length) };
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  // Drain the request like a real server would, then answer the canned bytes.
  req.resume();
  req.on('end', () => {
    res.writeHead(response.status, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
