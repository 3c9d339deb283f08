import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from "node:http";
import https from "node:https";
import { holdUntilStarted, type RequestStarting } from "@posse/mail-core/provider";

/** axios's `transport` option: what it calls `request` on in place of node:http/node:https. */
export interface AxiosTransport {
  request(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest;
}

/**
 * An axios `transport` that sends as axios itself does without redirects (node:http or node:https by the
 * request's protocol, with the agent axios chose), the request held until its connection is ready and
 * `requestStarting` resolved (core's `holdUntilStarted`): after the SDK's own work, before the first byte.
 */
export function announcingTransport(requestStarting: RequestStarting): AxiosTransport {
  return {
    request(options, callback) {
      const request = (options.protocol === "https:" ? https : http).request(options, callback);
      holdUntilStarted(request, requestStarting);
      return request;
    },
  };
}
