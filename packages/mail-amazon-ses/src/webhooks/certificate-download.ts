import { type Clock, limitResponseBody, readCappedText, systemClock } from "@posse/mail-core/webhooks";
import { certificatePublicKey } from "./certificate-key.js";

/** Certificates kept, by URL: SNS signs with one per region at a time, so a handful is plenty. */
const CACHE_SIZE = 32;
/** Largest certificate read; an SNS certificate is under 2 KiB. The read stops here, however large the answer. */
const CERTIFICATE_MAX_BYTES = 16 * 1024;
/** How long a download (answer and body) may take before it is given up and its connection closed. */
export const CERTIFICATE_TIMEOUT_MS = 5000;
/**
 * Downloads of different URLs in flight at once; a post that needs another one fails (503, so SNS retries).
 * Posts naming a URL already being downloaded share that download.
 */
export const MAX_CERTIFICATE_DOWNLOADS = 4;

/** What the download uses: the fetch, and the clock its timeout runs on. */
export interface CertificateDownloadOptions {
  readonly fetch: typeof fetch;
  readonly clock?: Clock;
}

/** The SPKI of the certificate at `url`, read through `signal`; throws when the answer is not one. */
async function downloadKey(fetcher: typeof fetch, url: string, signal: AbortSignal): Promise<Uint8Array> {
  // "manual", not "error" (which workerd refuses unless a compatibility flag is set): a redirect is then an
  // answer that is not ok (3xx; 0 where it is opaque), so it fails here and is never followed.
  const response = await fetcher(url, { redirect: "manual", signal });
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`the SNS signing certificate could not be downloaded (HTTP ${response.status})`);
  }
  // Read up to the limit, counted as decoded, then cancelled: never the whole answer, however large.
  const text = await readCappedText(limitResponseBody(response, CERTIFICATE_MAX_BYTES));
  if (text === undefined) {
    throw new Error(`the SNS signing certificate is larger than ${CERTIFICATE_MAX_BYTES} bytes`);
  }
  const spki = certificatePublicKey(text);
  if (spki === undefined) throw new Error("the SNS signing certificate is not an X.509 certificate");
  return spki;
}

/** `work` given `ms` on `clock`: past that, `abort` is aborted (closing the connection) and it rejects. */
async function withTimeout<T>(
  clock: Clock,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  const done = new AbortController();
  const timedOut = new Promise<never>((_, reject) => {
    clock.sleep(ms, done.signal).then(
      () => {
        const error = new Error(`the SNS signing certificate did not arrive within ${ms / 1000} s`);
        abort.abort(error);
        reject(error);
      },
      () => {},
    );
  });
  try {
    return await Promise.race([work(abort.signal), timedOut]);
  } finally {
    done.abort();
  }
}

/**
 * Downloads SNS signing certificates and keeps the last few keys by URL, so a certificate is fetched once:
 * each download within {@link CERTIFICATE_TIMEOUT_MS}, at most {@link MAX_CERTIFICATE_DOWNLOADS} at a time,
 * no redirect, at most 16 KiB read. A failed download is not kept. The caller checks the URL first.
 */
export function certificateCache({ fetch: fetcher, clock = systemClock }: CertificateDownloadOptions) {
  const keys = new Map<string, Promise<Uint8Array>>();
  let downloading = 0;

  function download(url: string): Promise<Uint8Array> {
    downloading++;
    const key = withTimeout(clock, CERTIFICATE_TIMEOUT_MS, (signal) => downloadKey(fetcher, url, signal));
    key.then(
      () => downloading--,
      () => {
        downloading--;
        if (keys.get(url) === key) keys.delete(url);
      },
    );
    return key;
  }

  /** The public key (SPKI) of the certificate at `url`. */
  return function publicKey(url: string): Promise<Uint8Array> {
    const cached = keys.get(url);
    if (cached !== undefined) return cached;
    if (downloading >= MAX_CERTIFICATE_DOWNLOADS) {
      return Promise.reject(new Error("too many SNS signing certificates are being downloaded at once"));
    }
    const key = download(url);
    if (keys.size >= CACHE_SIZE) keys.delete(keys.keys().next().value as string);
    keys.set(url, key);
    return key;
  };
}
