import { readFileSync } from "node:fs";

/** The test CA (`ca.pem`) and server key pair for 127.0.0.1 / localhost, from mail-smtp's test fixtures. */
export function testTlsFiles(fixturesDir: string): { ca: string; cert: string; key: string } {
  return {
    ca: `${fixturesDir}/ca.pem`,
    cert: readFileSync(`${fixturesDir}/server.pem`, "utf8"),
    key: readFileSync(`${fixturesDir}/server.key`, "utf8"),
  };
}
