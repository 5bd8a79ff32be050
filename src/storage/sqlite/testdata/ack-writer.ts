/**
 * Durability fixture: `node --import tsx ack-writer.ts <db-file>` creates keys one at a time and prints
 * "<key> <revision>" only after each create resolved, until it is killed (or a bounded count runs out).
 */
import { openSqliteStorage } from '../sqlite-storage.ts';

const path = process.argv[2];
if (path === undefined) throw new TypeError('usage: ack-writer.ts <db-file>');
const storage = openSqliteStorage({ path, compactInterval: 0 });
for (let i = 0; i < 100_000; i++) {
  const key = `/registry/durability/k${i}`;
  const kv = await storage.create(key, Buffer.from(`value-${i}`));
  // Pipes are written synchronously on Linux: a line the parent reads was acknowledged before it was sent.
  process.stdout.write(`${key} ${kv.modRevision}\n`);
}
await storage.close();
