import { Agent, type AgentOptions } from "node:https";
import { isIP } from "node:net";

// The variables the SDK's axios reads for an https URL (proxy-from-env 2: lower case first).
const read = (name: string): string | undefined =>
  process.env[name.toLowerCase()] || process.env[name.toUpperCase()] || undefined;

/**
 * An https agent that tunnels through the environment's proxy with Node's own proxy support, for an
 * endpoint whose host is an IP address; undefined when the endpoint is a host name, no proxy variable is
 * set, or Node lacks `proxyEnv` (before 22.21 and 24.5).
 *
 * The SDK's axios tunnels with https-proxy-agent 5, which gives the endpoint's host to `tls.connect` as
 * the TLS server name. Node 26 refuses an IP address there (DEP0123 reached end of life): the send fails
 * and the tunnel's socket to the proxy stays open, so the process never exits. Node's own agent leaves the
 * server name out for an IP address. axios steps aside for an agent with `proxyEnv`.
 */
export function ipEndpointProxyAgent(endpoint: string): Agent | undefined {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (
    url.protocol !== "https:" ||
    isIP(host) === 0 ||
    process.allowedNodeEnvironmentFlags?.has("--use-env-proxy") !== true
  )
    return undefined;
  const proxy = read("https_proxy") ?? read("all_proxy");
  if (proxy === undefined) return undefined;
  const noProxy = read("no_proxy");
  // A proxy without a scheme takes the URL's, as proxy-from-env does. (@types/node 20 lacks proxyEnv.)
  const proxyEnv = {
    HTTPS_PROXY: proxy.includes("://") ? proxy : `https://${proxy}`,
    NO_PROXY: noProxy ?? "",
  };
  return new Agent({ keepAlive: true, proxyEnv } as AgentOptions);
}
