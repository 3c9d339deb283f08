// What a provider's variable may look like: the formats an `EnvVar` can name, each with its parser and
// the phrase a problem uses for it.

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);
// A DNS host name of at least two labels: the value may go into a URL path, so nothing else may pass.
export const HOST_NAME = /^(?!-)[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;

/** What each `format` accepts, and the phrase that says so. */
export const FORMATS = {
  port: {
    parse: (value: string) => (/^\d{1,5}$/.test(value) && +value >= 1 && +value <= 65535 ? value : undefined),
    expected: "a port number from 1 to 65535",
  },
  boolean: {
    parse: (value: string) => {
      const text = value.toLowerCase();
      return TRUE.has(text) ? "true" : FALSE.has(text) ? "false" : undefined;
    },
    expected: "true or false (also 1/0, yes/no)",
  },
  count: {
    parse: (value: string) => (/^\d{1,3}$/.test(value) && +value >= 1 ? String(+value) : undefined),
    expected: "a whole number from 1 to 999",
  },
  hostname: {
    parse: (value: string) => (HOST_NAME.test(value) ? value : undefined),
    expected: "a bare domain name, with no scheme or path",
  },
} as const;

/** The formats a variable's `format` can name. */
export type EnvFormat = keyof typeof FORMATS;
