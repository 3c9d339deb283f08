// Start-up cost of each package, as a serverless cold start sees it: a fresh Node process imports the
// package, then creates a transport (which loads the vendor SDK). Prints median milliseconds and the
// heap growth of each step over several runs. Run with `npm run bench` (after a build).
import { execFileSync } from "node:child_process";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const targets = [
  ["@posse/mail-core", undefined, undefined],
  [
    "@posse/mail-amazon-ses",
    "amazon_ses",
    { region: "us-east-1", accessKeyId: "AKIA", secretAccessKey: "s" },
  ],
  ["@posse/mail-resend", "resend", { apiKey: "re_bench" }],
  ["@posse/mail-mailgun", "mailgun", { apiKey: "key-bench", domain: "mg.example.com", region: "us" }],
  ["@posse/mail-postmark", "postmark", { serverToken: "bench" }],
  ["@posse/mail-sendgrid", "sendgrid", { apiKey: "SG.bench" }],
  ["@posse/mail-brevo", "brevo", { apiKey: "xkeysib-bench" }],
  ["@posse/mail-mailjet", "mailjet", { apiKey: "pub", apiSecret: "priv" }],
  ["@posse/mail-smtp", "smtp", { host: "127.0.0.1", port: 2525, startTls: false }],
];

const child = `
const [pkg, id, config] = process.argv.slice(1);
const heap = () => process.memoryUsage().heapUsed;
const h0 = heap(); const t0 = performance.now();
const mod = await import(pkg);
const t1 = performance.now(); const h1 = heap();
let t2 = t1, h2 = h1;
if (id) {
  const definition = Object.values(mod).find((v) => v && v.id === id);
  const transport = await definition.create(JSON.parse(config), { timeoutMs: 1000, now: Date.now });
  t2 = performance.now(); h2 = heap();
  await transport.close?.();
}
process.stdout.write(JSON.stringify({ importMs: t1 - t0, createMs: t2 - t1, importKb: (h1 - h0) / 1024, createKb: (h2 - h1) / 1024 }));
`;

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`import cost, median of ${RUNS} fresh processes (node ${process.version})`);
console.log(
  "package".padEnd(26),
  "import ms".padStart(10),
  "heap KB".padStart(9),
  "create ms".padStart(10),
  "heap KB".padStart(9),
);
for (const [pkg, id, config] of targets) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", child, pkg, id ?? "", JSON.stringify(config ?? {})],
      {
        encoding: "utf8",
      },
    );
    runs.push(JSON.parse(out));
  }
  const pick = (key) => median(runs.map((run) => run[key])).toFixed(key.endsWith("Ms") ? 1 : 0);
  console.log(
    pkg.padEnd(26),
    pick("importMs").padStart(10),
    pick("importKb").padStart(9),
    (id ? pick("createMs") : "-").padStart(10),
    (id ? pick("createKb") : "-").padStart(9),
  );
}
